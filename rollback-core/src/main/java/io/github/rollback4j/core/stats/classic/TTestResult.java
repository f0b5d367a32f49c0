package io.github.rollback4j.core.stats.classic;

/**
 * What {@link WelchTTest} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mean1            the first sample's mean
 * @param mean2            the second sample's mean
 * @param difference       {@code mean1 − mean2}
 * @param standardError    {@code sqrt(v1/n1 + v2/n2)}, at least 0
 * @param t                the statistic; NaN when the standard error is 0
 * @param degreesOfFreedom Welch-Satterthwaite degrees of freedom, {@code min(n1, n2) − 1 .. n1 + n2 − 2}; NaN
 *                         when the standard error is 0
 * @param pValue           the p-value for {@code alternative}, 0..1; NaN when the standard error is 0
 * @param alternative      the alternative hypothesis
 */
public record TTestResult(double mean1, double mean2, double difference, double standardError, double t,
                          double degreesOfFreedom, double pValue, Alternative alternative) {

    /**
     * @param alpha a significance level, strictly between 0 and 1
     * @return whether {@code pValue <= alpha} (false when the p-value is NaN)
     */
    public boolean significant(double alpha) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("TTestResult.significant: alpha must be strictly between 0.0 and 1.0, but was "
                    + alpha);
        }
        return pValue <= alpha;
    }
}
