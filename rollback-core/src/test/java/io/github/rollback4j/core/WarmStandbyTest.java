package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RollbackRefusedException;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarmStandbyTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);
    private final List<RouterEvent> events = new ArrayList<>();

    private int callsReaching(ManagedModelRouter<String, String> router, String output) throws Exception {
        int count = 0;
        for (int i = 0; i < 2000; i++) {
            if (router.invoke("x", RequestContext.of("user-" + i)).equals(output)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void everyReleaseIsWarmedBeforeItCanServe() {
        AtomicInteger warmupCalls = new AtomicInteger();
        try (ManagedModelRouter<String, String> router = Fixtures.router("warm", Fixtures.spec(v1, in -> "v1"), clock)
                .release(ReleaseSpec.<String, String>builder(v2, in -> {
                    warmupCalls.incrementAndGet();
                    return "v2";
                }).sampleInputs(List.of("a", "b", "c")).warmupCalls(10).build()).build()) {
            // 10 warm-up calls, then one probe over the 3 sample inputs.
            assertThat(warmupCalls).hasValue(13);
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.READY);
            assertThat(router.lastKnownGoodHealth().isServable()).isTrue();
        }
    }

    @Test
    void releaseThatFailsWarmUpGetsNoTrafficEvenWithWeight() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("failwarm", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> {
                    throw new IllegalStateException("weights file missing");
                })).build()) {
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.UNHEALTHY);
            assertThat(router.health(v2.id()).lastFailure()).contains("warm-up failed").contains("weights file missing");
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "try"));
            assertThat(router.weights(Segment.DEFAULT)).containsEntry(v2.id(), 5000);
            assertThat(router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10_000));
            assertThat(callsReaching(router, "v1")).isEqualTo(2000);
        }
    }

    @Test
    void failingProbesTakeAReleaseOutOfTrafficAndRecoveryBringsItBack() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        try (ManagedModelRouter<String, String> router = Fixtures.router("probe", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> {
                    if (broken.get()) {
                        throw new java.io.IOException("GPU lost");
                    }
                    return "v2";
                })).build()) {
            router.eventPublisher().onEvent(events::add);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "half"));
            int servedBefore = callsReaching(router, "v2");
            assertThat(servedBefore).isBetween(800, 1200);
            broken.set(true);
            router.checkHealth();
            router.checkHealth();
            // Two failures in a row: still serving (default threshold 3), calls still reach it (and fail).
            assertThat(router.health(v2.id()).consecutiveFailures()).isEqualTo(2);
            assertThat(router.servingWeights(Segment.DEFAULT)).containsEntry(v2.id(), 5000);
            router.checkHealth();
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.UNHEALTHY);
            assertThat(router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10_000));
            assertThat(callsReaching(router, "v1")).isEqualTo(2000);
            assertThat(events).filteredOn(RouterEvent.HealthCheckFailed.class::isInstance).hasSize(3)
                    .last().satisfies(e -> assertThat(((RouterEvent.HealthCheckFailed) e).unhealthy()).isTrue());
            broken.set(false);
            router.checkHealth();
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.READY);
            assertThat(events.get(events.size() - 1)).isInstanceOf(RouterEvent.HealthRecovered.class);
            assertThat(callsReaching(router, "v2")).isEqualTo(servedBefore);
        }
    }

    @Test
    void scheduledHealthChecksTakeABrokenReleaseOutOfTrafficByThemselves() throws Exception {
        AtomicBoolean broken = new AtomicBoolean();
        java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (ManagedModelRouter<String, String> router = Fixtures.router("scheduled", Fixtures.spec(v1, in -> "v1"), clock)
                .config(RouterConfig.custom().healthCheckInterval(Duration.ofMillis(100)).build())
                .release(Fixtures.spec(v2, in -> {
                    if (broken.get()) {
                        throw new IllegalStateException("model server gone");
                    }
                    return "v2";
                })).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "half"));
            router.startHealthChecks(scheduler);
            broken.set(true);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> router.health(v2.id()).state() == ReleaseState.UNHEALTHY);
            assertThat(router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10_000));
            broken.set(false);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> router.health(v2.id()).state() == ReleaseState.READY);
            assertThat(router.servingWeights(Segment.DEFAULT)).containsEntry(v2.id(), 5000);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void probeSlowerThanItsTimeoutOnTheRouterClockFails() {
        AtomicBoolean slow = new AtomicBoolean();
        try (ManagedModelRouter<String, String> router = Fixtures.router("slow", Fixtures.spec(v1, in -> "v1"), clock)
                .release(ReleaseSpec.<String, String>builder(v2, in -> {
                    if (slow.get()) {
                        clock.advance(Duration.ofSeconds(3));
                    }
                    return "v2";
                }).sampleInputs(List.of("a")).probeTimeout(Duration.ofSeconds(2)).unhealthyAfterFailures(1).build()).build()) {
            slow.set(true);
            router.checkHealth();
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.UNHEALTHY);
            assertThat(router.health(v2.id()).lastFailure()).contains("took 3000 ms, over the probe timeout of 2000 ms");
        }
    }

    @Test
    void hangingModelTimesOutOnTheProbeExecutor() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean hang = new AtomicBoolean();
        try (ManagedModelRouter<String, String> router = ModelRouters.builder("hang", Fixtures.spec(v1, in -> "v1"))
                .release(ReleaseSpec.<String, String>builder(v2, in -> {
                    if (hang.get()) {
                        release.await();
                    }
                    return "v2";
                }).sampleInputs(List.of("a")).probeTimeout(Duration.ofMillis(50)).unhealthyAfterFailures(1).build())
                .build()) {
            hang.set(true);
            router.checkHealth();
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.UNHEALTHY);
            assertThat(router.health(v2.id()).lastFailure()).contains("timed out after 50 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void healthCheckPredicateRejectsBadOutputs() {
        try (ManagedModelRouter<String, String> router = Fixtures.router("pred", Fixtures.spec(v1, in -> "v1"), clock)
                .release(ReleaseSpec.<String, String>builder(v2, in -> "NaN").sampleInputs(List.of("a"))
                        .healthCheck(out -> !out.equals("NaN")).build()).build()) {
            assertThat(router.health(v2.id()).state()).isEqualTo(ReleaseState.UNHEALTHY);
            assertThat(router.health(v2.id()).lastFailure()).contains("rejected output 'NaN'");
        }
    }

    @Test
    void rollbackToAnUnhealthyLastKnownGoodIsRefusedLoudlyAndChangesNothing() throws Exception {
        AtomicBoolean lkgBroken = new AtomicBoolean();
        try (ManagedModelRouter<String, String> router = Fixtures.router("refuse", Fixtures.spec(v1, in -> {
                    if (lkgBroken.get()) {
                        throw new IllegalStateException("LKG pod evicted");
                    }
                    return "v1";
                }), clock)
                .release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.eventPublisher().onEvent(events::add);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9500, v2.id(), 500), Cause.operator("t", "canary 5 %"));
            lkgBroken.set(true);
            router.checkHealth();
            router.checkHealth();
            router.checkHealth();
            assertThat(router.lastKnownGoodHealth().isServable()).isFalse();
            long generation = router.state().generation();
            assertThatThrownBy(() -> router.rollbackToLastKnownGood(Cause.automatic("error rate > 5 % for 3 min")))
                    .isInstanceOf(RollbackRefusedException.class)
                    .hasMessageContaining("rollback refused")
                    .hasMessageContaining("UNHEALTHY")
                    .hasMessageContaining("LKG pod evicted");
            assertThat(events).last().isInstanceOf(RouterEvent.RollbackRefused.class);
            assertThat(router.state().generation()).isEqualTo(generation);
            assertThat(router.state().quarantined()).isEmpty();
            assertThat(router.auditLog()).last().satisfies(entry -> assertThat(entry.action()).isEqualTo("rollback-refused"));
        }
    }

    @Test
    void rollbackQuarantinesTurnsOffFlagsAndKeepsTheLastKnownGoodsFlags() throws Exception {
        Release lkg = Fixtures.releaseWithFlag("m", "1.0.0", 10, "v4", "encoder-v4");
        Release green = Fixtures.releaseWithFlag("m", "2.0.0", 20, "v5", "encoder-v5");
        InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
        try (ManagedModelRouter<String, String> router = Fixtures.router("flags", Fixtures.spec(lkg, in -> "v1"), clock)
                .featureFlags(flags).release(Fixtures.spec(green, in -> "v2")).build()) {
            router.eventPublisher().onEvent(events::add);
            assertThat(flags.isEnabled("encoder-v4")).isTrue();
            assertThat(flags.isEnabled("encoder-v5")).isFalse();
            router.setWeights(Segment.DEFAULT, Map.of(green.id(), 10_000), Cause.operator("t", "flip to green"));
            assertThat(flags.isEnabled("encoder-v5")).isTrue();
            router.rollbackToLastKnownGood(Cause.automatic("KPI -3 % in 10 min"));
            assertThat(flags.isEnabled("encoder-v5")).isFalse();
            assertThat(flags.isEnabled("encoder-v4")).isTrue();
            assertThat(router.health(green.id()).quarantined()).isTrue();
            RouterEvent.RolledBack rolledBack = (RouterEvent.RolledBack) events.get(events.size() - 1);
            assertThat(rolledBack.rolledBack()).containsExactly(green.id());
            assertThat(rolledBack.flagsDisabled()).containsExactly("encoder-v5");
            assertThat(rolledBack.cause().actor()).isEqualTo("automatic");
            assertThatThrownBy(() -> router.setWeights(Segment.DEFAULT, Map.of(green.id(), 10_000), Cause.operator("t", "again")))
                    .hasMessageContaining("quarantined").hasMessageContaining("overrideQuarantine");
            router.overrideQuarantine(green.id(), Cause.operator("ana", "root cause fixed in encoder v5.1"));
            router.setWeights(Segment.DEFAULT, Map.of(lkg.id(), 9000, green.id(), 1000), Cause.operator("ana", "re-release"));
            assertThat(flags.isEnabled("encoder-v5")).isTrue();
            assertThat(router.auditLog()).extracting(a -> a.action()).containsSubsequence(
                    "weights-changed", "rolled-back", "quarantine-overridden", "weights-changed");
        }
    }

    @Test
    void promotionMakesTheCandidateLastKnownGoodAndKeepsProbingThePrevious() throws Exception {
        AtomicInteger v1Calls = new AtomicInteger();
        try (ManagedModelRouter<String, String> router = Fixtures.router("promote", Fixtures.spec(v1, in -> {
                    v1Calls.incrementAndGet();
                    return "v1";
                }), clock)
                .release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.promote(v2.id(), Cause.operator("ana", "canary healthy at 100 %"));
            assertThat(router.lastKnownGood()).isEqualTo(v2);
            assertThat(router.releases()).first().isEqualTo(v2);
            assertThat(callsReaching(router, "v2")).isEqualTo(2000);
            int before = v1Calls.get();
            router.checkHealth();
            assertThat(v1Calls.get()).isGreaterThan(before);
            assertThat(router.health(v1.id()).isServable()).isTrue();
        }
    }

    @Test
    void releaseAddedAtRuntimeIsWarmedBeforeItServes() throws Exception {
        Release v3 = Fixtures.release("m", "3.0.0", 3);
        AtomicInteger v3Calls = new AtomicInteger();
        try (ManagedModelRouter<String, String> router = Fixtures.router("add", Fixtures.spec(v1, in -> "v1"), clock).build()) {
            router.addRelease(Fixtures.spec(v3, in -> {
                v3Calls.incrementAndGet();
                return "v3";
            }));
            assertThat(v3Calls.get()).isEqualTo(5); // 3 warm-up calls + a probe over 2 sample inputs
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v3.id(), 5000), Cause.operator("t", "half"));
            assertThat(callsReaching(router, "v3")).isBetween(800, 1200);
        }
    }
}
