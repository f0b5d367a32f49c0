package io.github.rollback4j.core.stats;

import java.util.Objects;

/**
 * What a {@link SequentialKpiTest} tests and how. Build with {@link #builder(KpiKind, EffectThreshold)}.
 *
 * <ul>
 *   <li>{@code kind}: {@link KpiKind#PROPORTION} (0/1 observations) or {@link KpiKind#MEAN}; required.</li>
 *   <li>{@code threshold}: the tolerated drop {@code δ}, absolute or relative ({@link EffectThreshold}); required.</li>
 *   <li>{@code alpha} (default {@value #DEFAULT_ALPHA}, range {@code (0, 0.5]}): the chance, over the whole
 *   life of the test however often it is looked at, of rejecting a true null (a false rollback).</li>
 *   <li>{@code plannedEffect} (range {@code > 0}, finite; for a relative threshold {@code (0, 1]}): the drop
 *   <em>beyond</em> the threshold that the test is tuned to detect fastest, in the threshold's units (KPI units,
 *   or a fraction of the baseline mean). It sets the mixture's scale: {@code τ = plannedEffect} (absolute) or
 *   {@code τ = plannedEffect · μ̂b} (relative, with the baseline's current mean), {@code τ²} being the
 *   variance of the half-normal mixing distribution. Default: {@code δ} when {@code δ > 0}, i.e. tuned for a
 *   true drop of about twice the threshold; {@value #DEFAULT_PLANNED_RELATIVE_EFFECT} (2 %) for a relative
 *   threshold of 0; an absolute threshold of 0 has no natural scale and needs it set.
 *   A {@code τ} near the true excess drop is close to optimal. Erring large costs little (4× too large: about
 *   15 % longer to detect), erring small costs more (2× too small: about 25 %, 4× too small: about twice as
 *   long); see {@code docs/statistics.md}, "KPI significance".</li>
 *   <li>{@code minSamplesPerArm} (default {@value #DEFAULT_MIN_SAMPLES_PER_ARM}, range 2..10⁹): below this many
 *   observations in either arm a look is not evaluated (it carries no evidence).</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class KpiTestConfig {

    /** Default significance level: 0.05. */
    public static final double DEFAULT_ALPHA = 0.05;
    /** Largest significance level accepted: 0.5. */
    public static final double MAX_ALPHA = 0.5;
    /** Default planned effect for a relative threshold of 0: a 2 % drop. */
    public static final double DEFAULT_PLANNED_RELATIVE_EFFECT = 0.02;
    /** Default minimum number of observations in each arm before a look is evaluated: 100. */
    public static final long DEFAULT_MIN_SAMPLES_PER_ARM = 100;
    /** Smallest accepted minimum number of observations per arm: 2 (a sample variance needs two). */
    public static final long MIN_MIN_SAMPLES_PER_ARM = 2;
    /** Largest accepted minimum number of observations per arm: 10⁹. */
    public static final long MAX_MIN_SAMPLES_PER_ARM = 1_000_000_000L;

    private final KpiKind kind;
    private final EffectThreshold threshold;
    private final double alpha;
    private final double plannedEffect;
    private final long minSamplesPerArm;

    private KpiTestConfig(Builder b, double plannedEffect) {
        this.kind = b.kind;
        this.threshold = b.threshold;
        this.alpha = b.alpha;
        this.plannedEffect = plannedEffect;
        this.minSamplesPerArm = b.minSamplesPerArm;
    }

    /**
     * @param kind proportion or mean, not null
     * @param threshold the tolerated drop, not null
     * @return a builder with the defaults for everything else
     */
    public static Builder builder(KpiKind kind, EffectThreshold threshold) {
        return new Builder(kind, threshold);
    }

    /**
     * @param kind proportion or mean, not null
     * @param threshold the tolerated drop, not null; an absolute threshold needs {@code δ > 0} here
     * @return a config with all defaults
     * @throws IllegalArgumentException for an absolute threshold of 0 (set a planned effect with the builder)
     */
    public static KpiTestConfig of(KpiKind kind, EffectThreshold threshold) {
        return builder(kind, threshold).build();
    }

    /** @return proportion or mean */
    public KpiKind kind() {
        return kind;
    }

    /** @return the tolerated drop */
    public EffectThreshold threshold() {
        return threshold;
    }

    /** @return the significance level, in {@code (0, 0.5]} */
    public double alpha() {
        return alpha;
    }

    /** @return the planned effect beyond the threshold, in the threshold's units, defaults resolved */
    public double plannedEffect() {
        return plannedEffect;
    }

    /** @return the minimum number of observations per arm before a look is evaluated */
    public long minSamplesPerArm() {
        return minSamplesPerArm;
    }

    /**
     * @param baselineMean the baseline's current mean (used by a relative threshold only)
     * @return {@code τ²} in squared KPI units; 0 or NaN when a relative threshold meets a baseline mean ≤ 0
     */
    double mixtureVariance(double baselineMean) {
        double tau = threshold.isRelative() ? plannedEffect * baselineMean : plannedEffect;
        return threshold.isRelative() && !(baselineMean > 0) ? Double.NaN : tau * tau;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KpiTestConfig)) {
            return false;
        }
        KpiTestConfig c = (KpiTestConfig) o;
        return kind == c.kind && threshold.equals(c.threshold) && Double.compare(alpha, c.alpha) == 0
                && Double.compare(plannedEffect, c.plannedEffect) == 0 && minSamplesPerArm == c.minSamplesPerArm;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, threshold, alpha, plannedEffect, minSamplesPerArm);
    }

    @Override
    public String toString() {
        return "KpiTestConfig{kind=" + kind + ", threshold=" + threshold + ", alpha=" + alpha + ", plannedEffect="
                + plannedEffect + ", minSamplesPerArm=" + minSamplesPerArm + "}";
    }

    /** Builds a {@link KpiTestConfig}; not thread-safe. */
    public static final class Builder {
        private final KpiKind kind;
        private final EffectThreshold threshold;
        private double alpha = DEFAULT_ALPHA;
        private double plannedEffect = Double.NaN;
        private boolean plannedEffectSet;
        private long minSamplesPerArm = DEFAULT_MIN_SAMPLES_PER_ARM;

        private Builder(KpiKind kind, EffectThreshold threshold) {
            this.kind = Objects.requireNonNull(kind, "KpiTestConfig.kind must not be null");
            this.threshold = Objects.requireNonNull(threshold, "KpiTestConfig.threshold must not be null");
        }

        /**
         * @param alpha the significance level, in {@code (0, 0.5]}; default 0.05
         * @return this builder
         */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /**
         * @param plannedEffect the drop beyond the threshold to tune for, in the threshold's units: {@code > 0} and
         *                      finite, at most 1 for a relative threshold
         * @return this builder
         */
        public Builder plannedEffect(double plannedEffect) {
            this.plannedEffect = plannedEffect;
            this.plannedEffectSet = true;
            return this;
        }

        /**
         * @param minSamplesPerArm observations each arm needs before a look is evaluated, 2..10⁹; default 100
         * @return this builder
         */
        public Builder minSamplesPerArm(long minSamplesPerArm) {
            this.minSamplesPerArm = minSamplesPerArm;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException naming the parameter, the value and the allowed range
         */
        public KpiTestConfig build() {
            if (!(alpha > 0 && alpha <= MAX_ALPHA)) {
                throw new IllegalArgumentException("KpiTestConfig.alpha must be in (0, 0.5], but was " + alpha);
            }
            if (minSamplesPerArm < MIN_MIN_SAMPLES_PER_ARM || minSamplesPerArm > MAX_MIN_SAMPLES_PER_ARM) {
                throw new IllegalArgumentException("KpiTestConfig.minSamplesPerArm must be between " + MIN_MIN_SAMPLES_PER_ARM
                        + " and " + MAX_MIN_SAMPLES_PER_ARM + ", but was " + minSamplesPerArm);
            }
            double planned = plannedEffect;
            if (!plannedEffectSet) {
                if (threshold.delta() > 0) {
                    planned = threshold.delta();
                } else if (threshold.isRelative()) {
                    planned = DEFAULT_PLANNED_RELATIVE_EFFECT;
                } else {
                    throw new IllegalArgumentException("KpiTestConfig.plannedEffect must be set (finite and > 0, in KPI units)"
                            + " for an absolute threshold of 0, but was not set");
                }
            }
            if (threshold.isRelative() && !(planned > 0 && planned <= 1)) {
                throw new IllegalArgumentException("KpiTestConfig.plannedEffect must be in (0, 1] for a relative threshold,"
                        + " but was " + planned);
            }
            if (!threshold.isRelative() && !(planned > 0 && planned < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("KpiTestConfig.plannedEffect must be finite and > 0 for an absolute"
                        + " threshold, but was " + planned);
            }
            return new KpiTestConfig(this, planned);
        }
    }
}
