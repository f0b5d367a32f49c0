package io.github.rollback4j.core.gameday;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GameDayCliTest {

    private static final String SCENARIO = Path.of("..", "examples", "scenarios", "canary-latency-regression.yaml").toString();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GameDayCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesTheResultAsJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("result.json");
        assertThat(run(SCENARIO, "--json", json.toString())).isZero();
        JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(root.get("scenario").asString()).isEqualTo("canary-latency-regression");
        assertThat(root.get("outcome").asString()).isEqualTo("rolled_back");
        assertThat(root.get("events").size()).isGreaterThan(3);
        assertThat(root.get("events").get(0).has("t")).isTrue();
        assertThat(root.get("events").get(0).has("type")).isTrue();
        assertThat(root.get("routing").get("default").get("v1").asInt()).isEqualTo(10_000);
        assertThat(root.get("verdicts").get(0).get("evidence").get("metric").asString()).contains("latency p95");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Outcome: rolled_back");
    }

    @Test
    void aPlanPerSegmentWritesEachSegmentsOutcomeAndRouting(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("segments.json");
        String scenario = Path.of("..", "examples", "scenarios", "per-segment-rollback.yaml").toString();
        assertThat(run(scenario, "--json", json.toString())).isZero();
        JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(root.get("outcome").asString()).isEqualTo("rolled_back");
        assertThat(root.get("segmentOutcomes").get("eu-west").asString()).isEqualTo("rolled_back");
        assertThat(root.get("segmentOutcomes").get("us-east").asString()).isEqualTo("promoted");
        assertThat(root.get("routing").get("eu-west").get("v1").asInt()).isEqualTo(10_000);
        assertThat(root.get("routing").get("us-east").get("v2").asInt()).isEqualTo(10_000);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Outcome per segment: {eu-west=rolled_back, us-east=promoted}");
    }

    @Test
    void repeatRunsSeveralSeedsAndReportsDetectionPercentiles() {
        assertThat(run(SCENARIO, "--repeat", "3", "--seed", "100")).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("3 seeds from 100").contains("Outcomes: {rolled_back=3}").contains("Detection time (s): p50");
    }

    @Test
    void badArgumentsExitTwoWithTheReason() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("name a scenario file");
        err.reset();
        assertThat(run(SCENARIO, "--repeat", "lots")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a whole number");
    }

    @Test
    void aBadScenarioFileExitsTwoNamingTheField(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of(SCENARIO)).replace("median: 140ms", "median: 140xs"));
        assertThat(run(bad.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("releases[1].latency.median: '140xs' is not a duration");
    }
}
