package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.runbook.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A last-known-good that is cold or unhealthy when the rollback is needed: the router refuses the rollback
 * loudly (timeline, self-check, an escalated incident) and never routes to the unhealthy release.
 */
class UnhealthyLastKnownGoodGameDayTest {

    private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");

    /** The seed's Example 1, with v1's health probe changed by {@code v1Changes}. */
    private static Scenario canaryWithLkg(String v1Changes) {
        return Scenarios.fromYaml("""
                name: unhealthy-lkg
                duration: 25m
                tick: 10s
                seed: 42
                healthChecks: {interval: 10s}
                traffic: {rate: 400, users: 200000}
                releases:
                  - name: v1
                    model: fraud-model
                    version: 1.3.2
                    lastKnownGood: true
                    latency: {median: 100ms}
                    probe: {timeout: 2s, unhealthyAfter: 3}
                """ + v1Changes + """
                  - {name: v2, model: fraud-model, version: 2.0.0, latency: {median: 140ms}}
                strategy:
                  canary:
                    candidate: v2
                    steps: [{weight: 5%, bake: 15m}, {weight: 100%, bake: 10m}]
                triggers:
                  - {name: p95-latency, metric: latency, quantile: 0.95, increase: 30%, window: 2m, sustain: 5m}
                incident: {owner: team-fraud, channel: "#fraud-oncall"}
                """);
    }

    @Test
    void aColdStandbyRefusesTheFlipBackLoudlyAndGreenKeepsServing(@TempDir Path evidence) throws Exception {
        Scenario scenario = Scenarios.load(SCENARIOS.resolve("cold-standby-refused-rollback.yaml"));

        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(result.outcome()).isEqualTo("paused").isEqualTo(scenario.expect());
        GameDayResult.Event restarted = result.first("release-restarted").orElseThrow();
        assertThat(restarted.t()).isEqualTo(22 * 60.0);
        assertThat(restarted.detail()).startsWith("blue restarted cold").contains("UNHEALTHY", "warm-up failed");
        assertThat(result.first("release-unhealthy").orElseThrow().detail()).startsWith("blue is UNHEALTHY")
                .contains("a rollback onto it would be refused");
        GameDayResult.Event refused = result.first("rollback-refused").orElseThrow();
        assertThat(refused.t()).isGreaterThan(restarted.t());
        assertThat(refused.detail()).contains("rollback to blue refused", "UNHEALTHY", "trigger error-rate (SEVERE)");
        assertThat(result.events()).filteredOn(e -> e.type().equals("rollback-refused")).as("one line per run of refusals")
                .hasSize(1);
        assertThat(result.first("self-check").orElseThrow().detail()).contains("ERROR LKG_UNHEALTHY");
        assertThat(result.first("rolled-back")).isEmpty();
        assertThat(result.rollbackRefusals()).as("the trigger asks again at every tick while the breach holds")
                .isGreaterThan(10);
        assertThat(result.first("end").orElseThrow().detail()).contains("the router refused " + result.rollbackRefusals());
        assertThat(result.routing().get("default")).as("nothing routes to the unhealthy blue").containsExactly(Map.entry("green", 10_000));
        assertThat(result.selfCheck()).anySatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(f.code()).isEqualTo(Finding.Code.LKG_UNHEALTHY);
        });

        // with evidence: one incident, escalated at once, for the whole run of refusals
        assertThat(result.incidents()).singleElement().satisfies(i -> {
            assertThat(i.rollbackRefused()).isTrue();
            assertThat(i.status()).isEqualTo(IncidentStatus.ESCALATED);
            assertThat(i.verification()).isEqualTo(Incident.Verification.State.SKIPPED);
            assertThat(i.openedAt()).isEqualTo(i.endedAt());
        });
        GameDayResult.Event escalated = result.first("incident-escalated").orElseThrow();
        assertThat(escalated.t()).isEqualTo(refused.t());
        assertThat(escalated.detail()).contains("rollback refused", "[green] keep serving");
        JsonNode bundle = JsonMapper.builder().build().readTree(Files.readString(result.incidents().get(0).bundle()
                .resolve(EvidenceStore.BUNDLE_JSON)));
        assertThat(bundle.get("rollbackRefused").asBoolean()).isTrue();
        assertThat(bundle.get("status").asString()).isEqualTo("ESCALATED");
        assertThat(bundle.get("frozen")).singleElement().satisfies(f -> {
            assertThat(f.get("label").asString()).isEqualTo("fraud-model:2.0.0");
            assertThat(f.get("quarantined").asBoolean()).as("green still serves: it is not quarantined").isFalse();
        });
        assertThat(bundle.get("trigger").get("trigger").asString()).isEqualTo("error-rate");
        assertThat(bundle.get("timeline").toString()).contains("rollback refused", "escalated", "10 times so far");
        assertThat(Files.readString(result.incidents().get(0).bundle().resolve(EvidenceStore.SUMMARY_MD)))
                .contains("**REFUSED**", "rollback asked by");
        // rendered when green took the traffic: blue was healthy then
        assertThat(result.evidence().runbookFindings()).noneMatch(f -> f.severity() == Finding.Severity.ERROR);
    }

    @Test
    void aLastKnownGoodFailingItsProbeIsOutAfterThreeFailuresAndTheRollbackIsRefused() {
        GameDayResult result = GameDay.run(canaryWithLkg("""
                    changes:
                      - {at: 3m, health: {probe: fail}}
                """));

        assertThat(result.outcome()).isEqualTo("paused");
        GameDayResult.Event firstFailure = result.first("health-check-failed").orElseThrow();
        GameDayResult.Event unhealthy = result.first("release-unhealthy").orElseThrow();
        assertThat(firstFailure.t()).isEqualTo(180.0);
        assertThat(firstFailure.detail()).startsWith("v1:").contains("synthetic health probe failure", "(1 in a row)");
        assertThat(unhealthy.t() - firstFailure.t()).as("three probes 10 s apart").isEqualTo(20.0);
        assertThat(unhealthy.detail()).contains("after 3 failed probe(s)");
        assertThat(result.first("rollback-refused").orElseThrow().detail()).contains("trigger p95-latency");
        assertThat(result.first("rolled-back")).isEmpty();
        assertThat(result.routing().get("default")).containsEntry("v2", 500);
    }

    @Test
    void aProbeSlowerThanItsTimeoutFailsLikeABrokenOne() {
        GameDayResult result = GameDay.run(canaryWithLkg("""
                    changes:
                      - {at: 3m, health: {probeLatency: 3s}}
                """));

        assertThat(result.first("health-check-failed").orElseThrow().detail()).contains("over the probe timeout of 2000 ms");
        assertThat(result.first("rollback-refused")).isPresent();
        assertThat(result.outcome()).isEqualTo("paused");
    }

    @Test
    void oncePassingItsProbeAgainTheLastKnownGoodTakesTheRollback() {
        GameDayResult result = GameDay.run(canaryWithLkg("""
                    changes:
                      - {at: 3m, health: {probe: fail}}
                      - {at: 10m, health: {probe: pass}}
                """));

        GameDayResult.Event refused = result.first("rollback-refused").orElseThrow();
        GameDayResult.Event recovered = result.first("health-recovered").orElseThrow();
        GameDayResult.Event rolledBack = result.first("rolled-back").orElseThrow();
        assertThat(recovered.t()).isEqualTo(600.0);
        assertThat(refused.t()).isLessThan(recovered.t());
        assertThat(rolledBack.t()).as("the next tick after v1 is READY").isBetween(recovered.t(), recovered.t() + 10);
        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(result.routing().get("default")).containsExactly(Map.entry("v1", 10_000));
        assertThat(result.selfCheck()).noneMatch(f -> f.code() == Finding.Code.LKG_UNHEALTHY);
    }

    @Test
    void aHealthyRunIsTheSameWithHealthChecksOn() {
        // probes answer from the sample input and draw nothing: the shipped Example 1 is unchanged by them
        GameDayResult result = GameDay.run(Scenarios.load(SCENARIOS.resolve("canary-latency-regression.yaml")));
        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(result.first("health-check-failed")).isEmpty();
        assertThat(result.first("rolled-back").orElseThrow().t()).isEqualTo(400.0);
    }
}
