package io.github.rollback4j.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.core.ReleaseSpec;

import java.time.Instant;

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

    /** Telemetry per request segment, indexed by {@link io.github.rollback4j.Segment#index()}; copy-on-write. */
    @SuppressWarnings("unchecked")
    volatile CallStats<I, O>[] statsBySegment = new CallStats[0];
    /** Segments with stats of their own; guarded by this slot's monitor. */
    int trackedSegments;

    volatile ReleaseState state = ReleaseState.COLD;
    volatile int consecutiveFailures;
    volatile Instant lastProbe;
    volatile String lastFailure;

    ReleaseSlot(String router, ReleaseSpec<I, O> spec, boolean countKeys) {
        this.spec = spec;
        this.release = spec.release();
        this.id = release.id();
        this.attribution = new io.github.rollback4j.ReleaseAttribution(router, id, release.name());
        this.model = spec.model();
        this.breaker = spec.circuitBreaker() == null ? null
                : CircuitBreaker.of(router + "." + id.value(), spec.circuitBreaker());
        this.keys = countKeys ? new DistinctKeys() : null;
    }

    /**
     * The telemetry of this release in a segment: an array load on the request path, the hub's slow
     * path only the first time a segment is seen.
     */
    CallStats<I, O> stats(io.github.rollback4j.Segment segment, TelemetryHub<I, O> hub) {
        CallStats<I, O>[] bySegment = statsBySegment;
        int index = segment.index();
        if (index < bySegment.length) {
            CallStats<I, O> stats = bySegment[index];
            if (stats != null) {
                return stats;
            }
        }
        return hub.createStats(this, segment);
    }

    boolean isReady() {
        return state == ReleaseState.READY;
    }

    ReleaseHealth health(boolean quarantined) {
        return new ReleaseHealth(id, state, quarantined, lastProbe, consecutiveFailures, lastFailure);
    }
}
