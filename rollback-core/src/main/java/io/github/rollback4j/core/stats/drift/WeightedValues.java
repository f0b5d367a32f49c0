package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.ValueSnapshot;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A distribution as distinct values, strictly ascending, each with a positive count: what every numeric
 * drift statistic works on. A histogram becomes its bucket representatives with their counts.
 */
final class WeightedValues {

    final double[] values;
    final long[] counts;
    final long total;

    private WeightedValues(double[] values, long[] counts, long total) {
        this.values = values;
        this.counts = counts;
        this.total = total;
    }

    static WeightedValues ofSamples(double[] samples, String method, String name) {
        Objects.requireNonNull(samples, method + ": " + name + " must not be null");
        for (int i = 0; i < samples.length; i++) {
            if (!Double.isFinite(samples[i])) {
                throw new IllegalArgumentException(method + ": " + name + "[" + i + "] must be finite, but was " + samples[i]);
            }
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        double[] values = new double[sorted.length];
        long[] counts = new long[sorted.length];
        int distinct = 0;
        for (int i = 0; i < sorted.length; ) {
            int j = i + 1;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            values[distinct] = sorted[i] == 0.0 ? 0.0 : sorted[i];
            counts[distinct] = j - i;
            distinct++;
            i = j;
        }
        return new WeightedValues(Arrays.copyOf(values, distinct), Arrays.copyOf(counts, distinct), sorted.length);
    }

    static WeightedValues ofSnapshot(ValueSnapshot snapshot, String method, String name) {
        Objects.requireNonNull(snapshot, method + ": " + name + " must not be null");
        long[] bucketCounts = snapshot.bucketCounts();
        int nonZero = 0;
        for (long c : bucketCounts) {
            if (c != 0) {
                nonZero++;
            }
        }
        double[] values = new double[nonZero];
        long[] counts = new long[nonZero];
        long total = 0;
        int k = 0;
        for (int b = 0; b < bucketCounts.length; b++) {
            if (bucketCounts[b] != 0) {
                values[k] = snapshot.buckets().representative(b);
                counts[k] = bucketCounts[b];
                total += bucketCounts[b];
                k++;
            }
        }
        return new WeightedValues(values, counts, total);
    }

    static WeightedValues ofProfile(ReferenceProfile profile) {
        List<Double> v = profile.values();
        List<Long> c = profile.counts();
        double[] values = new double[v.size()];
        long[] counts = new long[c.size()];
        long total = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] = v.get(i);
            counts[i] = c.get(i);
            total += counts[i];
        }
        return new WeightedValues(values, counts, total);
    }

    boolean isEmpty() {
        return total == 0;
    }

    /** @return the value at 1-based rank {@code rank} of the sorted values, {@code 1 <= rank <= total} */
    double atRank(long rank) {
        long cumulative = 0;
        for (int k = 0; k < values.length; k++) {
            cumulative += counts[k];
            if (cumulative >= rank) {
                return values[k];
            }
        }
        throw new AssertionError("rank " + rank + " beyond " + total);
    }

    /**
     * The lower nearest-rank {@code j/bins}-quantiles, {@code j = 1..bins−1}: the values at ranks
     * {@code ceil(j·total/bins)} computed in exact integer arithmetic; duplicates removed.
     */
    double[] quantileEdges(int bins) {
        double[] edges = new double[bins - 1];
        int distinct = 0;
        long quotient = total / bins;
        long remainder = total % bins;
        for (int j = 1; j < bins; j++) {
            long rank = j * quotient + (j * remainder + bins - 1) / bins;
            double edge = atRank(Math.max(1, rank));
            if (distinct == 0 || edge > edges[distinct - 1]) {
                edges[distinct++] = edge;
            }
        }
        return Arrays.copyOf(edges, distinct);
    }

    /** @return counts per bin {@code (−∞, e1], (e1, e2], …, (e_last, +∞)} */
    long[] binCounts(double[] edges) {
        long[] bins = new long[edges.length + 1];
        int bin = 0;
        for (int k = 0; k < values.length; k++) {
            while (bin < edges.length && values[k] > edges[bin]) {
                bin++;
            }
            bins[bin] += counts[k];
        }
        return bins;
    }

    double mean() {
        double sum = 0.0;
        for (int k = 0; k < values.length; k++) {
            sum += counts[k] * values[k];
        }
        return sum / total;
    }

    /** @return the population standard deviation ({@code ddof = 0}), two-pass */
    double standardDeviation() {
        double mean = mean();
        double sum = 0.0;
        for (int k = 0; k < values.length; k++) {
            double d = values[k] - mean;
            sum += counts[k] * d * d;
        }
        return Math.sqrt(sum / total);
    }

    /** @return the Wasserstein-1 distance {@code ∫|F − G|} between the two distributions (both non-empty) */
    static double wasserstein1(WeightedValues u, WeightedValues v) {
        int i = 0;
        int j = 0;
        long cu = 0;
        long cv = 0;
        double distance = 0.0;
        double previous = Math.min(u.values[0], v.values[0]);
        double tu = u.total;
        double tv = v.total;
        while (i < u.values.length || j < v.values.length) {
            double next = i < u.values.length && (j >= v.values.length || u.values[i] <= v.values[j]) ? u.values[i] : v.values[j];
            distance += Math.abs(cu / tu - cv / tv) * (next - previous);
            while (i < u.values.length && u.values[i] == next) {
                cu += u.counts[i++];
            }
            while (j < v.values.length && v.values[j] == next) {
                cv += v.counts[j++];
            }
            previous = next;
        }
        return distance;
    }
}
