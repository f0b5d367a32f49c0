package io.github.rollback4j.core.guard;

import io.github.rollback4j.core.stats.errors.BurnRateGuard;
import io.github.rollback4j.core.stats.errors.BurnRateResult;
import io.github.rollback4j.core.stats.errors.BurnRateRule;
import io.github.rollback4j.core.stats.errors.SequentialErrorResult;
import io.github.rollback4j.core.stats.errors.SequentialErrorTest;
import io.github.rollback4j.core.stats.errors.WindowCounts;
import io.github.rollback4j.telemetry.Distribution;
import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.KpiStats;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How each kind of metric is evaluated for one arm. Every evaluator returns a {@link RawResult}: a
 * breach, no breach, or inconclusive when an arm has fewer samples than the trigger's minimum —
 * never a breach on too little data.
 */
final class Evaluators {

    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private Evaluators() {
    }

    static RawResult evaluate(TriggerSpec spec, Arm arm, EvaluationContext ctx, ArmState state) {
        Metric metric = spec.metric();
        if (metric instanceof Metric.Latency latency) {
            return latency(spec, latency, arm, ctx, state);
        }
        if (metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate) {
            return spec.sequential() ? sequentialErrors(spec, arm, ctx, state) : rate(spec, arm, ctx, state);
        }
        if (metric instanceof Metric.BurnRate burn) {
            return burnRate(spec, burn, arm, ctx, state);
        }
        if (metric instanceof Metric.Kpi kpi) {
            return spec.sequential() ? KpiEvaluator.sequential(spec, kpi, arm, ctx, state) : KpiEvaluator.floor(spec, kpi, arm, ctx);
        }
        if (metric instanceof Metric.InputNullRate nulls) {
            return nullRate(spec, nulls, arm, ctx);
        }
        if (metric instanceof Metric.SchemaViolationRate) {
            return schemaViolations(spec, arm, ctx);
        }
        if (metric instanceof Metric.Drift drift) {
            return DriftEvaluator.evaluate(spec, drift, arm, ctx, state);
        }
        throw new IllegalStateException("no evaluator for " + metric);
    }

    // ------------------------------------------------------------------ latency

    /**
     * Candidate pXX against an absolute limit or the baseline's pXX in the same window; decided only
     * when each arm compared has at least {@code minSamples} samples beyond the quantile
     * ({@code n·(1 − q)}), so a tail is never judged on a handful of calls.
     */
    private static RawResult latency(TriggerSpec spec, Metric.Latency metric, Arm arm, EvaluationContext ctx, ArmState state) {
        TelemetrySnapshot snapshot = ctx.window(spec.window());
        Distribution candidate = latencyOf(snapshot, arm, true);
        Distribution baseline = latencyOf(snapshot, arm, false);
        double q = metric.quantile();
        String baselineNote = "";
        if (baseline.count() * (1 - q) >= spec.minSamples()) {
            state.rememberBaseline(baseline, snapshot.to());
        } else if (state.lastBaseline() instanceof Distribution remembered && candidate.count() > 0) {
            // The last-known-good serves nothing now (a flip, a 100 % step): judge against its last full window.
            baseline = remembered;
            baselineNote = "; baseline: the last-known-good's last window with enough samples, up to " + state.lastBaselineAt();
        }
        double cv = candidate.count() == 0 ? Double.NaN : candidate.quantile(q) / NANOS_PER_MILLI;
        double bv = baseline.count() == 0 ? Double.NaN : baseline.quantile(q) / NANOS_PER_MILLI;
        double candidateTail = candidate.count() * (1 - q);
        double baselineTail = baseline.count() * (1 - q);
        Threshold threshold = spec.threshold();
        boolean needsBaseline = threshold.kind().relativeToBaseline();
        String what = "p" + trim(q * 100) + " latency";
        double limit = threshold.limit(bv);
        Evidence.Builder evidence = Evidence.builder("latency p" + trim(q * 100) + " (ms)", threshold).values(cv, bv).limit(limit)
                .samples(candidate.count(), baseline.count()).statistic("ratio", cv / bv)
                .window(snapshot.from(), snapshot.to());
        String over = " over the last " + Texts.duration(spec.window());
        boolean candidateShort = candidateTail < spec.minSamples();
        if (candidateShort || (needsBaseline && baselineTail < spec.minSamples())) {
            return RawResult.notEnough(evidence.note(String.format(java.util.Locale.ROOT,
                    "%s of the candidate against %s%s: not enough tail samples to decide (n·(1-q) is %.0f for the candidate"
                            + " and %.0f for the baseline, %d needed per arm)%s", what,
                    Texts.threshold(threshold, Texts.Unit.MILLIS), over,
                    candidateTail, baselineTail, spec.minSamples(), baselineNote)).build(),
                    candidateShort ? "candidate" : "baseline", candidateShort ? candidateTail : baselineTail, spec.minSamples(), true);
        }
        boolean breach = threshold.breached(cv, bv);
        return new RawResult(breach ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(
                Texts.comparison(what, Texts.Unit.MILLIS, cv, needsBaseline ? bv : Double.NaN, threshold, breach) + over
                        + baselineNote).build());
    }

    private static Distribution latencyOf(TelemetrySnapshot snapshot, Arm arm, boolean candidate) {
        return EvaluationContext.of(snapshot, candidate ? arm.candidate() : arm.baseline(), arm.segment())
                .map(ReleaseTelemetry::latencyNanos).orElse(Distribution.EMPTY);
    }

    // ------------------------------------------------------------------ error and timeout rates

    static long failures(ReleaseTelemetry t, Metric metric) {
        return metric instanceof Metric.TimeoutRate ? t.count(Outcome.TIMEOUT)
                : t.count(Outcome.MODEL_ERROR) + t.count(Outcome.TIMEOUT) + t.count(Outcome.FALLBACK);
    }

    /** A rate over the window against an absolute limit, or against the baseline's rate in the same window. */
    private static RawResult rate(TriggerSpec spec, Arm arm, EvaluationContext ctx, ArmState state) {
        TelemetrySnapshot snapshot = ctx.window(spec.window());
        Optional<ReleaseTelemetry> c = EvaluationContext.of(snapshot, arm.candidate(), arm.segment());
        Optional<ReleaseTelemetry> b = EvaluationContext.of(snapshot, arm.baseline(), arm.segment());
        String baselineNote = "";
        if (b.map(ReleaseTelemetry::requests).orElse(0L) >= spec.minSamples()) {
            state.rememberBaseline(b.get(), snapshot.to());
        } else if (state.lastBaseline() instanceof ReleaseTelemetry remembered && c.isPresent()) {
            // The last-known-good serves nothing now (a flip, a 100 % step): judge against its last full window.
            b = Optional.of(remembered);
            baselineNote = "; baseline: the last-known-good's last window with enough requests, up to " + state.lastBaselineAt();
        }
        long cn = c.map(ReleaseTelemetry::requests).orElse(0L);
        long bn = b.map(ReleaseTelemetry::requests).orElse(0L);
        double cv = cn == 0 ? Double.NaN : (double) c.map(t -> failures(t, spec.metric())).orElse(0L) / cn;
        double bv = bn == 0 ? Double.NaN : (double) b.map(t -> failures(t, spec.metric())).orElse(0L) / bn;
        Threshold threshold = spec.threshold();
        Evidence.Builder evidence = Evidence.builder(spec.metric().kind(), threshold).values(cv, bv).limit(threshold.limit(bv))
                .samples(cn, bn).statistic("rate", cv).window(snapshot.from(), snapshot.to());
        String what = rateName(spec.metric());
        String over = " over the last " + Texts.duration(spec.window());
        boolean needsBaseline = threshold.kind().relativeToBaseline();
        if (cn < spec.minSamples() || (needsBaseline && bn < spec.minSamples())) {
            boolean candidateShort = cn < spec.minSamples();
            return RawResult.notEnough(evidence.note(what + " of the candidate against "
                    + Texts.threshold(threshold, Texts.Unit.PERCENT) + over + ": not enough requests to decide (" + cn + " on the candidate, " + bn + " on the baseline, "
                    + spec.minSamples() + " needed per arm)" + baselineNote).build(),
                    candidateShort ? "candidate" : "baseline", candidateShort ? cn : bn, spec.minSamples(), true);
        }
        boolean breached = threshold.breached(cv, bv);
        return new RawResult(breached ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(Texts.comparison(what,
                Texts.Unit.PERCENT, cv, bv, threshold, breached) + over + baselineNote).build());
    }

    private static String rateName(Metric metric) {
        return metric instanceof Metric.TimeoutRate ? "timeout rate" : "error rate";
    }

    /**
     * The sequential count test of candidate errors against baseline errors, conditioned on the
     * traffic share, over everything since the epoch began: valid however often it is looked at.
     */
    private static RawResult sequentialErrors(TriggerSpec spec, Arm arm, EvaluationContext ctx, ArmState state) {
        Epoch epoch = ctx.epochs.get(arm.candidate());
        SequentialErrorTest test = state.errorTest(spec);
        long[] now = totals(ctx.sinceStart, arm, spec.metric());
        if (state.epochChanged(epoch)) {
            long[] origin = totals(epoch.origin(), arm, spec.metric());
            test.restart(origin[0], origin[1], origin[2], origin[3]);
        }
        SequentialErrorResult r = test.observe(now[0], now[1], now[2], now[3]);
        Threshold threshold = spec.threshold();
        Evidence.Builder evidence = Evidence.builder(spec.metric().kind(), threshold)
                .values(r.candidateRate(), r.baselineRate()).limit(threshold.limit(r.baselineRate()))
                .samples(r.candidateRequests(), r.baselineRequests())
                .statistic("sequential count test (errors " + r.candidateErrors() + " vs " + r.baselineErrors() + ", share "
                        + trim(r.candidateShare()) + ")", r.logEValue())
                .p(r.pValue()).e(r.eValue()).window(epoch.start(), ctx.now);
        String allowed = Texts.number(1 + threshold.value()) + "× the baseline's";
        String compared = rateName(spec.metric()) + " of the candidate " + Texts.percent(r.candidateRate()) + " against the baseline "
                + Texts.percent(r.baselineRate()) + " since the weights last changed (" + r.candidateErrors() + " and "
                + r.baselineErrors() + " errors)";
        if (r.rejected()) {
            return new RawResult(RawResult.State.BREACH, evidence.note(compared + ": the rate ratio " + Texts.number(r.rateRatio())
                    + " is significantly above " + allowed + " (p " + Texts.number(r.pValue()) + " ≤ "
                    + Texts.number(spec.significance()) + ")").build());
        }
        if (r.candidateRequests() < spec.minSamples() || r.baselineRequests() < spec.minSamples()) {
            boolean candidateShort = r.candidateRequests() < spec.minSamples();
            return RawResult.notEnough(evidence.note(compared + ": not enough requests to decide (" + r.candidateRequests()
                    + " on the candidate, " + r.baselineRequests() + " on the baseline, " + spec.minSamples() + " needed per arm)")
                    .build(), candidateShort ? "candidate" : "baseline",
                    candidateShort ? r.candidateRequests() : r.baselineRequests(), spec.minSamples(), false);
        }
        if (ctx.sinceStartOf(epoch).compareTo(spec.window()) >= 0 && !Double.isNaN(r.rateRatio())
                && r.rateRatio() > 1 + threshold.value()) {
            return new RawResult(RawResult.State.INCONCLUSIVE, evidence.note(compared + ": undecided past its window of "
                    + Texts.duration(spec.window()) + ": the rate ratio " + Texts.number(r.rateRatio()) + " is above " + allowed
                    + ", but not significantly (p " + Texts.number(r.pValue()) + " > " + Texts.number(spec.significance()) + ")")
                    .build());
        }
        return new RawResult(RawResult.State.OK, evidence.note(compared + ": no significant excess over " + allowed
                + " (p " + Texts.number(r.pValue()) + " > " + Texts.number(spec.significance()) + ")").build());
    }

    /** Cumulative {candidate failures, candidate requests, baseline failures, baseline requests}. */
    static long[] totals(TelemetrySnapshot totals, Arm arm, Metric metric) {
        Optional<ReleaseTelemetry> c = EvaluationContext.of(totals, arm.candidate(), arm.segment());
        Optional<ReleaseTelemetry> b = EvaluationContext.of(totals, arm.baseline(), arm.segment());
        return new long[] {c.map(t -> failures(t, metric)).orElse(0L), c.map(ReleaseTelemetry::requests).orElse(0L),
                b.map(t -> failures(t, metric)).orElse(0L), b.map(ReleaseTelemetry::requests).orElse(0L)};
    }

    // ------------------------------------------------------------------ burn rate

    /**
     * Multi-window burn rate of the candidate against the SLO. The windows can be longer than the
     * telemetry's retention: they are differences of the totals since start, which the engine keeps a
     * history of (one point per evaluation, thinned to one a minute after the first hour).
     */
    private static RawResult burnRate(TriggerSpec spec, Metric.BurnRate metric, Arm arm, EvaluationContext ctx, ArmState state) {
        long[] now = totals(ctx.sinceStart, arm, new Metric.ErrorRate());
        state.history().add(ctx.nowNanos, ctx.now, now[0], now[1]);
        List<BurnRateRule> rules = new ArrayList<>();
        for (BurnWindow w : metric.windows()) {
            rules.add(new BurnRateRule(w.longWindow(), w.shortWindow(), w.factor()));
        }
        BurnRateGuard guard = new BurnRateGuard(metric.slo(), rules);
        Map<Duration, WindowCounts> counts = new LinkedHashMap<>();
        Instant oldest = ctx.now;
        for (Duration window : guard.requiredWindows()) {
            long[] delta = state.history().since(ctx.nowNanos - window.toNanos());
            counts.put(window, new WindowCounts(delta[0], delta[1]));
            oldest = state.history().oldestWithin(ctx.nowNanos - window.toNanos(), ctx.now.minus(window));
        }
        BurnRateResult result = guard.evaluate(counts);
        BurnRateResult.RuleResult worst = result.rules().stream()
                .max((a, b) -> Double.compare(nanToZero(Math.min(a.longBurnRate(), a.shortBurnRate())),
                        nanToZero(Math.min(b.longBurnRate(), b.shortBurnRate()))))
                .orElseThrow();
        long shortRequests = worst.shortCounts().requests();
        Evidence.Builder evidence = Evidence.builder("burn rate vs SLO " + metric.slo(), null)
                .values(worst.shortBurnRate(), worst.longBurnRate())
                .thresholdText("long " + worst.rule().longWindow() + " and short " + worst.rule().shortWindow() + " both > "
                        + worst.rule().factor())
                .limit(worst.rule().factor())
                .samples(shortRequests, worst.longCounts().requests())
                .statistic("burn rate (short window; baseline column: long window)", worst.shortBurnRate())
                .window(oldest, ctx.now);
        String compared = "error budget burn rate of the candidate against the SLO " + Texts.number(metric.slo())
                + ": " + Texts.number(worst.shortBurnRate()) + " over " + Texts.duration(worst.rule().shortWindow()) + " and "
                + Texts.number(worst.longBurnRate()) + " over " + Texts.duration(worst.rule().longWindow())
                + ", against the factor " + Texts.number(worst.rule().factor());
        if (shortRequests < spec.minSamples()) {
            return RawResult.notEnough(evidence.note(compared + ": not enough requests in the short window to decide ("
                    + shortRequests + ", " + spec.minSamples() + " needed)").build(), "candidate", shortRequests,
                    spec.minSamples(), true);
        }
        boolean breached = result.breached();
        return new RawResult(breached ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(compared
                + (breached ? ": both windows burn faster than the factor" : ": not both windows burn faster than the factor"))
                .build());
    }

    private static double nanToZero(double value) {
        return Double.isNaN(value) ? 0 : value;
    }

    // ------------------------------------------------------------------ data quality

    /**
     * The null rate of an input field, absolute or against a reference: the fixed reference profile of
     * the field when the engine has one (captured or loaded), else the last-known-good in the same window.
     */
    private static RawResult nullRate(TriggerSpec spec, Metric.InputNullRate metric, Arm arm, EvaluationContext ctx) {
        TelemetrySnapshot snapshot = ctx.window(spec.window());
        FieldProfile c = field(snapshot, arm.candidate(), arm, metric.field());
        io.github.rollback4j.core.stats.drift.ReferenceProfile reference = ctx.references.get(metric.field());
        FieldProfile b = reference == null ? field(snapshot, arm.baseline(), arm, metric.field()) : null;
        long cn = c == null ? 0 : c.observed();
        long bn = reference != null ? reference.observed() : b == null ? 0 : b.observed();
        double cv = c == null ? Double.NaN : c.missingRate();
        double bv = reference != null ? reference.missingRate() : b == null ? Double.NaN : b.missingRate();
        Threshold threshold = spec.threshold();
        Evidence.Builder evidence = Evidence.builder("input null rate of '" + metric.field() + "'"
                        + (reference != null ? " vs its reference profile" : ""), threshold).values(cv, bv)
                .limit(threshold.limit(bv)).samples(cn, bn).statistic("null rate", cv).window(snapshot.from(), snapshot.to());
        String what = "null rate of input '" + metric.field() + "'";
        String against = reference != null ? " (baseline: its reference profile)" : "";
        String over = " over the last " + Texts.duration(spec.window());
        if (cn < spec.minSamples() || (threshold.kind().relativeToBaseline() && bn < spec.minSamples())) {
            boolean candidateShort = cn < spec.minSamples();
            return RawResult.notEnough(evidence.note(what + " of the candidate against "
                    + Texts.threshold(threshold, Texts.Unit.PERCENT) + over + against + ": not enough sampled inputs to decide (" + cn + " on the candidate, " + bn
                    + " on the baseline, " + spec.minSamples() + " needed per arm)").build(),
                    candidateShort ? "candidate" : "baseline", candidateShort ? cn : bn, spec.minSamples(), true);
        }
        boolean breached = threshold.breached(cv, bv);
        return new RawResult(breached ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(Texts.comparison(what,
                Texts.Unit.PERCENT, cv, bv, threshold, breached) + over + against).build());
    }

    static FieldProfile field(TelemetrySnapshot snapshot, io.github.rollback4j.ReleaseId release, Arm arm, String field) {
        return EvaluationContext.of(snapshot, release, arm.segment()).map(t -> t.inputs().get(field)).orElse(null);
    }

    private static RawResult schemaViolations(TriggerSpec spec, Arm arm, EvaluationContext ctx) {
        TelemetrySnapshot snapshot = ctx.window(spec.window());
        Optional<ReleaseTelemetry> c = EvaluationContext.of(snapshot, arm.candidate(), arm.segment());
        Optional<ReleaseTelemetry> b = EvaluationContext.of(snapshot, arm.baseline(), arm.segment());
        long cn = c.map(t -> t.schema().checked()).orElse(0L);
        long bn = b.map(t -> t.schema().checked()).orElse(0L);
        double cv = c.map(t -> t.schema().violationRate()).orElse(Double.NaN);
        double bv = b.map(t -> t.schema().violationRate()).orElse(Double.NaN);
        Threshold threshold = spec.threshold();
        Evidence.Builder evidence = Evidence.builder("schema violation rate", threshold).values(cv, bv).limit(threshold.limit(bv))
                .samples(cn, bn).statistic("violation rate", cv).window(snapshot.from(), snapshot.to());
        String what = "schema violation rate";
        String over = " over the last " + Texts.duration(spec.window());
        if (cn < spec.minSamples()) {
            return RawResult.notEnough(evidence.note(what + " of the candidate against "
                    + Texts.threshold(threshold, Texts.Unit.PERCENT) + over + ": not enough sampled inputs checked against the input schema to decide (" + cn + ", "
                    + spec.minSamples() + " needed)").build(), "candidate", cn, spec.minSamples(), true);
        }
        boolean breached = threshold.breached(cv, bv);
        return new RawResult(breached ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(Texts.comparison(what,
                Texts.Unit.PERCENT, cv, bv, threshold, breached) + over).build());
    }

    static String trim(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.4g", value);
    }
}
