package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.shadow.ShadowReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nondeterministic baseline, noise cancellation on and off, and request attributes with a drift on one of
 * them, so that the shadow report's by-attribute breakdown and the gate are exercised on an attribute.
 */
class ShadowRealismGameDayTest {

    private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");
    private static final Path NOISY = SCENARIOS.resolve("shadow-noisy-baseline.yaml");

    @Test
    void withNoiseCancellationTheGateBlocksOnTheOneDeviceThatDriftsAndOnNoSegment(@TempDir Path evidence) throws Exception {
        Scenario scenario = Scenarios.load(NOISY);

        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(result.outcome()).isEqualTo("blocked");
        assertThat(result.events()).filteredOn(e -> e.type().equals("shadow-blocked")).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith("attribute device=smart-tv"));
        assertThat(result.first("shadow-report").orElseThrow().detail()).contains("baseline noise");

        ShadowReport report = ShadowReport.fromJson(JsonMapper.builder().build()
                .readTree(Files.readString(result.evidence().shadowReportJson())).get("report").toString());
        assertThat(report.attributeName()).isEqualTo("device");
        assertThat(report.byAttribute()).containsOnlyKeys("ios", "android", "web", "smart-tv");
        assertThat(report.total().noiseRate()).as("two draws of sd 0.03 differ by more than 0.05 about a quarter of the time")
                .isBetween(0.18, 0.30);
        assertThat(report.byAttribute().get("smart-tv").excessMismatchRate()).isGreaterThan(0.4);
        assertThat(report.byAttribute().get("android").excessMismatchRate()).isLessThan(0.02);
        assertThat(report.bySegment().values()).allSatisfy(c -> assertThat(c.excessMismatchRate()).isBetween(0.01, 0.05));
        assertThat(report.examples()).isNotEmpty().allSatisfy(e -> assertThat(e.attribute()).isEqualTo("smart-tv"));
    }

    @Test
    void withoutNoiseCancellationTheBaselinesOwnNoiseBlocksEverySegment() throws Exception {
        Scenario scenario = Scenarios.fromYaml(Files.readString(NOISY).replace("    noiseRate: 50%\n", ""));

        GameDayResult result = GameDay.run(scenario);

        assertThat(result.outcome()).isEqualTo("blocked");
        assertThat(result.events()).filteredOn(e -> e.type().equals("shadow-blocked")).extracting(GameDayResult.Event::detail)
                .anySatisfy(d -> assertThat(d).startsWith("segment eu-west"))
                .anySatisfy(d -> assertThat(d).startsWith("segment us-east"))
                .anySatisfy(d -> assertThat(d).startsWith("attribute device=android"));
        assertThat(result.first("shadow-report").orElseThrow().detail()).doesNotContain("baseline noise");
    }

    @Test
    void aNoisyCandidateThatDoesNotDriftPassesTheGateOnceTheNoiseIsCancelled() throws Exception {
        String yaml = Files.readString(NOISY).replace("""
                    distortion:
                      outputShift: 0.1
                      attributes: {device: [smart-tv]}
                """, "");

        GameDayResult result = GameDay.run(Scenarios.fromYaml(yaml));

        assertThat(result.outcome()).isEqualTo("running");
        assertThat(result.first("shadow-gate").orElseThrow().detail()).contains("gate open", "the canary may start");
        assertThat(result.first("shadow-blocked")).isEmpty();
    }

    @Test
    void withEvidenceTheReportLeadsWithTheReleasesAndTheGatesDecisionAndMarksWhatIsOver(@TempDir Path evidence) throws Exception {
        Scenario scenario = Scenarios.load(NOISY);

        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        Path html = result.evidence().shadowReport();
        assertThat(html).isEqualTo(evidence.toAbsolutePath().resolve("shadow-report-shadow-noisy-baseline.html"));
        String page = Files.readString(html);
        int compared = page.indexOf("id=\"compared\"");
        int decision = page.indexOf("id=\"decision\"");
        int totals = page.indexOf("<table id=\"totals\"");
        assertThat(compared).isPositive().isLessThan(decision);
        assertThat(decision).isLessThan(totals);
        assertThat(page.substring(compared, totals)).contains("v2 (ranker:5.0.0)", "v1 (ranker:4.1.0)", "Gate: BLOCKED",
                "device=smart-tv");
        String byAttribute = page.substring(page.indexOf("<table id=\"by-attribute\""), page.indexOf("</table>",
                page.indexOf("<table id=\"by-attribute\"")));
        assertThat(byAttribute.split("data-over=\"true\"", -1)).as("only smart-tv is over").hasSize(2);
        assertThat(byAttribute).contains("<tr class=\"bad\" data-over=\"true\"><td>smart-tv</td>");
        String bySegment = page.substring(page.indexOf("<table id=\"by-segment\""), page.indexOf("</table>",
                page.indexOf("<table id=\"by-segment\"")));
        assertThat(bySegment).doesNotContain("data-over").contains("within");
        assertThat(page).contains("<table id=\"examples\"", "smart-tv", "class=\"threshold\"").doesNotContain("<script");

        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(result.evidence().shadowReportJson()));
        assertThat(json.get("candidate").get("label").asString()).isEqualTo("ranker:5.0.0");
        assertThat(json.get("baseline").get("name").asString()).isEqualTo("v1");
        assertThat(json.get("gate").get("decision").asString()).isEqualTo("blocked");
        assertThat(json.get("gate").get("breaches")).singleElement()
                .satisfies(b -> assertThat(b.get("where").asString()).isEqualTo("device=smart-tv"));
        assertThat(json.get("report").get("examples").size()).isPositive();
    }

    @Test
    void aShadowBeforeACanaryWritesItsReportToo(@TempDir Path evidence) throws Exception {
        Scenario scenario = Scenarios.load(SCENARIOS.resolve("shadow-night-drift.yaml"));

        GameDayResult result = GameDay.run(scenario, scenario.seed(), evidence);

        assertThat(result.outcome()).isEqualTo("blocked");
        String page = Files.readString(result.evidence().shadowReport());
        assertThat(page).contains("Gate: BLOCKED", "eu-west at night");
        String cross = page.substring(page.indexOf("<table id=\"by-segment-and-time-of-day\""));
        assertThat(cross.substring(0, cross.indexOf("</table>"))).contains("data-over");
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(result.evidence().shadowReportJson()));
        assertThat(json.get("gate").get("breaches").toString()).contains("eu-west at night");
    }
}
