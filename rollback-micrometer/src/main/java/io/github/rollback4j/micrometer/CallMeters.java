package io.github.rollback4j.micrometer;

import io.github.rollback4j.telemetry.CallObserver;
import io.github.rollback4j.telemetry.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The request-path half of the binding: the meters of one release in one segment, registered up
 * front, so that a call costs one array read, one counter increment and one timer record. Allocates
 * nothing of its own and throws nothing.
 */
final class CallMeters implements CallObserver {

    private final Timer latency;
    /** Indexed by {@link Outcome#ordinal()}. */
    private final Counter[] byOutcome;

    CallMeters(Timer latency, Counter[] byOutcome) {
        this.latency = latency;
        this.byOutcome = byOutcome;
    }

    @Override
    public void onCall(long latencyNanos, Outcome outcome) {
        if (outcome == null) {
            return;
        }
        byOutcome[outcome.ordinal()].increment();
        // A dropped shadow call never ran, and a call refused by an open circuit breaker reaches the
        // observer with a negative latency: neither has a latency of the release to record.
        if (latencyNanos >= 0 && outcome != Outcome.SHADOW_DROPPED) {
            latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }

    Timer latency() {
        return latency;
    }

    Counter counter(Outcome outcome) {
        return byOutcome[outcome.ordinal()];
    }
}
