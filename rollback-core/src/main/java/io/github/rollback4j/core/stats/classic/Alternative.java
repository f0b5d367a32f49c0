package io.github.rollback4j.core.stats.classic;

/**
 * The alternative hypothesis of a classic test, always about the first sample (the candidate) against
 * the second (the baseline).
 */
public enum Alternative {
    /** The first differs from the second, in either direction. */
    TWO_SIDED,
    /** The first is greater (higher proportion, higher mean, stochastically greater). */
    GREATER,
    /** The first is less. */
    LESS
}
