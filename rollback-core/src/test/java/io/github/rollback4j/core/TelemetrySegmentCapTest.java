package io.github.rollback4j.core;

import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.SegmentOverflow;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The telemetry of a release is bounded by {@link TelemetryConfig#maxSegments()} however many
 * request segments (tenants) calls name, also when no call ever uses the default segment; what goes
 * over the cap is counted under default, and the overflow is visible.
 */
class TelemetrySegmentCapTest {

    private static final int TENANTS = 5_000;
    private static final int MAX_SEGMENTS = 16;

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);

    /** Small windows, so that a broken cap shows as a count, not as an OutOfMemoryError. */
    private static TelemetryConfig smallWindows(int maxSegments) {
        SlidingWindowConfig window = SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(2).build();
        return TelemetryConfig.custom().callWindow(window).kpiWindow(window).profileWindow(window).maxSegments(maxSegments).build();
    }

    private ManagedModelRouter<String, String> router(String name, TelemetryConfig telemetry) {
        return Fixtures.router(name, Fixtures.spec(v1, in -> "v1"), clock).telemetry(telemetry).build();
    }

    private static List<Segment> tenants(String prefix, int count) {
        List<Segment> tenants = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            tenants.add(Segment.of(prefix + t));
        }
        return tenants;
    }

    @Test
    void thousandsOfTenantsNeverUsingTheDefaultSegmentKeepAtMostTheCapOfStats() throws Exception {
        List<Segment> tenants = tenants("cap-tenant-", TENANTS);
        try (ManagedModelRouter<String, String> router = router("cap", smallWindows(MAX_SEGMENTS))) {
            for (int round = 0; round < 2; round++) {
                for (Segment tenant : tenants) {
                    router.invoke("x", RequestContext.of("user", tenant));
                }
            }
            TelemetrySnapshot snapshot = router.telemetry().snapshot(Duration.ofSeconds(20));
            // One stats object per tracked segment: the cap's worth of tenants, and default's.
            assertThat(snapshot.bySegment()).hasSize(MAX_SEGMENTS + 1);
            assertThat(snapshot.bySegment()).extracting(ReleaseTelemetry::segment).contains(Segment.DEFAULT);
            assertThat(snapshot.total(v1.id()).orElseThrow().requests()).as("no call is lost").isEqualTo(2L * TENANTS);
            long onDefault = snapshot.get(v1.id(), Segment.DEFAULT).orElseThrow().requests();
            assertThat(onDefault).isEqualTo(2L * (TENANTS - MAX_SEGMENTS));

            SegmentOverflow overflow = router.telemetry().segmentOverflow().get(0);
            assertThat(overflow.release()).isEqualTo(v1.id());
            assertThat(overflow.trackedSegments()).isEqualTo(MAX_SEGMENTS);
            assertThat(overflow.foldedSegments()).isEqualTo(TENANTS - MAX_SEGMENTS);
            assertThat(overflow.foldedCalls()).isEqualTo(onDefault);
        }
    }

    @Test
    void withTheDefaultWindowsThreeThousandTenantsStayWithinTheCap() throws Exception {
        List<Segment> tenants = tenants("default-cap-tenant-", 3_000);
        try (ManagedModelRouter<String, String> router = router("default-cap", TelemetryConfig.ofDefaults())) {
            for (Segment tenant : tenants) {
                router.invoke("x", RequestContext.of("user", tenant));
            }
            // With the default windows each stats object holds about 620 KB; the cap keeps 16 + default of them.
            assertThat(router.telemetry().sinceStart().bySegment()).hasSizeLessThanOrEqualTo(TelemetryConfig.DEFAULT_MAX_SEGMENTS + 1);
            assertThat(router.telemetry().segmentOverflow().get(0).foldedSegments())
                    .isEqualTo(3_000 - TelemetryConfig.DEFAULT_MAX_SEGMENTS);
        }
    }

    @Test
    void callsInSegmentsOverTheCapAllocateNothing() throws Exception {
        List<Segment> tenants = tenants("alloc-tenant-", 64);
        try (ManagedModelRouter<String, String> router = router("cap-alloc", smallWindows(4))) {
            RequestContext[] contexts = tenants.stream().map(t -> RequestContext.of("u", t)).toArray(RequestContext[]::new);
            Runnable calls = () -> {
                for (int i = 0; i < 10_000; i++) {
                    try {
                        router.invoke("x", contexts[i & 63]);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }
            };
            for (int warm = 0; warm < 20; warm++) {
                calls.run();
            }
            long least = io.github.rollback4j.core.telemetry.Allocations.leastBytesAllocated(calls, 5);
            assertThat(router.telemetry().segmentOverflow().get(0).foldedSegments()).isEqualTo(60);
            assertThat(least).as("bytes allocated by 10,000 calls, most in segments over the cap").isLessThan(1_024);
        }
    }

    @Test
    void tenantsSeenFirstByManyThreadsAtOnceAreAllCountedWithinTheCap() throws Exception {
        int threads = 4;
        int perThread = TestScale.rounds(1_500);
        List<Segment> tenants = tenants("race-tenant-", threads * perThread);
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (ManagedModelRouter<String, String> router = router("cap-race", smallWindows(MAX_SEGMENTS))) {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                done.add(callers.submit(() -> {
                    start.await();
                    // Each thread calls its own tenants and, interleaved, everybody else's.
                    for (int i = 0; i < perThread; i++) {
                        router.invoke("x", RequestContext.of("u", tenants.get(first + i)));
                        router.invoke("x", RequestContext.of("u", tenants.get((first + i + perThread) % tenants.size())));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            TelemetrySnapshot totals = router.telemetry().sinceStart();
            assertThat(totals.bySegment()).hasSize(MAX_SEGMENTS + 1);
            assertThat(totals.total(v1.id()).orElseThrow().requests()).isEqualTo(2L * threads * perThread);
            SegmentOverflow overflow = router.telemetry().segmentOverflow().get(0);
            assertThat(overflow.foldedSegments()).isEqualTo(threads * perThread - MAX_SEGMENTS);
        } finally {
            callers.shutdownNow();
        }
    }
}
