package io.github.rollback4j.core.strategy;

/**
 * Where a rollout ({@link CanaryRollout} or {@link BlueGreenRollout}) is. The last four are terminal:
 * a terminal rollout never changes the router again, except that a {@link #PROMOTED} one retires the
 * previous last-known-good once its keep-warm time has passed.
 */
public enum RolloutPhase {
    /** Created; the candidate has no traffic from this rollout yet (blue/green: warming and verifying green). */
    PENDING(false),
    /** The candidate serves its current step's weight and is baking under the triggers. */
    PROGRESSING(false),
    /** Holding the current weight until an operator approves, resumes, promotes or aborts; triggers still guard it. */
    PAUSED(false),
    /**
     * Held by a canary's shadow gate: a segment's shadow mismatch is above its threshold, or the shadow
     * has too few compared calls to decide. The rollout neither starts nor advances; it proceeds by
     * itself once the gate opens (triggers still guard the current weight). An operator may still
     * promote or abort.
     */
    BLOCKED(false),
    /** The candidate is the new last-known-good. */
    PROMOTED(true),
    /** The candidate was rolled back by a trigger or by someone outside the rollout. */
    ROLLED_BACK(true),
    /** An operator aborted: all traffic went back to the last-known-good without waiting for analysis. */
    ABORTED(true),
    /** The candidate failed warm-up, health or verification before it got any traffic; nothing changed. */
    REFUSED(true);

    private final boolean terminal;

    RolloutPhase(boolean terminal) {
        this.terminal = terminal;
    }

    /** @return whether the rollout is over */
    public boolean isTerminal() {
        return terminal;
    }
}
