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
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("releases[1].latency.median: '140xs' is not a duration");
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
