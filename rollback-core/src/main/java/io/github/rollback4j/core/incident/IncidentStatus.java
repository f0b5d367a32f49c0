package io.github.rollback4j.core.incident;

/** Where an incident stands. */
public enum IncidentStatus {
    /** Opened by a rollback; recovery verification is running (or, without checks, waits for an operator). */
    OPEN,
    /** The SLOs recovered on the last-known-good within the verification timeout, or an operator resolved it. */
    RESOLVED,
    /** The verification timeout passed without the SLOs recovering: the rollback did not restore them. */
    ESCALATED
}
