package io.github.rollback4j.core.stats.drift;

/**
 * How far a distribution drifted from its reference, against a {@link DriftThresholds}.
 */
public enum DriftLevel {
    /** Below the warn threshold. */
    NONE,
    /** At or above the warn threshold, below the act threshold. */
    WARN,
    /** At or above the act threshold. */
    ACT,
    /** The reference or the current distribution is empty: no statistic. */
    INCONCLUSIVE
}
