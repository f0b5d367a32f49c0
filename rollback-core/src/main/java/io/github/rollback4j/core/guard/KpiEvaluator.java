package io.github.rollback4j.core.guard;

import io.github.rollback4j.core.stats.EffectThreshold;
import io.github.rollback4j.core.stats.KpiKind;
import io.github.rollback4j.core.stats.KpiTestConfig;
import io.github.rollback4j.core.stats.KpiTestResult;
import io.github.rollback4j.core.stats.SequentialKpiTest;
import io.github.rollback4j.telemetry.KpiStats;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

/** Business KPI triggers: an absolute floor over the window, or a drop against the baseline tested sequentially. */
final class KpiEvaluator {

    private KpiEvaluator() {
    }

    /** The candidate's KPI mean over the window against an absolute floor ({@code below}). */
    static RawResult floor(TriggerSpec spec, Metric.Kpi metric, Arm arm, EvaluationContext ctx) {
        TelemetrySnapshot snapshot = ctx.window(spec.window());
        KpiStats c = stats(snapshot, arm, true, metric.name());
        KpiStats b = stats(snapshot, arm, false, metric.name());
        Threshold threshold = spec.threshold();
        String what = "KPI " + metric.name() + (metric.proportion() ? " (proportion)" : " (mean)");
        Evidence.Builder evidence = Evidence.builder(what, threshold).values(c.mean(), b.mean()).limit(threshold.value())
                .samples(c.count(), b.count()).statistic("mean", c.mean()).window(snapshot.from(), snapshot.to());
        Texts.Unit unit = metric.proportion() ? Texts.Unit.PERCENT : Texts.Unit.NUMBER;
        String over = " over the last " + Texts.duration(spec.window());
        if (c.count() < spec.minSamples()) {
            return RawResult.notEnough(evidence.note(what + " of the candidate against the floor " + Texts.value(threshold.value(),
                    unit) + over + ": not enough KPI observations to decide (" + c.count() + " on the candidate, "
                    + spec.minSamples() + " needed)").build(), "candidate", c.count(), spec.minSamples(), true);
        }
        boolean breached = threshold.breached(c.mean(), b.mean());
        return new RawResult(breached ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(
                Texts.comparison(what, unit, c.mean(), b.mean(), threshold, breached) + over).build());
    }

    /**
     * The always-valid sequential test of a drop against the baseline over everything reported since the
     * candidate's epoch began (its weights last changed). Looking every second does not inflate the
     * false-rollback rate above the trigger's significance. The decision uses the confidence sequence and the
     * declared minimum effect {@code d} (the threshold; for a threshold of 0, the planned effect):
     * <ul>
     *   <li>breach: "no drop" is rejected and the estimated drop is at least the threshold;</li>
     *   <li>healthy: the sequence excludes a drop of {@code d} (its lower end lies above {@code −d});</li>
     *   <li>inconclusive otherwise: a significant drop below the threshold that the sequence cannot yet tell
     *   from one of {@code d}, or no significant drop while a drop of {@code d} is not excluded yet. The
     *   trigger's window (its decision horizon) only words the note: undecided so far, or past the window.</li>
     * </ul>
     */
    static RawResult sequential(TriggerSpec spec, Metric.Kpi metric, Arm arm, EvaluationContext ctx, ArmState state) {
        Epoch epoch = ctx.epochs.get(arm.candidate());
        Threshold threshold = spec.threshold();
        // "KPI -2 % with significance": the drop is significant (H0: no drop, tested always-valid, the
        // mixture tuned for a drop of the threshold's size) and the estimated drop is at least the threshold.
        boolean relative = threshold.kind() == Threshold.Kind.DROP;
        EffectThreshold noDrop = relative ? EffectThreshold.relative(0.0) : EffectThreshold.absolute(0.0);
        double planned = plannedEffect(threshold);
        SequentialKpiTest test = state.kpiTest(() -> new SequentialKpiTest(KpiTestConfig.builder(metric.proportion()
                        ? KpiKind.PROPORTION : KpiKind.MEAN, noDrop).alpha(spec.significance())
                .minSamplesPerArm(Math.min(spec.minSamples(), 1_000_000L)).plannedEffect(planned).build()));
        if (state.epochChanged(epoch)) {
            test.restart();
        }
        KpiStats c = stats(ctx.sinceStart, arm, true, metric.name()).minus(stats(epoch.origin(), arm, true, metric.name()));
        KpiStats b = stats(ctx.sinceStart, arm, false, metric.name()).minus(stats(epoch.origin(), arm, false, metric.name()));
        // When the candidate took all traffic (a blue/green flip, the last canary step), the
        // last-known-good reports nothing in this epoch: compare with what it reported before.
        boolean before = b.count() == 0 && c.count() > 0;
        if (before) {
            b = stats(epoch.origin(), arm, false, metric.name());
        }
        KpiTestResult r = test.look(c, b);
        String what = "KPI " + metric.name() + (metric.proportion() ? " (proportion)" : " (mean)");
        double drop = relative ? -r.estimatedRelativeEffect() : -r.estimatedEffect();
        double margin = threshold.value() > 0 ? threshold.value() : planned;
        double lowest = -r.effectLowerBound(); // the largest drop the confidence sequence still allows
        Evidence.Builder evidence = Evidence.builder(what, threshold).values(r.candidateMean(), r.baselineMean())
                .limit(threshold.limit(r.baselineMean())).samples(r.candidateCount(), r.baselineCount())
                .statistic("normal-mixture SPRT z (drop " + Texts.effect(drop, relative) + ", confidence sequence "
                        + Texts.effect(-r.effectLowerBound(), relative) + " ≥ drop ≥ " + Texts.effect(-r.effectBound(), relative)
                        + ")", r.statistic())
                .p(r.pValue()).e(r.likelihoodRatio()).window(epoch.start(), ctx.now);
        String baseline = before ? " (baseline: the last-known-good's KPI before the weights changed; it has no traffic now)" : "";
        String compared = what + " of the candidate " + Texts.number(r.candidateMean()) + " against the baseline "
                + Texts.number(r.baselineMean()) + baseline;
        if (r.rejected() && drop >= threshold.value()) {
            return new RawResult(RawResult.State.BREACH, evidence.note(compared + ": a significant drop (p "
                    + Texts.number(r.pValue()) + " ≤ " + Texts.number(spec.significance()) + ") of " + Texts.effect(drop, relative)
                    + ", at least the threshold " + Texts.effect(threshold.value(), relative)).build());
        }
        long needed = spec.minSamples();
        if (!r.evaluated() || r.candidateCount() < needed || r.baselineCount() < needed) {
            boolean candidateShort = r.candidateCount() < needed;
            return RawResult.notEnough(evidence.note(compared + ": not enough KPI observations since the weights last"
                            + " changed to decide (" + r.candidateCount() + " on the candidate, " + r.baselineCount()
                            + " on the baseline, " + needed + " needed per arm)").build(),
                    candidateShort ? "candidate" : "baseline", candidateShort ? r.candidateCount() : r.baselineCount(),
                    needed, false);
        }
        if (r.excludesDrop(margin)) {
            return new RawResult(RawResult.State.OK, evidence.note(compared + ": the confidence sequence excludes a drop of "
                    + Texts.effect(margin, relative) + " (the drop is at most " + Texts.effect(lowest, relative)
                    + " with confidence " + Texts.percent(1 - spec.significance()) + ")"
                    + (threshold.value() > 0 ? "" : ", the planned effect of a zero threshold")).build());
        }
        if (r.rejected()) {
            return new RawResult(RawResult.State.INCONCLUSIVE, evidence.note(compared + ": a significant drop of "
                    + Texts.effect(drop, relative) + ", below the threshold " + Texts.effect(threshold.value(), relative)
                    + ", but a drop of " + Texts.effect(margin, relative) + " is not excluded (the drop may be up to "
                    + Texts.effect(lowest, relative) + ")").build());
        }
        // Undecided: neither a drop of the threshold nor its absence is shown yet. Inconclusive before the window
        // too: "no significant drop so far" is not evidence of health, and a bake shorter than the window would
        // otherwise pass a step on it.
        boolean pastWindow = ctx.sinceStartOf(epoch).compareTo(spec.window()) >= 0;
        return new RawResult(RawResult.State.INCONCLUSIVE, evidence.note(compared + ": undecided "
                + (pastWindow ? "past its window of " : "so far, within its window of ") + Texts.duration(spec.window())
                + ": no significant drop (p " + Texts.number(r.pValue()) + " > " + Texts.number(spec.significance())
                + "), but a drop of " + Texts.effect(margin, relative) + " is not excluded yet (the drop may be up to "
                + Texts.effect(lowest, relative) + ")").build());
    }

    /**
     * The mixture's planned effect: the threshold, or for a zero threshold 2 % (a relative drop); an absolute
     * drop of 0 has no scale, and the engine refuses it when built.
     */
    static double plannedEffect(Threshold threshold) {
        if (threshold.value() > 0) {
            return threshold.value();
        }
        return threshold.kind() == Threshold.Kind.DROP ? 0.02 : Double.NaN;
    }

    static KpiStats stats(TelemetrySnapshot snapshot, Arm arm, boolean candidate, String kpi) {
        return EvaluationContext.of(snapshot, candidate ? arm.candidate() : arm.baseline(), arm.segment())
                .map(t -> t.kpi(kpi)).orElse(KpiStats.empty(kpi));
    }
}
