package io.github.rollback4j.core.strategy;

import java.time.Duration;
import java.util.Optional;

/**
 * One step of a {@link CanaryPlan}: the candidate's weight, how long it bakes at that weight, and
 * optionally how long the step may stay undecided.
 *
 * <p>Immutable and thread-safe.
 *
 * @param weightBasisPoints the candidate's weight in basis points, 1..10000 (100 = 1 %)
 * @param bake the least time at this weight before the rollout may advance, 0..24 h
 * @param deadline when set, the most time at this weight: still not healthy by then (inconclusive,
 *                 not enough data) pauses for approval; at least {@code bake}, at most 24 h.
 *                 {@code null} waits for data until the plan's progress deadline
 */
public record CanaryStep(int weightBasisPoints, Duration bake, Duration deadline) {

    /** Longest bake time and step deadline. */
    public static final Duration MAX_DURATION = Duration.ofHours(24);

    /**
     * @throws IllegalArgumentException naming the field, the value and the allowed range
     */
    public CanaryStep {
        if (weightBasisPoints < 1 || weightBasisPoints > 10_000) {
            throw new IllegalArgumentException("CanaryStep.weightBasisPoints must be between 1 and 10000 (0.01 %..100 %), but was "
                    + weightBasisPoints);
        }
        if (bake == null || bake.isNegative() || bake.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("CanaryStep.bake must be between 0s and 24h, but was " + bake
                    + " (step at " + weightBasisPoints + " bp)");
        }
        if (deadline != null && (deadline.compareTo(bake) < 0 || deadline.compareTo(MAX_DURATION) > 0)) {
            throw new IllegalArgumentException("CanaryStep.deadline must be between the bake time (" + bake + ") and 24h, but was "
                    + deadline + " (step at " + weightBasisPoints + " bp)");
        }
    }

    /**
     * @param weightBasisPoints 1..10000
     * @param bake 0..24 h
     * @return a step without a deadline of its own
     */
    public static CanaryStep of(int weightBasisPoints, Duration bake) {
        return new CanaryStep(weightBasisPoints, bake, null);
    }

    /** @return the step's deadline, if it has one */
    public Optional<Duration> optionalDeadline() {
        return Optional.ofNullable(deadline);
    }

    /** @return whether this step sends all traffic to the candidate */
    public boolean isFull() {
        return weightBasisPoints == 10_000;
    }
}
