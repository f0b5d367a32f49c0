package io.github.rollback4j;

/**
 * Where a release is on its way to serving traffic. Only {@link #READY} releases receive traffic;
 * the buckets of a release in any other state are served by the last-known-good.
 */
public enum ReleaseState {
    /** Loaded but not warmed: receives no traffic. */
    COLD,
    /** Warm-up calls are running: receives no traffic. */
    WARMING,
    /** Warmed and passing its health probe: may receive traffic. */
    READY,
    /** Failed warm-up, or failed its health probe the configured number of times in a row: receives no traffic. */
    UNHEALTHY
}
