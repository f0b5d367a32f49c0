package io.github.rollback4j.core.internal;

import io.github.rollback4j.Decision;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.telemetry.CallObserver;
import io.github.rollback4j.telemetry.CallObserverFactory;
import io.github.rollback4j.telemetry.RouterTelemetry;
import io.github.rollback4j.telemetry.SegmentOverflow;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The router's telemetry: creates the {@link CallStats} of each release and request segment, keeps
 * the time base of the windows, decides which calls are profiled, takes KPI reports and builds
 * snapshots.
 *
 * <p>Time base: windows are keyed by wall-clock slot, but reading the wall clock on every call costs
 * a second clock read, so the request path derives wall time from the nano-time it reads anyway:
 * {@code wall time at start + elapsed nano-time}. Snapshots use the same derivation, so records and
 * queries agree.
 */
final class TelemetryHub<I, O> implements RouterTelemetry {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryHub.class);
    private static final int SAMPLE_SCALE = 1 << 24;

    private final DefaultModelRouter<I, O> router;
    private final TelemetryConfig config;
    private final TimeSource time;
    private final long anchorMillis;
    private final long anchorNanos;
    private final int sampleThreshold;
    private final IntSupplier randomBuckets;
    private final ToDoubleFunction<? super O> scoreExtractor;
    private final InputProfile<? super I> inputProfile;
    private final CopyOnWriteArrayList<CallObserverFactory> observerFactories = new CopyOnWriteArrayList<>();

    TelemetryHub(DefaultModelRouter<I, O> router, TelemetryConfig config, TimeSource time, IntSupplier randomBuckets,
                 ToDoubleFunction<? super O> scoreExtractor, InputProfile<? super I> inputProfile) {
        this.router = router;
        this.config = config;
        this.time = time;
        this.anchorNanos = time.nanoTime();
        this.anchorMillis = time.currentTimeMillis();
        this.sampleThreshold = (int) Math.round(config.sampleRate() * SAMPLE_SCALE);
        this.randomBuckets = randomBuckets;
        this.scoreExtractor = scoreExtractor;
        this.inputProfile = inputProfile;
    }

    TelemetryConfig config() {
        return config;
    }

    long startMillis() {
        return anchorMillis;
    }

    /** @return the profiled input fields, whether they have a schema, and whether scores are extracted */
    ProfiledInputs profiledInputs() {
        List<String> fields = inputProfile == null ? List.of()
                : inputProfile.fields().stream().map(InputProfile.Field::name).toList();
        return new ProfiledInputs(fields, inputProfile != null && inputProfile.hasSchema(), scoreExtractor != null);
    }

    /** Wall time, in epoch millis, of a nano-time reading (see the class comment). */
    long millis(long nanoTime) {
        return anchorMillis + Math.floorDiv(nanoTime - anchorNanos, 1_000_000L);
    }

    long nowMillis() {
        return millis(time.nanoTime());
    }

    /** Whether to profile this call: never when profiling is off, always at rate 1. */
    boolean sample() {
        if (sampleThreshold == 0 || (scoreExtractor == null && inputProfile == null)) {
            return false;
        }
        if (sampleThreshold >= SAMPLE_SCALE) {
            return true;
        }
        int draw = randomBuckets != null
                ? (int) ((Math.floorMod(randomBuckets.getAsInt(), 10_000) * (long) SAMPLE_SCALE) / 10_000)
                : ThreadLocalRandom.current().nextInt(SAMPLE_SCALE);
        return draw < sampleThreshold;
    }

    /**
     * The slow path of {@link ReleaseSlot#stats}: the first call of a release in a segment. Past
     * {@link TelemetryConfig#maxSegments()} a segment shares the {@code default} segment's stats, so
     * a release never holds more than {@code maxSegments + 1} of them (default's own included) however
     * many segments calls name; each folded segment is counted ({@link #segmentOverflow()}) and the first one is logged.
     */
    CallStats<I, O> createStats(ReleaseSlot<I, O> slot, Segment segment) {
        synchronized (slot) {
            int index = segment.index();
            CallStats<I, O> known = ReleaseSlot.statsAt(slot.statsBySegment, index);
            if (known != null) {
                return known;
            }
            CallStats<I, O> stats;
            boolean isDefault = segment.equals(Segment.DEFAULT);
            if (!isDefault && slot.trackedSegments >= config.maxSegments()) {
                // Over the cap: counted under default from now on, without the slow path.
                stats = createStats(slot, Segment.DEFAULT);
                slot.foldedSegments++;
                if (slot.foldedSegments == 1) {
                    LOG.warn("router '{}': release {} already tracks {} request segments (TelemetryConfig.maxSegments);"
                            + " calls in segment '{}' and any further new segment are counted under 'default'. Raise"
                            + " maxSegments if these segments need telemetry of their own", router.name(), slot.id,
                            slot.trackedSegments, segment);
                }
            } else {
                stats = new CallStats<>(slot.id, segment, config, scoreExtractor, inputProfile);
                stats.observer = observerFor(slot.id, segment);
                if (!isDefault) {
                    slot.trackedSegments++;
                }
            }
            // Re-read: creating the default's stats above may have replaced the array.
            CallStats<I, O>[] current = slot.statsBySegment;
            if (index >= current.length) {
                // Doubling keeps the copying linear in the number of segments seen, however many there are.
                current = java.util.Arrays.copyOf(current, Math.max(index + 1, current.length * 2));
                ReleaseSlot.setStatsAt(current, index, stats);
                slot.statsBySegment = current;
            } else {
                ReleaseSlot.setStatsAt(current, index, stats);
            }
            return stats;
        }
    }

    private CallObserver observerFor(ReleaseId release, Segment segment) {
        List<CallObserver> observers = new ArrayList<>();
        for (CallObserverFactory factory : observerFactories) {
            try {
                CallObserver observer = factory.create(router.name(), release, segment);
                if (observer != null && observer != CallObserver.NOOP) {
                    observers.add(observer);
                }
            } catch (RuntimeException e) {
                LOG.error("router '{}': call observer factory {} failed for {} in {}", router.name(), factory, release, segment, e);
            }
        }
        if (observers.isEmpty()) {
            return CallObserver.NOOP;
        }
        if (observers.size() == 1) {
            return observers.get(0);
        }
        CallObserver[] all = observers.toArray(new CallObserver[0]);
        return (latencyNanos, outcome) -> {
            for (CallObserver observer : all) {
                observer.onCall(latencyNanos, outcome);
            }
        };
    }

    private void refreshObservers() {
        for (ReleaseSlot<I, O> slot : router.slotsInOrder()) {
            for (CallStats<I, O> stats : distinct(slot)) {
                stats.observer = observerFor(slot.id, stats.segment);
            }
        }
    }

    /** Each stats object of a slot once (segments over the cap share the default's). */
    static <I, O> Collection<CallStats<I, O>> distinct(ReleaseSlot<I, O> slot) {
        IdentityHashMap<CallStats<I, O>, Boolean> seen = new IdentityHashMap<>();
        CallStats<I, O>[] bySegment = slot.statsBySegment;
        for (int index = 0; index < bySegment.length; index++) {
            CallStats<I, O> stats = ReleaseSlot.statsAt(bySegment, index);
            if (stats != null) {
                seen.put(stats, Boolean.TRUE);
            }
        }
        return seen.keySet();
    }

    @Override
    public List<SegmentOverflow> segmentOverflow() {
        List<SegmentOverflow> overflow = new ArrayList<>();
        for (ReleaseSlot<I, O> slot : router.slotsInOrder()) {
            int tracked;
            synchronized (slot) {
                tracked = slot.trackedSegments;
            }
            overflow.add(new SegmentOverflow(slot.id, tracked, slot.foldedSegments, slot.overflowCalls.sum()));
        }
        return List.copyOf(overflow);
    }

    @Override
    public RouterEventPublisher.Registration addCallObserver(CallObserverFactory factory) {
        Objects.requireNonNull(factory, "addCallObserver: factory must not be null");
        observerFactories.add(factory);
        refreshObservers();
        return () -> {
            if (observerFactories.remove(factory)) {
                refreshObservers();
            }
        };
    }

    @Override
    public void reportKpi(String kpi, Decision<?> decision, double value) {
        Objects.requireNonNull(decision, "reportKpi: decision must not be null");
        checkKpi(kpi, value);
        record(kpi, decision.release(), decision.segment(), value);
    }

    @Override
    public void reportKpi(String kpi, RequestContext context, double value) {
        Objects.requireNonNull(context, "reportKpi: context must not be null");
        checkKpi(kpi, value);
        if (context.stickinessKey() == null) {
            throw new IllegalArgumentException("reportKpi('" + kpi + "', context, value): the context has no stickiness key,"
                    + " so the release that served cannot be found; report with the Decision that decide() returned instead");
        }
        ReleaseId owner = router.ownerOf(context);
        record(kpi, owner, context.segment(), value);
    }

    private static void checkKpi(String kpi, double value) {
        if (kpi == null || kpi.isBlank()) {
            throw new IllegalArgumentException("reportKpi: kpi must name the KPI, e.g. 'ctr', but was '" + kpi + "'");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("reportKpi('" + kpi + "'): value must be finite (0 or 1 for a proportion,"
                    + " the value for a mean), but was " + value);
        }
    }

    private void record(String kpi, ReleaseId release, Segment segment, double value) {
        if (!config.enabled()) {
            return;
        }
        ReleaseSlot<I, O> slot = router.slotOrNull(release);
        if (slot == null) {
            LOG.debug("router '{}': KPI '{}' reported for release {}, which is retired or unknown; dropped", router.name(), kpi, release);
            return;
        }
        slot.stats(segment, this).kpi(kpi).record(nowMillis(), value);
    }

    @Override
    public TelemetrySnapshot snapshot(Duration window) {
        TelemetrySnapshots.checkWindow(window, retention());
        long now = nowMillis();
        return TelemetrySnapshots.build(router.name(), router.slotsInOrder(), config, window, now);
    }

    @Override
    public TelemetrySnapshot sinceStart() {
        return TelemetrySnapshots.sinceStart(router.name(), router.slotsInOrder(), anchorMillis, nowMillis());
    }

    @Override
    public Duration subWindow() {
        return config.callWindow().subWindowLength();
    }

    @Override
    public Duration retention() {
        Duration longest = config.callWindow().span();
        if (config.kpiWindow().span().compareTo(longest) > 0) {
            longest = config.kpiWindow().span();
        }
        if (config.profileWindow().span().compareTo(longest) > 0) {
            longest = config.profileWindow().span();
        }
        return longest;
    }
}
