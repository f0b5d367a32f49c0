package io.github.rollback4j.core.stats.drift;

/**
 * What {@link JensenShannon} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param distance          the Jensen-Shannon distance, base 2, 0..1; NaN when a distribution is empty
 * @param referenceCount    the reference's values (missing ones excluded), {@link Long#MAX_VALUE} when more
 * @param currentCount      the current distribution's values (missing ones excluded), {@link Long#MAX_VALUE} when more
 * @param categories        the categories of both together
 * @param unseenCategories  categories of the current distribution the reference does not have
 * @param unseenShare       the current distribution's share in those categories, 0..1
 * @param level             the level against the thresholds
 */
public record JensenShannonResult(double distance, long referenceCount, long currentCount, int categories,
                                  int unseenCategories, double unseenShare, DriftLevel level) {

    /** @return the Jensen-Shannon divergence in bits, {@code distance²}, 0..1 */
    public double divergence() {
        return distance * distance;
    }
}
