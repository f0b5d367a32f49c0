package io.github.rollback4j.core.strategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The steps of a canary rollout and its time limits.
 *
 * <ul>
 *   <li>{@code steps} (required, 1..100): weights in basis points, strictly increasing, the last one
 *   10000 (100 %); each with a bake time and an optional deadline, see {@link CanaryStep}.
 *   {@link #standard(Duration)} gives 1 % → 5 % → 25 % → 50 % → 100 %.</li>
 *   <li>{@code progressDeadline} (default {@link #DEFAULT_PROGRESS_DEADLINE}, 1 s..7 days): the most
 *   time the rollout may take from its first step to promotion; past it the rollout pauses for an
 *   operator. {@code resume}/{@code approve} start it over.</li>
 *   <li>{@code keepPreviousWarm} (default {@link #DEFAULT_KEEP_PREVIOUS_WARM}, 0..7 days): how long
 *   the previous last-known-good stays registered, warm and probed after promotion (so an operator can
 *   still promote it back); then the rollout retires it on its next tick.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class CanaryPlan {

    /** Default progress deadline. */
    public static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofHours(24);
    /** Default time the previous last-known-good stays warm after promotion. */
    public static final Duration DEFAULT_KEEP_PREVIOUS_WARM = Duration.ofHours(1);
    /** Longest progress deadline and keep-warm time. */
    public static final Duration MAX_DURATION = Duration.ofDays(7);
    /** Most steps in a plan. */
    public static final int MAX_STEPS = 100;

    private final List<CanaryStep> steps;
    private final Duration progressDeadline;
    private final Duration keepPreviousWarm;

    private CanaryPlan(Builder b) {
        this.steps = List.copyOf(b.steps);
        this.progressDeadline = b.progressDeadline;
        this.keepPreviousWarm = b.keepPreviousWarm;
    }

    /** @return an empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param bake the bake time of every step
     * @return 1 % → 5 % → 25 % → 50 % → 100 % with that bake time and the default deadlines
     */
    public static CanaryPlan standard(Duration bake) {
        return builder().step(100, bake).step(500, bake).step(2500, bake).step(5000, bake).step(10_000, bake).build();
    }

    /** @return the steps, in order; unmodifiable */
    public List<CanaryStep> steps() {
        return steps;
    }

    /** @return the most time from the first step to promotion before the rollout pauses */
    public Duration progressDeadline() {
        return progressDeadline;
    }

    /** @return how long the previous last-known-good stays warm after promotion */
    public Duration keepPreviousWarm() {
        return keepPreviousWarm;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("CanaryPlan[");
        for (int i = 0; i < steps.size(); i++) {
            CanaryStep step = steps.get(i);
            s.append(i == 0 ? "" : " -> ").append(step.weightBasisPoints() / 100.0).append("% bake ").append(step.bake());
            step.optionalDeadline().ifPresent(d -> s.append(" deadline ").append(d));
        }
        return s.append("; progressDeadline ").append(progressDeadline).append(", keepPreviousWarm ").append(keepPreviousWarm)
                .append(']').toString();
    }

    /** Builds a {@link CanaryPlan}; not thread-safe. */
    public static final class Builder {
        private final List<CanaryStep> steps = new ArrayList<>();
        private Duration progressDeadline = DEFAULT_PROGRESS_DEADLINE;
        private Duration keepPreviousWarm = DEFAULT_KEEP_PREVIOUS_WARM;

        private Builder() {
        }

        /**
         * @param weightBasisPoints 1..10000
         * @param bake 0..24 h
         * @return this builder
         */
        public Builder step(int weightBasisPoints, Duration bake) {
            return step(new CanaryStep(weightBasisPoints, bake, null));
        }

        /**
         * @param weightBasisPoints 1..10000
         * @param bake 0..24 h
         * @param deadline bake..24 h
         * @return this builder
         */
        public Builder step(int weightBasisPoints, Duration bake, Duration deadline) {
            return step(new CanaryStep(weightBasisPoints, bake, deadline));
        }

        /**
         * @param step a step
         * @return this builder
         */
        public Builder step(CanaryStep step) {
            steps.add(Objects.requireNonNull(step, "CanaryPlan.step must not be null"));
            return this;
        }

        /**
         * @param deadline 1 s..7 days
         * @return this builder
         */
        public Builder progressDeadline(Duration deadline) {
            this.progressDeadline = deadline;
            return this;
        }

        /**
         * @param duration 0..7 days
         * @return this builder
         */
        public Builder keepPreviousWarm(Duration duration) {
            this.keepPreviousWarm = duration;
            return this;
        }

        /**
         * @return the plan
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public CanaryPlan build() {
            if (steps.isEmpty() || steps.size() > MAX_STEPS) {
                throw new IllegalArgumentException("CanaryPlan.steps must hold 1 to " + MAX_STEPS + " steps, but held " + steps.size());
            }
            for (int i = 1; i < steps.size(); i++) {
                int before = steps.get(i - 1).weightBasisPoints();
                int weight = steps.get(i).weightBasisPoints();
                if (weight <= before) {
                    throw new IllegalArgumentException("CanaryPlan.steps[" + i + "].weightBasisPoints must be greater than the step"
                            + " before (" + before + ") and at most 10000, but was " + weight);
                }
            }
            int last = steps.get(steps.size() - 1).weightBasisPoints();
            if (last != 10_000) {
                throw new IllegalArgumentException("CanaryPlan.steps[" + (steps.size() - 1) + "].weightBasisPoints must be 10000"
                        + " (the last step sends all traffic to the candidate before promotion), but was " + last);
            }
            if (progressDeadline == null || progressDeadline.compareTo(Duration.ofSeconds(1)) < 0
                    || progressDeadline.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("CanaryPlan.progressDeadline must be between 1s and 7d, but was " + progressDeadline);
            }
            if (keepPreviousWarm == null || keepPreviousWarm.isNegative() || keepPreviousWarm.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("CanaryPlan.keepPreviousWarm must be between 0s and 7d, but was " + keepPreviousWarm);
            }
            return new CanaryPlan(this);
        }
    }
}
