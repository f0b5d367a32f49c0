package io.github.rollback4j.core;

import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health probes run on the router's own bounded probe executor (real threads, real time): a probe
 * that times out is interrupted, a model that ignores the interrupt holds at most one probe thread
 * however many rounds run, and no round after {@code close()} passes a verdict.
 */
class ProbeThreadsTest {

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(25);
    private static final int ROUNDS = 12;

    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);

    private static <O> ReleaseSpec<String, O> spec(Release release, Model<String, O> model) {
        return ReleaseSpec.builder(release, model).sampleInputs(List.of("probe")).warmupCalls(1).probeTimeout(PROBE_TIMEOUT)
                .unhealthyAfterFailures(100).build();
    }

    /** A router with its own probe executor (no {@code probeExecutor(..)}), on the system clock. */
    private ManagedModelRouter<String, String> router(String name, Model<String, String> candidate) {
        return ModelRouters.builder(name, spec(v1, in -> "v1")).release(spec(v2, candidate)).build();
    }

    @Test
    void aModelThatIgnoresInterruptsHoldsAtMostOneProbeThread() throws Exception {
        AtomicBoolean hang = new AtomicBoolean();
        AtomicInteger hanging = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        try (ManagedModelRouter<String, String> router = router("hang-deaf", in -> {
            if (hang.get()) {
                hanging.incrementAndGet();
                try {
                    while (!never.await(10, TimeUnit.SECONDS)) {
                        // a model stuck in native code: interrupts do not reach it
                    }
                } catch (InterruptedException ignored) {
                    while (!never.await(10, TimeUnit.SECONDS)) {
                        // still stuck
                    }
                } finally {
                    hanging.decrementAndGet();
                }
            }
            return "v2";
        })) {
            // A probe of the warm-up may already have failed on a starved machine: count from here.
            int before = router.health(v2.id()).consecutiveFailures();
            hang.set(true);
            for (int round = 0; round < ROUNDS; round++) {
                router.checkHealth();
            }
            assertThat(hanging.get()).as("probe threads stuck in the hanging model").isEqualTo(1);
            ReleaseHealth health = router.health(v2.id());
            assertThat(health.consecutiveFailures()).as("every round counts as a failed probe").isEqualTo(before + ROUNDS);
            assertThat(health.lastFailure()).contains("still running");
            assertThat(router.lastKnownGoodHealth().state()).isEqualTo(ReleaseState.READY);
        } finally {
            never.countDown();
        }
    }

    @Test
    void aProbeThatTimesOutIsInterrupted() throws Exception {
        AtomicBoolean hang = new AtomicBoolean();
        AtomicInteger hanging = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        try (ManagedModelRouter<String, String> router = router("hang-interruptible", in -> {
            if (hang.get()) {
                hanging.incrementAndGet();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                } finally {
                    hanging.decrementAndGet();
                }
            }
            return "v2";
        })) {
            hang.set(true);
            for (int round = 0; round < ROUNDS; round++) {
                router.checkHealth();
                int expected = round + 1;
                await().atMost(Duration.ofSeconds(10)).until(() -> interrupted.get() == expected);
            }
            assertThat(hanging.get()).isZero();
            assertThat(router.health(v2.id()).lastFailure()).contains("timed out").contains("interrupted");
        }
    }

    @Test
    void healthRoundsAfterCloseDoNotMarkTheLastKnownGoodUnhealthy() throws Exception {
        ManagedModelRouter<String, String> router = ModelRouters.builder("closed", ReleaseSpec.builder(v1, (String in) -> "v1")
                .sampleInputs(List.of("probe")).warmupCalls(1).probeTimeout(PROBE_TIMEOUT).build()).build();
        router.close();
        for (int round = 0; round < 5; round++) {
            router.checkHealth();
        }
        ReleaseHealth lkg = router.lastKnownGoodHealth();
        assertThat(lkg.state()).isEqualTo(ReleaseState.READY);
        assertThat(lkg.consecutiveFailures()).isZero();
        assertThat(lkg.lastFailure()).isNull();
    }

    @Test
    void aHealthRoundCutShortByClosePassesNoVerdict() throws Exception {
        AtomicBoolean hang = new AtomicBoolean();
        CountDownLatch inProbe = new CountDownLatch(1);
        ManagedModelRouter<String, String> router = ModelRouters.builder("closing", ReleaseSpec.builder(v1, (String in) -> {
                    if (hang.get()) {
                        inProbe.countDown();
                        new CountDownLatch(1).await(); // until close() interrupts it
                    }
                    return "v1";
                }).sampleInputs(List.of("probe")).warmupCalls(1).probeTimeout(Duration.ofSeconds(30)).unhealthyAfterFailures(1).build())
                .build();
        hang.set(true);
        AtomicReference<Throwable> roundFailure = new AtomicReference<>();
        Thread round = new Thread(() -> {
            try {
                router.checkHealth();
            } catch (Throwable t) {
                roundFailure.set(t);
            }
        }, "health-round");
        round.start();
        assertThat(inProbe.await(10, TimeUnit.SECONDS)).isTrue();
        router.close();
        round.join(10_000);
        assertThat(round.isAlive()).isFalse();
        assertThat(roundFailure.get()).isNull();
        assertThat(router.lastKnownGoodHealth().state()).isEqualTo(ReleaseState.READY);
        assertThat(router.lastKnownGoodHealth().consecutiveFailures()).isZero();
    }
}
