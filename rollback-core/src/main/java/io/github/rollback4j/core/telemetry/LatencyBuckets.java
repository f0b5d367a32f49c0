package io.github.rollback4j.core.telemetry;

import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;

/**
 * The bucket layout shared by {@link DDSketchLatencyEstimator} and {@link SlidingWindow}: DDSketch's
 * cubically interpolated logarithmic mapping over the trackable range, so that a window snapshot
 * is a lossless copy of its sub-windows' counts.
 *
 * <p>Bucket {@code b} (0-based, {@code 0 <= b < COUNT}) holds the DDSketch index
 * {@code b + MIN_INDEX}. Latencies outside
 * [{@link LatencyEstimator#MIN_TRACKABLE_NANOS}, {@link LatencyEstimator#MAX_TRACKABLE_NANOS}] are
 * clamped into the first or last bucket. Stateless and thread-safe.
 */
final class LatencyBuckets {

    /**
     * DDSketch's relative accuracy; 0.95 % leaves 0.05 % for rounding the representative value to a
     * whole nanosecond, so that quantiles stay within 1 % for every latency of 1 µs or more.
     */
    static final double RELATIVE_ACCURACY = 0.0095;

    /** The same mapping {@code DDSketches.unboundedDense} uses: no {@code Math.log} on the record path. */
    static final IndexMapping MAPPING = new CubicallyInterpolatedMapping(RELATIVE_ACCURACY);

    /** The DDSketch index of the first bucket. */
    static final int MIN_INDEX = MAPPING.index(LatencyEstimator.MIN_TRACKABLE_NANOS);

    /** Number of buckets covering the trackable range. */
    static final int COUNT = MAPPING.index(LatencyEstimator.MAX_TRACKABLE_NANOS) - MIN_INDEX + 1;

    private LatencyBuckets() {
    }

    /**
     * @param latencyNanos any latency; clamped to the trackable range
     * @return its bucket, {@code 0 <= b < COUNT}
     */
    static int bucketOf(long latencyNanos) {
        return MAPPING.index((double) clamp(latencyNanos)) - MIN_INDEX;
    }

    /**
     * @param bucket a bucket, {@code 0 <= bucket < COUNT}
     * @return the value that represents every latency in the bucket, in nanoseconds: within
     *     {@link #RELATIVE_ACCURACY} of each of them before rounding
     */
    static long valueOf(int bucket) {
        return Math.round(MAPPING.value(bucket + MIN_INDEX));
    }

    /**
     * @param latencyNanos any latency
     * @return the latency clamped to the trackable range
     */
    static long clamp(long latencyNanos) {
        return Math.min(Math.max(latencyNanos, LatencyEstimator.MIN_TRACKABLE_NANOS), LatencyEstimator.MAX_TRACKABLE_NANOS);
    }
}
