package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.runbook.Finding;
import io.github.rollback4j.trigger.Verdict;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a game day ended with: the outcome, the timeline of events, the final routing and the
 * verdicts that mattered.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scenario the scenario's name
 * @param seed the random seed of this run
 * @param outcome {@code promoted}, {@code rolled_back}, {@code paused}, {@code blocked} or {@code running}
 * @param events the timeline, in time order
 * @param routing segment → release name → weight in basis points, at the end
 * @param verdicts the breaches (first of each trigger and candidate) and the last verdict of each trigger
 * @param detectionSeconds seconds from the candidate's first traffic to the first breach that acted (or
 *                         to the gate's block); {@code NaN} when nothing was detected
 * @param requests requests sent
 * @param segmentOutcomes with a plan per segment: segment → its own outcome, in plan order; {@code outcome} then
 *                        aggregates them worst first ({@code rolled_back}, {@code blocked}, {@code paused},
 *                        {@code running}; {@code promoted} only when every segment is); empty with one plan
 * @param incidents with evidence: the incidents the run's rollbacks opened, oldest first; empty without evidence
 * @param evidence with evidence: where the bundles and the runbook were written; {@code null} without evidence
 */
public record GameDayResult(String scenario, long seed, String outcome, List<Event> events,
                            Map<String, Map<String, Integer>> routing, List<Verdict> verdicts, double detectionSeconds,
                            long requests, Map<String, String> segmentOutcomes, List<IncidentOutcome> incidents,
                            Evidence evidence) {

    /** Copies the collections. */
    public GameDayResult {
        events = List.copyOf(events);
        segmentOutcomes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(segmentOutcomes));
        incidents = List.copyOf(incidents);
    }

    /**
     * An incident of the run, as it stood at the end.
     *
     * @param id the incident's id, e.g. {@code inc-20260101-000650-gameday-canary-latency-regression-g3}
     * @param segment the segment rolled back, or {@code null} when every segment was
     * @param status {@code OPEN} (verification still running at the end, or no checks), {@code RESOLVED} or
     *               {@code ESCALATED}
     * @param openedAt when the rollback happened (virtual time)
     * @param endedAt when it was resolved or escalated, or {@code null} while open
     * @param verification where recovery verification stands
     * @param bundle the incident's bundle directory ({@code incident.json}, {@code summary.md})
     */
    public record IncidentOutcome(String id, String segment, IncidentStatus status, Instant openedAt, Instant endedAt,
                                  Incident.Verification.State verification, Path bundle) {
    }

    /**
     * The files a run with evidence wrote.
     *
     * @param directory the evidence directory (absolute)
     * @param runbook the runbook file, {@code runbook-<scenario>.md}
     * @param runbookFindings the runbook's self-check findings, errors first
     */
    public record Evidence(Path directory, Path runbook, List<Finding> runbookFindings) {

        /** Copies the findings. */
        public Evidence {
            runbookFindings = List.copyOf(runbookFindings);
        }
    }

    /**
     * One line of the timeline.
     *
     * @param t seconds since the start of the run
     * @param type what happened, e.g. {@code weights-changed}, {@code rolled-back}, {@code breach}
     * @param detail one readable sentence
     */
    public record Event(double t, String type, String detail) {
    }

    /** @return the timeline as readable lines, e.g. {@code +00:06:10  rolled-back  ...} */
    public String timeline() {
        StringBuilder out = new StringBuilder();
        out.append("Game day '").append(scenario).append("' (seed ").append(seed).append(")\n");
        for (Event e : events) {
            long s = (long) e.t();
            out.append(String.format("  +%02d:%02d:%02d  %-18s %s%n", s / 3600, (s / 60) % 60, s % 60, e.type(), e.detail()));
        }
        out.append("Outcome: ").append(outcome);
        if (!Double.isNaN(detectionSeconds)) {
            out.append(String.format(" (detected after %.0f s)", detectionSeconds));
        }
        out.append(", ").append(requests).append(" requests\n");
        if (!segmentOutcomes.isEmpty()) {
            out.append("Outcome per segment: ").append(segmentOutcomes).append('\n');
        }
        for (IncidentOutcome i : incidents) {
            out.append("Incident ").append(i.id()).append(": ").append(i.status()).append(", verification ")
                    .append(i.verification()).append('\n');
        }
        out.append("Routing at the end: ").append(routing).append('\n');
        return out.toString();
    }

    /**
     * @param type an event type
     * @return the first event of that type, if any
     */
    public java.util.Optional<Event> first(String type) {
        return events.stream().filter(e -> e.type().equals(type)).findFirst();
    }
}
