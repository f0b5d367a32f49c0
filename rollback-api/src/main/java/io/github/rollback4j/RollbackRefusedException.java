package io.github.rollback4j;

/**
 * Thrown when a rollback is refused because the last-known-good release is cold or unhealthy: a
 * rollback onto a release that cannot serve would swap one outage for another. A
 * {@link RouterEvent.RollbackRefused} event is published first.
 */
public class RollbackRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient ReleaseHealth lastKnownGoodHealth;

    /**
     * @param message what was refused and what to do
     * @param lastKnownGoodHealth the health of the last-known-good release at the time
     */
    public RollbackRefusedException(String message, ReleaseHealth lastKnownGoodHealth) {
        super(message);
        this.lastKnownGoodHealth = lastKnownGoodHealth;
    }

    /** @return the health of the last-known-good release when the rollback was refused */
    public ReleaseHealth lastKnownGoodHealth() {
        return lastKnownGoodHealth;
    }
}
