package io.github.rollback4j.core.shadow;

/**
 * The result of comparing a primary output with a shadow output: match or mismatch, with an optional
 * distance (how far apart the two outputs are, in the comparator's own unit; {@code NaN} when the
 * comparator gives none). A negative distance throws {@link IllegalArgumentException}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param match {@code true} when the shadow output counts as the same as the primary output
 * @param distance a distance {@code >= 0}, or {@code NaN} when there is none
 */
public record ShadowComparison(boolean match, double distance) {

    private static final ShadowComparison MATCH = new ShadowComparison(true, Double.NaN);
    private static final ShadowComparison MISMATCH = new ShadowComparison(false, Double.NaN);

    /**
     * @param match {@code true} when the outputs count as the same
     * @param distance a distance {@code >= 0}, or {@code NaN} for none
     * @throws IllegalArgumentException when the distance is negative
     */
    public ShadowComparison {
        if (distance < 0) {
            throw new IllegalArgumentException("ShadowComparison.distance must be >= 0 or NaN, but was " + distance);
        }
    }

    /** @return a match without a distance (shared instance) */
    public static ShadowComparison matched() {
        return MATCH;
    }

    /** @return a mismatch without a distance (shared instance) */
    public static ShadowComparison mismatched() {
        return MISMATCH;
    }

    /**
     * @param match whether the outputs match
     * @return a result without a distance
     */
    public static ShadowComparison of(boolean match) {
        return match ? MATCH : MISMATCH;
    }

    /**
     * @param match whether the outputs match
     * @param distance a distance {@code >= 0}, or {@code NaN} for none
     * @return the result
     */
    public static ShadowComparison of(boolean match, double distance) {
        return new ShadowComparison(match, distance);
    }

    /** @return {@code true} when a distance is given */
    public boolean hasDistance() {
        return !Double.isNaN(distance);
    }
}
