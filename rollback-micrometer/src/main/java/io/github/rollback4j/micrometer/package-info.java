/**
 * Micrometer binding for rollback4j routers: {@link io.github.rollback4j.micrometer.RollbackMetrics}
 * registers latency timers, outcome counters, weight gauges and rollback counters per router, release
 * and segment; {@link io.github.rollback4j.micrometer.RollbackMeterNames} keeps every meter and tag
 * name. Depends on {@code rollback-api} only. The meters are listed in {@code docs/metrics.md}.
 */
package io.github.rollback4j.micrometer;
