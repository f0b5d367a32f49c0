package io.github.rollback4j.trigger;

/** What a trigger concluded at one evaluation. */
public enum VerdictLevel {
    /** Enough data on both arms, and no breach. */
    HEALTHY,
    /** Not enough data to decide, or a breach that has not yet held for the trigger's sustain time. */
    INCONCLUSIVE,
    /** A sustained breach of a {@link Severity#MILD} trigger: pause and ask for approval. */
    MILD_BREACH,
    /** A sustained breach of a {@link Severity#SEVERE} trigger: roll back. */
    SEVERE_BREACH,
    /** A sustained breach of a {@link Severity#DRY_RUN} trigger: reported only. */
    DRY_RUN_BREACH;

    /** @return whether this is a sustained breach of any severity */
    public boolean isBreach() {
        return this == MILD_BREACH || this == SEVERE_BREACH || this == DRY_RUN_BREACH;
    }
}
