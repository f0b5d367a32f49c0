package io.github.rollback4j.core.strategy;

import java.time.Duration;

/**
 * Time limits of a blue/green rollout.
 *
 * <ul>
 *   <li>{@code warmupTimeout} (default {@link #DEFAULT_WARMUP_TIMEOUT}, 1 s..24 h): how long the
 *   rollout waits, before the flip, for green to become warm and healthy; past it the flip is refused.</li>
 *   <li>{@code bake} (default {@link #DEFAULT_BAKE}, 0..24 h): how long green serves all traffic under
 *   the triggers before it is promoted.</li>
 *   <li>{@code bakeDeadline} (default {@link #DEFAULT_BAKE_DEADLINE}, bake..7 days): the most time
 *   from the flip to promotion; a bake still not healthy by then (a breach building up, an inconclusive
 *   trigger: the same gate as a canary step) pauses for an operator.</li>
 *   <li>{@code keepBlueWarm} (default {@link #DEFAULT_KEEP_BLUE_WARM}, 0..7 days): how long blue (the
 *   previous last-known-good) stays registered, warm and probed after green is promoted; then the
 *   rollout retires it on its next tick.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class BlueGreenPlan {

    /** Default time to wait for green to be warm. */
    public static final Duration DEFAULT_WARMUP_TIMEOUT = Duration.ofMinutes(5);
    /** Default bake time after the flip. */
    public static final Duration DEFAULT_BAKE = Duration.ofMinutes(30);
    /** Default longest time from the flip to promotion. */
    public static final Duration DEFAULT_BAKE_DEADLINE = Duration.ofHours(2);
    /** Default time blue stays warm after green is promoted. */
    public static final Duration DEFAULT_KEEP_BLUE_WARM = Duration.ofHours(1);

    private final Duration warmupTimeout;
    private final Duration bake;
    private final Duration bakeDeadline;
    private final Duration keepBlueWarm;

    private BlueGreenPlan(Builder b) {
        this.warmupTimeout = b.warmupTimeout;
        this.bake = b.bake;
        this.bakeDeadline = b.bakeDeadline;
        this.keepBlueWarm = b.keepBlueWarm;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a plan with every default */
    public static BlueGreenPlan ofDefaults() {
        return builder().build();
    }

    /** @return how long to wait for green to be warm before the flip */
    public Duration warmupTimeout() {
        return warmupTimeout;
    }

    /** @return how long green bakes with all traffic before promotion */
    public Duration bake() {
        return bake;
    }

    /** @return the most time from the flip to promotion before the rollout pauses */
    public Duration bakeDeadline() {
        return bakeDeadline;
    }

    /** @return how long blue stays warm after promotion */
    public Duration keepBlueWarm() {
        return keepBlueWarm;
    }

    @Override
    public String toString() {
        return "BlueGreenPlan[warmupTimeout " + warmupTimeout + ", bake " + bake + ", bakeDeadline " + bakeDeadline
                + ", keepBlueWarm " + keepBlueWarm + "]";
    }

    /** Builds a {@link BlueGreenPlan}; not thread-safe. */
    public static final class Builder {
        private Duration warmupTimeout = DEFAULT_WARMUP_TIMEOUT;
        private Duration bake = DEFAULT_BAKE;
        private Duration bakeDeadline = DEFAULT_BAKE_DEADLINE;
        private Duration keepBlueWarm = DEFAULT_KEEP_BLUE_WARM;

        private Builder() {
        }

        /**
         * @param timeout 1 s..24 h
         * @return this builder
         */
        public Builder warmupTimeout(Duration timeout) {
            this.warmupTimeout = timeout;
            return this;
        }

        /**
         * @param bake 0..24 h
         * @return this builder
         */
        public Builder bake(Duration bake) {
            this.bake = bake;
            return this;
        }

        /**
         * @param deadline bake..7 days
         * @return this builder
         */
        public Builder bakeDeadline(Duration deadline) {
            this.bakeDeadline = deadline;
            return this;
        }

        /**
         * @param duration 0..7 days
         * @return this builder
         */
        public Builder keepBlueWarm(Duration duration) {
            this.keepBlueWarm = duration;
            return this;
        }

        /**
         * @return the plan
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public BlueGreenPlan build() {
            if (warmupTimeout == null || warmupTimeout.compareTo(Duration.ofSeconds(1)) < 0
                    || warmupTimeout.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("BlueGreenPlan.warmupTimeout must be between 1s and 24h, but was " + warmupTimeout);
            }
            if (bake == null || bake.isNegative() || bake.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("BlueGreenPlan.bake must be between 0s and 24h, but was " + bake);
            }
            if (bakeDeadline == null || bakeDeadline.compareTo(bake) < 0 || bakeDeadline.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("BlueGreenPlan.bakeDeadline must be between the bake time (" + bake
                        + ") and 7d, but was " + bakeDeadline);
            }
            if (keepBlueWarm == null || keepBlueWarm.isNegative() || keepBlueWarm.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException("BlueGreenPlan.keepBlueWarm must be between 0s and 7d, but was " + keepBlueWarm);
            }
            return new BlueGreenPlan(this);
        }
    }
}
