package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Cause;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a rollout's timeline: a change of state, or a noteworthy action in the same state
 * (then {@code from} and {@code to} have the same phase, e.g. the previous last-known-good was retired).
 *
 * <p>Immutable and thread-safe.
 *
 * @param time when, from the rollout's clock
 * @param from the state before
 * @param to the state after
 * @param reason why, in a sentence
 * @param cause who and why, as audited by the router (a trigger's cause for a rollback)
 */
public record RolloutTransition(Instant time, RolloutStatus from, RolloutStatus to, String reason, Cause cause) {

    /**
     * @throws NullPointerException when a component is null
     */
    public RolloutTransition {
        Objects.requireNonNull(time, "RolloutTransition.time must not be null");
        Objects.requireNonNull(from, "RolloutTransition.from must not be null");
        Objects.requireNonNull(to, "RolloutTransition.to must not be null");
        Objects.requireNonNull(reason, "RolloutTransition.reason must not be null");
        Objects.requireNonNull(cause, "RolloutTransition.cause must not be null");
    }

    /** @return one line for logs, e.g. {@code 2026-01-01T00:05:00Z PROGRESSING(step 0, 100 bp) -> ... : reason (actor)} */
    public String summary() {
        return time + " " + from.label() + " -> " + to.label() + ": " + reason + " (" + cause.actor() + ")";
    }
}
