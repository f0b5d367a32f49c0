/**
 * Classic fixed-horizon statistics for the guardrail triggers and reports: the pooled two-proportion
 * z-test ({@link io.github.rollback4j.core.stats.classic.TwoProportionZTest}), Welch's t-test
 * ({@link io.github.rollback4j.core.stats.classic.WelchTTest}, Commons Math), the Mann-Whitney U test with
 * tie and continuity corrections ({@link io.github.rollback4j.core.stats.classic.MannWhitneyTest}; Commons
 * Math's has no tie correction) and the relative latency quantile comparison that is only decided with
 * enough tail samples ({@link io.github.rollback4j.core.stats.classic.QuantileComparison}). Looking at a
 * fixed-horizon test every tick inflates its false-positive rate; the continuously monitored triggers use
 * the sequential tests. Every result is an immutable record, every method pure and thread-safe. Reference
 * values: {@code docs/statistics.md}.
 */
package io.github.rollback4j.core.stats.classic;
