/**
 * Micrometer binding for rollback4j routers: {@link io.github.rollback4j.micrometer.RollbackMetrics}
 * registers latency timers, outcome counters, weight gauges, last-known-good gauges and rollback
 * counters per router, release and segment; {@link io.github.rollback4j.micrometer.RollbackMeterNames}
 * keeps every meter and tag name; {@link io.github.rollback4j.micrometer.PrometheusAlertRules} exports
 * a router's triggers as Prometheus alerting rules over those meters. Depends on {@code rollback-api}
 * (and Micrometer and Jackson YAML) only. The meters are listed in {@code docs/metrics.md}, the alert
 * rules in {@code docs/alerts.md}.
 */
package io.github.rollback4j.micrometer;
