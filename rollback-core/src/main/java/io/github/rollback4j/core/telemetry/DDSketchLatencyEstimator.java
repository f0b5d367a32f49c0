package io.github.rollback4j.core.telemetry;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The default {@link LatencyEstimator}: DDSketch's bucket layout ({@link LatencyBuckets}: cubically
 * interpolated logarithmic mapping, relative accuracy 0.95 %, 100 ns..1 h in 1,293 buckets) over a
 * fixed, dense {@link AtomicLongArray} of counts.
 *
 * <p>Why not a {@code com.datadoghq.sketch.ddsketch.DDSketch} itself: its stores are not thread-safe,
 * and guarding one with a lock would put a lock on the request path. Instead the record path computes
 * the bucket with DDSketch's own {@code IndexMapping} (a pure function) and increments one array
 * element with a single atomic fetch-and-add: wait-free on CPUs with such an instruction (x86-64,
 * ARMv8.1+), lock-free elsewhere, no allocation, no shared total counter to contend on (the count is
 * the sum of the buckets). DDSketch proper is used off the request path, to serialize in its standard
 * binary encoding. Memory is fixed at creation: 8 bytes per bucket plus headers, 10,392 bytes.
 *
 * <p>Thread-safe. Readers walk the array without locks; each bucket is read atomically, so a record
 * racing with a read is either counted or not.
 */
final class DDSketchLatencyEstimator implements LatencyEstimator {

    /** Object header + reference, AtomicLongArray header + reference, long[] header. */
    private static final long FIXED_OVERHEAD_BYTES = 16 + 16 + 16;

    private final AtomicLongArray counts = new AtomicLongArray(LatencyBuckets.COUNT);

    @Override
    public Kind kind() {
        return Kind.DDSKETCH;
    }

    @Override
    public void record(long latencyNanos) {
        counts.getAndIncrement(LatencyBuckets.bucketOf(latencyNanos));
    }

    @Override
    public long quantile(double q) {
        Ranks.requireValidQuantile(q);
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = Ranks.nearestRank(q, total);
        long cumulative = 0;
        int lastNonEmpty = -1;
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            long c = counts.get(b);
            if (c != 0) {
                lastNonEmpty = b;
                cumulative += c;
                if (cumulative >= rank) {
                    return LatencyBuckets.valueOf(b);
                }
            }
        }
        // Only reachable when a concurrent reset emptied buckets between the two passes.
        return lastNonEmpty < 0 ? 0 : LatencyBuckets.valueOf(lastNonEmpty);
    }

    @Override
    public long count() {
        long total = 0;
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            total += counts.get(b);
        }
        return total;
    }

    @Override
    public double relativeAccuracy() {
        return LatencyBuckets.RELATIVE_ACCURACY;
    }

    @Override
    public void merge(LatencyEstimator other) {
        if (!(other instanceof DDSketchLatencyEstimator)) {
            throw new IllegalArgumentException("cannot merge a " + other.kind() + " estimator into a " + kind()
                    + " estimator: create both with the same LatencyEstimator factory");
        }
        AtomicLongArray from = ((DDSketchLatencyEstimator) other).counts;
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            long c = from.get(b);
            if (c != 0) {
                counts.getAndAdd(b, c);
            }
        }
    }

    @Override
    public void reset() {
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            counts.set(b, 0);
        }
    }

    @Override
    public byte[] toBytes() {
        return EstimatorCodec.encode(this);
    }

    @Override
    public long estimatedFootprintBytes() {
        return FIXED_OVERHEAD_BYTES + 8L * LatencyBuckets.COUNT;
    }

    /**
     * @param bucket a bucket of {@link LatencyBuckets}
     * @return its count
     */
    long bucketCount(int bucket) {
        return counts.get(bucket);
    }

    /**
     * Adds counts to one bucket (window snapshots and deserialization).
     *
     * @param bucket a bucket of {@link LatencyBuckets}
     * @param count  how many latencies to add, at least 0
     */
    void addToBucket(int bucket, long count) {
        counts.getAndAdd(bucket, count);
    }

    @Override
    public String toString() {
        return "DDSketchLatencyEstimator{count=" + count() + "}";
    }
}
