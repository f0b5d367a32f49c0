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
        Evidence.Builder evidence = Evidence.builder("kpi " + metric.name() + (metric.proportion() ? " (proportion)" : " (mean)"),
                threshold).values(c.mean(), b.mean()).limit(threshold.value()).samples(c.count(), b.count())
                .statistic("mean", c.mean()).window(snapshot.from(), snapshot.to());
        if (c.count() < spec.minSamples()) {
            return new RawResult(RawResult.State.INCONCLUSIVE, evidence.note("not enough KPI observations: " + c.count()
                    + " on the candidate, " + spec.minSamples() + " needed").build());
        }
        return new RawResult(threshold.breached(c.mean(), b.mean()) ? RawResult.State.BREACH : RawResult.State.OK, evidence.build());
    }

    /**
     * The always-valid sequential test of a drop against the baseline over everything reported since
     * the candidate's epoch began (its weights last changed). Looking every second does not inflate
     * the false-rollback rate above the trigger's significance. A test still undecided after the
     * trigger's window with the candidate below the baseline reports itself inconclusive.
     */
    static RawResult sequential(TriggerSpec spec, Metric.Kpi metric, Arm arm, EvaluationContext ctx, ArmState state) {
        Epoch epoch = ctx.epochs.get(arm.candidate());
        Threshold threshold = spec.threshold();
        // "KPI -2 % with significance": the drop is significant (H0: no drop, tested always-valid, the
        // mixture tuned for a drop of the threshold's size) and the estimated drop is at least the threshold.
        boolean relative = threshold.kind() == Threshold.Kind.DROP;
        EffectThreshold noDrop = relative ? EffectThreshold.relative(0.0) : EffectThreshold.absolute(0.0);
        double planned = threshold.value() > 0 ? threshold.value() : (relative ? 0.02 : Double.NaN);
        SequentialKpiTest test = state.kpiTest(() -> {
            KpiTestConfig.Builder config = KpiTestConfig.builder(metric.proportion() ? KpiKind.PROPORTION : KpiKind.MEAN, noDrop)
                    .alpha(spec.significance()).minSamplesPerArm(Math.min(spec.minSamples(), 1_000_000L));
            if (!Double.isNaN(planned)) {
                config.plannedEffect(planned);
            }
            return new SequentialKpiTest(config.build());
        });
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
        Evidence.Builder evidence = Evidence.builder("kpi " + metric.name() + (metric.proportion() ? " (proportion)" : " (mean)"),
                threshold).values(r.candidateMean(), r.baselineMean()).limit(threshold.limit(r.baselineMean()))
                .samples(r.candidateCount(), r.baselineCount())
                .statistic("normal-mixture SPRT z (effect " + Evaluators.trim(threshold.kind() == Threshold.Kind.DROP
                        ? r.estimatedRelativeEffect() : r.estimatedEffect()) + ", bound " + Evaluators.trim(r.effectBound()) + ")",
                        r.statistic())
                .p(r.pValue()).e(r.likelihoodRatio()).window(epoch.start(), ctx.now);
        if (before) {
            evidence.note("baseline: the last-known-good's KPI before the weights changed (it has no traffic now)");
        }
        double drop = relative ? -r.estimatedRelativeEffect() : -r.estimatedEffect();
        if (r.rejected() && drop >= threshold.value()) {
            return new RawResult(RawResult.State.BREACH, evidence.note("significant drop (p " + Evaluators.trim(r.pValue())
                    + " <= " + spec.significance() + ") of " + Evaluators.trim(drop) + ", at least the threshold "
                    + Evaluators.trim(threshold.value())).build());
        }
        if (!r.evaluated() || r.candidateCount() < spec.minSamples() || r.baselineCount() < spec.minSamples()) {
            return new RawResult(RawResult.State.INCONCLUSIVE, evidence.note("not enough KPI observations since the weights last"
                    + " changed: " + r.candidateCount() + " on the candidate, " + r.baselineCount() + " on the baseline, "
                    + spec.minSamples() + " needed per arm").build());
        }
        boolean pastWindow = ctx.sinceStartOf(epoch).compareTo(spec.window()) >= 0;
        if (pastWindow && r.candidateMean() < r.baselineMean()) {
            return new RawResult(RawResult.State.INCONCLUSIVE, evidence.note("undecided past its window of " + spec.window()
                    + ": the candidate is lower, but not significantly beyond the threshold").build());
        }
        return new RawResult(RawResult.State.OK, evidence.build());
    }

    static KpiStats stats(TelemetrySnapshot snapshot, Arm arm, boolean candidate, String kpi) {
        return EvaluationContext.of(snapshot, candidate ? arm.candidate() : arm.baseline(), arm.segment())
                .map(t -> t.kpi(kpi)).orElse(KpiStats.empty(kpi));
    }
}
