package io.github.rollback4j.benchmarks;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A router for the scale measurements ({@link TelemetryScaleBenchmark}, {@link TelemetryFootprint}):
 * {@code releases} releases, each given an equal share in each of {@code segments} request segments,
 * with telemetry on (the router's defaults, except {@code maxSegments} raised to hold every segment and
 * the call window's sub-window count, which the caller picks; its span stays 10 minutes).
 */
final class ScaleRouter {

    /** The span of the call window, as the default's (60 × 10 s). */
    static final Duration CALL_SPAN = Duration.ofMinutes(10);

    final ManagedModelRouter<Long, Long> router;
    final List<Release> releases = new ArrayList<>();
    final List<Segment> segments = new ArrayList<>();
    final TelemetryConfig telemetry;

    ScaleRouter(String name, int releaseCount, int segmentCount, int callSubWindows) {
        telemetry = TelemetryConfig.custom()
                .callWindow(SlidingWindowConfig.custom().subWindowLength(CALL_SPAN.dividedBy(callSubWindows))
                        .subWindowCount(callSubWindows).build())
                .maxSegments(Math.max(TelemetryConfig.DEFAULT_MAX_SEGMENTS, segmentCount + 1))
                .build();
        Model<Long, Long> model = in -> in + 1;
        for (int r = 0; r < releaseCount; r++) {
            releases.add(Release.of(ModelVersion.of(name, (r + 1) + ".0.0", "sha256:" + String.format("%064x", r + 1))));
        }
        ModelRouters.Builder<Long, Long> builder = ModelRouters.builder(name,
                ReleaseSpec.builder(releases.get(0), model).sampleInputs(List.of(1L)).build());
        for (Release release : releases.subList(1, releaseCount)) {
            builder.release(ReleaseSpec.builder(release, model).sampleInputs(List.of(1L)).build());
        }
        router = builder.telemetry(telemetry).build();
        Map<ReleaseId, Integer> equal = new HashMap<>();
        int share = 10_000 / releaseCount;
        for (int r = 0; r < releaseCount; r++) {
            equal.put(releases.get(r).id(), r == 0 ? 10_000 - share * (releaseCount - 1) : share);
        }
        for (int s = 0; s < segmentCount; s++) {
            Segment segment = Segment.of(name + "-segment-" + s);
            segments.add(segment);
            router.setWeights(segment, equal, Cause.automatic("scale benchmark: equal shares"));
        }
    }

    /**
     * Calls every segment until each release has served in it, so that every release × segment has
     * its telemetry; random buckets, no key.
     *
     * @return the number of calls made
     */
    long touchEveryPair() throws Exception {
        long calls = 0;
        Long input = 1L;
        for (Segment segment : segments) {
            RequestContext context = RequestContext.of(null, segment);
            java.util.Set<ReleaseId> served = new java.util.HashSet<>();
            while (served.size() < releases.size()) {
                served.add(router.decide(input, context).release());
                calls++;
            }
        }
        return calls;
    }

    /**
     * Calls segment after segment, {@code callsPerSegment} random-bucket calls each, waiting at
     * {@code step} before each segment: two threads doing this call the same pairs at the same time.
     */
    void callSegmentsInStep(java.util.concurrent.CyclicBarrier step, int callsPerSegment) throws Exception {
        Long input = 1L;
        for (Segment segment : segments) {
            RequestContext context = RequestContext.of(null, segment);
            step.await();
            for (int i = 0; i < callsPerSegment; i++) {
                router.invoke(input, context);
            }
        }
    }

    /** @return release × segment pairs with telemetry, counted from a snapshot */
    int pairsWithTelemetry() {
        TelemetrySnapshot snapshot = router.telemetry().snapshot(Duration.ofMinutes(5));
        int pairs = 0;
        for (ReleaseTelemetry t : snapshot.bySegment()) {
            if (t.requests() > 0) {
                pairs++;
            }
        }
        return pairs;
    }
}
