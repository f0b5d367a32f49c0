package io.github.rollback4j.core.spec;

import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads {@link TriggerSpec}s from YAML or JSON: the second front door to the same model as
 * {@link TriggerSpec#builder(String)}. A bad file is refused whole, with the field path, the value and
 * what is allowed ({@link SpecException}).
 *
 * <pre>
 * triggers:
 *   - name: p95-latency          # P95 latency +30 % for 5 m
 *     metric: latency
 *     quantile: 0.95
 *     increase: 30%
 *     window: 1m
 *     sustain: 5m
 *   - name: error-rate           # error rate &gt; 5 % for 3 m
 *     metric: error_rate
 *     above: 5%
 *     sustain: 3m
 *   - name: conversion-drop      # KPI −2 % over 15 m with significance
 *     metric: kpi
 *     kpi: conversion
 *     kind: proportion
 *     drop: 2%
 *     significance: 0.05
 *     window: 15m
 * </pre>
 *
 * Fields of every trigger: {@code name}, {@code metric} (latency, error_rate, timeout_rate, burn_rate,
 * kpi, input_null_rate, schema_violation_rate, drift), one threshold key ({@code above},
 * {@code below}, {@code increase}, {@code drop}, {@code increaseBy}, {@code dropBy}; numbers or
 * percentages), {@code significance}, {@code window}, {@code sustain}, {@code minSamples},
 * {@code severity} (severe, mild, dry_run), {@code perSegment}, {@code global}. Per metric: latency {@code quantile};
 * kpi {@code kpi}, {@code kind} (proportion, mean); input_null_rate {@code field}; drift
 * {@code field} (or {@code score}), {@code statistic} (psi, jensen_shannon, wasserstein); burn_rate
 * {@code slo}, {@code windows} (list of {@code {long, short, factor}}). Durations: {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT5M}).
 *
 * <p>Stateless and thread-safe.
 */
public final class TriggerSpecs {

    private TriggerSpecs() {
    }

    /**
     * @param yaml a mapping with a {@code triggers} list, or the list itself
     * @return the triggers, in file order
     * @throws SpecException naming the field path, the value and what is allowed
     */
    public static List<TriggerSpec> fromYaml(String yaml) {
        return read(SpecNode.yaml(yaml, "<yaml>"));
    }

    /**
     * @param json an object with a {@code triggers} array, or the array itself
     * @return the triggers, in file order
     * @throws SpecException naming the field path, the value and what is allowed
     */
    public static List<TriggerSpec> fromJson(String json) {
        return read(SpecNode.json(json, "<json>"));
    }

    /**
     * @param file a {@code .json} file, or YAML otherwise
     * @return the triggers, in file order
     * @throws SpecException naming the file, the field path, the value and what is allowed
     */
    public static List<TriggerSpec> load(Path file) {
        return SpecNode.load(file, TriggerSpecs::read);
    }

    /**
     * @param root a mapping with a {@code triggers} list, or the list itself
     * @return the triggers
     */
    public static List<TriggerSpec> read(SpecNode root) {
        List<SpecNode> nodes;
        if (root.isObject()) {
            nodes = root.list("triggers");
            root.requireNoOtherFields();
        } else {
            nodes = root.elements();
        }
        return readList(nodes);
    }

    /**
     * @param nodes trigger nodes
     * @return the triggers, names checked to be unique
     */
    public static List<TriggerSpec> readList(List<SpecNode> nodes) {
        List<TriggerSpec> triggers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (SpecNode node : nodes) {
            TriggerSpec trigger = readOne(node);
            if (!names.add(trigger.name())) {
                throw new SpecException(node.path() + ".name", "'" + trigger.name() + "' is used by an earlier trigger;"
                        + " trigger names must be unique");
            }
            triggers.add(trigger);
        }
        return List.copyOf(triggers);
    }

    /**
     * @param node one trigger mapping
     * @return the trigger
     */
    public static TriggerSpec readOne(SpecNode node) {
        node.requireObject();
        String name = node.string("name");
        String metricName = node.string("metric").trim().toLowerCase(Locale.ROOT).replace('-', '_');
        SpecNode metricNode = node;
        Metric metric = switch (metricName) {
            case "latency" -> metricNode.validated(() -> new Metric.Latency(node.number("quantile", 0.95)));
            case "error_rate" -> new Metric.ErrorRate();
            case "timeout_rate" -> new Metric.TimeoutRate();
            case "burn_rate" -> {
                double slo = node.number("slo");
                List<BurnWindow> windows = new ArrayList<>();
                for (SpecNode w : node.list("windows")) {
                    w.requireObject();
                    Duration longWindow = w.duration("long");
                    Duration shortWindow = w.duration("short");
                    double factor = w.number("factor");
                    w.requireNoOtherFields();
                    windows.add(w.validated(() -> new BurnWindow(longWindow, shortWindow, factor)));
                }
                yield node.validated(() -> new Metric.BurnRate(slo, windows));
            }
            case "kpi" -> {
                String kpi = node.string("kpi");
                String kind = node.string("kind", "proportion").trim().toLowerCase(Locale.ROOT);
                if (!kind.equals("proportion") && !kind.equals("mean")) {
                    throw new SpecException(node.path() + ".kind", "'" + kind + "' is not one of [proportion, mean]");
                }
                yield node.validated(() -> new Metric.Kpi(kpi, kind.equals("proportion")));
            }
            case "input_null_rate" -> {
                String field = node.string("field");
                yield node.validated(() -> new Metric.InputNullRate(field));
            }
            case "schema_violation_rate" -> new Metric.SchemaViolationRate();
            case "drift" -> {
                String field = node.string("field");
                Metric.DriftStatistic statistic = node.enumValue("statistic", Metric.DriftStatistic.class);
                yield node.validated(() -> new Metric.Drift(field, statistic));
            }
            default -> throw new SpecException(node.path() + ".metric", "'" + metricName + "' is not one of [latency, error_rate,"
                    + " timeout_rate, burn_rate, kpi, input_null_rate, schema_violation_rate, drift]");
        };
        TriggerSpec.Builder builder = node.child("name").validated(() -> TriggerSpec.builder(name).metric(metric));
        Threshold.Kind found = null;
        for (Threshold.Kind kind : Threshold.Kind.values()) {
            if (node.has(kind.key())) {
                if (found != null) {
                    throw new SpecException(node.path() + "." + kind.key(), "a trigger takes one threshold, but has both "
                            + found.key() + " and " + kind.key());
                }
                found = kind;
                double value = node.number(kind.key());
                Threshold.Kind k = kind;
                builder.threshold(node.child(kind.key()).validated(() -> new Threshold(k, value)));
            }
        }
        if (node.has("significance")) {
            double significance = node.number("significance");
            node.child("significance").validated(() -> builder.significance(significance));
        }
        Duration window = node.duration("window", TriggerSpec.DEFAULT_WINDOW);
        Duration sustain = node.duration("sustain", Duration.ZERO);
        long minSamples = node.integer("minSamples", TriggerSpec.DEFAULT_MIN_SAMPLES);
        Severity severity = node.enumValue("severity", Severity.class, Severity.SEVERE);
        boolean perSegment = node.bool("perSegment", false);
        boolean global = node.bool("global", false);
        node.validated(() -> builder.window(window).sustain(sustain).minSamples(minSamples).severity(severity)
                .perSegment(perSegment).global(global));
        node.requireNoOtherFields();
        return node.validated(builder::build);
    }
}
