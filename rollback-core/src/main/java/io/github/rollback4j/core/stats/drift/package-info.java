/**
 * Drift statistics of inputs and prediction scores against a reference: the population stability index
 * over reference deciles ({@link io.github.rollback4j.core.stats.drift.Psi}), the normalised
 * Wasserstein-1 distance of numeric fields ({@link io.github.rollback4j.core.stats.drift.Wasserstein}) and
 * the Jensen-Shannon distance (base 2) of categorical fields
 * ({@link io.github.rollback4j.core.stats.drift.JensenShannon}), on telemetry histograms
 * ({@link io.github.rollback4j.core.telemetry.ValueSnapshot},
 * {@link io.github.rollback4j.core.telemetry.CategorySnapshot}), on plain samples and counts, and on a
 * serializable {@link io.github.rollback4j.core.stats.drift.ReferenceProfile}. Every result is an
 * immutable record, every method pure and thread-safe. Definitions and thresholds: {@code docs/statistics.md}.
 */
package io.github.rollback4j.core.stats.drift;
