package io.github.rollback4j.core.guard;

import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An SLO check of one release on its own, with the trigger evaluators: a {@link TriggerSpec} with an
 * absolute threshold ({@code above}/{@code below}) or a burn rate, read from the router's telemetry
 * windows. Recovery verification uses it to check the last-known-good after a rollback.
 *
 * <p>A check is {@link VerdictLevel#HEALTHY} when its metric is within the threshold with at least
 * {@code minSamples} samples, {@link VerdictLevel#INCONCLUSIVE} with fewer samples, and a breach of
 * the spec's severity otherwise (at once: a check has no sustain time). Thread-safe: evaluations of
 * one check are serialized (a burn-rate check keeps a history of totals between them).
 */
public final class ReleaseCheck {

    private final TriggerSpec spec;
    private final ArmState state = new ArmState();

    private ReleaseCheck(TriggerSpec spec) {
        this.spec = spec;
    }

    /**
     * @param spec the check: latency, error rate, timeout rate, KPI, input null rate or schema violation
     *             rate with an absolute threshold ({@code above} or {@code below}), or a burn rate; no
     *             significance (sequential tests compare against a baseline)
     * @return the check
     * @throws IllegalArgumentException when the threshold is relative to a baseline, the spec is
     *     sequential, or the metric is drift (which needs a baseline)
     */
    public static ReleaseCheck of(TriggerSpec spec) {
        Objects.requireNonNull(spec, "ReleaseCheck.of(spec): spec must not be null");
        String field = "check '" + spec.name() + "'";
        if (spec.metric() instanceof Metric.Drift) {
            throw new IllegalArgumentException(field + ".metric must not be drift: a check reads one release on its own,"
                    + " and drift compares it with a reference; use latency, error_rate, timeout_rate, burn_rate, kpi,"
                    + " input_null_rate or schema_violation_rate");
        }
        Threshold threshold = spec.threshold();
        if (threshold != null && threshold.kind().relativeToBaseline()) {
            throw new IllegalArgumentException(field + ".threshold must be absolute (above or below), but was "
                    + threshold.kind().key() + " " + threshold.value() + ", which compares with a baseline");
        }
        if (spec.sequential()) {
            throw new IllegalArgumentException(field + ".significance must not be set (was " + spec.significance()
                    + "): a sequential test compares with a baseline");
        }
        return new ReleaseCheck(spec);
    }

    /** @return the spec */
    public TriggerSpec spec() {
        return spec;
    }

    /**
     * Evaluates the check now.
     *
     * @param router the router whose telemetry is read
     * @param release the release checked
     * @param segment a request segment, or {@code null} for all of the release's traffic
     * @param now the evaluation time, recorded in the verdict; also the clock of burn-rate windows, so use
     *            {@link #evaluate(ModelRouter, ReleaseId, Segment, Instant, long)} where a monotonic time is at hand
     * @return the verdict; its candidate and baseline are both {@code release}
     */
    public Verdict evaluate(ModelRouter<?, ?> router, ReleaseId release, Segment segment, Instant now) {
        Objects.requireNonNull(now, "ReleaseCheck.evaluate: now must not be null");
        return evaluate(router, release, segment, now, Math.multiplyExact(now.toEpochMilli(), 1_000_000L));
    }

    /**
     * Evaluates the check now.
     *
     * @param router the router whose telemetry is read
     * @param release the release checked
     * @param segment a request segment, or {@code null} for all of the release's traffic
     * @param now the evaluation time (wall), recorded in the verdict
     * @param nowNanos the same moment on the monotonic clock ({@link io.github.rollback4j.TimeSource#nanoTime()}):
     *                 burn-rate windows are measured on it
     * @return the verdict; its candidate and baseline are both {@code release}
     */
    public Verdict evaluate(ModelRouter<?, ?> router, ReleaseId release, Segment segment, Instant now, long nowNanos) {
        Objects.requireNonNull(router, "ReleaseCheck.evaluate: router must not be null");
        return evaluate(router.telemetry(), release, segment, now, nowNanos);
    }

    /**
     * Evaluates the check now on the given telemetry (a fleet's merged telemetry, for a fleet-wide verification).
     *
     * @param telemetry the telemetry read
     * @param release the release checked
     * @param segment a request segment, or {@code null} for all of the release's traffic
     * @param now the evaluation time (wall), recorded in the verdict
     * @param nowNanos the same moment on the monotonic clock: burn-rate windows are measured on it
     * @return the verdict; its candidate and baseline are both {@code release}
     */
    public synchronized Verdict evaluate(io.github.rollback4j.telemetry.RouterTelemetry telemetry, ReleaseId release,
                                         Segment segment, Instant now, long nowNanos) {
        Objects.requireNonNull(telemetry, "ReleaseCheck.evaluate: telemetry must not be null");
        Objects.requireNonNull(release, "ReleaseCheck.evaluate: release must not be null");
        Duration retention = telemetry.retention();
        EvaluationContext ctx = new EvaluationContext(now, nowNanos,
                window -> telemetry.snapshot(window.compareTo(retention) > 0 ? retention : window),
                telemetry.sinceStart(), Map.of(), Map.of());
        RawResult raw;
        try {
            raw = Evaluators.evaluate(spec, new Arm(release, release, segment), ctx, state);
        } catch (RuntimeException e) {
            raw = new RawResult(RawResult.State.INCONCLUSIVE, Evidence.builder(spec.metric().kind(), spec.threshold())
                    .note("evaluation failed: " + e).build());
        }
        VerdictLevel level = switch (raw.state()) {
            case OK -> VerdictLevel.HEALTHY;
            case INCONCLUSIVE -> VerdictLevel.INCONCLUSIVE;
            case BREACH -> switch (spec.severity()) {
                case SEVERE -> VerdictLevel.SEVERE_BREACH;
                case MILD -> VerdictLevel.MILD_BREACH;
                case DRY_RUN -> VerdictLevel.DRY_RUN_BREACH;
            };
        };
        // The evaluators speak of "the candidate"; a check judges one release on its own.
        Evidence evidence = raw.evidence().withNote(raw.evidence().note().replace("of the candidate", "of release " + release)
                .replace("on the candidate", "on release " + release));
        return new Verdict(spec.name(), release, release, segment, level, spec.severity(), now, evidence);
    }
}
