package io.github.rollback4j.trigger;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

import java.time.Instant;

/**
 * What one trigger concluded about one candidate release at one evaluation, with its evidence.
 *
 * <p>Immutable and thread-safe.
 *
 * @param trigger the trigger's name
 * @param candidate the release under rollout
 * @param baseline the last-known-good it was compared with
 * @param segment the request segment, or {@code null} when evaluated over all segments
 * @param level healthy, inconclusive or a breach of the trigger's severity
 * @param severity the trigger's severity
 * @param time when the evaluation ran
 * @param evidence what the verdict rests on
 */
public record Verdict(String trigger, ReleaseId candidate, ReleaseId baseline, Segment segment, VerdictLevel level,
                      Severity severity, Instant time, Evidence evidence) {

    /** @return one line for logs and timelines, naming the candidate by its id */
    public String summary() {
        return summary(candidate.value());
    }

    /**
     * @param candidateName how to show the candidate to people, e.g. {@code v2 (rel-3f2a9c0d11b84e57)}
     *                      ({@code ModelRouter.releaseName} gives the name)
     * @return one line for logs and timelines
     */
    public String summary(String candidateName) {
        return trigger + " on " + candidateName + (segment == null ? "" : " in " + segment) + ": " + level + " — "
                + evidence.metric() + " candidate " + format(evidence.candidateValue()) + " vs baseline "
                + format(evidence.baselineValue()) + " (" + evidence.threshold() + ")"
                + (Double.isNaN(evidence.pValue()) ? "" : ", p=" + format(evidence.pValue()))
                + (evidence.note() == null || evidence.note().isEmpty() ? "" : "; " + evidence.note());
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 1000 || value == Math.rint(value) ? String.format("%.0f", value) : String.format("%.4g", value);
    }
}
