/**
 * Telemetry that triggers read: streaming latency quantile estimators ({@link
 * io.github.rollback4j.core.telemetry.LatencyEstimator}) and wall-clock sliding windows of them ({@link
 * io.github.rollback4j.core.telemetry.SlidingWindow}). Record methods sit on the request path: they are
 * lock-free and allocate nothing. Every latency is in nanoseconds, every time in epoch milliseconds
 * passed in by the caller. Memory figures are in {@code docs/telemetry.md}.
 */
package io.github.rollback4j.core.telemetry;
