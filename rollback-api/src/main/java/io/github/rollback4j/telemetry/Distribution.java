package io.github.rollback4j.telemetry;

/**
 * A read-only view of a distribution of values over a window: latencies (in nanoseconds),
 * prediction scores or a numeric input field (in the value's own unit).
 *
 * <p>Quantiles are lower nearest-rank estimates (of {@code n} values sorted ascending, the one at
 * 1-based rank {@code max(1, ceil(q·n))}) within the estimator's relative accuracy (1 % for
 * latencies). Immutable snapshot; thread-safe.
 */
public interface Distribution {

    /** An empty distribution. */
    Distribution EMPTY = new Distribution() {
        @Override
        public long count() {
            return 0;
        }

        @Override
        public double quantile(double q) {
            return Double.NaN;
        }

        @Override
        public double fractionAtOrBelow(double value) {
            return Double.NaN;
        }

        @Override
        public double mean() {
            return Double.NaN;
        }
    };

    /** @return the number of values */
    long count();

    /**
     * @param q the quantile, 0.0..1.0 (0.95 for P95)
     * @return the estimated quantile, or {@code NaN} when the distribution is empty
     * @throws IllegalArgumentException if {@code q} is outside 0.0..1.0
     */
    double quantile(double q);

    /**
     * @param value a value
     * @return the estimated fraction of values at or below it, 0.0..1.0, or {@code NaN} when empty
     */
    double fractionAtOrBelow(double value);

    /** @return the estimated mean, or {@code NaN} when empty */
    double mean();
}
