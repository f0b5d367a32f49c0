package io.github.rollback4j.core.incident;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.trigger.Verdict;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a rollback opened: a snapshot of one incident, as {@link Incidents} holds it and as its bundle
 * shows it. A later change produces a new snapshot.
 *
 * <p>Immutable and thread-safe (the samples' inputs and outputs are what the {@link Redactor} returned).
 *
 * @param id e.g. {@code inc-20260101-000612-fraud-g7}: UTC open time, router, routing generation of the rollback
 * @param router the router's name
 * @param status open, resolved or escalated
 * @param openedAt when the rollback happened
 * @param endedAt when verification passed, an operator resolved it, or it escalated; {@code null} while open
 * @param segment the segment rolled back, or {@code null} when every segment was
 * @param cause who rolled back and why (a trigger's name and severity when a trigger did)
 * @param trigger the trigger engine's verdict that caused the rollback, with its evidence; {@code null}
 *                when no engine was given or the cause was not a trigger
 * @param lastKnownGood the release that took the traffic back (or, when the rollback was refused, would have)
 * @param lastKnownGoodName the last-known-good's display name, e.g. {@code v1} ({@link io.github.rollback4j.Release#name()}),
 *                          which summaries and notices show beside its id
 * @param frozen the releases rolled back, with their digests, as they were frozen
 * @param impact per release rolled back: requests, errors and distinct stickiness keys it served
 * @param samplesBefore the last sampled calls of the rolled-back releases before the rollback (redacted)
 * @param samplesAfter the first sampled calls the last-known-good served after the rollback (redacted)
 * @param samplesDropped samples the redactor refused or failed on
 * @param verification recovery verification: checks, deadline, verdicts
 * @param timeline what happened, in order
 * @param audit the router's audit entries since the last-known-good was last promoted (or since the router started)
 * @param owner who owns the router's rollouts, or an empty string
 * @param channel the communication channel, or an empty string
 * @param rollbackRefused {@code true} when the router refused the rollback because the last-known-good could not
 *                        serve: the incident is {@link IncidentStatus#ESCALATED} at once, {@code frozen} and
 *                        {@code impact} are the releases still serving (not quarantined), verification is
 *                        {@link Verification.State#SKIPPED} (nothing was rolled back to verify)
 */
public record Incident(String id, String router, IncidentStatus status, Instant openedAt, Instant endedAt, Segment segment,
                       Cause cause, Verdict trigger, ReleaseId lastKnownGood, String lastKnownGoodName, List<FrozenRelease> frozen, List<Impact> impact,
                       List<CallSample<?, ?>> samplesBefore, List<CallSample<?, ?>> samplesAfter, int samplesDropped,
                       Verification verification, List<TimelineEntry> timeline, List<AuditEntry> audit, String owner,
                       String channel, boolean rollbackRefused) {

    /**
     * A rolled-back release as it was frozen: its artifacts by digest, its quarantine and the flags turned off.
     *
     * @param release the release id
     * @param name the release's display name, e.g. {@code v2}
     * @param label e.g. {@code fraud-model:2.0.0+categorical-encoder:v5}
     * @param modelName the model's name
     * @param modelVersion the model's version
     * @param modelDigest the model artifact's digest
     * @param featureDigests feature name to {@code version@digest}
     * @param configDigest the config's {@code version@digest}, or {@code null} when the release has none
     * @param quarantined whether the router holds it in quarantine (it cannot serve again without an override)
     * @param flagsDisabled the feature flags the rollback turned off
     */
    public record FrozenRelease(ReleaseId release, String name, String label, String modelName, String modelVersion, String modelDigest,
                                Map<String, String> featureDigests, String configDigest, boolean quarantined,
                                Set<String> flagsDisabled) {
    }

    /**
     * What one rolled-back release served, from the router's telemetry since it was registered.
     *
     * @param release the release
     * @param segment the segment counted, or {@code null} for all of its traffic
     * @param requests calls routed to it
     * @param errors model errors, timeouts and fallbacks among them
     * @param distinctKeys estimated distinct stickiness keys it served (all segments), or -1 when telemetry is off
     */
    public record Impact(ReleaseId release, Segment segment, long requests, long errors, long distinctKeys) {
    }

    /**
     * One line of the timeline.
     *
     * @param time when
     * @param event what happened
     */
    public record TimelineEntry(Instant time, String event) {
    }

    /**
     * Recovery verification of the last-known-good.
     *
     * @param state where it stands
     * @param deadline when it escalates unless every check passed
     * @param checks the latest verdict of each check (empty before the first evaluation)
     */
    public record Verification(State state, Instant deadline, List<Verdict> checks) {

        /** Where verification stands. */
        public enum State {
            /** No checks are configured: an operator resolves the incident. */
            NOT_CONFIGURED,
            /** Checks run until they all pass or the deadline passes. */
            RUNNING,
            /** Every check passed. */
            PASSED,
            /** The deadline passed with a check not passing. */
            FAILED,
            /** An operator resolved the incident before verification finished, or the rollback was refused (nothing to verify). */
            SKIPPED
        }
    }
}
