package io.github.rollback4j.core.guard;

import io.github.rollback4j.core.stats.errors.SequentialErrorTest;
import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Instant;

/**
 * What the engine remembers of one trigger on one arm between evaluations: since when it has
 * breached, its sequential test (restarted with each epoch), and the history of totals for burn
 * rates. Guarded by the engine's evaluation lock.
 */
final class ArmState {

    /** Since when every evaluation has breached: wall time, a timestamp for the evidence. */
    Instant breachingSince;
    /** The same on the monotonic clock: the sustain time is measured from it. */
    long breachingSinceNanos;
    private Epoch epoch;
    private SequentialErrorTest errorTest;
    private Object kpiTest;
    private TotalsHistory history;
    private Object lastBaseline;
    private Instant lastBaselineAt;

    /** Whether the candidate's epoch changed since the last look (true at the first look); records the new one. */
    boolean epochChanged(Epoch current) {
        if (current == epoch) {
            return false;
        }
        epoch = current;
        return true;
    }

    SequentialErrorTest errorTest(TriggerSpec spec) {
        if (errorTest == null) {
            errorTest = new SequentialErrorTest(SequentialErrorTest.Config.defaults()
                    .withAlpha(spec.significance()).withMargin(spec.threshold().value()));
        }
        return errorTest;
    }

    @SuppressWarnings("unchecked")
    <T> T kpiTest(java.util.function.Supplier<T> create) {
        if (kpiTest == null) {
            kpiTest = create.get();
        }
        return (T) kpiTest;
    }

    /** The baseline's last reading with enough samples (a distribution or a release's telemetry). */
    void rememberBaseline(Object reading, Instant at) {
        lastBaseline = reading;
        lastBaselineAt = at;
    }

    Object lastBaseline() {
        return lastBaseline;
    }

    Instant lastBaselineAt() {
        return lastBaselineAt;
    }

    TotalsHistory history() {
        if (history == null) {
            history = new TotalsHistory();
        }
        return history;
    }
}
