package io.github.rollback4j.core;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.telemetry.Outcome;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link ReleaseSpec#callTimeout()}: a hung model does not hang its callers when they asked for a
 * timeout. Real threads and real time (the timeout is the point); telemetry on the virtual clock.
 */
class CallTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(50);
    /** How long a caller may wait, at most, for a call with {@link #TIMEOUT}: generous, for a loaded CI machine. */
    private static final Duration CALLER_BOUND = Duration.ofSeconds(5);

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);

    /** Answers probes at once; real inputs wait for {@link #release} (interruptibly) and count the interrupts. */
    private static final class Hanging implements Model<String, String> {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicReference<Thread> lastThread = new AtomicReference<>();
        final String output;

        Hanging(String output) {
            this.output = output;
        }

        @Override
        public String predict(String input) throws Exception {
            if (input.startsWith("probe")) {
                return output;
            }
            lastThread.set(Thread.currentThread());
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return output;
        }
    }

    private ReleaseSpec.Builder<String, String> spec(Release release, Model<String, String> model) {
        return ReleaseSpec.builder(release, model).sampleInputs(List.of("probe")).warmupCalls(1);
    }

    @Test
    void withoutACircuitBreakerTheCallerGetsATimeoutAndTheHungCallIsInterrupted() throws Exception {
        Hanging model = new Hanging("v1");
        try (ManagedModelRouter<String, String> router = Fixtures.router("timeout", spec(v1, model).callTimeout(TIMEOUT).build(),
                clock).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> router.invoke("x")).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("did not answer within its call timeout of 50 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALLER_BOUND);
            await().atMost(Duration.ofSeconds(10)).until(() -> model.interrupted.get() == 1);
            assertThat(router.telemetry().sinceStart().total(v1.id()).orElseThrow().count(Outcome.TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void withACircuitBreakerATimeoutIsAFailureServedByTheLastKnownGood() throws Exception {
        Hanging candidate = new Hanging("v2");
        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom().slidingWindowSize(10).minimumNumberOfCalls(10).build();
        try (ManagedModelRouter<String, String> router = Fixtures.router("timeout-breaker", spec(v1, in -> "v1").build(), clock)
                .release(spec(v2, candidate).callTimeout(TIMEOUT).circuitBreaker(breaker).build()).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 0, v2.id(), 10_000), Cause.operator("ana", "all to v2"));
            for (int call = 0; call < 3; call++) {
                long start = System.nanoTime();
                Decision<String> decision = router.decide("x", RequestContext.of("user-" + call));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALLER_BOUND);
                assertThat(decision.output()).isEqualTo("v1");
                assertThat(decision.fallback()).isTrue();
                assertThat(decision.release()).isEqualTo(v1.id());
            }
            assertThat(router.telemetry().sinceStart().total(v2.id()).orElseThrow().count(Outcome.FALLBACK)).isEqualTo(3);
            await().atMost(Duration.ofSeconds(10)).until(() -> candidate.interrupted.get() == 3);
        }
    }

    @Test
    void withoutACallTimeoutTheModelRunsOnTheCallersThread() throws Exception {
        AtomicReference<Thread> ran = new AtomicReference<>();
        try (ManagedModelRouter<String, String> router = Fixtures.router("in-place", spec(v1, in -> {
            ran.set(Thread.currentThread());
            return "v1";
        }).build(), clock).build()) {
            assertThat(router.invoke("x")).isEqualTo("v1");
            assertThat(ran.get()).isSameAs(Thread.currentThread());
        }
    }

    @Test
    void aTimedCallRunsOnACallThreadAndPassesTheModelsOwnExceptionThrough() throws Exception {
        IOException failure = new IOException("feature store down");
        AtomicReference<Thread> ran = new AtomicReference<>();
        try (ManagedModelRouter<String, String> router = Fixtures.router("timed-error", spec(v1, in -> {
            if (!in.startsWith("probe")) {
                ran.set(Thread.currentThread());
                if (in.equals("fail")) {
                    throw failure;
                }
            }
            return "v1";
        }).callTimeout(Duration.ofSeconds(5)).build(), clock).build()) {
            assertThat(router.invoke("x")).isEqualTo("v1");
            assertThat(ran.get().getName()).startsWith("rollback4j-call-timed-error-");
            assertThatThrownBy(() -> router.invoke("fail")).isSameAs(failure);
            assertThat(router.telemetry().sinceStart().total(v1.id()).orElseThrow().count(Outcome.MODEL_ERROR)).isEqualTo(1);
        }
    }

    @Test
    void whenEveryCallThreadIsTakenAndTheQueueIsFullACallTimesOutAtOnce() throws Exception {
        Hanging model = new Hanging("v1");
        RouterConfig oneThread = RouterConfig.custom().callThreads(1).callQueueCapacity(0).build();
        try (ManagedModelRouter<String, String> router = Fixtures.router("saturated",
                spec(v1, model).callTimeout(Duration.ofSeconds(30)).build(), clock).config(oneThread).build()) {
            AtomicReference<Throwable> first = new AtomicReference<>();
            Thread holder = new Thread(() -> {
                try {
                    router.invoke("x");
                } catch (Throwable t) {
                    first.set(t);
                }
            });
            holder.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> model.lastThread.get() != null);
            long start = System.nanoTime();
            assertThatThrownBy(() -> router.invoke("y")).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("all 1 call threads are busy");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALLER_BOUND);
            model.release.countDown();
            holder.join(10_000);
            assertThat(first.get()).isNull();
        }
    }

    @Test
    void afterCloseTimedReleasesStillAnswerOnTheCallersThread() throws Exception {
        AtomicReference<Thread> ran = new AtomicReference<>();
        ManagedModelRouter<String, String> router = Fixtures.router("closed-timed", spec(v1, in -> {
            ran.set(Thread.currentThread());
            return "v1";
        }).callTimeout(TIMEOUT).build(), clock).build();
        router.close();
        assertThat(router.invoke("x")).isEqualTo("v1");
        assertThat(ran.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void aCallTimeoutOutsideItsRangeIsRefusedByName() {
        assertThatThrownBy(() -> spec(v1, in -> "v1").callTimeout(Duration.ofMinutes(11)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ReleaseSpec.callTimeout must be between 1ms and 10m");
        assertThatThrownBy(() -> spec(v1, in -> "v1").callTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ReleaseSpec.callTimeout");
    }

    @Test
    void aCallerInterruptedWhileWaitingCancelsItsCall() throws Exception {
        Hanging model = new Hanging("v1");
        try (ManagedModelRouter<String, String> router = Fixtures.router("caller-interrupted",
                spec(v1, model).callTimeout(Duration.ofSeconds(30)).build(), clock).build()) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    router.invoke("x");
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            caller.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> model.lastThread.get() != null);
            caller.interrupt();
            caller.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> model.interrupted.get() == 1);
        }
    }
}
