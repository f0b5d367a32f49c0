package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.telemetry.CallWindow;
import io.github.rollback4j.core.telemetry.CategoryWindow;
import io.github.rollback4j.core.telemetry.CountWindow;
import io.github.rollback4j.core.telemetry.OutcomeWindow;
import io.github.rollback4j.core.telemetry.SlidingWindow;
import io.github.rollback4j.core.telemetry.ValueWindow;
import io.github.rollback4j.telemetry.CallObserver;
import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.Outcome;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The telemetry of one release in one request segment: the windows the request path writes and
 * triggers read. Recording a call is lock-free and allocation-free; profiling a sampled call may
 * allocate (boxing in the user's extractors), which is why it is sampled.
 */
final class CallStats<I, O> {

    final ReleaseId release;
    final Segment segment;
    /** Latency and outcomes, recorded together (one sub-window lookup per call). */
    final CallWindow calls;
    final SlidingWindow latency;
    final OutcomeWindow outcomes;
    final ConcurrentHashMap<String, KpiWindow> kpis = new ConcurrentHashMap<>();
    final ValueWindow scores;
    final FieldWindows[] inputs;
    /** Counters: 0 = inputs checked, 1 = inputs that broke a rule, 2 + f = inputs that broke field f's rule; null without a schema. */
    final CountWindow schema;
    /** Outcomes since the release was registered, never reset: sequential tests and burn rates read differences of these. */
    final LongAdder[] totalOutcomes = newAdders(Outcome.values().length);
    final LongAdder observerFailures = new LongAdder();
    final LongAdder extractorFailures = new LongAdder();
    volatile CallObserver observer = CallObserver.NOOP;

    private final TelemetryConfig config;
    private final ToDoubleFunction<? super O> scoreExtractor;
    private final InputProfile<? super I> profile;

    /** The window of one profiled input field: values of a numeric field or counts of a categorical one, and misses. */
    static final class FieldWindows {
        final InputProfile.Field<?> field;
        final ValueWindow values;
        final CategoryWindow categories;

        FieldWindows(InputProfile.Field<?> field, TelemetryConfig config) {
            this.field = field;
            boolean numeric = field.kind() == FieldProfile.Kind.NUMERIC;
            this.values = numeric ? ValueWindow.of(config.profileWindow()) : null;
            this.categories = numeric ? null : CategoryWindow.of(config.profileWindow());
        }
    }

    CallStats(ReleaseId release, Segment segment, TelemetryConfig config, ToDoubleFunction<? super O> scoreExtractor,
              InputProfile<? super I> profile) {
        this.release = release;
        this.segment = segment;
        this.config = config;
        this.calls = CallWindow.of(config.callWindow());
        this.latency = calls.latency();
        this.outcomes = calls.outcomes();
        this.scoreExtractor = scoreExtractor;
        this.scores = scoreExtractor == null ? null : ValueWindow.of(config.profileWindow());
        this.profile = profile;
        this.schema = profile != null && profile.hasSchema()
                ? CountWindow.of(config.profileWindow(), 2 + profile.fields().size()) : null;
        if (profile == null) {
            this.inputs = new FieldWindows[0];
        } else {
            List<? extends InputProfile.Field<?>> fields = profile.fields();
            this.inputs = new FieldWindows[fields.size()];
            for (int f = 0; f < inputs.length; f++) {
                inputs[f] = new FieldWindows(fields.get(f), config);
            }
        }
    }

    /** The request path: one latency, one outcome, the observers. Never throws. */
    void recordCall(long nowMillis, long latencyNanos, Outcome outcome) {
        calls.record(nowMillis, latencyNanos, outcome);
        totalOutcomes[outcome.ordinal()].increment();
        CallObserver current = observer;
        if (current != CallObserver.NOOP) {
            try {
                current.onCall(latencyNanos, outcome);
            } catch (RuntimeException e) {
                observerFailures.increment();
            }
        }
    }

    /**
     * An outcome without a call of the release (its circuit breaker was open): counted, no latency;
     * observers see a latency of -1.
     */
    void recordOutcome(long nowMillis, Outcome outcome) {
        outcomes.record(nowMillis, outcome);
        totalOutcomes[outcome.ordinal()].increment();
        CallObserver current = observer;
        if (current != CallObserver.NOOP) {
            try {
                current.onCall(-1L, outcome);
            } catch (RuntimeException e) {
                observerFailures.increment();
            }
        }
    }

    /** A sampled call: its prediction score and input fields. Never throws. */
    @SuppressWarnings("unchecked")
    void profile(long nowMillis, I input, O output) {
        if (scores != null && output != null) {
            try {
                scores.record(nowMillis, scoreExtractor.applyAsDouble(output));
            } catch (RuntimeException e) {
                extractorFailures.increment();
            }
        }
        boolean violated = false;
        for (int f = 0; f < inputs.length; f++) {
            FieldWindows field = inputs[f];
            Object value;
            try {
                value = ((InputProfile.Field<I>) field.field).extractor().apply(input);
            } catch (RuntimeException e) {
                extractorFailures.increment();
                value = null;
            }
            if (field.values != null) {
                if (value instanceof Number number) {
                    field.values.record(nowMillis, number.doubleValue());
                } else {
                    field.values.recordMissing(nowMillis);
                }
            } else {
                field.categories.record(nowMillis, value == null ? null : value.toString());
            }
            if (schema != null && field.field.violates(value)) {
                schema.increment(nowMillis, 2 + f);
                violated = true;
            }
        }
        if (schema != null) {
            schema.increment(nowMillis, 0);
            if (violated) {
                schema.increment(nowMillis, 1);
            }
        }
    }

    private static LongAdder[] newAdders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    KpiWindow kpi(String name) {
        return kpis.computeIfAbsent(name, n -> new KpiWindow(n, config.kpiWindow()));
    }
}
