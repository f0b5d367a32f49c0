package io.github.rollback4j.core.stats.errors;

/**
 * How {@link ErrorRateThreshold} bounds a binomial rate.
 */
public enum BoundMethod {
    /**
     * The Wilson score bound (no continuity correction), one-sided at confidence {@code c}:
     * {@code (p̂ + z²/2n ∓ z·sqrt(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)} with {@code z = Φ⁻¹(c)}. Closed form,
     * constant time; its coverage is close to {@code c} on average but can be a little below it for some
     * rates near 0.
     */
    WILSON,
    /**
     * The exact Clopper-Pearson bound: lower {@code = Beta⁻¹(1−c; x, n−x+1)}, upper
     * {@code = Beta⁻¹(c; x+1, n−x)}. Its coverage is at least {@code c} for every rate (conservative); it
     * inverts the regularized incomplete beta function of Commons Math by bisection, about 60..100
     * evaluations (microseconds to a few milliseconds for billions of requests).
     */
    CLOPPER_PEARSON
}
