/**
 * Statistics that KPI triggers decide with. {@link io.github.rollback4j.core.stats.SequentialKpiTest} is an
 * always-valid one-sided sequential test (normal-mixture SPRT, {@link io.github.rollback4j.core.stats.NormalMixture})
 * that a candidate's business KPI, a proportion or a mean ({@link io.github.rollback4j.core.stats.KpiKind}), dropped
 * below the last-known-good's by more than an absolute or relative threshold
 * ({@link io.github.rollback4j.core.stats.EffectThreshold}), configured by
 * {@link io.github.rollback4j.core.stats.KpiTestConfig}; each look yields an immutable
 * {@link io.github.rollback4j.core.stats.KpiTestResult} with the evidence (estimates, statistic, e-value,
 * always-valid p-value, confidence-sequence bound). {@link io.github.rollback4j.core.stats.FixedHorizonKpiTests}
 * holds the textbook single-look z- and Welch t-tests of the same hypotheses. Inputs are the API's
 * {@link io.github.rollback4j.telemetry.KpiStats}. Methods, figures and how to choose the parameters:
 * {@code docs/statistics.md}, "KPI significance".
 */
package io.github.rollback4j.core.stats;
