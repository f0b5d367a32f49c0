package io.github.rollback4j.core.shadow;

import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.telemetry.Allocations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ShadowRunner#tryOffer} tells a drop from a call that was not sampled. */
class ShadowRunnerOfferTest {

    /** Boxed once: boxing a fresh int per offer would be the test's own allocation. */
    private static final Integer INPUT = 1_000;
    private static final Integer OUTPUT = 1_001;

    private final VirtualTimeSource clock = VirtualTimeSource.create();

    @Test
    void tryOfferSaysWhatBecameOfTheCall() {
        ShadowRunnerTest.ControlledExecutor executor = new ShadowRunnerTest.ControlledExecutor();
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> x).executor(executor)
                .timeSource(clock).sampleRate(1.0).maxConcurrentCalls(1).build()) {
            assertThat(r.tryOffer(1, 1, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.HANDED_OVER);
            // the only permit is taken until the queued task runs
            assertThat(r.tryOffer(2, 2, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.DROPPED);
            executor.runAll();
            executor.reject = true;
            assertThat(r.tryOffer(3, 3, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.DROPPED);
            assertThat(r.dropped()).isEqualTo(2);
            assertThat(r.compared()).isEqualTo(1);
            r.close();
            assertThat(r.tryOffer(4, 4, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.CLOSED);
        }
    }

    @Test
    void anUnsampledCallIsNotADrop() {
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> x).executor(task -> {
                    throw new RejectedExecutionException("never reached");
                }).timeSource(clock).sampleRate(0.0).build()) {
            for (int i = 0; i < 100; i++) {
                assertThat(r.tryOffer(i, i, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.NOT_SAMPLED);
                assertThat(r.offer(i, i, RequestContext.EMPTY, 0)).isFalse();
            }
            assertThat(r.dropped()).isZero();
            assertThat(r.report().offered()).isEqualTo(200);
            assertThat(r.report().sampled()).isZero();
        }
    }

    @Test
    void aDroppedCallAllocatesNothingOnTheCallersThread() throws Exception {
        // A dropped call is counted in the report on the request thread: its segment, its time-of-day bucket (a
        // region zone, whose offset lookup allocates) and its over-time interval must all be found without allocating.
        CountDownLatch release = new CountDownLatch(1);
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> {
                    release.await();
                    return x;
                }).sampleRate(1.0).maxConcurrentCalls(1).timeout(Duration.ofMinutes(5))
                .timeOfDay(TimeOfDayBuckets.hourly(ZoneId.of("Europe/Berlin"))).interval(Duration.ofMinutes(1)).build()) {
            RequestContext tenant = RequestContext.builder().segment("tenant-a").build();
            long now = Instant.parse("2026-03-29T00:57:00Z").toEpochMilli(); // Berlin goes to summer time at 01:00Z
            assertThat(r.tryOffer(0, 0, tenant, now)).isEqualTo(ShadowRunner.Offer.HANDED_OVER); // takes the only permit
            long[] t = {now}; // 1 ms per offer: a run of 10,000 is 10 s, across at most one interval of a minute
            Runnable drops = () -> {
                for (int i = 0; i < 10_000; i++) {
                    if (r.tryOffer(INPUT, OUTPUT, tenant, t[0]++) != ShadowRunner.Offer.DROPPED) {
                        throw new AssertionError("offer " + i + " was not dropped");
                    }
                }
            };
            for (int round = 0; round < 20; round++) {
                drops.run();
            }
            long least = Allocations.leastBytesAllocated(drops, 5);
            assertThat(least).as("bytes allocated by 10,000 dropped offers (one allocation per offer would be >= 160,000)")
                    .isLessThan(1_024);
            assertThat(r.dropped()).isEqualTo(250_000);
            assertThat(r.report().bySegment().get("tenant-a").drops()).isEqualTo(250_000);
            release.countDown();
        }
    }
}
