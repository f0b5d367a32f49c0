package io.github.rollback4j.core.fleet;

/**
 * An automatic routing change (a rollout's step or promotion) was refused because this replica does
 * not hold its router's decider lease, or holds a stale fencing token: another replica leads the
 * rollout. Rollbacks and operator changes are never refused this way.
 */
public final class FencedWriteException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param message what was refused and who leads */
    public FencedWriteException(String message) {
        super(message);
    }
}
