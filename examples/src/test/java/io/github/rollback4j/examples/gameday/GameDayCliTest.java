package io.github.rollback4j.examples.gameday;

import io.github.rollback4j.core.gameday.Scenarios;
import io.github.rollback4j.micrometer.PrometheusAlertRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class GameDayCliTest {

    private static final String SCENARIO = Path.of("scenarios", "canary-latency-regression.yaml").toString();

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
        String scenario = Path.of("scenarios", "per-segment-rollback.yaml").toString();
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
        // the file and the field path apart, not "bad.yaml.releases[1]..."
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gameday: " + bad + ": releases[1].latency.median: '140xs' is not a"
                + " duration").doesNotContain("bad.yaml.releases");
    }

    @Test
    void aReleasePairingTheNewModelWithTheOldEncoderIsRefusedAtLoad(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("case.yaml");
        Files.writeString(bad, Files.readString(Path.of("scenarios", "encoder-null-spike-rollback.yaml"))
                .replace("    features: {categorical-encoder: v5}", "    features: {categorical-encoder: v4}"));
        assertThat(run(bad.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gameday: " + bad + ": releases[1].features.categorical-encoder: 'v4'"
                + " does not pair with model fraud-model:2.0.0, which requires categorical-encoder at [v5]");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void repeatWithJsonWritesTheSummaryWithEachSeedsOutcome(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("repeat.json");
        assertThat(run(SCENARIO, "--repeat", "3", "--seed", "100", "--json", json.toString())).isZero();
        JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(root.get("scenario").asString()).isEqualTo("canary-latency-regression");
        assertThat(root.get("firstSeed").asLong()).isEqualTo(100);
        assertThat(root.get("repeat").asInt()).isEqualTo(3);
        assertThat(root.get("expect").asString()).isEqualTo("rolled_back");
        assertThat(root.get("outcomes").get("rolled_back").asInt()).isEqualTo(3);
        assertThat(root.get("meetsExpectation").asBoolean()).isTrue();
        JsonNode detection = root.get("detectionSeconds");
        assertThat(detection.get("count").asInt()).isEqualTo(3);
        assertThat(detection.get("p50").asDouble()).isBetween(300.0, 600.0);
        assertThat(detection.get("p90").asDouble()).isGreaterThanOrEqualTo(detection.get("p50").asDouble());
        assertThat(detection.get("max").asDouble()).isGreaterThanOrEqualTo(detection.get("p99").asDouble());
        assertThat(root.get("runs")).extracting(r -> r.get("seed").asLong()).containsExactly(100L, 101L, 102L);
        assertThat(root.get("runs")).allSatisfy(r -> {
            assertThat(r.get("outcome").asString()).isEqualTo("rolled_back");
            assertThat(r.get("detectionSeconds").asDouble()).isPositive();
            assertThat(r.get("meetsExpectation").asBoolean()).isTrue();
        });
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Repeat summary written to " + json);
    }

    @Test
    void aColdStandbyRunShowsTheRefusedRollbackAndItsEscalatedIncident(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("cold.json");
        assertThat(run(Path.of("scenarios", "cold-standby-refused-rollback.yaml").toString(), "--evidence", dir.resolve("ev").toString(),
                "--json", json.toString())).as("the scenario expects paused").isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("rollback-refused", "self-check", "ERROR LKG_UNHEALTHY", "(rollback refused, escalated at once)");
        JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(root.get("outcome").asString()).isEqualTo("paused");
        assertThat(root.get("rollbackRefusals").asLong()).isPositive();
        assertThat(root.get("incidents")).singleElement().satisfies(i -> {
            assertThat(i.get("rollbackRefused").asBoolean()).isTrue();
            assertThat(i.get("status").asString()).isEqualTo("ESCALATED");
        });
        assertThat(root.get("selfCheck").toString()).contains("LKG_UNHEALTHY");
    }

    @Test
    void evidenceOfAShadowIncludesTheShadowReport(@TempDir Path dir) throws Exception {
        Path evidence = dir.resolve("evidence");
        Path json = dir.resolve("shadow.json");
        assertThat(run(Path.of("scenarios", "shadow-noisy-baseline.yaml").toString(), "--evidence", evidence.toString(),
                "--json", json.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("shadow-report-shadow-noisy-baseline.html  shadow report",
                "shadow-report-shadow-noisy-baseline.json  shadow report as JSON");
        assertThat(evidence.resolve("shadow-report-shadow-noisy-baseline.html")).isRegularFile();
        JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(root.get("evidence").get("shadowReport").asString())
                .isEqualTo(evidence.toAbsolutePath().resolve("shadow-report-shadow-noisy-baseline.html").toString());
        assertThat(root.get("releases").get("v2").asString()).isEqualTo("ranker:5.0.0");
    }

    @Test
    void evidenceWritesTheBundleTheRunbookAndTheAlertRules(@TempDir Path dir) throws Exception {
        Path evidence = dir.resolve("evidence");
        Path json = dir.resolve("result.json");

        assertThat(run(SCENARIO, "--evidence", evidence.toString(), "--json", json.toString())).isZero();

        List<Path> bundles;
        try (Stream<Path> entries = Files.list(evidence)) {
            bundles = entries.filter(Files::isDirectory).toList();
        }
        assertThat(bundles).singleElement().satisfies(b -> assertThat(b.getFileName().toString())
                .startsWith("inc-").contains("gameday-canary-latency-regression"));
        Path bundle = bundles.get(0);
        JsonNode incident = JsonMapper.shared().readTree(Files.readString(bundle.resolve("incident.json")));
        // v1 is healthy after the rollback: the run goes on until its SLOs are verified
        assertThat(incident.get("status").asString()).isEqualTo("RESOLVED");
        assertThat(incident.get("verification").get("state").asString()).isEqualTo("PASSED");
        assertThat(incident.get("verification").get("checks")).extracting(c -> c.get("trigger").asString())
                .containsExactlyInAnyOrder("lkg-p95-latency", "lkg-error-rate");
        assertThat(incident.get("owner").asString()).isEqualTo("team-fraud");
        assertThat(incident.get("channel").asString()).isEqualTo("#fraud-oncall");
        assertThat(incident.get("cause").get("trigger").asString()).isEqualTo("p95-latency");
        assertThat(incident.get("samples").get("after")).hasSize(50);
        assertThat(Files.readString(bundle.resolve("summary.md"))).contains("# Incident " + bundle.getFileName(), "RESOLVED");

        Path runbook = evidence.resolve("runbook-canary-latency-regression.md");
        String markdown = Files.readString(runbook);
        assertThat(markdown).contains("# Runbook: router `gameday-canary-latency-regression`")
                .contains("| p95-latency | latency p95 | > 1.3 × LKG (+30 %) | 2 min | 5 min |")
                .contains("| error-rate | error rate | > 5 % | 1 min | 3 min |")
                .contains("| lkg-p95-latency | latency p95 | > 200 ms | 2 min |")
                .contains("- Owner: team-fraud", "- Channel: #fraud-oncall")
                .doesNotContain("| ERROR |");

        Path rulesFile = evidence.resolve("alert-rules-canary-latency-regression.yml");
        JsonNode rules = YAMLMapper.shared().readTree(Files.readString(rulesFile));
        JsonNode group = rules.get("groups").get(0);
        assertThat(group.get("name").asString()).isEqualTo("rollback4j-gameday-canary-latency-regression");
        PrometheusAlertRules expected = PrometheusAlertRules.builder("gameday-canary-latency-regression")
                .triggers(Scenarios.load(Path.of(SCENARIO)).triggers()).runbookUrl(runbook.getFileName().toString()).build();
        assertThat(group.get("rules")).hasSize(2).hasSize(expected.rules().size());
        assertThat(group.get("rules")).extracting(r -> r.get("alert").asString())
                .containsExactly("Rollback4jP95Latency", "Rollback4jErrorRate");
        assertThat(group.get("rules")).allSatisfy(r -> {
            assertThat(r.get("expr").asString()).contains("router=\"gameday-canary-latency-regression\"");
            assertThat(r.get("annotations").get("runbook_url").asString()).isEqualTo("runbook-canary-latency-regression.md");
        });

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("incident-opened", "incident-resolved", "Evidence written to",
                "runbook-canary-latency-regression.md", "alert-rules-canary-latency-regression.yml", "0 error(s)");

        JsonNode result = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(result.get("outcome").asString()).isEqualTo("rolled_back");
        assertThat(result.get("incidents")).singleElement().satisfies(i -> {
            assertThat(i.get("status").asString()).isEqualTo("RESOLVED");
            assertThat(i.get("verification").asString()).isEqualTo("PASSED");
            assertThat(i.get("opened").asString()).startsWith("2026-01-01T00:");
            assertThat(i.get("ended").isNull()).isFalse();
        });
        assertThat(result.get("evidence").get("runbook").asString()).isEqualTo(runbook.toAbsolutePath().toString());
        assertThat(result.get("evidence").get("alertRules").asString()).isEqualTo(rulesFile.toAbsolutePath().toString());
        assertThat(result.get("evidence").get("bundles")).hasSize(1);
    }

    @Test
    void promtoolAcceptsTheExportedAlertRules(@TempDir Path dir) throws Exception {
        Path promtool = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, "promtool")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(promtool != null, "promtool is not on the PATH (Debian package 'prometheus'); skipping promtool check rules");
        assertThat(run(SCENARIO, "--evidence", dir.toString())).isZero();

        Process check = new ProcessBuilder(promtool.toString(), "check", "rules",
                dir.resolve("alert-rules-canary-latency-regression.yml").toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS: 2 rules found");
    }

    @Test
    void evidenceWithRepeatIsRefused(@TempDir Path dir) {
        assertThat(run(SCENARIO, "--evidence", dir.toString(), "--repeat", "3")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--evidence keeps the evidence of one run")
                .contains("--repeat 3");
        assertThat(dir.toFile().list()).isEmpty();
    }
}
