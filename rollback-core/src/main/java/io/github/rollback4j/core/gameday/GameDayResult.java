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
 * @param evidence with evidence: where the bundles, the runbook and the shadow report were written; {@code null}
 *                 without evidence
 * @param releases release name → its label ({@code model:version+feature:version}), as the router built it
 * @param flags feature flag → whether it is on at the end (the flags the releases turn on; a rollback turns the
 *              rolled-back release's flags off)
 * @param selfCheck the runbook's self-check of the router at the end of the run (e.g. {@code LKG_UNHEALTHY} when
 *                  the last-known-good cannot serve), errors first
 * @param rollbackRefusals how many times the router refused a rollback because the last-known-good could not serve
 */
public record GameDayResult(String scenario, long seed, String outcome, List<Event> events,
                            Map<String, Map<String, Integer>> routing, List<Verdict> verdicts, double detectionSeconds,
                            long requests, Map<String, String> segmentOutcomes, List<IncidentOutcome> incidents,
                            Evidence evidence, Map<String, String> releases, Map<String, Boolean> flags,
                            List<Finding> selfCheck, long rollbackRefusals) {

    /** Copies the collections. */
    public GameDayResult {
        events = List.copyOf(events);
        segmentOutcomes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(segmentOutcomes));
        incidents = List.copyOf(incidents);
        releases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(releases));
        flags = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(flags));
        selfCheck = List.copyOf(selfCheck);
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
     * @param rollbackRefused whether the incident is a refused rollback (escalated at once: the last-known-good
     *                        could not serve)
     */
    public record IncidentOutcome(String id, String segment, IncidentStatus status, Instant openedAt, Instant endedAt,
                                  Incident.Verification.State verification, Path bundle, boolean rollbackRefused) {
    }

    /**
     * The files a run with evidence wrote.
     *
     * @param directory the evidence directory (absolute)
     * @param runbook the runbook file, {@code runbook-<scenario>.md}
     * @param runbookFindings the runbook's self-check findings when it was written, errors first
     * @param shadowReport with a shadow: the report page {@code shadow-report-<scenario>.html}, else {@code null}
     * @param shadowReportJson with a shadow: {@code shadow-report-<scenario>.json} (releases, gate decision, report),
     *                         else {@code null}
     */
    public record Evidence(Path directory, Path runbook, List<Finding> runbookFindings, Path shadowReport, Path shadowReportJson) {

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
            out.append("Incident ").append(i.id()).append(": ").append(i.status())
                    .append(i.rollbackRefused() ? " (rollback refused)" : ", verification " + i.verification()).append('\n');
        }
        out.append("Routing at the end: ").append(routing).append('\n');
        if (!flags.isEmpty()) {
            out.append("Feature flags at the end: ").append(flags).append('\n');
        }
        for (Finding f : selfCheck) {
            if (f.severity() == Finding.Severity.ERROR) {
                out.append("Self-check at the end: ERROR ").append(f.code()).append(": ").append(f.message()).append('\n');
            }
        }
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
