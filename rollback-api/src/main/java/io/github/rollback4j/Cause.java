package io.github.rollback4j;

/**
 * Who asked for a routing change and why; every change, approval, override and rollback is audited
 * with its cause. A change made by a trigger also names the trigger and its severity, so that
 * rollbacks can be counted per trigger.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actor an operator id, or {@link #AUTOMATIC} for changes rollback4j makes by itself
 * @param reason why, in a sentence a colleague can read in the audit log
 * @param trigger the name of the trigger that caused the change, or {@link #NONE}
 * @param severity the trigger's severity (e.g. {@code SEVERE}), or {@link #NONE}
 */
public record Cause(String actor, String reason, String trigger, String severity) {

    /** The actor of changes rollback4j makes by itself. */
    public static final String AUTOMATIC = "automatic";

    /** The trigger and severity of a change no trigger caused. */
    public static final String NONE = "none";

    /**
     * @throws IllegalArgumentException when a component is empty
     */
    public Cause {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("Cause.actor must name who made the change (an operator id or '" + AUTOMATIC + "')");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("Cause.reason must say why the change was made; it goes into the audit log");
        }
        if (trigger == null || trigger.isBlank()) {
            throw new IllegalArgumentException("Cause.trigger must name the trigger, or be '" + NONE + "'");
        }
        if (severity == null || severity.isBlank()) {
            throw new IllegalArgumentException("Cause.severity must name the severity, or be '" + NONE + "'");
        }
    }

    /**
     * A cause no trigger produced.
     *
     * @param actor an operator id, or {@link #AUTOMATIC}
     * @param reason why
     */
    public Cause(String actor, String reason) {
        this(actor, reason, NONE, NONE);
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

    /**
     * @param trigger the trigger's name, e.g. {@code p95-latency}
     * @param severity its severity, e.g. {@code SEVERE}
     * @param reason what the trigger saw
     * @return a cause with actor {@code automatic}
     */
    public static Cause trigger(String trigger, String severity, String reason) {
        return new Cause(AUTOMATIC, reason, trigger, severity);
    }
}
