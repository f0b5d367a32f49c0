package io.github.rollback4j.core.stats.classic;

import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.special.Erf;

/**
 * Tail probabilities with full relative precision far into the tails (Commons Math's
 * {@code NormalDistribution.cumulativeProbability} is {@code 0.5·(1 + erf)}, which loses the relative
 * precision of tiny tails; {@code erfc} and the t distribution's regularized incomplete beta keep it).
 */
final class Tails {

    private static final double SQRT2 = Math.sqrt(2.0);

    private Tails() {
    }

    /** @return P(Z &gt; z) for a standard normal Z; 1 at -Infinity, 0 at +Infinity, NaN for NaN */
    static double normalSurvival(double z) {
        return 0.5 * Erf.erfc(z / SQRT2);
    }

    /** @return the p-value of a standard normal statistic for the alternative, in 0..1 */
    static double normalPValue(double z, Alternative alternative) {
        switch (alternative) {
            case GREATER:
                return normalSurvival(z);
            case LESS:
                return normalSurvival(-z);
            default:
                return Math.min(1.0, 2.0 * normalSurvival(Math.abs(z)));
        }
    }

    /** @return the p-value of a t statistic with {@code df} degrees of freedom for the alternative, in 0..1 */
    static double tPValue(double t, double df, Alternative alternative) {
        TDistribution distribution = new TDistribution(null, df);
        switch (alternative) {
            case GREATER:
                return distribution.cumulativeProbability(-t);
            case LESS:
                return distribution.cumulativeProbability(t);
            default:
                return Math.min(1.0, 2.0 * distribution.cumulativeProbability(-Math.abs(t)));
        }
    }
}
