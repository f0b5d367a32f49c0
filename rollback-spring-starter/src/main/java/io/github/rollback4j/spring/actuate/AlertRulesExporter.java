package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.spring.RollbackRouters;

/**
 * Renders a router's triggers as Prometheus alerting rules for
 * {@code GET /actuator/rollouts/{router}/alert-rules}. The starter registers
 * {@link PrometheusAlertRulesExporter} when rollback-micrometer is on the classpath; without an
 * exporter the path answers 404.
 *
 * <p>Implementations are called on Actuator request threads and must be thread-safe.
 */
@FunctionalInterface
public interface AlertRulesExporter {

    /**
     * @param router the router, with its trigger engine
     * @param runbookUrl the {@code runbook_url} annotation of every rule (the runbook's Actuator path)
     * @return the rules as YAML
     * @throws IllegalArgumentException when the router's triggers cannot be exported (e.g. it has none)
     */
    String toYaml(RollbackRouters.Entry router, String runbookUrl);
}
