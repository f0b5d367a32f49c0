package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.ValueSnapshot;

import java.util.Objects;

/**
 * The normalised Wasserstein-1 (earth mover's) distance of a numeric field (or of the prediction score)
 * from its reference:
 * <pre>{@code   W1 = ∫ |F_current(x) − F_reference(x)| dx,      normalised = W1 / σ_reference}</pre>
 * {@code W1} is {@code scipy.stats.wasserstein_distance}; {@code σ_reference} is the reference's population
 * standard deviation ({@code ddof = 0}, {@code numpy.std}).
 *
 * <p>Why normalise, and why by the standard deviation: {@code W1} is in the field's own unit (dollars,
 * milliseconds, a score), so one threshold could not serve every field; divided by the reference's spread
 * it reads as "how many reference standard deviations the mass moved on average", the same for every
 * field. For a pure location shift by {@code δ} the distance is exactly {@code δ}, so the normalised
 * value is the shift in standard deviations, like Cohen's d. The standard deviation rather than the
 * interquartile range: the IQR is 0 for fields with a dominant value (a flag, a count that is mostly 0),
 * which would make every change infinite, and the standard deviation is what {@code W1} scales with for
 * every distribution shape (both are linear in the unit). A reference whose standard deviation is 0 (a
 * constant) gives 0 when nothing moved and +Infinity otherwise.
 *
 * <p>Levels: warn at 0.3, act at 0.5 by default ({@link DriftThresholds#WASSERSTEIN_DEFAULT}), the normal
 * location shifts at which PSI over deciles reaches its 0.1 and 0.25.
 *
 * <p>Histograms ({@link ValueSnapshot}, {@link ReferenceProfile}) are their bucket representatives with
 * their counts (each within the layout's relative accuracy of the values it stands for, 2 % by default,
 * so {@code W1} is within about 2 % of the mean magnitude of the exact one).
 *
 * <p>Stateless and thread-safe. Cost: {@code O(distinct values)} after sorting samples.
 */
public final class Wasserstein {

    private Wasserstein() {
    }

    /**
     * @param reference the reference values, finite
     * @param current   the current values, finite
     * @return the distance, with {@link DriftThresholds#WASSERSTEIN_DEFAULT}
     * @throws IllegalArgumentException if a value is not finite, naming it
     */
    public static WassersteinResult compute(double[] reference, double[] current) {
        return compute(reference, current, DriftThresholds.WASSERSTEIN_DEFAULT);
    }

    /**
     * @param reference  the reference values, finite
     * @param current    the current values, finite
     * @param thresholds thresholds on the normalised distance
     * @return the distance; NaN and {@link DriftLevel#INCONCLUSIVE} when either is empty
     * @throws IllegalArgumentException if a value is not finite, naming it
     */
    public static WassersteinResult compute(double[] reference, double[] current, DriftThresholds thresholds) {
        return compute(WeightedValues.ofSamples(reference, "Wasserstein.compute", "reference"),
                WeightedValues.ofSamples(current, "Wasserstein.compute", "current"), thresholds);
    }

    /**
     * @param reference the reference histogram
     * @param current   the current histogram
     * @return the distance, with {@link DriftThresholds#WASSERSTEIN_DEFAULT}
     */
    public static WassersteinResult compute(ValueSnapshot reference, ValueSnapshot current) {
        return compute(reference, current, DriftThresholds.WASSERSTEIN_DEFAULT);
    }

    /**
     * @param reference  the reference histogram
     * @param current    the current histogram
     * @param thresholds thresholds on the normalised distance
     * @return the distance; NaN and {@link DriftLevel#INCONCLUSIVE} when either is empty
     */
    public static WassersteinResult compute(ValueSnapshot reference, ValueSnapshot current, DriftThresholds thresholds) {
        return compute(WeightedValues.ofSnapshot(reference, "Wasserstein.compute", "reference"),
                WeightedValues.ofSnapshot(current, "Wasserstein.compute", "current"), thresholds);
    }

    /**
     * @param reference a numeric reference profile
     * @param current   the current histogram
     * @return the distance, with {@link DriftThresholds#WASSERSTEIN_DEFAULT}
     * @throws IllegalArgumentException if the profile is categorical
     */
    public static WassersteinResult compute(ReferenceProfile reference, ValueSnapshot current) {
        return compute(reference, current, DriftThresholds.WASSERSTEIN_DEFAULT);
    }

    /**
     * @param reference  a numeric reference profile
     * @param current    the current histogram
     * @param thresholds thresholds on the normalised distance
     * @return the distance; NaN and {@link DriftLevel#INCONCLUSIVE} when either is empty
     * @throws IllegalArgumentException if the profile is categorical
     */
    public static WassersteinResult compute(ReferenceProfile reference, ValueSnapshot current, DriftThresholds thresholds) {
        return compute(Psi.numericProfile(reference, "Wasserstein.compute"),
                WeightedValues.ofSnapshot(current, "Wasserstein.compute", "current"), thresholds);
    }

    private static WassersteinResult compute(WeightedValues reference, WeightedValues current, DriftThresholds thresholds) {
        Objects.requireNonNull(thresholds, "Wasserstein.compute: thresholds must not be null");
        if (reference.isEmpty() || current.isEmpty()) {
            return new WassersteinResult(Double.NaN, reference.isEmpty() ? Double.NaN : reference.standardDeviation(),
                    Double.NaN, reference.total, current.total, DriftLevel.INCONCLUSIVE);
        }
        double distance = WeightedValues.wasserstein1(reference, current);
        double scale = reference.standardDeviation();
        double normalized = scale > 0.0 ? distance / scale : distance == 0.0 ? 0.0 : Double.POSITIVE_INFINITY;
        return new WassersteinResult(distance, scale, normalized, reference.total, current.total, thresholds.level(normalized));
    }
}
