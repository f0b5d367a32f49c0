package io.github.rollback4j.core.stats;

import java.util.Objects;

/**
 * How far the candidate's KPI may fall below the baseline's (the last-known-good's) before it counts as a drop:
 * the null hypothesis of {@link SequentialKpiTest}.
 *
 * <ul>
 *   <li>{@link Form#ABSOLUTE}: {@code H0: μc ≥ μb − δ}, {@code δ} in KPI units (for a proportion a fraction
 *   of 1: {@code 0.002} is 0.2 percentage points), {@code δ ≥ 0}, finite.</li>
 *   <li>{@link Form#RELATIVE}: {@code H0: μc ≥ (1 − δ)·μb}, {@code δ} a fraction of the baseline mean
 *   ({@code 0.02} is 2 %), {@code 0 ≤ δ < 1}. Meant for a KPI with a positive mean.</li>
 * </ul>
 *
 * <p>{@code δ = 0} tests for any drop. Note that a true drop of exactly {@code δ} lies on the null boundary and
 * is rejected with probability at most {@code α}: to detect a 2 % drop, use a threshold below 2 %.
 *
 * <p>Immutable and thread-safe.
 *
 * @param form absolute or relative
 * @param delta the tolerated drop {@code δ}, in the form's units
 */
public record EffectThreshold(Form form, double delta) {

    /** Whether {@link #delta()} is in KPI units or a fraction of the baseline mean. */
    public enum Form {
        /** {@code δ} in KPI units: {@code H0: μc ≥ μb − δ}. */
        ABSOLUTE,
        /** {@code δ} a fraction of the baseline mean: {@code H0: μc ≥ (1 − δ)·μb}. */
        RELATIVE
    }

    /**
     * @param form absolute or relative, not null
     * @param delta {@code δ ≥ 0}, finite; below 1 for {@link Form#RELATIVE}
     * @throws IllegalArgumentException naming the parameter, the value and the allowed range
     */
    public EffectThreshold {
        Objects.requireNonNull(form, "EffectThreshold.form must not be null");
        if (form == Form.ABSOLUTE && !(delta >= 0 && delta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("EffectThreshold.delta must be finite and >= 0 for an absolute threshold,"
                    + " but was " + delta);
        }
        if (form == Form.RELATIVE && !(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("EffectThreshold.delta must be in [0, 1) for a relative threshold, but was "
                    + delta);
        }
    }

    /**
     * @param delta the tolerated drop in KPI units, {@code ≥ 0}, finite
     * @return {@code H0: μc ≥ μb − delta}
     */
    public static EffectThreshold absolute(double delta) {
        return new EffectThreshold(Form.ABSOLUTE, delta);
    }

    /**
     * @param delta the tolerated drop as a fraction of the baseline mean, in {@code [0, 1)}
     * @return {@code H0: μc ≥ (1 − delta)·μb}
     */
    public static EffectThreshold relative(double delta) {
        return new EffectThreshold(Form.RELATIVE, delta);
    }

    /** @return whether {@link #delta()} is a fraction of the baseline mean */
    public boolean isRelative() {
        return form == Form.RELATIVE;
    }

    /**
     * @return the effect at the null boundary in this threshold's units: {@code −δ} (an absolute difference or
     *         a relative change)
     */
    public double nullEffect() {
        return -delta;
    }
}
