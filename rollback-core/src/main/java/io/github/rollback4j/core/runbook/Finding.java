package io.github.rollback4j.core.runbook;

import java.util.Objects;

/**
 * One finding of {@link Runbook#selfCheck()}: something missing or wrong in the live configuration,
 * with a message that names what to change.
 *
 * <p>Immutable and thread-safe.
 *
 * @param severity {@link Severity#ERROR} when the rollout is not safe as configured (a rollback could
 *                 fail, never happen or never be verified), {@link Severity#WARNING} when it works but
 *                 something an on-call engineer needs is missing or doubtful
 * @param code what kind of finding, stable across versions (for dashboards and tests)
 * @param message what is wrong and what to change, in one or two sentences
 */
public record Finding(Severity severity, Code code, String message) {

    /** How bad a finding is. */
    public enum Severity {
        /** The rollout is not safe as configured: fix before rolling out. */
        ERROR,
        /** It works, but something is missing or doubtful. */
        WARNING
    }

    /** The kinds of finding, in the order the self-check reports them. */
    public enum Code {
        /** No owner is named. */
        NO_OWNER,
        /** No communication channel is named. */
        NO_CHANNEL,
        /** No notifier is named: nobody is told of a rollback. */
        NO_NOTIFIERS,
        /** No trigger guards the rollout. */
        NO_TRIGGERS,
        /** Every trigger is {@code DRY_RUN}: nothing rolls back or pauses by itself. */
        NO_AUTOMATIC_ACTION,
        /** A trigger or verification check whose threshold the metric can never cross. */
        THRESHOLD_CANNOT_BREACH,
        /** The last-known-good is cold or warming: a rollback onto it would be refused. */
        LKG_COLD,
        /** The last-known-good is unhealthy or quarantined: a rollback onto it would be refused. */
        LKG_UNHEALTHY,
        /** A release carries no feature version while other releases of the router do. */
        UNPAIRED_RELEASE,
        /** One feature or model version names two different artifacts (digests) across releases. */
        VERSION_DIGEST_CONFLICT,
        /** No verification check: recovery after a rollback is never verified. */
        NO_VERIFICATION,
        /** A verification check compares with a baseline; after a rollback only the last-known-good serves. */
        VERIFICATION_NOT_ABSOLUTE,
        /**
         * A rollout found a trigger that cannot reach its minimum samples within the step's bake at the observed
         * rate (a small canary at low traffic, a window too short for its tail quantile): it stays inconclusive
         * and holds the step. The message has the rate, the samples needed and the time needed.
         */
        TRIGGER_STARVED
    }

    /** @throws NullPointerException when a component is null */
    public Finding {
        Objects.requireNonNull(severity, "Finding.severity must not be null");
        Objects.requireNonNull(code, "Finding.code must not be null");
        Objects.requireNonNull(message, "Finding.message must not be null");
    }
}
