package io.github.rollback4j.core.stats.drift;

/**
 * The warn and act thresholds of a drift statistic: a value at or above {@code act} is {@link DriftLevel#ACT},
 * at or above {@code warn} {@link DriftLevel#WARN}, below it {@link DriftLevel#NONE}.
 *
 * <p>Defaults: PSI 0.1 / 0.25 (the usual credit-scoring rule of thumb). The Wasserstein and
 * Jensen-Shannon defaults are calibrated to fire at about the same drift as PSI's: for a normal
 * location shift of {@code δ} standard deviations the normalised Wasserstein distance is {@code δ}, and
 * PSI (10 deciles) reaches 0.1 at {@code δ = 0.32} and 0.25 at {@code δ = 0.51}, hence 0.3 / 0.5; for
 * small changes of a categorical distribution the Jensen-Shannon distance (base 2) is about
 * {@code sqrt(PSI / (8 ln 2))}, hence 0.13 / 0.21. See {@code docs/statistics.md}.
 *
 * <p>The constructor refuses bad components with an {@code IllegalArgumentException} naming the
 * component, its value and its allowed range.
 *
 * <p>Immutable and thread-safe.
 *
 * @param warn the warn threshold, finite and at least 0
 * @param act  the act threshold, finite and at least {@code warn}
 */
public record DriftThresholds(double warn, double act) {

    /** PSI: warn at 0.1, act at 0.25. */
    public static final DriftThresholds PSI_DEFAULT = new DriftThresholds(0.1, 0.25);
    /** Jensen-Shannon distance (base 2, 0..1): warn at 0.13, act at 0.21. */
    public static final DriftThresholds JENSEN_SHANNON_DEFAULT = new DriftThresholds(0.13, 0.21);
    /** Wasserstein-1 distance in reference standard deviations: warn at 0.3, act at 0.5. */
    public static final DriftThresholds WASSERSTEIN_DEFAULT = new DriftThresholds(0.3, 0.5);

    /**
     * Validates every component.
     *
     * @param warn the warn threshold, finite and at least 0
     * @param act  the act threshold, finite and at least {@code warn}
     * @throws IllegalArgumentException naming the component, its value and its allowed range
     */
    public DriftThresholds {
        if (!(warn >= 0.0 && warn < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("DriftThresholds: warn must be finite and at least 0.0, but was " + warn);
        }
        if (!(act >= warn && act < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("DriftThresholds: act must be finite and at least warn (" + warn + "), but was "
                    + act);
        }
    }

    /**
     * @param value a statistic, NaN when undefined
     * @return its level; {@link DriftLevel#INCONCLUSIVE} for NaN
     */
    public DriftLevel level(double value) {
        if (Double.isNaN(value)) {
            return DriftLevel.INCONCLUSIVE;
        }
        return value >= act ? DriftLevel.ACT : value >= warn ? DriftLevel.WARN : DriftLevel.NONE;
    }
}
