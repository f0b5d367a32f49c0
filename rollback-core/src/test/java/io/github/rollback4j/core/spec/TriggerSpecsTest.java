package io.github.rollback4j.core.spec;

import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TriggerSpecsTest {

    /** The seed's minimal runbook: "P95 latency +30 % 5m OR error rate > 5 % 3m OR KPI −2 % 15m with significance". */
    static final String RUNBOOK = """
            triggers:
              - name: p95-latency
                metric: latency
                quantile: 0.95
                increase: 30%
                window: 1m
                sustain: 5m
              - name: error-rate
                metric: error_rate
                above: 5%
                window: 1m
                sustain: 3m
              - name: conversion-drop
                metric: kpi
                kpi: conversion
                kind: proportion
                drop: 2%
                significance: 0.05
                window: 15m
            """;

    @Test
    void theSeedsRunbookIsExpressibleOneToOne() {
        List<TriggerSpec> triggers = TriggerSpecs.fromYaml(RUNBOOK);
        assertThat(triggers).hasSize(3);
        TriggerSpec latency = triggers.get(0);
        assertThat(latency.metric()).isEqualTo(new Metric.Latency(0.95));
        assertThat(latency.threshold()).isEqualTo(new Threshold(Threshold.Kind.INCREASE, 0.30));
        assertThat(latency.sustain()).isEqualTo(Duration.ofMinutes(5));
        assertThat(latency.severity()).isEqualTo(Severity.SEVERE);
        TriggerSpec errors = triggers.get(1);
        assertThat(errors.metric()).isEqualTo(new Metric.ErrorRate());
        assertThat(errors.threshold()).isEqualTo(new Threshold(Threshold.Kind.ABOVE, 0.05));
        assertThat(errors.sustain()).isEqualTo(Duration.ofMinutes(3));
        TriggerSpec kpi = triggers.get(2);
        assertThat(kpi.metric()).isEqualTo(new Metric.Kpi("conversion", true));
        assertThat(kpi.threshold()).isEqualTo(new Threshold(Threshold.Kind.DROP, 0.02));
        assertThat(kpi.significance()).isEqualTo(0.05);
        assertThat(kpi.window()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void theBuilderAndTheFileGiveTheSameModel() {
        TriggerSpec built = TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95))
                .threshold(Threshold.Kind.INCREASE, 0.30).window(Duration.ofMinutes(1)).sustain(Duration.ofMinutes(5)).build();
        assertThat(TriggerSpecs.fromYaml(RUNBOOK).get(0).describe()).isEqualTo(built.describe());
    }

    @Test
    void jsonLoadsTheSameAsYaml() {
        String json = """
                {"triggers": [{"name": "error-rate", "metric": "error_rate", "above": 0.05, "sustain": "PT3M"}]}
                """;
        assertThat(TriggerSpecs.fromJson(json).get(0).describe()).isEqualTo(TriggerSpecs.fromYaml(RUNBOOK).get(1).describe());
    }

    @Test
    void everyMetricKindLoads() {
        List<TriggerSpec> triggers = TriggerSpecs.fromYaml("""
                - {name: t1, metric: timeout_rate, above: 0.01}
                - {name: b1, metric: burn_rate, slo: 0.999, windows: [{long: 1h, short: 5m, factor: 14.4}, {long: 6h, short: 30m, factor: 6}]}
                - {name: n1, metric: input_null_rate, field: amount, increase: 100%, severity: mild}
                - {name: s1, metric: schema_violation_rate, above: 1%, severity: dry_run}
                - {name: d1, metric: drift, field: amount, statistic: psi, above: 0.25, window: 1h}
                - {name: d2, metric: drift, field: country, statistic: jensen_shannon, above: 0.2}
                - {name: d3, metric: drift, field: score, statistic: wasserstein, above: 0.5, perSegment: true}
                - {name: k1, metric: kpi, kpi: revenue, kind: mean, dropBy: 0.5}
                - {name: e1, metric: error_rate, increase: 50%, significance: 0.01, minSamples: 500}
                """);
        assertThat(triggers).extracting(t -> t.metric().kind()).containsExactly("timeout_rate", "burn_rate", "input_null_rate",
                "schema_violation_rate", "drift", "drift", "drift", "kpi", "error_rate");
        assertThat(((Metric.BurnRate) triggers.get(1).metric()).windows()).hasSize(2);
        assertThat(triggers.get(2).severity()).isEqualTo(Severity.MILD);
        assertThat(triggers.get(6).perSegment()).isTrue();
        assertThat(triggers.get(7).significance()).as("KPI drops are always tested").isEqualTo(0.05);
        assertThat(triggers.get(8).sequential()).isTrue();
        assertThat(triggers.get(8).minSamples()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bad duration|- {name: a, metric: error_rate, above: 0.05, window: 5x}|<yaml>[0].window: '5x' is not a duration",
            "window too long|- {name: a, metric: error_rate, above: 0.05, window: 2d}|<yaml>[0]: trigger 'a': window must be between 1s and 24h, but was PT48H",
            "unknown metric|- {name: a, metric: latancy, above: 5}|<yaml>[0].metric: 'latancy' is not one of",
            "misspelt key|- {name: a, metric: error_rate, above: 0.05, sustian: 3m}|<yaml>[0].sustian: is not a known field here",
            "two thresholds|- {name: a, metric: error_rate, above: 0.05, increase: 0.5}|a trigger takes one threshold, but has both above and increase",
            "no threshold|- {name: a, metric: error_rate}|needs a threshold: one of [above, increase, increaseBy]",
            "wrong threshold|- {name: a, metric: latency, drop: 0.1}|drop does not apply to latency; use one of [above, increase, increaseBy]",
            "rate out of range|- {name: a, metric: error_rate, above: 5}|above must be a rate between 0 and 1 (0.05 for 5 %), but was 5.0",
            "quantile out of range|- {name: a, metric: latency, quantile: 1.5, above: 100}|<yaml>[0]: metric.quantile must be between 0.5 and 0.9999",
            "bad severity|- {name: a, metric: error_rate, above: 0.05, severity: fatal}|<yaml>[0].severity: 'fatal' is not one of [severe, mild, dry_run]",
            "significance on latency|- {name: a, metric: latency, above: 100, significance: 0.05}|significance applies only to kpi",
            "significance too big|- {name: a, metric: kpi, kpi: ctr, drop: 2%, significance: 0.9}|significance must be greater than 0 and at most 0.5",
            "drop of 100 percent|- {name: a, metric: kpi, kpi: ctr, drop: 100%}|drop must be a fraction below 1",
            "bad name|- {name: Bad Name, metric: error_rate, above: 0.05}|name must be 1 to 64 lower-case letters",
            "duplicate names|[{name: a, metric: error_rate, above: 0.05}, {name: a, metric: timeout_rate, above: 0.05}]|<yaml>[1].name: 'a' is used by an earlier trigger",
            "minSamples zero|- {name: a, metric: error_rate, above: 0.05, minSamples: 0}|minSamples must be between 1 and 1000000000, but was 0",
            "burn window short longer than long|- {name: a, metric: burn_rate, slo: 0.999, windows: [{long: 5m, short: 1h, factor: 14.4}]}|<yaml>[0].windows[0]: metric.windows[].short must be longer than 0 and shorter than long",
            "not yaml|'triggers: [unclosed'|<yaml>: is not valid YAML",
    })
    void badFilesAreRefusedWithThePathTheValueAndTheAllowedRange(String what, String yaml, String message) {
        assertThatThrownBy(() -> TriggerSpecs.fromYaml(yaml)).as(what).isInstanceOf(SpecException.class).hasMessageContaining(message);
    }
}
