package io.github.rollback4j.core.stats;

/**
 * What a KPI's observations are, which decides how {@link SequentialKpiTest} estimates each arm's variance.
 */
public enum KpiKind {

    /**
     * A rate of 0/1 outcomes: clicks, conversions, acceptances, reported as 0 or 1 each. The statistics must
     * be consistent with 0/1 values ({@code 0 ≤ sum ≤ count}, {@code sumOfSquares == sum}). Each arm's
     * variance is the Bernoulli variance at the rates that are closest to the data under the null boundary
     * (a score-type variance; for a zero threshold this is the pooled rate of the classic two-proportion
     * z-test), so an arm that has seen no conversion yet does not get a zero variance.
     */
    PROPORTION,

    /**
     * A mean of arbitrary real values: revenue, basket size, a score. Each arm's variance is its unbiased sample
     * variance, the candidate's floored at the baseline's (see {@link SequentialKpiTest}).
     */
    MEAN
}
