package io.github.rollback4j.examples.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example service on a random port, with v2 failing on merchant categories 7..9, 30 % of the traffic
 * (profile {@code regression}):
 * real HTTP traffic from two threads, and the automatic rollback observed only from outside, through
 * the {@code rollouts} Actuator endpoint and the {@code rollback4j.rollbacks} metric, and the incident it
 * opened: trigger, impact, the bundle in a temporary evidence directory, the runbook and the alert rules.
 */
@SpringBootTest(classes = ScoringServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("regression")
// Close the context (and its incident writers) after the class, before JUnit deletes the evidence directory:
// a cached context kept writing incident updates into it while it was being deleted.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ScoringServiceRollbackTest {

    private static final int THREADS = 2;
    private static final int REQUESTS_PER_THREAD = 1_500;

    @TempDir
    static Path evidence;

    @DynamicPropertySource
    static void evidenceDir(DynamicPropertyRegistry registry) {
        registry.add("rollback4j.routers.scorer.incident.evidence-dir", () -> evidence.toString());
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JsonMapper.shared().readTree(response.body());
    }

    private HttpResponse<String> getText(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response;
    }

    private HttpResponse<String> score(String user, double amount, int category) throws Exception {
        String body = "{\"user\":\"" + user + "\",\"amount\":" + amount + ",\"merchantCategory\":" + category + "}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/score"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aFailingCandidateIsRolledBackAutomaticallyUnderRealTraffic() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/actuator/rollouts/scorer").at("/rollout/phase").asString()
                .equals("PROGRESSING"));
        JsonNode before = get("/actuator/rollouts/scorer");
        assertThat(before.at("/routing/segments/default/serving/v2").asInt()).isEqualTo(3_000);
        assertThat(get("/actuator/health").at("/components/rollback4j/status").asString()).isEqualTo("UP");
        // The example's configuration names owner, channel and recovery checks: the runbook's self-check is clean.
        assertThat(before.at("/runbookSelfCheck")).as("self-check findings: %s", before.at("/runbookSelfCheck")).isEmpty();
        assertThat(before.at("/incidents")).isEmpty();

        // Two threads send 3,000 real requests (bounded by count and the client timeout) while we watch the endpoint.
        ExecutorService clients = Executors.newFixedThreadPool(THREADS);
        List<Future<int[]>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            results.add(clients.submit(() -> {
                int ok = 0;
                int failed = 0;
                for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                    HttpResponse<String> r = score("user-" + thread + "-" + i, 50 + (i % 5_000), i % 10);
                    if (r.statusCode() == 200) {
                        ok++;
                    } else {
                        failed++;
                    }
                }
                return new int[] {ok, failed};
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                    get("/actuator/rollouts/scorer").at("/rollout/phase").asString().equals("ROLLED_BACK"));
        } finally {
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        int ok = 0;
        int failed = 0;
        for (Future<int[]> f : results) {
            ok += f.get()[0];
            failed += f.get()[1];
        }
        assertThat(ok + failed).isEqualTo(THREADS * REQUESTS_PER_THREAD);
        assertThat(failed).as("v2's injected errors reached callers before the rollback").isPositive();

        // The endpoint: all traffic on v1, v2 quarantined, the trigger's verdict and cause kept.
        JsonNode after = get("/actuator/rollouts/scorer");
        assertThat(after.at("/routing/segments/default/serving")).hasSize(1);
        assertThat(after.at("/routing/segments/default/serving/v1").asInt()).isEqualTo(10_000);
        assertThat(after.at("/quarantined").get(0).asString()).isEqualTo("v2");
        assertThat(after.at("/rollout/reason").asString()).contains("error-rate");
        List<String> actions = new ArrayList<>();
        after.at("/audit").forEach(a -> actions.add(a.get("action").asString()));
        assertThat(actions).contains("rolled-back");

        // The metric: one rollback, caused by the error-rate trigger.
        JsonNode rollbacks = get("/actuator/metrics/rollback4j.rollbacks?tag=trigger:error-rate");
        assertThat(rollbacks.at("/measurements/0/value").asDouble()).isEqualTo(1.0);

        // The incident the rollback opened: the trigger that fired, with its evidence, and v2's impact.
        JsonNode incident = after.at("/incidents/0");
        assertThat(after.at("/incidents")).hasSize(1);
        assertThat(incident.at("/status").asString()).isIn("OPEN", "RESOLVED");
        assertThat(incident.at("/cause/actor").asString()).isEqualTo("automatic");
        assertThat(incident.at("/cause/trigger").asString()).isEqualTo("error-rate");
        assertThat(incident.at("/trigger/trigger").asString()).isEqualTo("error-rate");
        assertThat(incident.at("/trigger/level").asString()).isEqualTo("SEVERE_BREACH");
        assertThat(incident.at("/trigger/evidence/candidateValue").asDouble()).isGreaterThan(0.05);
        assertThat(incident.at("/impact/0/release").asString()).isEqualTo("v2");
        assertThat(incident.at("/impact/0/requests").asLong()).isPositive();
        assertThat(incident.at("/impact/0/errors").asLong()).isPositive().isLessThanOrEqualTo(incident.at("/impact/0/requests").asLong());
        assertThat(incident.at("/frozen/0/release").asString()).isEqualTo("v2");
        assertThat(incident.at("/frozen/0/quarantined").asBoolean()).isTrue();
        assertThat(incident.at("/verification/state").asString()).isIn("RUNNING", "PASSED");
        assertThat(incident.at("/owner").asString()).isEqualTo("team-fraud");
        String id = incident.at("/id").asString();
        assertThat(incident.at("/bundle").asString()).isEqualTo(evidence.toAbsolutePath().normalize().resolve(id).toString());
        // The bundle is written off the rollback's thread: wait for both files.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(evidence.resolve(id).resolve("summary.md")));
        assertThat(Files.readString(evidence.resolve(id).resolve("incident.json"))).contains(id).contains("error-rate");
        assertThat(Files.readString(evidence.resolve(id).resolve("summary.md"))).contains(id).contains("error-rate");
        assertThat(get("/actuator/health").at("/components/rollback4j/details/scorer/escalatedIncidents").asInt()).isZero();

        // The runbook and the alert rules, rendered from the live configuration.
        HttpResponse<String> runbook = getText("/actuator/rollouts/scorer/runbook");
        assertThat(runbook.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/markdown"));
        assertThat(runbook.body()).startsWith("# Runbook: router `scorer`").contains("| error-rate | error rate | > 5 % |")
                .contains("| p95-latency | latency p95 |").contains("| lkg-error-rate | error rate | > 1 % |")
                .contains("- Owner: team-fraud").contains("/actuator/rollouts/scorer/rollback");
        HttpResponse<String> rules = getText("/actuator/rollouts/scorer/alert-rules");
        assertThat(rules.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        assertThat(rules.body()).contains("- alert: Rollback4jErrorRate").contains("- alert: Rollback4jP95Latency")
                .contains("runbook_url: /actuator/rollouts/scorer/runbook");

        // After the rollback every request is served by v1 and none fails.
        String v1 = after.at("/lastKnownGood/id").asString();
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = score("after-" + i, 100, i % 10);
            assertThat(r.statusCode()).isEqualTo(200);
            served.merge(JsonMapper.shared().readTree(r.body()).get("release").asString(), 1, Integer::sum);
        }
        assertThat(served).isEqualTo(Map.of(v1, 200));
    }
}
