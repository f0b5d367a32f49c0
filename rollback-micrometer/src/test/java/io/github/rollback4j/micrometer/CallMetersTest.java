package io.github.rollback4j.micrometer;

import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.Segment;
import io.github.rollback4j.telemetry.CallObserver;
import io.github.rollback4j.telemetry.Outcome;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The request-path observer, without the binding's subscriptions: what one call costs and records. */
class CallMetersTest {

    private static final Release V1 = TestRouters.release("fraud", "1", 0xaa);
    private static final ReleaseId RELEASE = V1.id();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // A real router names the release in the tags; the binding is not started, so only create() registers meters.
    private final ManagedModelRouter<String, String> router = TestRouters.router("fraud",
            TestRouters.spec(V1, input -> "ok"), VirtualTimeSource.startingAt(Instant.EPOCH)).build();
    private final RouterMeters meters = new RouterMeters(router, registry, RollbackMeterNames.ofDefaults(),
            Tags.of(RollbackMeterNames.TAG_ROUTER, "fraud"));

    @AfterEach
    void closeRouter() {
        router.close();
    }

    @Test
    void theObserverRecordsIntoMetersRegisteredWhenItWasCreated() {
        CallObserver observer = meters.create("fraud", RELEASE, Segment.DEFAULT);
        int registered = registry.getMeters().size();

        observer.onCall(2_000_000, Outcome.SUCCESS);
        observer.onCall(3_000_000, Outcome.FALLBACK);

        assertThat(registry.getMeters()).hasSize(registered).hasSize(1 + Outcome.values().length);
        CallMeters callMeters = (CallMeters) observer;
        assertThat(callMeters.latency().count()).isEqualTo(2);
        assertThat(callMeters.latency().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        assertThat(callMeters.counter(Outcome.SUCCESS).count()).isEqualTo(1);
        assertThat(callMeters.counter(Outcome.FALLBACK).count()).isEqualTo(1);
    }

    @Test
    void askingTwiceForTheSamePairReturnsTheSameObserver() {
        CallObserver first = meters.create("fraud", RELEASE, Segment.DEFAULT);
        CallObserver again = meters.create("fraud", RELEASE, Segment.DEFAULT);
        CallObserver otherSegment = meters.create("fraud", RELEASE, Segment.of("eu-west"));

        assertThat(again).isSameAs(first);
        assertThat(otherSegment).isNotSameAs(first);
        assertThat(registry.getMeters()).hasSize(2 * (1 + Outcome.values().length));
    }

    @Test
    void callsTheReleaseDidNotRunAreCountedButNotTimed() {
        CallMeters observer = (CallMeters) meters.create("fraud", RELEASE, Segment.DEFAULT);

        observer.onCall(-1, Outcome.FALLBACK);          // circuit breaker open: no call of the release
        observer.onCall(0, Outcome.SHADOW_DROPPED);     // shadow executor full: no call at all

        assertThat(observer.counter(Outcome.FALLBACK).count()).isEqualTo(1);
        assertThat(observer.counter(Outcome.SHADOW_DROPPED).count()).isEqualTo(1);
        assertThat(observer.latency().count()).isZero();
    }

    @Test
    void theObserverNeverThrows() {
        CallObserver observer = meters.create("fraud", RELEASE, Segment.DEFAULT);

        assertThatCode(() -> {
            observer.onCall(Long.MAX_VALUE, Outcome.SUCCESS);
            observer.onCall(Long.MIN_VALUE, Outcome.TIMEOUT);
            observer.onCall(1, null);
        }).doesNotThrowAnyException();
    }

    @Test
    void aRetiredReleaseGetsNoNewMeters() {
        meters.create("fraud", RELEASE, Segment.DEFAULT);
        meters.onEvent(new io.github.rollback4j.RouterEvent.ReleaseRetired("fraud", java.time.Instant.EPOCH, RELEASE,
                io.github.rollback4j.Cause.operator("ana", "done")));

        assertThat(registry.getMeters()).isEmpty();
        assertThat(meters.create("fraud", RELEASE, Segment.of("late-segment"))).isSameAs(CallObserver.NOOP);
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void theRequestPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
        CallObserver observer = meters.create("fraud", RELEASE, Segment.DEFAULT);
        Outcome[] outcomes = Outcome.values();
        // Warm up so that the measured loop runs compiled code.
        for (int i = 0; i < 200_000; i++) {
            observer.onCall(1_000 + i, outcomes[i % outcomes.length]);
        }

        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        int calls = 200_000;
        for (int i = 0; i < calls; i++) {
            observer.onCall(1_000 + i, outcomes[i % outcomes.length]);
        }
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        // One allocation per call would be at least 16 B × 200,000 = 3.2 MB; allow the measurement's own noise.
        assertThat(allocated).as("bytes allocated by %d calls", calls).isLessThan(16_384);
    }
}
