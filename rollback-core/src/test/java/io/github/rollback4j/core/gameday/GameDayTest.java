package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.FileSystemEvidenceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GameDayTest {

    private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");

    @Test
    void withAnEvidenceDirectoryTheRollbackWritesAnIncidentBundleAndTheResultStaysTheSame(@TempDir Path evidence)
            throws Exception {
        Scenario scenario = Scenarios.load(SCENARIOS.resolve("canary-latency-regression.yaml"));
        GameDayResult plain = GameDay.run(scenario, scenario.seed());

        GameDayResult withEvidence = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(withEvidence.timeline()).isEqualTo(plain.timeline());
        FileSystemEvidenceStore store = FileSystemEvidenceStore.of(evidence);
        assertThat(store.incidentIds()).singleElement().satisfies(id -> assertThat(id).startsWith("inc-").contains("gameday-"));
        String id = store.incidentIds().get(0);
        JsonNode bundle = JsonMapper.builder().build().readTree(store.read(id, EvidenceStore.BUNDLE_JSON).orElseThrow());
        assertThat(bundle.get("cause").get("trigger").asString()).isEqualTo("p95-latency");
        assertThat(bundle.get("trigger").get("level").asString()).isEqualTo("SEVERE_BREACH");
        assertThat(bundle.get("frozen")).hasSize(1);
        assertThat(bundle.get("impact").get(0).get("requests").asLong()).isPositive();
        assertThat(new String(store.read(id, EvidenceStore.SUMMARY_MD).orElseThrow(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("# Incident " + id, "p95-latency");
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
