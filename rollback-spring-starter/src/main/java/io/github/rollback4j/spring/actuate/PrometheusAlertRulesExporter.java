package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.micrometer.PrometheusAlertRules;
import io.github.rollback4j.spring.RollbackRouters;

import java.util.List;

/**
 * Exports a router's triggers with {@link PrometheusAlertRules}, over the meter names the starter's
 * Micrometer binding registers (the default {@code rollback4j.*} names). Thread-safe and stateless.
 */
public final class PrometheusAlertRulesExporter implements AlertRulesExporter {

    @Override
    public String toYaml(RollbackRouters.Entry router, String runbookUrl) {
        return PrometheusAlertRules.builder(router.name())
                .triggers(router.engine() == null ? List.of() : router.engine().triggers())
                .runbookUrl(runbookUrl)
                .build()
                .toYaml();
    }
}
