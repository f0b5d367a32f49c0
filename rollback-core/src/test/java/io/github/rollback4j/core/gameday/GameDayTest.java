package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.FileSystemEvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.runbook.Finding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GameDayTest {

    private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");

    @Test
    void withAnEvidenceDirectoryTheRolloutIsTheSameAndTheIncidentIsVerifiedOnTheHealthyLastKnownGood(@TempDir Path evidence)
            throws Exception {
        Scenario scenario = Scenarios.load(SCENARIOS.resolve("canary-latency-regression.yaml"));
        GameDayResult plain = GameDay.run(scenario, scenario.seed());

        GameDayResult withEvidence = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(plain.incidents()).isEmpty();
        assertThat(plain.evidence()).isNull();
        assertThat(withEvidence.outcome()).isEqualTo(plain.outcome());
        assertThat(withEvidence.routing()).isEqualTo(plain.routing());
        assertThat(withEvidence.detectionSeconds()).isEqualTo(plain.detectionSeconds());
        // the rollout's events are the same; evidence adds the incident's and goes on until it is verified
        assertThat(rolloutEvents(withEvidence)).isEqualTo(rolloutEvents(plain));
        GameDayResult.Event rolledBack = withEvidence.first("rolled-back").orElseThrow();
        GameDayResult.Event opened = withEvidence.first("incident-opened").orElseThrow();
        GameDayResult.Event resolved = withEvidence.first("incident-resolved").orElseThrow();
        assertThat(opened.t()).isEqualTo(rolledBack.t());
        // each check's 2 min window plus one 10 s sub-window must lie after the rollback before it counts
        assertThat(resolved.t() - rolledBack.t()).isBetween(130.0, 600.0);
        assertThat(resolved.detail()).contains("verification PASSED", "lkg-p95-latency HEALTHY", "lkg-error-rate HEALTHY");
        assertThat(withEvidence.first("end").orElseThrow().t()).isGreaterThanOrEqualTo(resolved.t());
        assertThat(withEvidence.requests()).isGreaterThan(plain.requests());

        assertThat(withEvidence.incidents()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(i.verification()).isEqualTo(Incident.Verification.State.PASSED);
            assertThat(i.segment()).isNull();
            assertThat(i.endedAt()).isAfter(i.openedAt());
            assertThat(i.bundle()).isEqualTo(evidence.toAbsolutePath().resolve(i.id()));
        });
        FileSystemEvidenceStore store = FileSystemEvidenceStore.of(evidence);
        assertThat(store.incidentIds()).singleElement().satisfies(id -> assertThat(id).startsWith("inc-").contains("gameday-"));
        String id = store.incidentIds().get(0);
        JsonNode bundle = JsonMapper.builder().build().readTree(store.read(id, EvidenceStore.BUNDLE_JSON).orElseThrow());
        assertThat(bundle.get("status").asString()).isEqualTo("RESOLVED");
        assertThat(bundle.get("verification").get("state").asString()).isEqualTo("PASSED");
        assertThat(bundle.get("cause").get("trigger").asString()).isEqualTo("p95-latency");
        assertThat(bundle.get("trigger").get("level").asString()).isEqualTo("SEVERE_BREACH");
        assertThat(bundle.get("owner").asString()).isEqualTo("team-fraud");
        assertThat(bundle.get("frozen")).hasSize(1);
        assertThat(bundle.get("impact").get(0).get("requests").asLong()).isPositive();
        assertThat(bundle.get("samples").get("before")).hasSize(50);
        assertThat(bundle.get("samples").get("after")).hasSize(50);
        assertThat(new String(store.read(id, EvidenceStore.SUMMARY_MD).orElseThrow(), StandardCharsets.UTF_8))
                .contains("# Incident " + id, "p95-latency");

        Path runbook = withEvidence.evidence().runbook();
        assertThat(runbook).isEqualTo(evidence.toAbsolutePath().resolve("runbook-canary-latency-regression.md"));
        String markdown = Files.readString(runbook);
        // rendered at the start of the rollout: v2 at 5 %
        assertThat(markdown).contains("| p95-latency |", "| error-rate |", "| lkg-p95-latency |", "| lkg-error-rate |",
                "- Owner: team-fraud", "- Channel: #fraud-oncall", "| default | `" , "| candidate | 5.00 % | 5.00 % |");
        assertThat(withEvidence.evidence().runbookFindings()).noneMatch(f -> f.severity() == Finding.Severity.ERROR);
        try (var files = Files.list(evidence)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder(id, "runbook-canary-latency-regression.md");
        }
    }

    @Test
    void aLastKnownGoodThatIsAlsoBadAfterTheRollbackEscalatesAtTheVerificationDeadline(@TempDir Path evidence)
            throws Exception {
        // v1 slows down 5 minutes in (after the canary started): the rollback to it cannot restore the SLOs
        Scenario scenario = Scenarios.fromYaml("""
                name: bad-lkg
                duration: 30m
                tick: 10s
                seed: 42
                traffic: {rate: 400, users: 200000}
                releases:
                  - name: v1
                    version: 1.3.2
                    lastKnownGood: true
                    latency: {median: 100ms}
                    changes:
                      - {at: 5m, latency: {median: 300ms}}
                  - {name: v2, version: 2.0.0, errorRate: 20%}
                strategy:
                  canary:
                    candidate: v2
                    steps: [{weight: 10%, bake: 15m}, {weight: 100%, bake: 10m}]
                triggers:
                  - {name: error-rate, metric: error_rate, above: 5%, window: 1m, sustain: 3m}
                incident:
                  owner: team-fraud
                  channel: "#fraud-oncall"
                  verification:
                    within: 5m
                    checks:
                      - {name: lkg-p95-latency, metric: latency, quantile: 0.95, above: 200, window: 2m}
                """);

        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(result.outcome()).isEqualTo("rolled_back");
        GameDayResult.Event rolledBack = result.first("rolled-back").orElseThrow();
        GameDayResult.Event escalated = result.first("incident-escalated").orElseThrow();
        assertThat(result.first("incident-resolved")).isEmpty();
        assertThat(escalated.t() - rolledBack.t()).isEqualTo(300.0);
        assertThat(escalated.detail()).contains("rollback did not restore the SLOs", "lkg-p95-latency SEVERE_BREACH");
        assertThat(result.incidents()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.ESCALATED);
            assertThat(i.verification()).isEqualTo(Incident.Verification.State.FAILED);
        });
        JsonNode bundle = JsonMapper.builder().build().readTree(Files.readString(result.incidents().get(0).bundle()
                .resolve(EvidenceStore.BUNDLE_JSON)));
        assertThat(bundle.get("status").asString()).isEqualTo("ESCALATED");
        assertThat(bundle.get("verification").get("checks").get(0).get("level").asString()).isEqualTo("SEVERE_BREACH");
    }

    @Test
    void aStepThatCanNeverCollectItsMinimumSamplesIsSaidOnTheTimelineWithTheNumbers() {
        // 1 % of 20 requests/s: about 12 candidate calls in the 1-minute window, 500 needed. The game day used to
        // end "running" with nothing said; now its timeline says why the step cannot pass.
        Scenario scenario = Scenarios.fromYaml("""
                name: starved-canary
                duration: 15m
                tick: 10s
                seed: 11
                traffic: {rate: 20, users: 100000}
                releases:
                  - {name: v1, version: 1.3.2, lastKnownGood: true}
                  - {name: v2, version: 2.0.0}
                strategy:
                  canary:
                    candidate: v2
                    steps: [{weight: 1%, bake: 10m}, {weight: 100%, bake: 10m}]
                triggers:
                  - {name: error-rate, metric: error_rate, above: 5%, window: 1m, minSamples: 500}
                """);

        GameDayResult result = GameDay.run(scenario, scenario.seed());

        assertThat(result.outcome()).isEqualTo("running");
        List<GameDayResult.Event> starved = result.events().stream()
                .filter(e -> e.detail().contains("cannot reach its minimum samples")).toList();
        assertThat(starved).as(result.timeline()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("rollout");
            assertThat(e.detail()).contains("trigger 'error-rate' cannot reach its minimum samples within the bake of 10 min"
                    + " of step 0 (100 bp)", "samples/s on the candidate", "500 needed", "so it never decides");
            assertThat(e.t()).isLessThan(120.0);
        });
    }

    @Test
    void everyShippedScenarioRendersARunbookWithoutSelfCheckErrors(@TempDir Path evidence) throws Exception {
        try (var files = Files.list(SCENARIOS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Scenario scenario = Scenarios.load(file);
                GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence.resolve(scenario.name()));

                assertThat(result.outcome()).as(file.toString()).isEqualTo(scenario.expect());
                assertThat(result.evidence().runbookFindings()).as(file + ": " + result.evidence().runbookFindings())
                        .noneMatch(f -> f.severity() == Finding.Severity.ERROR);
                String markdown = Files.readString(result.evidence().runbook());
                assertThat(markdown).as(file.toString()).doesNotContain("| ERROR |").contains("## Verification after a rollback")
                        .doesNotContain("No verification check");
                scenario.triggers().forEach(t -> assertThat(markdown).contains("| " + t.name() + " |"));
                // every rollback of a shipped scenario ends verified: the last-known-good is healthy in all of them but
                // the cold standby's, whose refused rollback is escalated at once
                assertThat(result.incidents()).as(file.toString()).allSatisfy(i -> {
                    if (i.rollbackRefused()) {
                        assertThat(scenario.name()).isEqualTo("cold-standby-refused-rollback");
                        assertThat(i.status()).isEqualTo(IncidentStatus.ESCALATED);
                    } else {
                        assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
                        assertThat(i.verification()).isEqualTo(Incident.Verification.State.PASSED);
                    }
                });
                assertThat(result.evidence().shadowReport() != null).as(file + ": a shadow report with a shadow")
                        .isEqualTo(scenario.strategy().shadow() != null);
            }
        }
    }

    private static List<GameDayResult.Event> rolloutEvents(GameDayResult result) {
        return result.events().stream()
                .filter(e -> !e.type().startsWith("incident-") && !e.type().equals("verifying") && !e.type().equals("end"))
                .toList();
    }

    @Test
    void theSeedsCanaryExampleRollsBackAfterTheBreachHeldFiveMinutes() {
        Scenario scenario = Scenarios.load(SCENARIOS.resolve("canary-latency-regression.yaml"));
        GameDayResult result = GameDay.run(scenario);
        System.out.println(result.timeline());
        assertThat(result.outcome()).isEqualTo("rolled_back");
        GameDayResult.Event rolledBack = result.first("rolled-back").orElseThrow();
        GameDayResult.Event canary = result.first("weights-changed").orElseThrow();
        double minutes = (rolledBack.t() - canary.t()) / 60;
        assertThat(minutes).as("the breach must hold 5 minutes after the 2-minute window filled").isBetween(5.0, 9.0);
        assertThat(rolledBack.detail()).contains("trigger p95-latency (SEVERE)").contains("quarantined [v2]");
        assertThat(result.routing().get("default")).containsExactly(java.util.Map.entry("v1", 10_000));
        assertThat(result.verdicts()).anySatisfy(v -> {
            assertThat(v.trigger()).isEqualTo("p95-latency");
            assertThat(v.evidence().candidateValue() / v.evidence().baselineValue()).isBetween(1.3, 1.5);
        });
    }

    @Test
    void theSeedsBlueGreenExampleFlipsBackToBlueAndTurnsTheNewEncoderOff() {
        GameDayResult result = GameDay.run(Scenarios.load(SCENARIOS.resolve("bluegreen-kpi-drop.yaml")));
        assertThat(result.outcome()).isEqualTo("rolled_back");
        GameDayResult.Event flip = result.first("weights-changed").orElseThrow();
        GameDayResult.Event back = result.first("rolled-back").orElseThrow();
        assertThat(flip.detail()).contains("{green=10000}");
        assertThat((back.t() - flip.t()) / 60).as("KPI -3 % found within 10 minutes of the flip").isLessThanOrEqualTo(10.0);
        assertThat(back.detail()).contains("all traffic to blue").contains("flags off [encoder-v5]")
                .contains("trigger conversion-drop (SEVERE)");
        assertThat(result.routing().get("default")).containsExactly(java.util.Map.entry("blue", 10_000));
        assertThat(result.verdicts()).anySatisfy(v -> {
            assertThat(v.trigger()).isEqualTo("conversion-drop");
            assertThat(v.evidence().pValue()).isLessThanOrEqualTo(0.05);
        });
    }

    @Test
    void theSeedsShadowExampleBlocksTheCanaryOnTheNightSegmentOnly() {
        GameDayResult result = GameDay.run(Scenarios.load(SCENARIOS.resolve("shadow-night-drift.yaml")));
        assertThat(result.outcome()).isEqualTo("blocked");
        assertThat(result.events()).filteredOn(e -> e.type().equals("shadow-blocked"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.detail()).startsWith("segment eu-west"))
                .anySatisfy(e -> assertThat(e.detail()).contains("at night"));
        assertThat(result.routing().get("default")).as("users never saw v2").containsExactly(java.util.Map.entry("v1", 10_000));
        assertThat(result.first("shadow-report").orElseThrow().detail()).contains("0 dropped");
        assertThat(result.events().get(result.events().size() - 1).t()).isEqualTo(24 * 3600.0);
    }

    @Test
    void anIdenticalCandidateIsPromotedThroughEveryStep() {
        GameDayResult result = GameDay.run(Scenarios.load(SCENARIOS.resolve("aa-no-regression.yaml")));
        assertThat(result.outcome()).isEqualTo("promoted");
        assertThat(result.events()).filteredOn(e -> e.type().equals("weights-changed")).hasSize(4);
        assertThat(result.first("rolled-back")).isEmpty();
        assertThat(result.routing().get("default")).containsExactly(java.util.Map.entry("v2", 10_000));
    }

    @Test
    void aRegressionInOneRegionRollsBackThatRegionOnlyAndTheOtherIsPromoted() {
        GameDayResult result = GameDay.run(Scenarios.load(SCENARIOS.resolve("per-segment-rollback.yaml")));
        System.out.println(result.timeline());
        assertThat(result.segmentOutcomes()).containsExactly(java.util.Map.entry("eu-west", "rolled_back"),
                java.util.Map.entry("us-east", "promoted"));
        assertThat(result.outcome()).as("a region rolled back: the candidate did not make it everywhere").isEqualTo("rolled_back");
        GameDayResult.Event euStart = result.events().stream()
                .filter(e -> e.type().equals("weights-changed") && e.detail().startsWith("eu-west")).findFirst().orElseThrow();
        GameDayResult.Event euBack = result.first("segment-rolled-back").orElseThrow();
        assertThat(euBack.detail()).startsWith("eu-west to v1").contains("trigger p95-latency");
        assertThat((euBack.t() - euStart.t()) / 60).as("the breach held 5 minutes after the 2-minute window filled")
                .isBetween(5.0, 9.0);
        assertThat(result.first("rolled-back")).as("no rollback of every segment").isEmpty();
        GameDayResult.Event usPromoted = result.events().stream()
                .filter(e -> e.type().equals("rollout") && e.detail().startsWith("us-east:") && e.detail().contains("-> PROMOTED"))
                .findFirst().orElseThrow();
        assertThat(usPromoted.t() / 60).as("three steps of 10 minutes").isBetween(30.0, 32.0);
        assertThat(result.routing()).containsEntry("eu-west", java.util.Map.of("v1", 10_000))
                .containsEntry("us-east", java.util.Map.of("v2", 10_000))
                .containsEntry("default", java.util.Map.of("v1", 10_000));
        assertThat(result.first("promoted")).as("the router keeps v1 as last-known-good").isEmpty();
        assertThat(result.events().get(result.events().size() - 1).t()).as("the run ends once both regions are decided")
                .isEqualTo(usPromoted.t());
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        Scenario scenario = Scenarios.load(SCENARIOS.resolve("canary-latency-regression.yaml"));
        GameDayResult a = GameDay.run(scenario, 7);
        GameDayResult b = GameDay.run(scenario, 7);
        assertThat(a.events()).isEqualTo(b.events());
        assertThat(a.requests()).isEqualTo(b.requests());
    }
}
