package io.github.rollback4j.telemetry;

import java.util.Objects;

/**
 * The sufficient statistics of one business KPI for one release and segment over a window: enough for
 * a mean, a variance, a proportion and the sequential tests of the triggers. A proportion (click,
 * conversion) is reported as 0 or 1, a mean (revenue, acceptance score) as its value.
 *
 * <p>The record keeps <em>shifted sums</em>: the number of observations, a reference value {@code shift}
 * (the windows use the first value they see), and the sums of {@code x − shift} and of
 * {@code (x − shift)²}. The plain sums Σx and Σx² lose the variance of a KPI whose mean is large
 * against its spread (revenue in cents, latency in nanoseconds: at mean 10⁹ and standard deviation 1,
 * Σx² − (Σx)²/n cancels every significant digit). Shifted by a value near the data the sums stay small,
 * so the variance keeps its digits; and, unlike Welford's running mean, the sums of one never-reset
 * source share one shift, so the difference of two cumulative totals ({@link #minus}) is a plain
 * subtraction of small numbers rather than a reconstruction that amplifies the running mean's rounding
 * by {@code n_total / n_window}. Merging sources with different shifts ({@link #plus}) re-expresses one
 * side around the other's shift, which is exact algebra and keeps its digits while the shifts lie
 * within a few thousand standard deviations of the data. The components are the statistics themselves
 * and can be serialised and restored as they are.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kpi the KPI's name, not null
 * @param count number of observations, {@code >= 0}
 * @param shift the reference value the sums are taken around, finite; any value, best one near the data
 * @param shiftedSum {@code Σ(x − shift)}, finite; {@code 0} when {@code count == 0}
 * @param shiftedSumOfSquares {@code Σ(x − shift)²}, finite and {@code >= shiftedSum²/count} (up to
 *        rounding); {@code 0} when {@code count == 0}
 */
public record KpiStats(String kpi, long count, double shift, double shiftedSum, double shiftedSumOfSquares) {

    /**
     * Relative slack of the Cauchy–Schwarz check {@code shiftedSum² ≤ count · shiftedSumOfSquares}: rounding
     * in the sums can break the inequality by a few ulps when every value is equal; a real breach is far
     * larger than this.
     */
    private static final double ROUNDING_SLACK = 1e-9;

    /**
     * Validates the statistics.
     *
     * @throws IllegalArgumentException naming the component, its value and the allowed range, when the
     *         statistics are impossible (negative count, non-finite value, negative sum of squares, sums of
     *         an empty window, or a sum of squares below {@code shiftedSum²/count})
     * @throws NullPointerException when {@code kpi} is null
     */
    public KpiStats {
        Objects.requireNonNull(kpi, "KpiStats.kpi must not be null");
        if (count < 0) {
            throw new IllegalArgumentException("KpiStats.count of '" + kpi + "' must be >= 0, but was " + count);
        }
        if (!Double.isFinite(shift)) {
            throw new IllegalArgumentException("KpiStats.shift of '" + kpi + "' must be finite, but was " + shift);
        }
        if (!Double.isFinite(shiftedSum)) {
            throw new IllegalArgumentException("KpiStats.shiftedSum of '" + kpi + "' must be finite, but was "
                    + shiftedSum);
        }
        if (!(shiftedSumOfSquares >= 0 && shiftedSumOfSquares < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("KpiStats.shiftedSumOfSquares of '" + kpi
                    + "' must be finite and >= 0, but was " + shiftedSumOfSquares);
        }
        if (count == 0 && (shiftedSum != 0 || shiftedSumOfSquares != 0)) {
            throw new IllegalArgumentException("KpiStats of '" + kpi + "' with count 0 must have shiftedSum 0 and "
                    + "shiftedSumOfSquares 0, but had " + shiftedSum + " and " + shiftedSumOfSquares);
        }
        if (count > 0 && shiftedSum * shiftedSum > count * shiftedSumOfSquares * (1.0 + ROUNDING_SLACK)) {
            throw new IllegalArgumentException("KpiStats.shiftedSumOfSquares of '" + kpi + "' must be >= shiftedSum²/count = "
                    + shiftedSum * shiftedSum / count + " (no set of " + count + " values has a smaller one), but was "
                    + shiftedSumOfSquares);
        }
    }

    /**
     * @param kpi the KPI's name
     * @return no observations
     */
    public static KpiStats empty(String kpi) {
        return new KpiStats(kpi, 0, 0.0, 0.0, 0.0);
    }

    /**
     * The statistics of the given values, shifted by the first one.
     *
     * @param kpi the KPI's name
     * @param values the observed values, each finite
     * @return their statistics
     * @throws IllegalArgumentException when a value is not finite
     */
    public static KpiStats of(String kpi, double... values) {
        if (values.length == 0) {
            return empty(kpi);
        }
        double shift = values[0];
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("values[" + i + "] of KPI '" + kpi + "' must be finite, but was " + x);
            }
            double d = x - shift;
            s1 += d;
            s2 += d * d;
        }
        return new KpiStats(kpi, values.length, shift, s1, s2);
    }

    /**
     * A proportion KPI: {@code successes} ones and {@code count − successes} zeros.
     *
     * @param kpi the KPI's name
     * @param count number of observations, {@code >= 0}
     * @param successes number of ones, {@code 0 ≤ successes ≤ count}
     * @return their statistics (shift 0, exact)
     * @throws IllegalArgumentException when {@code successes} is outside {@code [0, count]}
     */
    public static KpiStats proportion(String kpi, long count, long successes) {
        if (successes < 0 || successes > count) {
            throw new IllegalArgumentException("successes of proportion KPI '" + kpi + "' must be between 0 and count ("
                    + count + "), but was " + successes);
        }
        return new KpiStats(kpi, count, 0.0, successes, successes);
    }

    /**
     * From the plain sums Σx and Σx² (shift 0). Only for data whose mean is not large against its spread (a
     * proportion, small scores): plain sums of large values have already lost their variance, which no
     * representation can restore.
     *
     * @param kpi the KPI's name
     * @param count number of observations, {@code >= 0}
     * @param sum Σx, finite
     * @param sumOfSquares Σx², finite and {@code >= sum²/count}
     * @return the statistics
     * @throws IllegalArgumentException as the canonical constructor, e.g. when {@code sumOfSquares < sum²/count}
     */
    public static KpiStats ofSums(String kpi, long count, double sum, double sumOfSquares) {
        return new KpiStats(kpi, count, 0.0, sum, sumOfSquares);
    }

    /** @return the mean, or {@code NaN} with no observations */
    public double mean() {
        return count == 0 ? Double.NaN : shift + shiftedSum / count;
    }

    /** @return Σx, e.g. the number of successes of a proportion */
    public double sum() {
        return shift * count + shiftedSum;
    }

    /** @return Σx²; loses digits when the shift is large against the spread, use {@link #variance()} for that */
    public double sumOfSquares() {
        return shiftedSumOfSquares + 2.0 * shift * shiftedSum + shift * shift * count;
    }

    /** @return Σ(x − mean)², {@code >= 0}; 0 with no observations */
    public double sumOfSquaredDeviations() {
        return count == 0 ? 0.0 : Math.max(0.0, shiftedSumOfSquares - shiftedSum * shiftedSum / count);
    }

    /** @return the unbiased sample variance, or {@code NaN} with fewer than two observations */
    public double variance() {
        return count < 2 ? Double.NaN : sumOfSquaredDeviations() / (count - 1);
    }

    /**
     * The same statistics around another reference value.
     *
     * @param newShift the new reference value, finite
     * @return the same observations with sums around {@code newShift}
     */
    public KpiStats withShift(double newShift) {
        if (newShift == shift) {
            return this;
        }
        if (count == 0) {
            return new KpiStats(kpi, 0, newShift, 0.0, 0.0);
        }
        double delta = shift - newShift;
        double s1 = shiftedSum + count * delta;
        // Σ(x − s')² = Σ((x − s) + Δ)²; clamped to the Cauchy–Schwarz bound that rounding may cross by an ulp.
        double s2 = shiftedSumOfSquares + 2.0 * delta * shiftedSum + count * delta * delta;
        return new KpiStats(kpi, count, newShift, s1, Math.max(s2, s1 * s1 / count));
    }

    /**
     * Merges two disjoint sets of observations (two replicas, two sub-windows). The result is around this
     * record's shift (the other's when this one is empty).
     *
     * @param other statistics of the same KPI
     * @return the statistics of both together
     * @throws IllegalArgumentException when {@code other} is of another KPI
     */
    public KpiStats plus(KpiStats other) {
        sameKpi(other);
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        KpiStats o = other.withShift(shift);
        long n = Math.addExact(count, o.count);
        double s1 = shiftedSum + o.shiftedSum;
        double s2 = shiftedSumOfSquares + o.shiftedSumOfSquares;
        return new KpiStats(kpi, n, shift, s1, Math.max(s2, s1 * s1 / n));
    }

    /**
     * What was observed after {@code earlier}: the difference of two cumulative, never-reset totals of the
     * same source. Around this record's shift; exact subtraction when both share it.
     *
     * @param earlier totals of the same KPI taken earlier from the same never-reset source
     * @return what was observed after {@code earlier}
     * @throws IllegalArgumentException when {@code earlier} is of another KPI, has more observations than this
     *         record, or a larger sum of squares than rounding explains (it is then not an earlier total of
     *         the same source)
     */
    public KpiStats minus(KpiStats earlier) {
        sameKpi(earlier);
        if (earlier.count > count) {
            throw new IllegalArgumentException("earlier totals of KPI '" + kpi + "' must have at most " + count
                    + " observations (this total's count), but had " + earlier.count);
        }
        long n = count - earlier.count;
        if (n == 0) {
            return new KpiStats(kpi, 0, shift, 0.0, 0.0);
        }
        KpiStats e = earlier.withShift(shift);
        double s1 = shiftedSum - e.shiftedSum;
        double s2 = shiftedSumOfSquares - e.shiftedSumOfSquares;
        // Rounding in the two totals is relative to their own size, not to the difference's.
        double tolerance = ROUNDING_SLACK * (shiftedSumOfSquares + e.shiftedSumOfSquares);
        double floor = s1 * s1 / n;
        if (s2 < floor - tolerance) {
            throw new IllegalArgumentException("earlier totals of KPI '" + kpi + "' are not an earlier total of the same "
                    + "source: the " + n + " observations between them would have a sum of squared deviations of "
                    + (s2 - floor));
        }
        return new KpiStats(kpi, n, shift, s1, Math.max(s2, floor));
    }

    private void sameKpi(KpiStats other) {
        Objects.requireNonNull(other, "other KpiStats must not be null");
        if (!kpi.equals(other.kpi)) {
            throw new IllegalArgumentException("KpiStats of '" + kpi + "' can only be combined with the same KPI, but got '"
                    + other.kpi + "'");
        }
    }
}
