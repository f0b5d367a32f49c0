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
 *                         (in a fleet: every replica's refusals)
 * @param fleet with a fleet ({@link Scenario#fleet()}): the replicas, who decided each routing change and when each
 *              replica applied it; {@code null} for one router
 */
public record GameDayResult(String scenario, long seed, String outcome, List<Event> events,
                            Map<String, Map<String, Integer>> routing, List<Verdict> verdicts, double detectionSeconds,
                            long requests, Map<String, String> segmentOutcomes, List<IncidentOutcome> incidents,
                            Evidence evidence, Map<String, String> releases, Map<String, Boolean> flags,
                            List<Finding> selfCheck, long rollbackRefusals, FleetOutcome fleet) {

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
     * What the replicas of a fleet game day did.
     *
     * @param store the store they shared, e.g. {@code in-memory} or {@code PostgreSQL at 127.0.0.1:5432/postgres}
     * @param loadBalancer how the traffic was spread over the live replicas ({@code round-robin}, {@code random})
     * @param replicas every replica process, in the order they started (a restart starts a new one, {@code r1-2})
     * @param decisions every committed change of the routing, oldest first: who decided it and when each replica
     *                  applied it
     */
    public record FleetOutcome(String store, String loadBalancer, List<Replica> replicas, List<Decision> decisions) {

        /** Copies the lists. */
        public FleetOutcome {
            replicas = List.copyOf(replicas);
            decisions = List.copyOf(decisions);
        }

        /** @return the rollbacks (every segment or one), oldest first */
        public List<Decision> rollbacks() {
            return decisions.stream().filter(Decision::isRollback).toList();
        }
    }

    /**
     * One replica process of a fleet game day.
     *
     * @param id its replica id: {@code r1}..{@code rN}, {@code r1-2} for the second process of {@code r1}
     * @param startedAt seconds since the start of the run when it joined
     * @param stoppedAt seconds since the start when it was killed (or replaced by a restart); {@code NaN} when it ran
     *                  to the end
     * @param generation the state generation it routed by at the end (or when it stopped)
     * @param leader whether it held the decider lease at the end
     * @param failSafe whether it served only its last-known-good at the end
     */
    public record Replica(String id, double startedAt, double stoppedAt, long generation, boolean leader, boolean failSafe) {
    }

    /**
     * A committed change of the routing in a fleet and where it went.
     *
     * @param generation the state generation the change committed
     * @param action {@code weights-changed}, {@code rolled-back}, {@code segment-rolled-back} or {@code promoted}
     * @param replica the replica that committed it (the generation's {@code StateChange.replica()})
     * @param role {@code leader} (its rollout), {@code emergency brake} (a follower's SEVERE trigger on its own data) or
     *             {@code follower}
     * @param detail what changed, e.g. {@code default: {v1=9500, v2=500}} or {@code all traffic to v1}
     * @param t seconds since the start of the run when it was committed
     * @param appliedAt replica id → seconds since the start when it first routed by this generation (or a later one):
     *                  the committing replica at the commit, the others at their next round; in the order they did
     * @param notApplied replicas that ran after the commit but never routed by it (killed first, or cut off to the end)
     * @param propagationSeconds seconds from the commit until the last of the other replicas running at the commit routed
     *                           by it; {@code NaN} when none did (no other replica ran then, or none applied it)
     */
    public record Decision(long generation, String action, String replica, String role, String detail, double t,
                           Map<String, Double> appliedAt, List<String> notApplied, double propagationSeconds) {

        /** Copies the collections. */
        public Decision {
            appliedAt = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(appliedAt));
            notApplied = List.copyOf(notApplied);
        }

        /** @return whether this is a rollback (every segment or one) */
        public boolean isRollback() {
            return action.equals("rolled-back") || action.equals("segment-rolled-back");
        }

        /** @return who decided, e.g. {@code leader r1} or {@code r2 (emergency brake)} */
        public String by() {
            return role.equals("leader") ? "leader " + replica : replica + " (" + role + ")";
        }

        /** @return e.g. {@code rolled back by r2 (emergency brake)} or {@code default: {v1=7500, v2=2500} by leader r1} */
        public String describe() {
            return switch (action) {
                case "rolled-back" -> "rolled back by " + by();
                case "segment-rolled-back" -> detail + " rolled back by " + by();
                case "promoted" -> detail + " promoted by " + by();
                default -> detail + " by " + by();
            };
        }

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
        if (fleet != null) {
            out.append("Fleet of ").append(fleet.replicas().size()).append(" replica process(es) on ").append(fleet.store())
                    .append(", ").append(fleet.loadBalancer()).append(" load balancer\n");
            for (Decision d : fleet.decisions()) {
                out.append("  generation ").append(d.generation()).append(' ').append(d.describe()).append(" at ").append(clock(d.t()))
                        .append(": applied by ");
                StringBuilder applied = new StringBuilder();
                d.appliedAt().forEach((replica, at) -> applied.append(applied.length() == 0 ? "" : ", ").append(replica).append(' ')
                        .append(clock(at)));
                out.append(applied);
                if (!d.notApplied().isEmpty()) {
                    out.append("; never by ").append(String.join(", ", d.notApplied()));
                }
                out.append('\n');
            }
            for (Replica r : fleet.replicas()) {
                out.append("  replica ").append(r.id()).append(": ").append(Double.isNaN(r.stoppedAt()) ? "running" : "stopped at "
                        + clock(r.stoppedAt())).append(", generation ").append(r.generation()).append(r.leader() ? ", leader" : "")
                        .append(r.failSafe() ? ", FAIL-SAFE" : "").append('\n');
            }
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

    private static String clock(double t) {
        long s = (long) t;
        return String.format("+%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /**
     * @param type an event type
     * @return the first event of that type, if any
     */
    public java.util.Optional<Event> first(String type) {
        return events.stream().filter(e -> e.type().equals(type)).findFirst();
    }
}
