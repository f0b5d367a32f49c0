package io.github.rollback4j.telemetry;

/**
 * What became of one call, as counted per release and segment.
 */
public enum Outcome {
    /** The routed release returned an output. */
    SUCCESS,
    /** The routed release threw (anything but a timeout); without a fallback the caller saw the exception. */
    MODEL_ERROR,
    /** The routed release threw a {@link java.util.concurrent.TimeoutException} (or a subclass). */
    TIMEOUT,
    /** The routed release failed or its circuit breaker was open, and the last-known-good served the call. */
    FALLBACK,
    /** A shadow call of this release was dropped because the shadow executor was full. */
    SHADOW_DROPPED;

    private static final Outcome[] VALUES = values();

    /**
     * @param ordinal an ordinal of this enum
     * @return the outcome with that ordinal
     */
    public static Outcome ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }
}
