package io.github.rollback4j.micrometer;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.rollback4j.micrometer.TestRouters.model;
import static io.github.rollback4j.micrometer.TestRouters.release;
import static io.github.rollback4j.micrometer.TestRouters.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The alert rules: YAML structure, one rule per trigger, real metric names, and promtool's verdict. */
class PrometheusAlertRulesTest {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusAlertRulesTest.class);
    private static final Pattern SERIES = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    static final TriggerSpec P95 = TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95))
            .threshold(Threshold.Kind.INCREASE, 0.3).sustain(Duration.ofMinutes(5)).perSegment(true).build();
    static final TriggerSpec P99_SLO = TriggerSpec.builder("p99.slo").metric(new Metric.Latency(0.99))
            .threshold(Threshold.Kind.ABOVE, 250).window(Duration.ofMinutes(5)).minSamples(20).build();
    static final TriggerSpec P50_PLUS = TriggerSpec.builder("p50_plus_20ms").metric(new Metric.Latency(0.5))
            .threshold(Threshold.Kind.INCREASE_BY, 20).build();
    static final TriggerSpec ERRORS = TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
            .threshold(Threshold.Kind.ABOVE, 0.05).window(Duration.ofMinutes(2)).sustain(Duration.ofSeconds(90))
            .minSamples(200).severity(Severity.MILD).build();
    static final TriggerSpec ERRORS_SEQ = TriggerSpec.builder("error-increase").metric(new Metric.ErrorRate())
            .threshold(Threshold.Kind.INCREASE, 0.5).significance(0.01).window(Duration.ofMinutes(30)).build();
    static final TriggerSpec TIMEOUTS = TriggerSpec.builder("timeouts").metric(new Metric.TimeoutRate())
            .threshold(Threshold.Kind.INCREASE_BY, 0.01).perSegment(true).global(true).severity(Severity.DRY_RUN).build();
    static final TriggerSpec BURN = TriggerSpec.builder("error-budget").metric(new Metric.BurnRate(0.999,
            List.of(new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
                    new BurnWindow(Duration.ofHours(6), Duration.ofMinutes(30), 6)))).build();
    static final TriggerSpec KPI = TriggerSpec.builder("conversion-drop").metric(new Metric.Kpi("conversion", true))
            .threshold(Threshold.Kind.DROP, 0.02).build();
    static final TriggerSpec DRIFT = TriggerSpec.builder("score-psi").metric(new Metric.Drift("score", Metric.DriftStatistic.PSI))
            .threshold(Threshold.Kind.ABOVE, 0.2).build();
    static final TriggerSpec NULLS = TriggerSpec.builder("country-nulls").metric(new Metric.InputNullRate("country"))
            .threshold(Threshold.Kind.ABOVE, 0.01).build();
    static final TriggerSpec SCHEMA = TriggerSpec.builder("schema").metric(new Metric.SchemaViolationRate())
            .threshold(Threshold.Kind.ABOVE, 0.001).build();

    static final List<TriggerSpec> ALL = List.of(P95, P99_SLO, P50_PLUS, ERRORS, ERRORS_SEQ, TIMEOUTS, BURN, KPI, DRIFT, NULLS, SCHEMA);

    private static PrometheusAlertRules rules() {
        return PrometheusAlertRules.builder("fraud-scoring").triggers(ALL).runbookUrl("https://wiki.example.com/runbooks/fraud-scoring").build();
    }

    @Test
    void outputParsesAsYamlWithOneRulePerExportedTriggerAndTheExpectedFields() {
        PrometheusAlertRules rules = rules();
        JsonNode root = YAMLMapper.shared().readTree(rules.toYaml());

        assertThat(root.get("groups")).hasSize(1);
        JsonNode group = root.get("groups").get(0);
        assertThat(group.get("name").asString()).isEqualTo("rollback4j-fraud-scoring");
        List<String> alerts = new ArrayList<>();
        for (JsonNode rule : group.get("rules")) {
            alerts.add(rule.get("alert").asString());
            assertThat(rule.get("alert").asString()).matches("[a-zA-Z_][a-zA-Z0-9_]*");
            assertThat(rule.get("expr").asString()).contains("router=\"fraud-scoring\"");
            assertThat(rule.get("for").asString()).matches("(\\d+[dhms])+|0s");
            assertThat(rule.get("labels").get("severity").asString()).isIn("critical", "warning", "info");
            // Lower case, as the rollbacks counter's severity tag, so one matcher selects both.
            assertThat(rule.get("labels").get("rollback4j_severity").asString()).isIn("severe", "mild", "dry_run");
            assertThat(rule.get("annotations").get("summary").asString()).contains("{{ $labels.release }}");
            assertThat(rule.get("annotations").get("description").asString()).startsWith("Trigger ");
            assertThat(rule.get("annotations").get("runbook_url").asString()).isEqualTo("https://wiki.example.com/runbooks/fraud-scoring");
        }
        assertThat(alerts).containsExactly("Rollback4jP95Latency", "Rollback4jP99Slo", "Rollback4jP50Plus20ms",
                "Rollback4jErrorRate", "Rollback4jErrorIncrease", "Rollback4jTimeouts", "Rollback4jErrorBudget");
        assertThat(rules.rules()).extracting(PrometheusAlertRules.AlertRule::trigger)
                .containsExactly("p95-latency", "p99.slo", "p50_plus_20ms", "error-rate", "error-increase", "timeouts", "error-budget");
    }

    @Test
    void triggersWithoutAMeterAreListedAndCommentedNeverDropped() {
        PrometheusAlertRules rules = rules();

        assertThat(rules.omitted()).extracting(PrometheusAlertRules.Omission::trigger, PrometheusAlertRules.Omission::metric)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("conversion-drop", "kpi"),
                        org.assertj.core.groups.Tuple.tuple("score-psi", "drift"),
                        org.assertj.core.groups.Tuple.tuple("country-nulls", "input_null_rate"),
                        org.assertj.core.groups.Tuple.tuple("schema", "schema_violation_rate"));
        assertThat(rules.rules().size() + rules.omitted().size()).isEqualTo(ALL.size());
        String yaml = rules.toYaml();
        assertThat(yaml).startsWith("# Prometheus alerting rules for router 'fraud-scoring', generated by rollback4j:\n"
                + "# 7 rule(s) for 11 trigger(s).\n"
                + "# not exported: trigger 'conversion-drop' (kpi): rollback-micrometer exports no meter for kpi");
        assertThat(yaml).contains("# not exported: trigger 'score-psi' (drift)")
                .contains("# approximated: trigger 'error-increase': in-process a sequential test (alpha 0.01)");
    }

    @Test
    void expressionsFollowTheTriggersExactly() {
        Map<String, PrometheusAlertRules.AlertRule> byTrigger = new java.util.HashMap<>();
        rules().rules().forEach(r -> byTrigger.put(r.trigger(), r));
        String g = "rollback4j_release_last_known_good{router=\"fraud-scoring\"}";

        assertThat(byTrigger.get("p99.slo").expr()).isEqualTo(
                "histogram_quantile(0.99, sum by (router, release, le) (rate(rollback4j_calls_seconds_bucket{router=\"fraud-scoring\"}[5m])))"
                        + " > 0.25 and on (router, release) (" + g + " == 0)"
                        + " and on (router, release) (sum by (router, release) (increase(rollback4j_calls_seconds_count{router=\"fraud-scoring\"}[5m]))"
                        + " * 0.01 >= 20)");
        assertThat(byTrigger.get("p99.slo").sustain()).isEqualTo(Duration.ZERO);
        assertThat(byTrigger.get("p95-latency").expr())
                .startsWith("histogram_quantile(0.95, sum by (router, release, segment, le) (rate(rollback4j_calls_seconds_bucket")
                .contains(" > on (router, segment) group_left () (1.3 * histogram_quantile(0.95, sum by (router, segment, le) (rate(")
                .contains("and on (router, segment) (sum by (router, segment) (increase(rollback4j_calls_seconds_count");
        assertThat(byTrigger.get("p50_plus_20ms").expr()).contains(" + 0.02)");
        assertThat(byTrigger.get("error-rate").expr()).isEqualTo(
                "(sum by (router, release) (rate(rollback4j_requests_total{router=\"fraud-scoring\",outcome=~\"model_error|timeout|fallback\"}[2m]))"
                        + " / sum by (router, release) (rate(rollback4j_requests_total{router=\"fraud-scoring\",outcome!=\"shadow_dropped\"}[2m])))"
                        + " > 0.05 and on (router, release) (" + g + " == 0)"
                        + " and on (router, release) (sum by (router, release) (increase(rollback4j_requests_total{router=\"fraud-scoring\","
                        + "outcome!=\"shadow_dropped\"}[2m])) >= 200)");
        assertThat(byTrigger.get("error-rate").sustain()).isEqualTo(Duration.ofSeconds(90));
        assertThat(byTrigger.get("error-rate").labels()).containsExactly(Map.entry("severity", "warning"),
                Map.entry("trigger", "error-rate"), Map.entry("rollback4j_severity", "mild"));
        assertThat(byTrigger.get("timeouts").expr()).contains("outcome=~\"timeout\"").contains(" + 0.01)")
                .contains("sum by (router, release, segment)");
        assertThat(byTrigger.get("error-budget").expr())
                .contains("[1h])) / sum by").contains(" / 0.001 > 14.4 and ").contains("[5m])) >= 100)")
                .contains("[6h]").contains("[30m]").contains(" / 0.001 > 6 and ").contains(") or (");
        assertThat(byTrigger.get("error-increase").annotations().get("description")).contains("Approximation: in-process a sequential test");
    }

    @Test
    void everySeriesTheRulesReadIsOneTheRegistryReallyExports() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = release("fraud", "1", 1);
        Release v2 = release("fraud", "2", 2);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ManagedModelRouter<String, String> router = TestRouters.router("fraud-scoring", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .release(spec(v2, model(clock, "v2", new AtomicBoolean()))).build();
             // The triggers turn the latency histogram on: their rules read its buckets.
             RollbackMetrics metrics = RollbackMetrics.of(router).withTriggers(ALL)) {
            metrics.bindTo(registry);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5_000, v2.id(), 5_000), Cause.operator("ana", "canary 50 %"));
            router.invoke("slow", RequestContext.of("user-1"));
            router.invoke("slow", RequestContext.of("user-2"));

            String scrape = registry.scrape();

            Set<String> exported = new LinkedHashSet<>();
            scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> exported.add(l.substring(0, l.indexOf('{'))));
            Set<String> used = new LinkedHashSet<>();
            for (PrometheusAlertRules.AlertRule rule : rules().rules()) {
                Matcher m = SERIES.matcher(rule.expr());
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
            assertThat(used).containsExactlyInAnyOrder("rollback4j_calls_seconds_bucket", "rollback4j_calls_seconds_count",
                    "rollback4j_requests_total", "rollback4j_release_last_known_good");
            assertThat(exported).containsAll(used);
            assertThat(scrape).contains("rollback4j_release_last_known_good{release=\"" + v1.name() + "\",release_id=\"" + v1.id().value() + "\",router=\"fraud-scoring\"} 1.0")
                    .contains("rollback4j_release_last_known_good{release=\"" + v2.name() + "\",release_id=\"" + v2.id().value() + "\",router=\"fraud-scoring\"} 0.0");

            router.promote(v2.id(), Cause.operator("ana", "v2 baked"));
            assertThat(registry.scrape())
                    .contains("rollback4j_release_last_known_good{release=\"" + v1.name() + "\",release_id=\"" + v1.id().value() + "\",router=\"fraud-scoring\"} 0.0")
                    .contains("rollback4j_release_last_known_good{release=\"" + v2.name() + "\",release_id=\"" + v2.id().value() + "\",router=\"fraud-scoring\"} 1.0");
        }
    }

    @Test
    void customMeterNamesAreFollowed() {
        RollbackMeterNames names = RollbackMeterNames.custom().calls("fraud.model.calls").requests("fraud.model.requests")
                .lastKnownGood("fraud.lkg").build();
        PrometheusAlertRules rules = PrometheusAlertRules.builder("r").triggers(List.of(P95, ERRORS)).names(names).runbookUrl("runbook-r.md").build();

        assertThat(rules.rules().get(0).expr()).contains("fraud_model_calls_seconds_bucket{").contains("fraud_lkg{")
                .doesNotContain("rollback4j_");
        assertThat(rules.rules().get(1).expr()).contains("fraud_model_requests_total{");
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndTheValue() {
        assertThatThrownBy(() -> PrometheusAlertRules.builder("has space")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("router").hasMessageContaining("'has space'");
        assertThatThrownBy(() -> PrometheusAlertRules.builder("r").triggers(List.of(P95)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runbookUrl").hasMessageContaining("'null'");
        assertThatThrownBy(() -> PrometheusAlertRules.builder("r").runbookUrl("x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one trigger");
        TriggerSpec clash = TriggerSpec.builder("p95.latency").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.ABOVE, 100).build();
        assertThatThrownBy(() -> PrometheusAlertRules.builder("r").triggers(List.of(P95, clash)).runbookUrl("x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'p95-latency' and 'p95.latency' both give the alert name Rollback4jP95Latency");
    }

    @Test
    void durationsAndNumbersUsePrometheusSyntax() {
        assertThat(PrometheusAlertRules.promDuration(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(PrometheusAlertRules.promDuration(Duration.ofHours(26))).isEqualTo("1d2h");
        assertThat(PrometheusAlertRules.promDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(PrometheusAlertRules.number(1 + 0.3)).isEqualTo("1.3");
        assertThat(PrometheusAlertRules.number(1 - 0.999)).isEqualTo("0.001");
        assertThat(PrometheusAlertRules.number(250 / 1000.0)).isEqualTo("0.25");
    }

    @Test
    void promtoolAcceptsTheRules(@TempDir Path dir) throws Exception {
        Path promtool = onPath("promtool");
        if (promtool == null) {
            LOG.warn("promtool is not on the PATH; skipping 'promtool check rules' (install it with"
                    + " apt-get install -y --no-install-recommends prometheus)");
        }
        Assumptions.assumeTrue(promtool != null, "promtool is not on the PATH (Debian package 'prometheus')");
        Path file = dir.resolve("fraud-scoring.rules.yml");
        Files.writeString(file, rules().toYaml());

        Process process = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS: 7 rules found");
    }

    /**
     * {@code promtool test rules} on synthetic series: a slow candidate (P95 in 0.1..0.2 s against the LKG's
     * under 0.05 s) and a failing one (10 % errors) fire their rules for that release only; a candidate
     * like the LKG, and the LKG itself, fire nothing.
     */
    @Test
    void promtoolFiresTheRulesForTheBadCandidateOnly(@TempDir Path dir) throws Exception {
        Path promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool != null, "promtool is not on the PATH (Debian package 'prometheus')");
        PrometheusAlertRules rules = PrometheusAlertRules.builder("fraud").triggers(List.of(P95, ERRORS))
                .runbookUrl("https://wiki.example.com/runbooks/fraud").build();
        Files.writeString(dir.resolve("rules.yml"), rules.toYaml());
        StringBuilder series = new StringBuilder();
        // rel-a is the LKG; rel-b is slow and fails 10 %; rel-c behaves like the LKG.
        series(series, "rollback4j_release_last_known_good{router=\"fraud\",release=\"rel-a\"}", "1+0x80");
        for (String r : List.of("rel-b", "rel-c")) {
            series(series, "rollback4j_release_last_known_good{router=\"fraud\",release=\"" + r + "\"}", "0+0x80");
        }
        for (String r : List.of("rel-a", "rel-b", "rel-c")) {
            boolean slow = r.equals("rel-b");
            String tags = "router=\"fraud\",release=\"" + r + "\",segment=\"default\"";
            for (String le : List.of("0.05", "0.1", "0.2", "+Inf")) {
                boolean counted = !slow || le.equals("0.2") || le.equals("+Inf");
                series(series, "rollback4j_calls_seconds_bucket{" + tags + ",le=\"" + le + "\"}", counted ? "0+1500x80" : "0+0x80");
            }
            series(series, "rollback4j_calls_seconds_count{" + tags + "}", "0+1500x80");
            series(series, "rollback4j_requests_total{" + tags + ",outcome=\"success\"}", slow ? "0+1350x80" : "0+1500x80");
            series(series, "rollback4j_requests_total{" + tags + ",outcome=\"model_error\"}", slow ? "0+150x80" : "0+0x80");
            series(series, "rollback4j_requests_total{" + tags + ",outcome=\"shadow_dropped\"}", "0+500x80");
        }
        StringBuilder test = new StringBuilder("rule_files:\n  - rules.yml\nevaluation_interval: 15s\ntests:\n  - interval: 15s\n"
                + "    input_series:\n").append(series).append("    alert_rule_test:\n");
        expectAlert(test, rules.rules().get(0), Map.of("release", "rel-b", "segment", "default"), "0.195");
        expectAlert(test, rules.rules().get(1), Map.of("release", "rel-b"), "0.1");
        Files.writeString(dir.resolve("test.yml"), test.toString());

        Process process = new ProcessBuilder(promtool.toString(), "test", "rules", "test.yml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    private static void series(StringBuilder out, String name, String values) {
        out.append("      - series: '").append(name).append("'\n        values: '").append(values).append("'\n");
    }

    /** One firing alert at 10 min with the rule's labels and its annotations as Prometheus expands them. */
    private static void expectAlert(StringBuilder out, PrometheusAlertRules.AlertRule rule, Map<String, String> seriesLabels,
                                    String value) {
        out.append("      - eval_time: 10m\n        alertname: ").append(rule.alert()).append("\n        exp_alerts:\n"
                + "          - exp_labels:\n              router: fraud\n");
        seriesLabels.forEach((k, v) -> out.append("              ").append(k).append(": ").append(v).append('\n'));
        rule.labels().forEach((k, v) -> out.append("              ").append(k).append(": ").append(v).append('\n'));
        out.append("            exp_annotations:\n");
        rule.annotations().forEach((k, v) -> {
            String expanded = v.replace("{{ $labels.router }}", "fraud").replace("{{ $value }}", value);
            for (Map.Entry<String, String> label : seriesLabels.entrySet()) {
                expanded = expanded.replace("{{ $labels." + label.getKey() + " }}", label.getValue());
            }
            out.append("              ").append(k).append(": '").append(expanded.replace("'", "''")).append("'\n");
        });
    }

    static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
