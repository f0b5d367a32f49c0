package io.github.rollback4j;

/**
 * Who asked for a routing change and why; every change, approval, override and rollback is audited
 * with its cause.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actor an operator id, or {@link #AUTOMATIC} for changes rollback4j makes by itself
 * @param reason why, in a sentence a colleague can read in the audit log
 */
public record Cause(String actor, String reason) {

    /** The actor of changes rollback4j makes by itself. */
    public static final String AUTOMATIC = "automatic";

    /**
     * @throws IllegalArgumentException when the actor or the reason is empty
     */
    public Cause {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("Cause.actor must name who made the change (an operator id or '" + AUTOMATIC + "')");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("Cause.reason must say why the change was made; it goes into the audit log");
        }
    }

    /**
     * @param reason why rollback4j made the change
     * @return a cause with actor {@code automatic}
     */
    public static Cause automatic(String reason) {
        return new Cause(AUTOMATIC, reason);
    }

    /**
     * @param operatorId the operator's id
     * @param reason why
     * @return a cause with that operator as actor
     */
    public static Cause operator(String operatorId, String reason) {
        return new Cause(operatorId, reason);
    }
}
