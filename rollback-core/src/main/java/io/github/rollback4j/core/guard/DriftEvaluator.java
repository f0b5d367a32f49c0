package io.github.rollback4j.core.guard;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.core.stats.drift.JensenShannon;
import io.github.rollback4j.core.stats.drift.JensenShannonResult;
import io.github.rollback4j.core.stats.drift.Psi;
import io.github.rollback4j.core.stats.drift.PsiResult;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import io.github.rollback4j.core.stats.drift.Wasserstein;
import io.github.rollback4j.core.stats.drift.WassersteinResult;
import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.telemetry.Distribution;
import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.TriggerSpec;

import java.util.Map;

/**
 * Distribution shift of an input field or of the prediction score against a reference: a profile
 * loaded from a file or captured earlier ({@link TriggerEngine.Builder#reference}), or else the
 * last-known-good's own profile in the same window.
 */
final class DriftEvaluator {

    private DriftEvaluator() {
    }

    static RawResult evaluate(TriggerSpec spec, Metric.Drift metric, Arm arm, EvaluationContext ctx, ArmState state) {
        TelemetrySnapshot snapshot = ctx.window(spec.window());
        ReferenceProfile fixed = ctx.references.get(metric.field());
        boolean score = Metric.Drift.SCORE.equals(metric.field());
        String what = (score ? "prediction score" : "input '" + metric.field() + "'") + " drift, "
                + metric.statistic().name().toLowerCase();
        Evidence.Builder evidence = Evidence.builder(what, spec.threshold()).limit(spec.threshold().value())
                .window(snapshot.from(), snapshot.to());
        String referenceName = fixed != null ? "reference profile of '" + metric.field() + "'" : "the last-known-good";
        if (metric.statistic() == Metric.DriftStatistic.JENSEN_SHANNON) {
            FieldProfile current = Evaluators.field(snapshot, arm.candidate(), arm, metric.field());
            FieldProfile baseline = fixed == null ? Evaluators.field(snapshot, arm.baseline(), arm, metric.field()) : null;
            Map<String, Long> cur = current == null ? Map.of() : current.categories();
            long cn = JensenShannon.total(cur);
            long rn = fixed != null ? fixed.present() : baseline == null ? 0
                    : JensenShannon.total(baseline.categories());
            evidence.samples(cn, rn);
            if (cn < spec.minSamples() || rn < spec.minSamples()) {
                return inconclusive(evidence, cn, rn, spec, referenceName, what);
            }
            JensenShannonResult r = fixed != null ? JensenShannon.compute(fixed, new CategorySnapshot(cur, 0))
                    : JensenShannon.compute(baseline.categories(), cur);
            return decide(spec, evidence.statistic("jensen-shannon distance (base 2) vs " + referenceName, r.distance())
                    .values(r.distance(), 0), r.distance(), what, referenceName);
        }
        ValueSnapshot current = values(snapshot, arm.candidate(), arm, metric.field(), score);
        ValueSnapshot baseline = fixed == null ? values(snapshot, arm.baseline(), arm, metric.field(), score) : null;
        long cn = current == null ? 0 : current.count();
        long rn = fixed != null ? fixed.present() : baseline == null ? 0 : baseline.count();
        evidence.samples(cn, rn);
        if (cn < spec.minSamples() || rn < spec.minSamples()) {
            return inconclusive(evidence, cn, rn, spec, referenceName, what);
        }
        double value;
        if (metric.statistic() == Metric.DriftStatistic.PSI) {
            PsiResult r = fixed != null ? Psi.compute(fixed, current) : Psi.compute(baseline, current);
            value = r.psi();
            evidence.statistic("psi over " + r.edges().size() + " reference-quantile edges vs " + referenceName, value);
        } else {
            WassersteinResult r = fixed != null ? Wasserstein.compute(fixed, current) : Wasserstein.compute(baseline, current);
            value = r.normalizedDistance();
            evidence.statistic("wasserstein-1 / reference sd (" + Evaluators.trim(r.referenceStandardDeviation()) + ") vs "
                    + referenceName, value);
        }
        return decide(spec, evidence.values(value, 0), value, what, referenceName);
    }

    private static RawResult decide(TriggerSpec spec, Evidence.Builder evidence, double value, String what, String reference) {
        boolean breached = spec.threshold().breached(value, 0);
        return new RawResult(breached ? RawResult.State.BREACH : RawResult.State.OK, evidence.note(Texts.comparison(what
                + " against " + reference, Texts.Unit.NUMBER, value, Double.NaN, spec.threshold(), breached)
                + " over the last " + Texts.duration(spec.window())).build());
    }

    private static RawResult inconclusive(Evidence.Builder evidence, long cn, long rn, TriggerSpec spec, String reference,
                                          String what) {
        boolean candidateShort = cn < spec.minSamples();
        return RawResult.notEnough(evidence.note(what + " of the candidate against " + reference + " (" + Texts.threshold(spec.threshold(),
                Texts.Unit.NUMBER) + ") over the last " + Texts.duration(spec.window()) + ": not enough sampled values to decide ("
                + cn + " on the candidate, " + rn + " in " + reference + ", " + spec.minSamples() + " needed)").build(),
                candidateShort ? "candidate" : "baseline", candidateShort ? cn : rn, spec.minSamples(), true);
    }

    private static ValueSnapshot values(TelemetrySnapshot snapshot, ReleaseId release, Arm arm, String field, boolean score) {
        Distribution distribution = score
                ? EvaluationContext.of(snapshot, release, arm.segment()).map(ReleaseTelemetry::scores).orElse(null)
                : java.util.Optional.ofNullable(Evaluators.field(snapshot, release, arm, field)).map(FieldProfile::numeric).orElse(null);
        return distribution instanceof ValueSnapshot values ? values : null;
    }
}
