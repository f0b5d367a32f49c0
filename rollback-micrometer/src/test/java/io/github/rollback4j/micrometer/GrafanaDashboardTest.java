package io.github.rollback4j.micrometer;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.rollback4j.micrometer.TestRouters.model;
import static io.github.rollback4j.micrometer.TestRouters.release;
import static io.github.rollback4j.micrometer.TestRouters.spec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Grafana dashboard ({@code docs/grafana/rollback4j-dashboard.json}) reads only series and
 * labels that a real Prometheus scrape of a bound router exposes, so a renamed meter or tag breaks this
 * test instead of the dashboard.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "rollback4j-dashboard.json");
    private static final Pattern SERIES = Pattern.compile("\\b(rollback4j_[a-z0-9_]+)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|on)\\s*\\(([^)]*)\\)");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-z_]+)\\s*}}");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @Test
    void everyExpressionReadsOnlySeriesAndLabelsTheRegistryExports() throws Exception {
        JsonNode dashboard = JsonMapper.shared().readTree(Files.readString(DASHBOARD));
        List<String> exprs = new ArrayList<>();
        List<String> legends = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                exprs.add(target.get("expr").asString());
                legends.add(target.get("legendFormat").asString());
            }
        }
        exprs.add(dashboard.get("templating").get("list").get(1).get("query").asString());
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);

        String scrape = scrapeOfABoundRouter();
        Set<String> exportedSeries = new LinkedHashSet<>();
        Set<String> exportedLabels = new LinkedHashSet<>(Set.of("le"));
        scrape.lines().filter(l -> !l.startsWith("#")).forEach(l -> {
            Matcher m = SAMPLE.matcher(l);
            if (m.find()) {
                exportedSeries.add(m.group(1));
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    exportedLabels.add(label.group(1));
                }
            }
        });

        Set<String> usedSeries = new LinkedHashSet<>();
        Set<String> usedLabels = new LinkedHashSet<>();
        for (String expr : exprs) {
            Matcher series = SERIES.matcher(expr);
            while (series.find()) {
                usedSeries.add(series.group(1));
            }
            Matcher grouping = GROUPING.matcher(expr);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    if (!label.isBlank()) {
                        usedLabels.add(label.trim());
                    }
                }
            }
            Matcher selector = Pattern.compile("\\{([^}]*)}").matcher(expr);
            while (selector.find()) {
                Matcher label = Pattern.compile("([a-z_]+)\\s*(?:=~|!=|=)").matcher(selector.group(1));
                while (label.find()) {
                    usedLabels.add(label.group(1));
                }
            }
        }
        for (String legend : legends) {
            Matcher label = LEGEND_LABEL.matcher(legend);
            while (label.find()) {
                usedLabels.add(label.group(1));
            }
        }

        assertThat(usedSeries).contains("rollback4j_rollout_phase", "rollback4j_rollout_step",
                "rollback4j_rollout_canary_weight_basis_points", "rollback4j_trigger_verdict");
        assertThat(usedSeries).contains("rollback4j_weight_serving_basis_points", "rollback4j_requests_total",
                "rollback4j_calls_seconds_bucket", "rollback4j_release_last_known_good", "rollback4j_rollbacks_total");
        assertThat(exportedSeries).containsAll(usedSeries);
        assertThat(exportedLabels).containsAll(usedLabels);
    }

    /** A router with a canary, calls, a rollback, bound with the histogram on, as the dashboard expects. */
    private static String scrapeOfABoundRouter() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = release("fraud", "1", 1);
        Release v2 = release("fraud", "2", 2);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ManagedModelRouter<String, String> router = TestRouters.router("fraud", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .release(spec(v2, model(clock, "v2", new AtomicBoolean()))).build();
             io.github.rollback4j.core.guard.TriggerEngine engine = io.github.rollback4j.core.guard.TriggerEngine.builder(router)
                     .timeSource(clock).trigger(PrometheusAlertRulesTest.ERRORS).build();
             io.github.rollback4j.core.strategy.CanaryRollout canary = io.github.rollback4j.core.strategy.CanaryRollout.builder(
                     router, v2.id(), engine, io.github.rollback4j.core.strategy.CanaryPlan.standard(java.time.Duration.ofMinutes(5)))
                     .clock(clock).build();
             RollbackMetrics metrics = RollbackMetrics.of(router).withPercentileHistogram(true);
             RolloutMetrics progress = RolloutMetrics.of(router, canary, engine)) {
            metrics.bindTo(registry);
            progress.bindTo(registry);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5_000, v2.id(), 5_000), Cause.operator("ana", "canary 50 %"));
            for (int i = 0; i < 20; i++) {
                try {
                    router.invoke(i % 5 == 0 ? "boom" : "slow", RequestContext.of("user-" + i));
                } catch (IllegalArgumentException expected) {
                    // the model failed on purpose
                }
            }
            router.rollbackToLastKnownGood(Cause.trigger("error-rate", "SEVERE", "errors 20 %"));
            engine.evaluate();
            return registry.scrape();
        }
    }
}
