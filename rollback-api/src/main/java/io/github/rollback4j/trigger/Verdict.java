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

    /** @return one line for logs and timelines, naming the candidate by its id; see {@link #summary(String)} */
    public String summary() {
        return summary(candidate.value());
    }

    /**
     * One line for logs and timelines: the trigger, the candidate, the level and, in words, what was compared,
     * the threshold and why it is this level, e.g. {@code error-rate on v2 (rel-3f2a9c0d11b84e57): HEALTHY: error rate
     * of the candidate 1.55 % is below the threshold 5 % (baseline 0 %) over the last 1 min}.
     *
     * @param candidateName how to show the candidate to people, e.g. {@code v2 (rel-3f2a9c0d11b84e57)}
     *                      ({@code ModelRouter.releaseName} gives the name)
     * @return the summary
     */
    public String summary(String candidateName) {
        String head = trigger + " on " + candidateName + (segment == null ? "" : " in " + segment) + ": " + level + ": ";
        if (evidence.note() != null && !evidence.note().isEmpty()) {
            return head + evidence.note();
        }
        // evidence built without a sentence: at least the values and the threshold, labelled
        return head + evidence.metric() + " of the candidate " + format(evidence.candidateValue()) + " against the threshold "
                + evidence.threshold() + " (baseline " + format(evidence.baselineValue()) + ")"
                + (Double.isNaN(evidence.pValue()) ? "" : ", p " + format(evidence.pValue()));
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 1000 || value == Math.rint(value) ? String.format("%.0f", value) : String.format("%.4g", value);
    }
}
