package io.github.rollback4j.core.shadow;

import io.github.rollback4j.RequestContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Real threads: the runner's own pool and time limiter. Waits with Awaitility, never sleeps. */
class ShadowRunnerThreadsTest {

    @Test
    void offerNeverBlocksWhenTheShadowPoolIsSaturatedAndCountsDrops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> {
                    running.incrementAndGet();
                    release.await();
                    return x;
                }).sampleRate(1.0).maxConcurrentCalls(2).timeout(Duration.ofSeconds(30)).build()) {
            Integer primary = 7;
            assertThat(r.offer(1, primary, RequestContext.EMPTY, 0)).isTrue();
            assertThat(r.offer(2, primary, RequestContext.EMPTY, 0)).isTrue();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(running).hasValue(2));

            long t0 = System.nanoTime();
            int accepted = 0;
            for (int i = 0; i < 1_000; i++) {
                if (r.offer(i, primary, RequestContext.EMPTY, 0)) {
                    accepted++;
                }
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(accepted).isZero();
            assertThat(r.dropped()).isEqualTo(1_000);
            assertThat(elapsedMillis).as("1000 saturated offers must return at once").isLessThan(2_000);

            release.countDown();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(r.compared()).isEqualTo(2);
                assertThat(r.inFlight()).isZero();
            });
            assertThat(r.report().total().drops()).isEqualTo(1_000);
            assertThat(r.offer(3, 3, RequestContext.EMPTY, 0)).isTrue();
        }
    }

    @Test
    void theTimeLimiterCountsAHungCandidateAsATimeoutAndKeepsItsPermitUntilItEnds() {
        CountDownLatch release = new CountDownLatch(1);
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> {
                    release.await();
                    return x;
                }).sampleRate(1.0).maxConcurrentCalls(1).timeout(Duration.ofMillis(50)).build()) {
            assertThat(r.offer(1, 1, RequestContext.EMPTY, 0)).isTrue();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(r.timeouts()).isEqualTo(1));
            // the hung call still holds the only thread: the next one is dropped, not queued behind it
            assertThat(r.offer(2, 2, RequestContext.EMPTY, 0)).isFalse();
            assertThat(r.dropped()).isEqualTo(1);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(r.inFlight()).isZero());
            assertThat(r.compared()).isZero();
            assertThat(r.timeouts()).isEqualTo(1);
        }
    }

    @Test
    void aCpuBudgetRestsTheWorkerInProportionToEachCallAndRefusesAnExecutor() {
        // Each candidate call spins 2 ms while the test thread offers without pause. With a quarter share
        // the worker rests at least 3 × each call before the next; without a budget it takes the next at once.
        java.util.List<Long> budgeted = gapsOverBusy(0.25);
        assertThat(budgeted).as("gap / busy with maxBusyShare(0.25)").allSatisfy(ratio -> assertThat(ratio).isGreaterThanOrEqualTo(3L));
        java.util.List<Long> unbudgeted = gapsOverBusy(1.0);
        System.out.println("shadow CPU budget: gap / busy with maxBusyShare 0.25 " + budgeted + ", without a budget " + unbudgeted);
        // Without a budget nothing makes the worker wait, but on a loaded 2-core machine any single gap can be a
        // descheduling of several milliseconds: at least one of the five gaps shows the worker taking the next call at once.
        assertThat(java.util.Collections.min(unbudgeted)).as("smallest gap / busy without a budget").isLessThan(3L);

        assertThatThrownBy(() -> ShadowRunner.<Integer, Integer>builder(x -> x).maxBusyShare(0.5).executor(Runnable::run).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBusyShare is 0.5");
        assertThatThrownBy(() -> ShadowRunner.<Integer, Integer>builder(x -> x).maxBusyShare(0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1], but was 0.0");
    }

    /** Runs 6 candidate calls of 2 ms back to back and returns, per call after the first, floor(gap before it / previous call's time). */
    private static java.util.List<Long> gapsOverBusy(double share) {
        java.util.List<long[]> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> {
                    long start = System.nanoTime();
                    while (System.nanoTime() - start < 2_000_000L) {
                        Thread.onSpinWait();
                    }
                    calls.add(new long[] {start, System.nanoTime()});
                    return x;
                }).sampleRate(1.0).maxConcurrentCalls(1).maxBusyShare(share).timeout(Duration.ofSeconds(30)).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (r.compared() < 6 && System.nanoTime() < deadline) {
                r.offer(1, 1, RequestContext.EMPTY, 0);
                Thread.onSpinWait();
            }
            assertThat(r.compared()).as("compared calls within 20 s").isGreaterThanOrEqualTo(6);
        }
        java.util.List<Long> ratios = new java.util.ArrayList<>();
        for (int i = 1; i < 6; i++) {
            long busy = calls.get(i - 1)[1] - calls.get(i - 1)[0];
            ratios.add((calls.get(i)[0] - calls.get(i - 1)[1]) / busy);
        }
        return ratios;
    }
}
