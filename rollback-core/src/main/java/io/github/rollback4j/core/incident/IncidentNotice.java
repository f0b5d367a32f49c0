package io.github.rollback4j.core.incident;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link Notifier} is told about an incident.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind opened, updated, resolved or escalated
 * @param incidentId the incident's id, e.g. {@code inc-20260101-000612-fraud-g7}
 * @param router the router's name
 * @param status the incident's status after this change
 * @param time when it happened, on the incident manager's time source
 * @param title one line, e.g. {@code [fraud] rolled back to fraud-model:1.3.2: p95-latency}
 * @param summary a few lines of plain text: cause, impact, verification
 * @param owner who owns the router's rollouts, or an empty string
 * @param channel where the team talks about incidents (e.g. {@code #fraud-oncall}), or an empty string
 * @param location where the bundle is kept (a directory for the filesystem store), or an empty string
 */
public record IncidentNotice(Kind kind, String incidentId, String router, IncidentStatus status, Instant time, String title,
                             String summary, String owner, String channel, String location) {

    /** Why a notice is sent. */
    public enum Kind {
        /** A rollback opened the incident. */
        OPENED,
        /** New evidence was added (the samples after the rollback are complete). */
        UPDATED,
        /** Verification passed, or an operator resolved it. */
        RESOLVED,
        /** Verification failed at its deadline: the rollback did not restore the SLOs. */
        ESCALATED
    }

    /** @throws NullPointerException when a component is {@code null} */
    public IncidentNotice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(summary, "summary");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(location, "location");
    }
}
