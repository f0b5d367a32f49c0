package io.github.rollback4j.micrometer;

import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Prometheus alerting rules that map 1:1 to a router's triggers, over the series {@link RollbackMetrics}
 * exports through Micrometer's Prometheus registry. One rule per trigger whose metric has a meter:
 *
 * <ul>
 *   <li>alert name {@code Rollback4j} + the trigger's name in camel case ({@code p95-latency} gives
 *   {@code Rollback4jP95Latency}); {@code for:} the trigger's sustain time;</li>
 *   <li>the expression judges every candidate (releases whose {@link RollbackMeterNames#LAST_KNOWN_GOOD}
 *   gauge is 0) over the trigger's window, by {@code router, release} (and {@code segment} for
 *   per-segment triggers): latency quantiles with {@code histogram_quantile} over the timer's buckets;
 *   error and timeout rates as ratios of counter rates; relative thresholds ({@code increase},
 *   {@code increaseBy}) against the same quantity of the last-known-good (gauge 1); burn rates per
 *   window pair; the trigger's minimum samples as a guard on each arm it compares;</li>
 *   <li>labels {@code severity} ({@code critical} for SEVERE, {@code warning} for MILD, {@code info}
 *   for DRY_RUN), {@code trigger} and {@code rollback4j_severity} (the trigger's severity in lower case,
 *   {@code severe}, {@code mild} or {@code dry_run}, as the {@code severity} tag of the rollbacks counter
 *   writes it); annotations {@code summary},
 *   {@code description} and {@code runbook_url}.</li>
 * </ul>
 *
 * <p>Triggers over KPIs, input null rates, schema violations and drift have no meter in
 * {@code rollback-micrometer}: they are never dropped silently but listed in {@link #omitted()} and as
 * comments at the top of {@link #toYaml()}. Sequential triggers (with a significance) are exported as the
 * plain windowed comparison, which the rule's description and a comment say.
 *
 * <pre>{@code
 * PrometheusAlertRules rules = PrometheusAlertRules.builder("fraud-scoring")
 *         .triggers(engine.triggers())
 *         .runbookUrl("https://wiki.example.com/runbooks/fraud-scoring")
 *         .build();
 * Files.writeString(Path.of("fraud-scoring.rules.yml"), rules.toYaml());   // promtool check rules fraud-scoring.rules.yml
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PrometheusAlertRules {

    /** Prefix of every alert name. */
    public static final String ALERT_PREFIX = "Rollback4j";

    private static final Pattern ROUTER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}");
    private static final Pattern GROUP = Pattern.compile("[^\\s].{0,127}");
    private static final MathContext DIGITS = new MathContext(6);
    private static final String FAILED_OUTCOMES = "model_error|timeout|fallback";
    private static final String UNCOUNTED_OUTCOME = "shadow_dropped";

    private final String router;
    private final String group;
    private final String runbookUrl;
    private final RollbackMeterNames names;
    private final int triggerCount;
    private final List<AlertRule> rules;
    private final List<Omission> omitted;
    private final List<String> approximations;

    /**
     * One alerting rule.
     *
     * @param alert the alert name, {@code [a-zA-Z_][a-zA-Z0-9_]*}
     * @param trigger the trigger it maps to
     * @param expr the PromQL expression
     * @param sustain the {@code for:} duration (the trigger's sustain)
     * @param labels the rule's labels, in order
     * @param annotations the rule's annotations, in order
     */
    public record AlertRule(String alert, String trigger, String expr, Duration sustain, Map<String, String> labels,
                            Map<String, String> annotations) {
        /** Copies the maps. */
        public AlertRule {
            labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            annotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        }
    }

    /**
     * A trigger with no rule, and why.
     *
     * @param trigger the trigger's name
     * @param metric the trigger's metric kind, e.g. {@code kpi}
     * @param reason why no rule could be written
     */
    public record Omission(String trigger, String metric, String reason) {
    }

    private PrometheusAlertRules(Builder b) {
        this.router = b.router;
        this.group = b.group != null ? b.group : "rollback4j-" + b.router;
        this.runbookUrl = b.runbookUrl;
        this.names = b.names;
        this.triggerCount = b.triggers.size();
        List<AlertRule> rules = new ArrayList<>();
        List<Omission> omitted = new ArrayList<>();
        List<String> approximations = new ArrayList<>();
        Map<String, String> alertOwner = new HashMap<>();
        for (TriggerSpec t : b.triggers) {
            String alert = alertName(t.name());
            String clash = alertOwner.putIfAbsent(alert, t.name());
            if (clash != null) {
                throw new IllegalArgumentException("PrometheusAlertRules: triggers '" + clash + "' and '" + t.name()
                        + "' both give the alert name " + alert + "; rename one of them");
            }
            String expr = expression(t);
            if (expr == null) {
                omitted.add(new Omission(t.name(), t.metric().kind(), "rollback-micrometer exports no meter for "
                        + t.metric().kind() + " (it is judged in-process only)"));
                continue;
            }
            String approximation = t.sequential() ? "in-process a sequential test (alpha " + number(t.significance())
                    + ") over everything since the weights last changed; here the rate over the last " + promDuration(t.window())
                    : null;
            if (approximation != null) {
                approximations.add("trigger '" + t.name() + "': " + approximation);
            }
            rules.add(new AlertRule(alert, t.name(), expr, t.sustain(), labels(t), annotations(t, approximation)));
        }
        this.rules = List.copyOf(rules);
        this.omitted = List.copyOf(omitted);
        this.approximations = List.copyOf(approximations);
    }

    /**
     * @param router the router's name, as in the {@code router} tag of its meters
     * @return a builder
     */
    public static Builder builder(String router) {
        return new Builder(router);
    }

    /** @return the rules, one per exported trigger, in trigger order */
    public List<AlertRule> rules() {
        return rules;
    }

    /** @return the triggers that have no rule because their metric has no meter, in trigger order */
    public List<Omission> omitted() {
        return omitted;
    }

    /** @return the rule group's name; default {@code rollback4j-<router>} */
    public String group() {
        return group;
    }

    /**
     * The rules file: comments naming the router, the triggers without a rule and the approximations,
     * then {@code groups: [{name, rules: [{alert, expr, for, labels, annotations}]}]}, as
     * {@code promtool check rules} and Prometheus' {@code rule_files} read it.
     *
     * @return the YAML text
     */
    public String toYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Prometheus alerting rules for router '").append(router).append("', generated by rollback4j:\n");
        out.append("# ").append(rules.size()).append(" rule(s) for ").append(triggerCount).append(" trigger(s).\n");
        for (Omission o : omitted) {
            out.append("# not exported: trigger '").append(o.trigger()).append("' (").append(o.metric()).append("): ")
                    .append(o.reason()).append('\n');
        }
        for (String a : approximations) {
            out.append("# approximated: ").append(a).append('\n');
        }
        List<Map<String, Object>> ruleMaps = new ArrayList<>();
        for (AlertRule r : rules) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("alert", r.alert());
            m.put("expr", r.expr());
            m.put("for", promDuration(r.sustain()));
            m.put("labels", r.labels());
            m.put("annotations", r.annotations());
            ruleMaps.add(m);
        }
        Map<String, Object> groupMap = new LinkedHashMap<>();
        groupMap.put("name", group);
        groupMap.put("rules", ruleMaps);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("groups", List.of(groupMap));
        YAMLMapper yaml = YAMLMapper.builder()
                .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                .disable(YAMLWriteFeature.SPLIT_LINES)
                .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
                .build();
        return out.append(yaml.writeValueAsString(root)).toString();
    }

    // ------------------------------------------------------------------ names

    /** {@code p95-latency} gives {@code Rollback4jP95Latency}. */
    static String alertName(String trigger) {
        StringBuilder name = new StringBuilder(ALERT_PREFIX);
        for (String part : trigger.split("[-._]+")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return name.toString();
    }

    /** The Prometheus name of a meter as Micrometer's Prometheus registry writes it. */
    static String promName(String meterName) {
        return meterName.replace('.', '_');
    }

    private String bucket() {
        return promName(names.calls()) + "_seconds_bucket";
    }

    private String timerCount() {
        return promName(names.calls()) + "_seconds_count";
    }

    private String requests() {
        return promName(names.requests()) + "_total";
    }

    private String lkgGauge() {
        return promName(names.lastKnownGood());
    }

    // ------------------------------------------------------------------ expressions

    /** The rule's expression, or {@code null} when the metric has no meter. */
    private String expression(TriggerSpec t) {
        String by = t.perSegment() ? "router, release, segment" : "router, release";
        String byBase = t.perSegment() ? "router, segment" : "router";
        Metric metric = t.metric();
        if (metric instanceof Metric.Latency latency) {
            return latency(t, latency.quantile(), by, byBase);
        }
        if (metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate) {
            return rate(t, metric instanceof Metric.TimeoutRate ? "timeout" : FAILED_OUTCOMES, by, byBase);
        }
        if (metric instanceof Metric.BurnRate burn) {
            return burnRate(t, burn, by);
        }
        return null;
    }

    private String sel(String extra) {
        return "{router=\"" + router + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    /** {@code X and on (router, release) (lkg == role)}: keeps the series of the LKG (1) or of the candidates (0). */
    private String role(String x, int role) {
        return x + " and on (router, release) (" + lkgGauge() + sel("") + " == " + role + ")";
    }

    private String latency(TriggerSpec t, double q, String by, String byBase) {
        String w = "[" + promDuration(t.window()) + "]";
        String all = "histogram_quantile(" + number(q) + ", sum by (" + by + ", le) (rate(" + bucket() + sel("") + w + ")))";
        String lkg = "histogram_quantile(" + number(q) + ", sum by (" + byBase + ", le) ("
                + role("rate(" + bucket() + sel("") + w + ")", 1) + "))";
        Threshold th = t.threshold();
        String comparison = switch (th.kind()) {
            case ABOVE -> all + " > " + number(th.value() / 1000.0);
            case INCREASE -> all + " > on (" + byBase + ") group_left () (" + number(1 + th.value()) + " * " + lkg + ")";
            case INCREASE_BY -> all + " > on (" + byBase + ") group_left () (" + lkg + " + " + number(th.value() / 1000.0) + ")";
            default -> throw new IllegalStateException("latency trigger '" + t.name() + "' with " + th.kind().key());
        };
        // minSamples counts tail samples: n·(1 − q) per arm, as the trigger engine does.
        String tail = " * " + number(1 - q) + " >= " + t.minSamples();
        String guard = " and on (" + by + ") (sum by (" + by + ") (increase(" + timerCount() + sel("") + w + "))" + tail + ")";
        if (th.kind().relativeToBaseline()) {
            guard += " and on (" + byBase + ") (sum by (" + byBase + ") (" + role("increase(" + timerCount() + sel("") + w + ")", 1)
                    + ")" + tail + ")";
        }
        return role(comparison, 0) + guard;
    }

    private String ratio(String outcomes, String by, String range, boolean lkgOnly) {
        String failed = "rate(" + requests() + sel("outcome=~\"" + outcomes + "\"") + range + ")";
        String served = "rate(" + requests() + sel("outcome!=\"" + UNCOUNTED_OUTCOME + "\"") + range + ")";
        if (lkgOnly) {
            failed = role(failed, 1);
            served = role(served, 1);
        }
        return "(sum by (" + by + ") (" + failed + ") / sum by (" + by + ") (" + served + "))";
    }

    private String requestsAtLeast(String by, String range, long n, boolean lkgOnly) {
        String served = "increase(" + requests() + sel("outcome!=\"" + UNCOUNTED_OUTCOME + "\"") + range + ")";
        return "sum by (" + by + ") (" + (lkgOnly ? role(served, 1) : served) + ") >= " + n;
    }

    private String rate(TriggerSpec t, String outcomes, String by, String byBase) {
        String w = "[" + promDuration(t.window()) + "]";
        String all = ratio(outcomes, by, w, false);
        Threshold th = t.threshold();
        String comparison = switch (th.kind()) {
            case ABOVE -> all + " > " + number(th.value());
            case INCREASE -> all + " > on (" + byBase + ") group_left () (" + number(1 + th.value()) + " * "
                    + ratio(outcomes, byBase, w, true) + ")";
            case INCREASE_BY -> all + " > on (" + byBase + ") group_left () (" + ratio(outcomes, byBase, w, true) + " + "
                    + number(th.value()) + ")";
            default -> throw new IllegalStateException("rate trigger '" + t.name() + "' with " + th.kind().key());
        };
        String guard = " and on (" + by + ") (" + requestsAtLeast(by, w, t.minSamples(), false) + ")";
        if (th.kind().relativeToBaseline()) {
            guard += " and on (" + byBase + ") (" + requestsAtLeast(byBase, w, t.minSamples(), true) + ")";
        }
        return role(comparison, 0) + guard;
    }

    /** Any window pair breached: both its windows burn faster than its factor, with enough requests in the short one. */
    private String burnRate(TriggerSpec t, Metric.BurnRate burn, String by) {
        String budget = number(1 - burn.slo());
        List<String> pairs = new ArrayList<>();
        for (BurnWindow p : burn.windows()) {
            String longRange = "[" + promDuration(p.longWindow()) + "]";
            String shortRange = "[" + promDuration(p.shortWindow()) + "]";
            String factor = number(p.factor());
            pairs.add("(" + ratio(FAILED_OUTCOMES, by, longRange, false) + " / " + budget + " > " + factor
                    + " and " + ratio(FAILED_OUTCOMES, by, shortRange, false) + " / " + budget + " > " + factor
                    + " and on (" + by + ") (" + requestsAtLeast(by, shortRange, t.minSamples(), false) + "))");
        }
        return role("(" + String.join(" or ", pairs) + ")", 0);
    }

    // ------------------------------------------------------------------ labels and annotations

    private static Map<String, String> labels(TriggerSpec t) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("severity", switch (t.severity()) {
            case SEVERE -> "critical";
            case MILD -> "warning";
            case DRY_RUN -> "info";
        });
        labels.put("trigger", t.name());
        labels.put("rollback4j_severity", RollbackMetrics.tagValue(t.severity().name()));
        return labels;
    }

    private Map<String, String> annotations(TriggerSpec t, String approximation) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("summary", "{{ $labels.release }} of router {{ $labels.router }}"
                + (t.perSegment() ? " in segment {{ $labels.segment }}" : "") + ": " + what(t)
                + (t.sustain().isZero() ? "" : " for " + promDuration(t.sustain())));
        a.put("description", "Trigger " + t.name() + " (" + RollbackMetrics.tagValue(t.severity().name()) + "): " + what(t)
                + (t.metric() instanceof Metric.BurnRate ? "" : " over the last " + promDuration(t.window()))
                + (t.sustain().isZero() ? "" : ", held for " + promDuration(t.sustain()))
                + (t.perSegment() ? ", per segment" : "") + ", at least " + t.minSamples() + " samples. " + action(t)
                + ". Value: {{ $value }}."
                + (approximation == null ? "" : " Approximation: " + approximation + "."));
        a.put("runbook_url", runbookUrl);
        return a;
    }

    private static String what(TriggerSpec t) {
        Metric m = t.metric();
        if (m instanceof Metric.BurnRate b) {
            List<String> pairs = new ArrayList<>();
            b.windows().forEach(w -> pairs.add(promDuration(w.longWindow()) + " and " + promDuration(w.shortWindow()) + " above "
                    + number(w.factor())));
            return "error budget burn rate against SLO " + number(b.slo()) + " in both windows of a pair (" + String.join("; ", pairs) + ")";
        }
        String metric = m instanceof Metric.Latency l ? "latency p" + number(l.quantile() * 100)
                : m instanceof Metric.TimeoutRate ? "timeout rate" : "error rate";
        boolean latency = m instanceof Metric.Latency;
        Threshold th = t.threshold();
        return metric + " " + switch (th.kind()) {
            case ABOVE -> "above " + (latency ? number(th.value()) + " ms" : number(th.value() * 100) + " %");
            case INCREASE -> "above " + number(1 + th.value()) + " × the last-known-good's";
            case INCREASE_BY -> "above the last-known-good's + " + (latency ? number(th.value()) + " ms" : number(th.value() * 100) + " pp");
            default -> th.describe();
        };
    }

    private static String action(TriggerSpec t) {
        if (t.severity() == Severity.SEVERE) {
            return t.perSegment() && !t.global() ? "In-process this rolls the segment back to the last-known-good"
                    : "In-process this rolls every segment back to the last-known-good";
        }
        return t.severity() == Severity.MILD ? "In-process this pauses the rollout for approval" : "Dry run: reported only";
    }

    // ------------------------------------------------------------------ formatting

    /** A number for PromQL and text: no exponent, no locale, 6 significant digits. */
    static String number(double value) {
        BigDecimal rounded = BigDecimal.valueOf(value).round(DIGITS).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }

    /** A Prometheus duration: {@code 5m}, {@code 1h30m}, {@code 90s} gives {@code 1m30s}, zero gives {@code 0s}. */
    static String promDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder s = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            s.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            s.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            s.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            s.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            s.append(d.toMillisPart()).append("ms");
        }
        return s.toString().toLowerCase(Locale.ROOT);
    }

    /** Builds {@link PrometheusAlertRules}; not thread-safe. */
    public static final class Builder {
        private final String router;
        private final List<TriggerSpec> triggers = new ArrayList<>();
        private RollbackMeterNames names = RollbackMeterNames.ofDefaults();
        private String runbookUrl;
        private String group;

        private Builder(String router) {
            if (router == null || !ROUTER.matcher(router).matches()) {
                throw new IllegalArgumentException("PrometheusAlertRules.router must be a router name (1 to 64 letters, digits,"
                        + " '.', '_' or '-'), but was '" + router + "'");
            }
            this.router = router;
        }

        /**
         * @param specs the router's triggers (added to those given), e.g. {@code TriggerEngine.triggers()}
         * @return this builder
         */
        public Builder triggers(List<TriggerSpec> specs) {
            Objects.requireNonNull(specs, "PrometheusAlertRules.triggers must not be null");
            specs.forEach(s -> triggers.add(Objects.requireNonNull(s, "PrometheusAlertRules.triggers must not contain null")));
            return this;
        }

        /**
         * @param names the meter names the router's {@link RollbackMetrics} uses; default {@link RollbackMeterNames#ofDefaults()}
         * @return this builder
         */
        public Builder names(RollbackMeterNames names) {
            this.names = Objects.requireNonNull(names, "PrometheusAlertRules.names must not be null");
            return this;
        }

        /**
         * @param url where the router's runbook is published (e.g. the rendered {@code Runbook.toMarkdown()}); required
         * @return this builder
         */
        public Builder runbookUrl(String url) {
            this.runbookUrl = url;
            return this;
        }

        /**
         * @param name the rule group's name; default {@code rollback4j-<router>}
         * @return this builder
         */
        public Builder group(String name) {
            if (name == null || !GROUP.matcher(name).matches()) {
                throw new IllegalArgumentException("PrometheusAlertRules.group must be 1 to 128 characters not starting with"
                        + " a space, but was '" + name + "'");
            }
            this.group = name;
            return this;
        }

        /**
         * @return the rules
         * @throws IllegalArgumentException when no trigger is given, two triggers share a name or an alert
         *                                  name, or the runbook URL is missing
         */
        public PrometheusAlertRules build() {
            if (triggers.isEmpty()) {
                throw new IllegalArgumentException("PrometheusAlertRules needs at least one trigger of router '" + router + "'");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (TriggerSpec t : triggers) {
                if (!seen.add(t.name())) {
                    throw new IllegalArgumentException("PrometheusAlertRules: trigger name '" + t.name() + "' is used twice");
                }
            }
            if (runbookUrl == null || runbookUrl.isBlank() || runbookUrl.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("PrometheusAlertRules.runbookUrl must be a URL or path without spaces"
                        + " where the runbook is published, but was '" + runbookUrl + "'");
            }
            return new PrometheusAlertRules(this);
        }
    }
}
