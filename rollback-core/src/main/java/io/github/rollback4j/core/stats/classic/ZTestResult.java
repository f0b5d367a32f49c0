package io.github.rollback4j.core.stats.classic;

/**
 * What {@link TwoProportionZTest#test(long, long, long, long, Alternative)} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param proportion1   the first arm's proportion, 0..1
 * @param proportion2   the second arm's proportion, 0..1
 * @param difference    {@code proportion1 − proportion2}
 * @param pooled        the pooled proportion under the null
 * @param standardError the pooled standard error of the difference
 * @param z             the statistic
 * @param pValue        the p-value for {@code alternative}, 0..1
 * @param alternative   the alternative hypothesis
 */
public record ZTestResult(double proportion1, double proportion2, double difference, double pooled, double standardError,
                          double z, double pValue, Alternative alternative) {

    /**
     * @param alpha a significance level, strictly between 0 and 1
     * @return whether {@code pValue <= alpha}
     */
    public boolean significant(double alpha) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("ZTestResult.significant: alpha must be strictly between 0.0 and 1.0, but was "
                    + alpha);
        }
        return pValue <= alpha;
    }
}
