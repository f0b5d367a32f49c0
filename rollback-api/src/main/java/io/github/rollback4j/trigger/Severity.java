package io.github.rollback4j.trigger;

/** What a trigger's breach does. */
public enum Severity {
    /** Roll back at once, automatically. */
    SEVERE,
    /** Pause the rollout and ask an operator for approval. */
    MILD,
    /** Only report: the verdict is kept and published, nothing changes. */
    DRY_RUN
}
