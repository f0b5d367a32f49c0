package io.github.rollback4j.core.incident;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** The whole path on a virtual clock: a trigger rolls back, the incident opens, evidence is written, recovery is verified. */
class IncidentsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PER_SECOND = 200;

    @TempDir
    Path evidence;

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final SplittableRandom random = new SplittableRandom(20260101);
    private final Release v1 = Release.of(ModelVersion.of("checkout-model", "1.4.0", "sha256:" + "1a".repeat(32)));
    private final Release v2 = Release.of(ModelVersion.of("checkout-model", "2.0.0", "sha256:" + "2b".repeat(32)));
    private final Set<String> keysOnV2 = new HashSet<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private Model<Map<String, Object>, Double> model(double medianMillis, double errorRate, Set<String> keysSeen) {
        return in -> {
            if (in.containsKey("probe")) {
                return 0.0;
            }
            keysSeen.add((String) in.get("key"));
            double latency = medianMillis * Math.exp(0.25 * gaussian());
            clock.spend(Duration.ofNanos((long) (latency * 1_000_000)));
            if (random.nextDouble() < errorRate) {
                throw new IllegalStateException("scoring failed");
            }
            return (Double) in.get("amount") * 0.01;
        };
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private ManagedModelRouter<Map<String, Object>, Double> router(double lkgErrors, double candidateErrors) {
        ReleaseSpec<Map<String, Object>, Double> good = ReleaseSpec.builder(v1, model(20, lkgErrors, new HashSet<>()))
                .sampleInputs(List.of(Map.of("probe", true))).build();
        ReleaseSpec<Map<String, Object>, Double> bad = ReleaseSpec.builder(v2, model(40, candidateErrors, keysOnV2))
                .sampleInputs(List.of(Map.of("probe", true))).build();
        SplittableRandom buckets = new SplittableRandom(7);
        ManagedModelRouter<Map<String, Object>, Double> router = ModelRouters.builder("checkout", good).release(bad)
                .timeSource(clock).probeExecutor(Runnable::run).randomBuckets(() -> buckets.nextInt(10_000))
                .samples(4096, 0.2).build();
        closing.add(router);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 8_000, v2.id(), 2_000), Cause.operator("ana", "canary 20 %"));
        return router;
    }

    private TriggerEngine engine(ManagedModelRouter<?, ?> router) {
        return TriggerEngine.builder(router).timeSource(clock).trigger(TriggerSpec.builder("error-rate")
                .metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05).window(Duration.ofMinutes(1))
                .minSamples(200).build()).build();
    }

    private Incidents.Builder incidents(ManagedModelRouter<?, ?> router, TriggerEngine engine, WebhookServer hook) {
        return Incidents.builder(router).timeSource(clock).triggerEngine(engine)
                .evidenceStore(FileSystemEvidenceStore.of(evidence))
                .notifier(WebhookNotifier.builder(hook.uri()).backoff(Duration.ofMillis(10)).build())
                .notifier(new LogNotifier())
                .redactor(sample -> sample.with(sample.stickinessKey() == null ? null : "pseudonym-" + sample.stickinessKey().hashCode(),
                        Map.of("amount", ((Map<?, ?>) sample.input()).get("amount")), sample.output()))
                .samples(20, 20)
                .verify(TriggerSpec.builder("lkg-p95").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.ABOVE, 250)
                        .window(Duration.ofMinutes(1)).minSamples(20).build())
                .verify(TriggerSpec.builder("lkg-errors").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.01)
                        .window(Duration.ofMinutes(1)).minSamples(200).build())
                .owner("ana").channel("#checkout-oncall");
    }

    /** One second of traffic, then one evaluation of the trigger engine and of the incidents. */
    private void second(ManagedModelRouter<Map<String, Object>, Double> router, TriggerEngine engine, Incidents incidents) {
        for (int i = 0; i < PER_SECOND; i++) {
            clock.settle();
            String key = "user-" + random.nextInt(100_000);
            try {
                router.invoke(Map.of("amount", 100.0 + random.nextInt(900), "key", key, "email", key + "@example.org"),
                        RequestContext.of(key));
            } catch (Exception modelFailure) {
                // the model's own exception: counted by the router's telemetry
            }
        }
        clock.settle();
        clock.advance(Duration.ofSeconds(1));
        engine.evaluate();
        incidents.evaluate();
    }

    /** Waits for the writer thread (bundles are written off the rollback's thread), then reads the bundle. */
    private static JsonNode bundle(Incidents incidents, Path dir, String id) throws Exception {
        assertThat(incidents.flush(Duration.ofSeconds(30))).as("bundles written").isTrue();
        return JSON.readTree(Files.readString(dir.resolve(id).resolve("incident.json")));
    }

    @Test
    void aTriggeredRollbackOpensAnIncidentKeepsEvidenceAndResolvesWhenTheLastKnownGoodRecovers() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.0, 0.20);
        TriggerEngine engine = engine(router);
        try (WebhookServer hook = new WebhookServer(n -> 200); Incidents incidents = incidents(router, engine, hook).build()) {
            int seconds = 0;
            while (router.state().quarantined().isEmpty() && seconds++ < 300) {
                second(router, engine, incidents);
            }
            assertThat(router.state().quarantined()).containsExactly(v2.id());
            Incident opened = incidents.open().get(0);
            String id = opened.id();

            // Opened: frozen, impact from telemetry, trigger evidence, samples before, bundle on disk.
            assertThat(id).startsWith("inc-20260101-").contains("-checkout-g");
            JsonNode json = bundle(incidents, evidence, id);
            assertThat(json.get("status").asString()).isEqualTo("OPEN");
            assertThat(json.get("cause").get("trigger").asString()).isEqualTo("error-rate");
            assertThat(json.get("trigger").get("level").asString()).isEqualTo("SEVERE_BREACH");
            assertThat(json.get("trigger").get("evidence").get("candidateValue").asDouble()).isGreaterThan(0.05);
            assertThat(json.get("trigger").get("evidence").get("candidateSamples").asLong()).isGreaterThanOrEqualTo(200);
            JsonNode frozen = json.get("frozen").get(0);
            assertThat(frozen.get("release").asString()).isEqualTo(v2.id().value());
            assertThat(frozen.get("model").get("digest").asString()).isEqualTo(v2.model().digest());
            assertThat(frozen.get("quarantined").asBoolean()).isTrue();
            ReleaseTelemetry served = router.telemetry().sinceStart().total(v2.id()).orElseThrow();
            JsonNode impact = json.get("impact").get(0);
            assertThat(impact.get("requests").asLong()).isEqualTo(served.requests());
            assertThat(impact.get("errors").asLong()).isEqualTo(served.count(Outcome.MODEL_ERROR)).isPositive();
            assertThat((double) impact.get("distinctStickinessKeys").asLong()).isCloseTo(keysOnV2.size(), within(keysOnV2.size() * 0.03));
            JsonNode before = json.get("samples").get("before");
            assertThat(before).hasSize(20);
            before.forEach(s -> {
                assertThat(s.get("release").asString()).isEqualTo(v2.id().value());
                assertThat(s.get("stickinessKey").asString()).startsWith("pseudonym-");
                assertThat(s.get("input").has("email")).as("redacted input").isFalse();
                assertThat(s.get("input").has("key")).as("redacted input").isFalse();
                assertThat(s.get("input").get("amount").asDouble()).isBetween(100.0, 1000.0);
            });
            assertThat(json.get("audit").findValuesAsString("action")).contains("weights-changed", "rolled-back");
            assertThat(json.get("verification").get("state").asString()).isEqualTo("RUNNING");

            // After: samples served by the LKG, then verification passes once a full window holds only LKG traffic.
            for (int s = 0; s < 180 && incidents.incident(id).orElseThrow().status() == IncidentStatus.OPEN; s++) {
                second(router, engine, incidents);
            }
            Incident resolved = incidents.incident(id).orElseThrow();
            assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(resolved.endedAt()).isAfterOrEqualTo(resolved.openedAt().plus(Duration.ofSeconds(70)))
                    .isBefore(resolved.openedAt().plus(Duration.ofMinutes(3)));
            assertThat(resolved.verification().state()).isEqualTo(Incident.Verification.State.PASSED);
            json = bundle(incidents, evidence, id);
            assertThat(json.get("status").asString()).isEqualTo("RESOLVED");
            assertThat(json.get("endedAt").asString()).isEqualTo(resolved.endedAt().toString());
            assertThat(json.get("samples").get("after")).hasSize(20)
                    .allSatisfy(s -> assertThat(s.get("release").asString()).isEqualTo(v1.id().value()));
            assertThat(json.get("verification").get("checks").findValuesAsString("level")).containsOnly("HEALTHY");
            String summary = Files.readString(evidence.resolve(id).resolve("summary.md"), StandardCharsets.UTF_8);
            assertThat(summary).contains("# Incident " + id, "**RESOLVED**", "| requests |", String.valueOf(served.requests()),
                    v2.model().digest(), "error-rate", "verification passed");
            // People read names: the last-known-good, the trigger's candidate, verification and samples show the name, id beside it.
            assertThat(json.get("lastKnownGood").asString()).isEqualTo(v1.id().value());
            assertThat(json.get("lastKnownGoodName").asString()).isEqualTo("checkout-model:1.4.0");
            assertThat(summary).contains("| last-known-good | checkout-model:1.4.0 `" + v1.id() + "` |",
                    "error-rate on checkout-model:2.0.0 (" + v2.id() + ")", "| lkg-errors | checkout-model:1.4.0 `" + v1.id() + "` |",
                    "| checkout-model:2.0.0 `" + v2.id() + "` | all |",
                    "verification passed: the SLOs recovered on checkout-model:1.4.0 (" + v1.id() + ")");
            assertThat(summary.lines().filter(l -> l.startsWith("| 2026-") && l.contains(" | default | ")).toList()).as("sample rows")
                    .isNotEmpty().allSatisfy(l -> assertThat(l).containsAnyOf("| checkout-model:1.4.0 `", "| checkout-model:2.0.0 `"));
            assertThat(router.auditLog()).extracting(a -> a.action()).contains("incident-resolved");

            await().atMost(Duration.ofSeconds(10)).until(() -> hook.bodies.stream().anyMatch(b -> b.contains("\"RESOLVED\"")));
            List<String> kinds = hook.bodies.stream().map(b -> JSON.readTree(b).get("kind").asString()).toList();
            assertThat(kinds).containsExactly("OPENED", "UPDATED", "RESOLVED");
            assertThat(JSON.readTree(hook.bodies.get(0)).get("incident").asString()).isEqualTo(id);
            assertThat(incidents.notificationFailures()).isZero();
        }
    }

    @Test
    void theVerificationDeadlineIsMeasuredOnTheMonotonicClock() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.03, 0.25);
        TriggerEngine engine = engine(router);
        try (WebhookServer hook = new WebhookServer(n -> 200); Incidents incidents = incidents(router, engine, hook).build()) {
            int seconds = 0;
            while (router.state().quarantined().isEmpty() && seconds++ < 300) {
                second(router, engine, incidents);
            }
            String id = incidents.open().get(0).id();
            long opened = clock.nanoTime();
            clock.stepWallClock(Duration.ofHours(1));
            second(router, engine, incidents);
            assertThat(incidents.incident(id).orElseThrow().status()).as("an hour on the wall clock is not the 10 minutes")
                    .isEqualTo(IncidentStatus.OPEN);
            clock.stepWallClock(Duration.ofHours(-2));
            for (int s = 0; s < 700 && incidents.incident(id).orElseThrow().status() == IncidentStatus.OPEN; s++) {
                second(router, engine, incidents);
            }
            assertThat(incidents.incident(id).orElseThrow().status()).isEqualTo(IncidentStatus.ESCALATED);
            assertThat(Duration.ofNanos(clock.nanoTime() - opened)).as("escalated 10 minutes after the rollback, not 70")
                    .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(10).plusSeconds(2));
        }
    }

    @Test
    void whenTheLastKnownGoodIsAlsoBadTheIncidentEscalatesAtTheDeadline() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.03, 0.25);
        TriggerEngine engine = engine(router);
        try (WebhookServer hook = new WebhookServer(n -> 200); Incidents incidents = incidents(router, engine, hook).build()) {
            int seconds = 0;
            while (router.state().quarantined().isEmpty() && seconds++ < 300) {
                second(router, engine, incidents);
            }
            String id = incidents.open().get(0).id();
            for (int s = 0; s < 700 && incidents.incident(id).orElseThrow().status() == IncidentStatus.OPEN; s++) {
                second(router, engine, incidents);
            }

            Incident escalated = incidents.incident(id).orElseThrow();
            assertThat(escalated.status()).isEqualTo(IncidentStatus.ESCALATED);
            assertThat(escalated.endedAt()).isEqualTo(escalated.verification().deadline());
            assertThat(escalated.verification().state()).isEqualTo(Incident.Verification.State.FAILED);
            JsonNode json = bundle(incidents, evidence, id);
            assertThat(json.get("status").asString()).isEqualTo("ESCALATED");
            JsonNode failing = json.get("verification").get("checks").get(1);
            assertThat(failing.get("trigger").asString()).isEqualTo("lkg-errors");
            assertThat(failing.get("level").asString()).isEqualTo("SEVERE_BREACH");
            assertThat(failing.get("evidence").get("candidateValue").asDouble()).isBetween(0.015, 0.05);
            assertThat(json.get("timeline").findValuesAsString("event")).anyMatch(e -> e.startsWith("rollback did not restore the SLOs"));

            await().atMost(Duration.ofSeconds(10)).until(() -> hook.bodies.stream().anyMatch(b -> b.contains("\"ESCALATED\"")));
            JsonNode notice = JSON.readTree(hook.bodies.get(hook.bodies.size() - 1));
            assertThat(notice.get("kind").asString()).isEqualTo("ESCALATED");
            assertThat(notice.get("title").asString()).contains("rollback did not restore the SLOs");
            assertThat(notice.get("summary").asString()).contains("lkg-errors");
        }
    }

    @Test
    void aHangingAndAThrowingNotifierNeitherBlockTheRollbackNorTheOtherNotifiers() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.0, 0.0);
        CountDownLatch hang = new CountDownLatch(1);
        List<IncidentNotice> received = new CopyOnWriteArrayList<>();
        Incidents incidents = Incidents.builder(router).timeSource(clock)
                .notifier(notice -> hang.await())
                .notifier(notice -> {
                    throw new IllegalStateException("chat is down");
                })
                .notifier(received::add)
                .build();
        closing.add(incidents);
        try {
            router.rollbackToLastKnownGood(Cause.operator("ana", "manual rollback during an outage"));

            assertThat(router.state().quarantined()).containsExactly(v2.id());
            assertThat(incidents.open()).singleElement().satisfies(i -> {
                assertThat(i.cause().actor()).isEqualTo("ana");
                assertThat(i.verification().state()).isEqualTo(Incident.Verification.State.NOT_CONFIGURED);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1 && incidents.notificationFailures() == 1);
            assertThat(received.get(0).kind()).isEqualTo(IncidentNotice.Kind.OPENED);

            Incident resolved = incidents.resolve(received.get(0).incidentId(), Cause.operator("ana", "checked by hand"));
            assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(resolved.verification().state()).isEqualTo(Incident.Verification.State.SKIPPED);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2 && incidents.notificationFailures() == 2);
            assertThat(received.get(1).kind()).isEqualTo(IncidentNotice.Kind.RESOLVED);
            assertThatThrownBy(() -> incidents.resolve(resolved.id(), Cause.operator("ana", "again")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already RESOLVED");
        } finally {
            hang.countDown();
        }
    }

    @Test
    void aSlowEvidenceStoreDoesNotHoldUpTheRollbackAndGetsTheNewestBundle() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.0, 0.0);
        CountDownLatch diskStalled = new CountDownLatch(1);
        Map<String, byte[]> written = new ConcurrentHashMap<>();
        EvidenceStore slow = new EvidenceStore() {
            @Override
            public void write(String incidentId, String name, byte[] content) throws IOException {
                try {
                    diskStalled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                written.put(incidentId + "/" + name, content);
            }

            @Override
            public Optional<byte[]> read(String incidentId, String name) {
                return Optional.ofNullable(written.get(incidentId + "/" + name));
            }

            @Override
            public List<String> incidentIds() {
                return written.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct().toList();
            }

            @Override
            public String location(String incidentId) {
                return "memory:" + incidentId;
            }
        };
        Incidents incidents = Incidents.builder(router).timeSource(clock).evidenceStore(slow).build();
        closing.add(incidents);
        try {
            // The store blocks every write, yet the rollback returns and the router takes the next change.
            router.rollbackToLastKnownGood(Cause.operator("ana", "bad release"));
            router.overrideQuarantine(v2.id(), Cause.operator("ana", "fixed config, retry"));
            assertThat(router.state().quarantined()).isEmpty();
            String id = incidents.open().get(0).id();
            incidents.resolve(id, Cause.operator("ana", "checked by hand"));
            assertThat(incidents.flush(Duration.ofMillis(50))).isFalse();
            assertThat(written).isEmpty();
        } finally {
            diskStalled.countDown();
        }
        assertThat(incidents.flush(Duration.ofSeconds(30))).isTrue();
        JsonNode json = JSON.readTree(new String(written.get(incidents.incidents().get(0).id() + "/incident.json"),
                StandardCharsets.UTF_8));
        assertThat(json.get("status").asString()).isEqualTo("RESOLVED");
    }

    @Test
    void aSegmentRollbackOpensAnIncidentScopedToTheSegment() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.0, 0.0);
        Segment eu = Segment.of("eu-west");
        router.setWeights(eu, Map.of(v1.id(), 5_000, v2.id(), 5_000), Cause.operator("ana", "eu canary"));
        for (int i = 0; i < 400; i++) {
            router.invoke(Map.of("amount", 100.0, "key", "user-" + i), RequestContext.of("user-" + i, eu));
        }
        try (Incidents incidents = Incidents.builder(router).timeSource(clock).samples(5, 0).build()) {
            router.rollbackSegment(eu, Cause.operator("ana", "eu complaints"));

            Incident incident = incidents.open().get(0);
            assertThat(incident.segment()).isEqualTo(eu);
            Incident.Impact impact = incident.impact().get(0);
            assertThat(impact.segment()).isEqualTo(eu);
            assertThat(impact.requests()).isEqualTo(router.telemetry().sinceStart().get(v2.id(), eu).orElseThrow().requests());
            assertThat(incident.samplesBefore()).hasSizeLessThanOrEqualTo(5)
                    .allSatisfy(s -> assertThat(s.segment()).isEqualTo(eu));
        }
    }

    @Test
    void badSettingsNameTheFieldAndTheRange() {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.0, 0.0);
        assertThatThrownBy(() -> Incidents.builder(router).samples(-1, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Incidents.samples.before must be between 0 and 10000, but was -1");
        assertThatThrownBy(() -> Incidents.builder(router).verify(TriggerSpec.builder("relative").metric(new Metric.Latency(0.95))
                .threshold(Threshold.Kind.INCREASE, 0.3).build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("check 'relative'.threshold must be absolute").hasMessageContaining("increase 0.3");
        assertThatThrownBy(() -> Incidents.builder(router).verificationTimeout(Duration.ofMinutes(1))
                .verify(TriggerSpec.builder("p95").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.ABOVE, 250)
                        .window(Duration.ofMinutes(5)).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("verificationTimeout PT1M");
        assertThatThrownBy(() -> Incidents.builder(router).verificationTimeout(Duration.ofDays(2)))
                .hasMessageContaining("Incidents.verificationTimeout must be between 1s and 24h, but was PT48H");
    }

    @Test
    void aThrowingRedactorDropsTheSampleInsteadOfLeakingIt() throws Exception {
        ManagedModelRouter<Map<String, Object>, Double> router = router(0.0, 0.0);
        for (int i = 0; i < 2000; i++) {
            router.invoke(Map.of("amount", 100.0, "key", "user-" + i), RequestContext.of("user-" + i));
        }
        try (Incidents incidents = Incidents.builder(router).timeSource(clock).samples(10, 0).redactor(sample -> {
            throw new IllegalStateException("no redaction rule for this input");
        }).build()) {
            router.rollbackToLastKnownGood(Cause.operator("ana", "test"));

            Incident incident = incidents.open().get(0);
            assertThat(incident.samplesBefore()).isEmpty();
            assertThat(incident.samplesDropped()).isEqualTo(10);
        }
    }

}
