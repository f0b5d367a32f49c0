/**
 * Statistics of errors and timeouts for the guardrail triggers: a sequential count test of the
 * candidate against the baseline conditioned on the traffic share, valid under continuous monitoring
 * ({@link io.github.rollback4j.core.stats.errors.SequentialErrorTest}); an absolute rate threshold with a
 * one-sided Wilson or Clopper-Pearson bound ({@link io.github.rollback4j.core.stats.errors.ErrorRateThreshold});
 * and a multi-window burn-rate guard against an availability SLO
 * ({@link io.github.rollback4j.core.stats.errors.BurnRateGuard}). Rates are fractions (errors per request).
 * Every result is an immutable record; the methods are pure except the sequential test's own state.
 * Reference values and figures: {@code docs/statistics.md}.
 */
package io.github.rollback4j.core.stats.errors;
