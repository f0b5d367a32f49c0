package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.Distribution;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * An immutable {@link Distribution} of latencies, in nanoseconds, copied from a
 * {@link LatencyEstimator.Kind#DDSKETCH} estimator: what {@link SlidingWindow#snapshot(long, int)} returns,
 * turned into the API's read-only view, and the way to add such snapshots together (the windows of one
 * release in every segment, for totals).
 *
 * <h2>Semantics</h2>
 * The distribution is exactly the estimator's bucket counts, each latency replaced by its bucket's
 * representative (whole nanoseconds, within 0.95 % of every latency of the bucket, {@link LatencyBuckets}):
 * <ul>
 *   <li>{@link #quantile(double)} equals the estimator's {@link LatencyEstimator#quantile(double)}, as a
 *   double: the lower nearest-rank quantile, within 1 % of the exact one for latencies of 1 µs or more;</li>
 *   <li>{@link #fractionAtOrBelow(double) fractionAtOrBelow(v)} is the fraction of latencies whose
 *   representative is at or below {@code v} nanoseconds: between the exact fractions at or below about
 *   {@code v / 1.0095} and {@code v / 0.9905}; {@code fractionAtOrBelow(quantile(q)) >= q};</li>
 *   <li>{@link #mean()} is the mean of the representatives, within 0.95 % of the exact mean (latencies
 *   clamped to 100 ns..1 h, like every estimator).</li>
 * </ul>
 *
 * <p>Memory: 10,408 bytes (1,293 counts of 8 bytes and headers; measured at 10,406), about what the
 * estimator it copies takes.
 *
 * <p>Immutable and thread-safe.
 */
public final class LatencyDistribution implements Distribution {

    private static final long[] REPRESENTATIVES = new long[LatencyBuckets.COUNT];

    static {
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            REPRESENTATIVES[b] = LatencyBuckets.valueOf(b);
        }
    }

    private static final LatencyDistribution EMPTY = new LatencyDistribution(new long[LatencyBuckets.COUNT]);

    private final long[] counts;
    private final long count;
    private final double mean;

    private LatencyDistribution(long[] counts) {
        this.counts = counts;
        long total = 0;
        double sum = 0;
        for (int b = 0; b < counts.length; b++) {
            long c = counts[b];
            if (c != 0) {
                total += c;
                sum += (double) c * REPRESENTATIVES[b];
            }
        }
        this.count = total;
        this.mean = total == 0 ? Double.NaN : sum / total;
    }

    /** @return an empty distribution */
    public static LatencyDistribution empty() {
        return EMPTY;
    }

    /**
     * Copies an estimator's counts: later records into the estimator do not change the result.
     *
     * @param estimator a {@link LatencyEstimator.Kind#DDSKETCH} estimator, such as a {@link SlidingWindow} snapshot
     * @return its distribution
     * @throws IllegalArgumentException if the estimator is of another kind
     */
    public static LatencyDistribution of(LatencyEstimator estimator) {
        long[] counts = new long[LatencyBuckets.COUNT];
        addCounts(estimator, counts, "LatencyDistribution.of(estimator)");
        return new LatencyDistribution(counts);
    }

    /**
     * The distribution of every latency of several estimators, for example the latency windows of one
     * release in every segment.
     *
     * @param estimators {@link LatencyEstimator.Kind#DDSKETCH} estimators, possibly none
     * @return the distribution of all their latencies together
     * @throws IllegalArgumentException if an estimator is of another kind
     */
    public static LatencyDistribution ofAll(Collection<? extends LatencyEstimator> estimators) {
        Objects.requireNonNull(estimators, "LatencyDistribution.ofAll(estimators) needs a collection, but was null");
        long[] counts = new long[LatencyBuckets.COUNT];
        for (LatencyEstimator estimator : estimators) {
            addCounts(estimator, counts, "LatencyDistribution.ofAll(estimators)");
        }
        return new LatencyDistribution(counts);
    }

    /**
     * Adds two {@link SlidingWindow} snapshots (or any two DDSketch estimators) into a new estimator;
     * neither argument changes. The same as {@code LatencyEstimator.create()} followed by
     * {@link LatencyEstimator#merge(LatencyEstimator)} of each.
     *
     * @param a a {@link LatencyEstimator.Kind#DDSKETCH} estimator
     * @param b another
     * @return a new {@link LatencyEstimator.Kind#DDSKETCH} estimator holding the latencies of both, serializable
     *     with {@link LatencyEstimator#toBytes()}
     * @throws IllegalArgumentException if an estimator is of another kind
     */
    public static LatencyEstimator merged(LatencyEstimator a, LatencyEstimator b) {
        requireDDSketch(a, "LatencyDistribution.merged(a, b)");
        requireDDSketch(b, "LatencyDistribution.merged(a, b)");
        LatencyEstimator result = LatencyEstimator.ddSketch();
        result.merge(a);
        result.merge(b);
        return result;
    }

    /**
     * @param other another latency distribution
     * @return a new distribution holding the latencies of both
     */
    public LatencyDistribution merge(LatencyDistribution other) {
        Objects.requireNonNull(other, "LatencyDistribution.merge(other) needs a distribution, but was null");
        long[] sum = counts.clone();
        for (int b = 0; b < sum.length; b++) {
            sum[b] += other.counts[b];
        }
        return new LatencyDistribution(sum);
    }

    /**
     * @return a new {@link LatencyEstimator.Kind#DDSKETCH} estimator with these counts, for example to
     *     serialize them with {@link LatencyEstimator#toBytes()}
     */
    public LatencyEstimator toEstimator() {
        DDSketchLatencyEstimator estimator = new DDSketchLatencyEstimator();
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] != 0) {
                estimator.addToBucket(b, counts[b]);
            }
        }
        return estimator;
    }

    /** @return the number of latencies */
    @Override
    public long count() {
        return count;
    }

    /**
     * @param q the quantile, 0.0..1.0 (0.99 for P99)
     * @return the lower nearest-rank quantile in nanoseconds, equal to the copied estimator's, or NaN when empty
     * @throws IllegalArgumentException if {@code q} is outside 0.0..1.0 or NaN
     */
    @Override
    public double quantile(double q) {
        Ranks.requireValidQuantile(q, "LatencyDistribution.quantile(q)");
        if (count == 0) {
            return Double.NaN;
        }
        int b = Ranks.bucketAtRank(counts, Ranks.nearestRank(q, count));
        return REPRESENTATIVES[b];
    }

    /**
     * @param nanos a latency in nanoseconds
     * @return the fraction of latencies whose representative is at or below it, 0.0..1.0, or NaN when empty
     *     or when {@code nanos} is NaN
     */
    @Override
    public double fractionAtOrBelow(double nanos) {
        if (count == 0 || Double.isNaN(nanos)) {
            return Double.NaN;
        }
        long atOrBelow = 0;
        for (int b = 0; b < counts.length && REPRESENTATIVES[b] <= nanos; b++) {
            atOrBelow += counts[b];
        }
        return (double) atOrBelow / count;
    }

    /** @return the mean latency in nanoseconds, or NaN when empty */
    @Override
    public double mean() {
        return mean;
    }

    /** @return the bound on the relative error of a bucket's representative: 0.0095 */
    public double relativeAccuracy() {
        return LatencyBuckets.RELATIVE_ACCURACY;
    }

    private static void addCounts(LatencyEstimator estimator, long[] into, String method) {
        requireDDSketch(estimator, method);
        DDSketchLatencyEstimator sketch = (DDSketchLatencyEstimator) estimator;
        for (int b = 0; b < into.length; b++) {
            into[b] += sketch.bucketCount(b);
        }
    }

    private static void requireDDSketch(LatencyEstimator estimator, String method) {
        Objects.requireNonNull(estimator, method + " needs an estimator, but was null");
        if (!(estimator instanceof DDSketchLatencyEstimator)) {
            throw new IllegalArgumentException(method + " needs a DDSKETCH estimator (what SlidingWindow.snapshot returns),"
                    + " but was " + estimator.kind());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyDistribution && Arrays.equals(counts, ((LatencyDistribution) o).counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "LatencyDistribution{count=0}";
        }
        return "LatencyDistribution{count=" + count + ", p50=" + quantile(0.5) + " ns, p99=" + quantile(0.99) + " ns, mean="
                + mean + " ns}";
    }
}
