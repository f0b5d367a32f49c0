package io.github.rollback4j.core.stats.classic;

/**
 * What {@link MannWhitneyTest} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param n1                 the first sample's size
 * @param n2                 the second sample's size
 * @param u1                 the U statistic of the first sample, 0..n1·n2 (scipy's {@code statistic})
 * @param u2                 the U statistic of the second sample, {@code n1·n2 − u1}
 * @param meanU              {@code n1·n2 / 2}, U's mean under the null
 * @param standardDeviationU U's tie-corrected standard deviation under the null, at least 0
 * @param tieTerm            {@code Σ(t³ − t)} over the groups of tied values, 0 without ties
 * @param z                  the standardized statistic of the alternative's U (continuity-corrected when
 *                           asked); NaN when every value is tied
 * @param pValue             the p-value for {@code alternative}, 0..1
 * @param alternative        the alternative hypothesis
 */
public record MannWhitneyResult(int n1, int n2, double u1, double u2, double meanU, double standardDeviationU,
                                double tieTerm, double z, double pValue, Alternative alternative) {

    /**
     * @return the common-language effect size {@code u1 / (n1·n2)}: the probability that a value of the
     *     first sample is greater than one of the second, ties counting half; 0.5 without a shift
     */
    public double probabilityOfSuperiority() {
        return u1 / ((double) n1 * n2);
    }

    /**
     * @param alpha a significance level, strictly between 0 and 1
     * @return whether {@code pValue <= alpha}
     */
    public boolean significant(double alpha) {
        if (!(alpha > 0.0 && alpha < 1.0)) {
            throw new IllegalArgumentException("MannWhitneyResult.significant: alpha must be strictly between 0.0 and 1.0,"
                    + " but was " + alpha);
        }
        return pValue <= alpha;
    }
}
