package io.github.rollback4j.core.stats.drift;

/**
 * What {@link Wasserstein} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param distance                   the Wasserstein-1 distance, in the field's unit, at least 0; NaN when a
 *                                   distribution is empty
 * @param referenceStandardDeviation the reference's population standard deviation, the normalisation scale
 * @param normalizedDistance         {@code distance / referenceStandardDeviation}: unitless, in reference
 *                                   standard deviations; 0 when both are 0, +Infinity when only the scale is
 *                                   0 (a constant reference that moved); NaN when a distribution is empty
 * @param referenceCount             the reference's values
 * @param currentCount               the current distribution's values
 * @param level                      the level of {@code normalizedDistance} against the thresholds
 */
public record WassersteinResult(double distance, double referenceStandardDeviation, double normalizedDistance,
                                long referenceCount, long currentCount, DriftLevel level) {
}
