package io.github.rollback4j.core.strategy;

import java.util.Objects;

/**
 * A rollout's state: its phase, the step it is on and why it is there.
 *
 * <p>Immutable and thread-safe.
 *
 * @param phase the phase
 * @param step the index of the current step in the plan (0-based), or -1 before the first step;
 *             a blue/green rollout is on step 0 once it has flipped
 * @param weightBasisPoints the candidate's weight in basis points (0..10000) asked for by the current step
 * @param reason why the rollout entered this state, in a sentence (e.g. the trigger's summary)
 */
public record RolloutStatus(RolloutPhase phase, int step, int weightBasisPoints, String reason) {

    /**
     * @throws IllegalArgumentException when a component is out of range
     */
    public RolloutStatus {
        Objects.requireNonNull(phase, "RolloutStatus.phase must not be null");
        Objects.requireNonNull(reason, "RolloutStatus.reason must not be null");
        if (step < -1) {
            throw new IllegalArgumentException("RolloutStatus.step must be -1 or a step index >= 0, but was " + step);
        }
        if (weightBasisPoints < 0 || weightBasisPoints > 10_000) {
            throw new IllegalArgumentException("RolloutStatus.weightBasisPoints must be between 0 and 10000, but was "
                    + weightBasisPoints);
        }
    }

    /** @return e.g. {@code PROGRESSING(step 2, 2500 bp)} */
    public String label() {
        return step < 0 ? phase.name() : phase + "(step " + step + ", " + weightBasisPoints + " bp)";
    }

    @Override
    public String toString() {
        return label() + ": " + reason;
    }
}
