package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.shadow.ShadowReport;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The router mirrors calls served by the last-known-good to a shadow runner: {@code startShadow}/{@code stopShadow}. */
class ShadowRoutingTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);
    private final Release v3 = Fixtures.release("m", "3.0.0", 3);

    /** The LKG answers "a:" + input; the candidate agrees except on inputs starting with "odd". */
    private final Model<String, String> lkgModel = in -> "a:" + in;
    private final AtomicInteger candidateCalls = new AtomicInteger();
    private final Model<String, String> candidateModel = in -> {
        if (!in.startsWith("probe")) {
            candidateCalls.incrementAndGet();
        }
        return in.startsWith("odd") ? "b:" + in : "a:" + in;
    };

    private ManagedModelRouter<String, String> router(String name) {
        return Fixtures.router(name, Fixtures.spec(v1, lkgModel), clock).release(Fixtures.spec(v2, candidateModel)).build();
    }

    private ShadowRunner<String, String> directRunner(double sampleRate) {
        return ShadowRunner.builder(candidateModel).name("direct").sampleRate(sampleRate)
                .executor(Runnable::run).timeSource(clock).build();
    }

    @Test
    void shadowedCallsReachTheCandidateAndTheReportCountsMismatchesWhileTheCallerGetsTheLkgOutput() throws Exception {
        try (ManagedModelRouter<String, String> router = router("mirror"); ShadowRunner<String, String> runner = directRunner(1.0)) {
            router.startShadow(v2.id(), runner, Cause.operator("alice", "compare v2 on live traffic"));
            for (int i = 0; i < 100; i++) {
                String input = (i % 4 == 0 ? "odd-" : "even-") + i;
                assertThat(router.invoke(input, RequestContext.of("user-" + i, Segment.DEFAULT))).isEqualTo("a:" + input);
            }
            Decision<String> d = router.decide("odd-decide", RequestContext.of("u", Segment.of("eu-west")));
            assertThat(d.output()).isEqualTo("a:odd-decide");
            assertThat(d.release()).isEqualTo(v1.id());

            assertThat(candidateCalls).hasValue(101);
            ShadowReport report = runner.report();
            assertThat(report.total().compared()).isEqualTo(101);
            assertThat(report.total().mismatches()).isEqualTo(26);
            assertThat(report.bySegment().get("eu-west").mismatches()).isEqualTo(1);
            // the candidate served no request: shadow calls are not requests of the candidate
            assertThat(router.telemetry().sinceStart().total(v2.id()).map(ReleaseTelemetry::requests).orElse(0L)).isZero();
            assertThat(router.auditLog()).filteredOn(e -> e.action().equals("shadow-started")).singleElement()
                    .satisfies(e -> {
                        assertThat(e.actor()).isEqualTo("alice");
                        assertThat(e.detail()).contains("direct", v2.id().toString());
                    });
        }
    }

    @Test
    void samplingIsTheRunnersAndOnlyLkgCallsAreMirrored() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("sampled", Fixtures.spec(v1, lkgModel), clock)
                .release(Fixtures.spec(v2, candidateModel)).release(Fixtures.spec(v3, in -> "c:" + in)).build();
             ShadowRunner<String, String> runner = directRunner(0.1)) {
            router.setWeights(Segment.DEFAULT, java.util.Map.of(v1.id(), 5000, v3.id(), 5000), Cause.operator("t", "canary v3"));
            router.startShadow(v2.id(), runner);
            int servedByLkg = 0;
            for (int i = 0; i < 2000; i++) {
                Decision<String> d = router.decide("even-" + i, RequestContext.of("user-" + i, Segment.DEFAULT));
                servedByLkg += d.release().equals(v1.id()) ? 1 : 0;
            }
            ShadowReport report = runner.report();
            assertThat(report.offered()).isEqualTo(servedByLkg);
            assertThat(report.sampled()).isBetween((long) (servedByLkg * 0.07), (long) (servedByLkg * 0.13));
            assertThat(candidateCalls.get()).isEqualTo(report.sampled());
            assertThat(report.total().mismatches()).isZero();
        }
    }

    @Test
    void aSaturatedRunnerDropsWithoutBlockingAndTheCandidatesTelemetryCountsShadowDropped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        Model<String, String> blocking = in -> {
            running.incrementAndGet();
            release.await();
            return "a:" + in;
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (ManagedModelRouter<String, String> router = router("saturated");
             ShadowRunner<String, String> runner = ShadowRunner.builder(blocking).name("slow").sampleRate(1.0)
                     .maxConcurrentCalls(1).timeout(Duration.ofSeconds(30)).executor(pool).build()) {
            router.startShadow(v2.id(), runner);
            Segment eu = Segment.of("eu-west");
            assertThat(router.invoke("first", RequestContext.of("u0", eu))).isEqualTo("a:first");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(running).hasValue(1));

            for (int i = 0; i < 50; i++) {
                assertThat(router.invoke("x" + i, RequestContext.of("u" + i, eu))).isEqualTo("a:x" + i);
            }
            assertThat(runner.dropped()).isEqualTo(50);
            ReleaseTelemetry candidate = router.telemetry().sinceStart().get(v2.id(), eu).orElseThrow();
            assertThat(candidate.count(Outcome.SHADOW_DROPPED)).isEqualTo(50);
            assertThat(candidate.requests()).isZero();
            assertThat(router.telemetry().sinceStart().total(v1.id()).orElseThrow().count(Outcome.SHADOW_DROPPED)).isZero();

            release.countDown();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(runner.compared()).isEqualTo(1));
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void stopShadowStopsMirroringAndIsAudited() throws Exception {
        try (ManagedModelRouter<String, String> router = router("stop"); ShadowRunner<String, String> runner = directRunner(1.0)) {
            router.startShadow(v2.id(), runner);
            router.invoke("odd-1", RequestContext.of("u1", Segment.DEFAULT));
            router.stopShadow(Cause.operator("bob", "enough data"));
            for (int i = 0; i < 20; i++) {
                assertThat(router.invoke("odd-" + i, RequestContext.of("u" + i, Segment.DEFAULT))).isEqualTo("a:odd-" + i);
            }
            assertThat(candidateCalls).hasValue(1);
            assertThat(runner.report().offered()).isEqualTo(1);
            router.stopShadow(); // nothing running: no-op, not audited again
            assertThat(router.auditLog()).extracting(AuditEntry::action).containsSubsequence("shadow-started", "shadow-stopped")
                    .filteredOn("shadow-stopped"::equals).hasSize(1);
            // the router does not own the runner
            assertThat(runner.offer("odd-z", "a:odd-z", RequestContext.EMPTY, 0)).isTrue();
        }
    }

    @Test
    void mirroringPausesWhenTheCandidateIsPromotedAndAShadowedReleaseCannotBeRetired() throws Exception {
        try (ManagedModelRouter<String, String> router = router("promoted"); ShadowRunner<String, String> runner = directRunner(1.0)) {
            router.startShadow(v2.id(), runner);
            assertThatThrownBy(() -> router.retire(v2.id(), Cause.operator("t", "cleanup")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("shadow candidate").hasMessageContaining("stopShadow()");
            router.promote(v2.id(), Cause.operator("t", "ship"));
            int before = candidateCalls.get();
            router.invoke("odd-after", RequestContext.of("u", Segment.DEFAULT));
            assertThat(candidateCalls.get()).isEqualTo(before + 1); // served, not mirrored
            assertThat(runner.report().offered()).isZero();
        }
    }

    @Test
    void shadowingTheLkgAnUnknownOrAColdReleaseIsRefused() {
        Release cold = Fixtures.release("m", "9.0.0", 9);
        try (ManagedModelRouter<String, String> router = Fixtures.router("refused", Fixtures.spec(v1, lkgModel), clock)
                .release(Fixtures.spec(v2, candidateModel))
                .release(Fixtures.spec(cold, in -> {
                    throw new IllegalStateException("weights missing");
                })).build();
             ShadowRunner<String, String> runner = directRunner(1.0)) {
            assertThatThrownBy(() -> router.startShadow(v1.id(), runner))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("startShadow(" + v1 + ")").hasMessageContaining("last-known-good");
            ReleaseId unknown = Fixtures.release("other", "1.0.0", 77).id();
            assertThatThrownBy(() -> router.startShadow(unknown, runner))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("startShadow").hasMessageContaining("has no release " + unknown);
            assertThatThrownBy(() -> router.startShadow(cold.id(), runner))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("UNHEALTHY").hasMessageContaining("READY");
            assertThatThrownBy(() -> router.startShadow(v2.id(), null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("runner");
            assertThat(router.auditLog()).extracting(AuditEntry::action).doesNotContain("shadow-started");
        }
    }

    @Test
    void aMirroredCallReadsTheClockTwiceAndIsHandedOverWithTheTimeItEnded() throws Exception {
        // The call starts at 09:59:59.995 and takes 10 ms: it ends in the 10 o'clock bucket.
        VirtualTimeSource virtual = VirtualTimeSource.startingAt(Instant.parse("2026-01-01T09:59:59.995Z"));
        AtomicInteger nanoReads = new AtomicInteger();
        TimeSource counting = new TimeSource() {
            @Override
            public long currentTimeMillis() {
                return virtual.currentTimeMillis();
            }

            @Override
            public long nanoTime() {
                nanoReads.incrementAndGet();
                return virtual.nanoTime();
            }
        };
        Model<String, String> slowLkg = in -> {
            if (in.equals("even-1")) { // not the warm-up probes
                virtual.advance(Duration.ofMillis(10));
            }
            return "a:" + in;
        };
        try (ManagedModelRouter<String, String> router = ModelRouters.builder("mirror-clock", Fixtures.spec(v1, slowLkg))
                .release(Fixtures.spec(v2, candidateModel)).timeSource(counting).probeExecutor(Runnable::run)
                .samples(0, 0).build();
             ShadowRunner<String, String> runner = ShadowRunner.builder(candidateModel).name("direct").sampleRate(1.0)
                     .executor(Runnable::run).timeSource(virtual).build()) {
            router.startShadow(v2.id(), runner, Cause.operator("alice", "clock reads"));
            long before = nanoReads.get();

            router.invoke("even-1", RequestContext.EMPTY);

            assertThat(nanoReads.get() - before).as("clock reads of one recorded, mirrored call").isEqualTo(2);
            assertThat(runner.report().byTimeOfDay()).containsOnlyKeys("10");
        }
    }
}
