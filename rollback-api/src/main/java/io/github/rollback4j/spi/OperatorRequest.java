package io.github.rollback4j.spi;

import io.github.rollback4j.Cause;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * An operator's request to a fleet's rollout (approve, pause, resume, promote, abort), made on any
 * replica and kept in the shared {@link RolloutState} until the leader, which runs the rollouts,
 * carries it out and removes it. An abort also rolls back at once on the replica that took it, so the
 * safe direction never waits for the leader.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id unique within the router's state (the generation that added it)
 * @param action what to do
 * @param segment the rollout's segment, or {@code null} for every rollout of the router
 * @param cause the operator and why
 * @param replica the replica that took the request
 * @param at when it was taken, on that replica's wall clock
 */
public record OperatorRequest(long id, Action action, String segment, Cause cause, String replica, Instant at) {

    /** What an operator can ask a fleet's rollout to do. */
    public enum Action {
        /** Go on despite the pending mild breaches. */
        APPROVE,
        /** Hold the current weight. */
        PAUSE,
        /** Go on after a pause. */
        RESUME,
        /** Give the candidate all traffic now and make it the last-known-good. */
        PROMOTE,
        /** Send all traffic back to the last-known-good and end the rollout. */
        ABORT;

        /** @return the name in lower case, as the Actuator endpoint spells it */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @throws IllegalArgumentException when the id is not positive
     */
    public OperatorRequest {
        Objects.requireNonNull(action, "OperatorRequest.action must not be null");
        Objects.requireNonNull(cause, "OperatorRequest.cause must not be null");
        Objects.requireNonNull(replica, "OperatorRequest.replica must not be null");
        Objects.requireNonNull(at, "OperatorRequest.at must not be null");
        if (id < 1) {
            throw new IllegalArgumentException("OperatorRequest.id must be >= 1, but was " + id);
        }
    }
}
