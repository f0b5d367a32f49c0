package io.github.rollback4j.core.stats;

/**
 * The outcome of a one-sided fixed-horizon test ({@link FixedHorizonKpiTests}). Valid for one look planned in
 * advance only; repeated on every look its false-positive rate grows far beyond its level.
 *
 * <p>Immutable and thread-safe.
 *
 * @param statistic the z or t statistic of the contrast against its null value (negative: a drop)
 * @param degreesOfFreedom the t distribution's degrees of freedom; {@code +∞} for a z-test
 * @param pValue the one-sided (lower-tail) p-value, in {@code [0, 1]}; NaN when the test is undefined (an arm with
 *               fewer than 2 observations or a zero variance)
 */
public record FixedHorizonResult(double statistic, double degreesOfFreedom, double pValue) {

    /**
     * @param alpha the significance level, in {@code (0, 0.5]}
     * @return whether {@code pValue ≤ alpha} (false for NaN)
     * @throws IllegalArgumentException if alpha is outside {@code (0, 0.5]}
     */
    public boolean rejectedAt(double alpha) {
        if (!(alpha > 0 && alpha <= KpiTestConfig.MAX_ALPHA)) {
            throw new IllegalArgumentException("alpha must be in (0, 0.5], but was " + alpha);
        }
        return pValue <= alpha;
    }
}
