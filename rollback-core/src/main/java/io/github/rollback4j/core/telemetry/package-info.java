/**
 * Telemetry that triggers read: streaming latency quantile estimators ({@link
 * io.github.rollback4j.core.telemetry.LatencyEstimator}) and wall-clock sliding windows built on one
 * lap-stamped counter ring: latencies ({@link io.github.rollback4j.core.telemetry.SlidingWindow}), call
 * outcomes ({@link io.github.rollback4j.core.telemetry.OutcomeWindow}), histograms of arbitrary values such
 * as prediction scores and numeric input fields ({@link io.github.rollback4j.core.telemetry.ValueWindow})
 * and counts of a categorical input field ({@link io.github.rollback4j.core.telemetry.CategoryWindow}).
 * Their snapshots are immutable and mergeable; {@link io.github.rollback4j.core.telemetry.ValueSnapshot}
 * and {@link io.github.rollback4j.core.telemetry.LatencyDistribution} implement the API's
 * {@link io.github.rollback4j.telemetry.Distribution}. Record methods sit on the request path: they are
 * lock-free and allocate nothing (learning a new category below the cap excepted, once per category).
 * Every latency is in nanoseconds, every time in epoch milliseconds passed in by the caller. Memory
 * figures are in {@code docs/telemetry.md}.
 */
package io.github.rollback4j.core.telemetry;
