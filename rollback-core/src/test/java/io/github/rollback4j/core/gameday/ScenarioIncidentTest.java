package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The scenario's {@code incident} section: owner, channel, recovery verification and samples. */
class ScenarioIncidentTest {

    private static final String HEAD = """
            name: test
            duration: 1h
            traffic: {rate: 40}
            releases:
              - {name: v1, version: 1.0.0, lastKnownGood: true}
              - {name: v2, version: 2.0.0}
            strategy:
              canary:
                candidate: v2
                steps: [{weight: 10%, bake: 10m}, {weight: 100%, bake: 10m}]
            triggers:
              - {name: p95, metric: latency, quantile: 0.95, increase: 30%, window: 2m, sustain: 5m}
              - {name: errors, metric: error_rate, above: 5%, window: 1m, sustain: 3m}
              - {name: errors-eu, metric: error_rate, above: 5%, window: 1m, perSegment: true}
              - {name: errors-seq, metric: error_rate, increase: 50%, significance: 0.05, window: 1m}
              - {name: errors-long, metric: error_rate, above: 5%, window: 10m}
            """;

    private static SpecException refused(String incident) {
        try {
            Scenarios.fromYaml(HEAD + incident);
        } catch (SpecException e) {
            return e;
        }
        throw new AssertionError("the scenario was accepted");
    }

    @Test
    void withoutTheSectionTheAbsoluteTriggersOverAllTrafficAreTheChecks() {
        Scenario.IncidentSpec incident = Scenarios.fromYaml(HEAD).incident();

        assertThat(incident.owner()).isNull();
        assertThat(incident.channel()).isNull();
        assertThat(incident.verificationWithin()).isEqualTo(Duration.ofMinutes(10));
        // relative, per-segment and sequential triggers need a baseline or a segment; 10m + one sub-window > 10m
        assertThat(incident.checks()).extracting(TriggerSpec::name).containsExactly("errors");
        assertThat(incident.checksFromTriggers()).isTrue();
        assertThat(incident.samplesBefore()).isEqualTo(50);
        assertThat(incident.samplesAfter()).isEqualTo(50);
    }

    @Test
    void everyFieldIsRead() {
        Scenario.IncidentSpec incident = Scenarios.fromYaml(HEAD + """
                incident:
                  owner: team-fraud
                  channel: "#fraud-oncall"
                  verification:
                    within: 20m
                    checks:
                      - {name: lkg-p99, metric: latency, quantile: 0.99, above: 250, window: 5m}
                  samples: {before: 20, after: 0}
                """).incident();

        assertThat(incident.owner()).isEqualTo("team-fraud");
        assertThat(incident.channel()).isEqualTo("#fraud-oncall");
        assertThat(incident.verificationWithin()).isEqualTo(Duration.ofMinutes(20));
        assertThat(incident.checks()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("lkg-p99");
            assertThat(c.threshold().value()).isEqualTo(250);
            assertThat(c.window()).isEqualTo(Duration.ofMinutes(5));
        });
        assertThat(incident.checksFromTriggers()).isFalse();
        assertThat(incident.samplesBefore()).isEqualTo(20);
        assertThat(incident.samplesAfter()).isZero();
    }

    @Test
    void aLongerVerificationTimeLetsLongerWindowedTriggersBeDefaultChecks() {
        Scenario.IncidentSpec incident = Scenarios.fromYaml(HEAD + "incident: {verification: {within: 15m}}\n").incident();

        assertThat(incident.checks()).extracting(TriggerSpec::name).containsExactly("errors", "errors-long");
    }

    @Test
    void anEmptyCheckListMeansNoVerification() {
        Scenario.IncidentSpec incident = Scenarios.fromYaml(HEAD + "incident: {verification: {checks: []}}\n").incident();

        assertThat(incident.checks()).isEmpty();
        assertThat(incident.checksFromTriggers()).isFalse();
    }

    @Test
    void badValuesAreRefusedWithTheFieldPath() {
        assertThat(refused("incident: {owner: '  '}\n")).hasMessageContaining("incident.owner")
                .hasMessageContaining("must not be blank");
        assertThat(refused("incident: {channel: ''}\n")).hasMessageContaining("incident.channel");
        assertThat(refused("incident: {verification: {within: 0s}}\n"))
                .hasMessageContaining("incident.verification.within").hasMessageContaining("between 1s and 24h");
        assertThat(refused("incident: {verification: {within: 25h}}\n"))
                .hasMessageContaining("incident.verification.within").hasMessageContaining("PT25H");
        assertThat(refused("""
                incident:
                  verification:
                    checks: [{name: rel, metric: latency, increase: 30%, window: 2m}]
                """)).hasMessageContaining("incident.verification.checks[0]")
                .hasMessageContaining("must be absolute");
        assertThat(refused("""
                incident:
                  verification:
                    checks: [{name: seq, metric: error_rate, above: 5%, significance: 0.05}]
                """)).hasMessageContaining("incident.verification.checks[0]")
                .hasMessageContaining("significance");
        assertThat(refused("""
                incident:
                  verification:
                    checks: [{name: seg, metric: error_rate, above: 5%, perSegment: true}]
                """)).hasMessageContaining("incident.verification.checks[0].perSegment");
        assertThat(refused("""
                incident:
                  verification:
                    within: 5m
                    checks: [{name: long, metric: error_rate, above: 5%, window: 5m}]
                """)).hasMessageContaining("incident.verification.checks[0].window")
                .hasMessageContaining("PT10S").hasMessageContaining("PT5M");
        assertThat(refused("incident: {samples: {before: -1}}\n")).hasMessageContaining("incident.samples.before")
                .hasMessageContaining("between 0 and 10000").hasMessageContaining("-1");
        assertThat(refused("incident: {samples: {after: 10001}}\n")).hasMessageContaining("incident.samples.after");
        assertThat(refused("incident: {owner: a, onwer: b}\n")).hasMessageContaining("incident.onwer")
                .hasMessageContaining("is not a known field");
        assertThat(refused("incident: {verification: {deadline: 5m}}\n"))
                .hasMessageContaining("incident.verification.deadline");
    }
}
