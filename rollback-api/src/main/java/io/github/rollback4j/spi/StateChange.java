package io.github.rollback4j.spi;

import io.github.rollback4j.Cause;

import java.time.Instant;
import java.util.Objects;

/**
 * What made a {@link RolloutState} generation: the action, who asked and why, and which replica
 * committed it. Stored with the state, so every replica that applies a generation can say where it
 * came from (a rollback committed by another replica's emergency brake, a step of the leader's canary).
 *
 * <p>Immutable and thread-safe.
 *
 * @param action what happened, as in the audit log: {@code created}, {@code weights-changed},
 *               {@code promoted}, {@code rolled-back}, {@code segment-rolled-back},
 *               {@code quarantine-overridden}, {@code rollout-progress}, {@code request}
 * @param cause who asked and why (an operator, or {@link Cause#AUTOMATIC} with the trigger that fired)
 * @param replica the replica that committed the generation, or {@code ""} when the state was written
 *                outside fleet mode
 * @param at when the generation was committed, on the committing replica's wall clock (a timestamp, not
 *           a duration base)
 */
public record StateChange(String action, Cause cause, String replica, Instant at) {

    /** The action of the first state a router stores. */
    public static final String CREATED = "created";
    /** A rollback of every segment. */
    public static final String ROLLED_BACK = "rolled-back";
    /** A rollback of one segment. */
    public static final String SEGMENT_ROLLED_BACK = "segment-rolled-back";
    /** Only the rollouts' progress or the operator requests changed; routing did not. */
    public static final String ROLLOUT_PROGRESS = "rollout-progress";

    /**
     * @throws IllegalArgumentException when the action is blank
     */
    public StateChange {
        Objects.requireNonNull(action, "StateChange.action must not be null");
        Objects.requireNonNull(cause, "StateChange.cause must not be null");
        Objects.requireNonNull(replica, "StateChange.replica must not be null (use \"\" outside fleet mode)");
        Objects.requireNonNull(at, "StateChange.at must not be null");
        if (action.isBlank()) {
            throw new IllegalArgumentException("StateChange.action must name what happened, e.g. 'rolled-back'");
        }
    }

    /** @return whether this change only moved traffic back to the last-known-good (all or one segment) */
    public boolean isRollback() {
        return ROLLED_BACK.equals(action) || SEGMENT_ROLLED_BACK.equals(action);
    }

    /**
     * @param id the committing replica's id
     * @return a copy naming that replica
     */
    public StateChange withReplica(String id) {
        return new StateChange(action, cause, id, at);
    }
}
