package io.github.rollback4j.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.core.ReleaseSpec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * One registered release as the router holds it: the model the request path calls, its optional
 * circuit breaker, and its health. The request path reads only the final fields; health fields are
 * written by the control path under the router's lock and read through {@link #health}.
 */
final class ReleaseSlot<I, O> {

    final ReleaseSpec<I, O> spec;
    final Release release;
    final ReleaseId id;
    /** Added to this release's exceptions as a suppressed exception, so callers can tell which release threw. */
    final io.github.rollback4j.ReleaseAttribution attribution;
    final Model<I, O> model;
    final CircuitBreaker breaker;
    /** Distinct stickiness keys served; {@code null} when telemetry is off. */
    final DistinctKeys keys;
    /** Limits request-path calls to the spec's call timeout; {@code null} when it has none (calls run on the caller's thread). */
    final TimeLimiter timeLimiter;
    /** Runs the timed calls; {@code null} exactly when {@link #timeLimiter} is. */
    final ExecutorService callExecutor;
    /** Calls counted under {@code default} because their segment was over {@code TelemetryConfig.maxSegments}. */
    final LongAdder overflowCalls = new LongAdder();

    private static final VarHandle STATS = MethodHandles.arrayElementVarHandle(CallStats[].class);

    /**
     * Telemetry per request segment, indexed by {@link io.github.rollback4j.Segment#index()}; read and
     * written through {@link #statsAt} and {@link #setStatsAt}, replaced (doubled) when an index does not fit.
     */
    @SuppressWarnings("unchecked")
    volatile CallStats<I, O>[] statsBySegment = new CallStats[0];
    /** Segments other than default with stats of their own; guarded by this slot's monitor. */
    int trackedSegments;
    /** Segments over the cap, folded into {@code default}; written under this slot's monitor. */
    volatile int foldedSegments;
    /** A probe call that timed out and was interrupted but has not returned yet; guarded by the router's probe lock. */
    ProbeCall<?> stuckProbe;

    volatile ReleaseState state = ReleaseState.COLD;
    volatile int consecutiveFailures;
    volatile Instant lastProbe;
    volatile String lastFailure;

    ReleaseSlot(String router, ReleaseSpec<I, O> spec, boolean countKeys, ExecutorService callExecutor) {
        this.spec = spec;
        this.release = spec.release();
        this.id = release.id();
        this.attribution = new io.github.rollback4j.ReleaseAttribution(router, id, release.name());
        this.model = spec.model();
        this.breaker = spec.circuitBreaker() == null ? null
                : CircuitBreaker.of(router + "." + id.value(), spec.circuitBreaker());
        this.keys = countKeys ? new DistinctKeys() : null;
        this.timeLimiter = spec.callTimeout() == null ? null : TimeLimiter.of(router + "." + id.value(),
                TimeLimiterConfig.custom().timeoutDuration(spec.callTimeout()).cancelRunningFuture(true).build());
        this.callExecutor = timeLimiter == null ? null : callExecutor;
    }

    /**
     * The telemetry of this release in a segment: an array load on the request path, the hub's slow
     * path only the first time a segment is seen.
     */
    CallStats<I, O> stats(io.github.rollback4j.Segment segment, TelemetryHub<I, O> hub) {
        CallStats<I, O> stats = statsAt(statsBySegment, segment.index());
        return stats != null ? stats : hub.createStats(this, segment);
    }

    /**
     * Reads a segment's stats with acquire semantics: the hub stores new stats into the live array
     * (which doubles instead of being copied per segment) with release semantics, so a reader that
     * sees the reference sees the stats fully built. On x86 and ARMv8 an acquire load is a plain load.
     */
    @SuppressWarnings("unchecked")
    static <I, O> CallStats<I, O> statsAt(CallStats<I, O>[] bySegment, int index) {
        return index < bySegment.length ? (CallStats<I, O>) STATS.getAcquire(bySegment, index) : null;
    }

    /** Stores a segment's stats with release semantics; only under the slot's monitor. */
    static <I, O> void setStatsAt(CallStats<I, O>[] bySegment, int index, CallStats<I, O> stats) {
        STATS.setRelease(bySegment, index, stats);
    }

    boolean isReady() {
        return state == ReleaseState.READY;
    }

    ReleaseHealth health(boolean quarantined) {
        return new ReleaseHealth(id, state, quarantined, lastProbe, consecutiveFailures, lastFailure);
    }
}
