package io.github.rollback4j.telemetry;

/**
 * The sufficient statistics of one business KPI for one release and segment over a window: enough for
 * a mean, a variance, a proportion and the sequential tests of the triggers. A proportion (click,
 * conversion) is reported as 0 or 1, a mean (revenue, acceptance score) as its value.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kpi the KPI's name
 * @param count number of observations
 * @param sum sum of the observed values
 * @param sumOfSquares sum of the squared values
 */
public record KpiStats(String kpi, long count, double sum, double sumOfSquares) {

    /** @return the mean, or {@code NaN} with no observations */
    public double mean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    /** @return the unbiased sample variance, or {@code NaN} with fewer than two observations */
    public double variance() {
        if (count < 2) {
            return Double.NaN;
        }
        double mean = sum / count;
        return Math.max(0.0, (sumOfSquares - count * mean * mean) / (count - 1));
    }

    /**
     * @param other statistics of the same KPI
     * @return the statistics of both together
     */
    public KpiStats plus(KpiStats other) {
        return new KpiStats(kpi, count + other.count, sum + other.sum, sumOfSquares + other.sumOfSquares);
    }

    /**
     * @param earlier totals of the same KPI taken earlier from the same never-reset source
     * @return what was observed after {@code earlier}
     */
    public KpiStats minus(KpiStats earlier) {
        return new KpiStats(kpi, count - earlier.count, sum - earlier.sum, sumOfSquares - earlier.sumOfSquares);
    }
}
