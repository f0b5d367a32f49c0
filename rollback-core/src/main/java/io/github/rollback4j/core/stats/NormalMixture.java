package io.github.rollback4j.core.stats;

import org.apache.commons.math3.special.Erf;

/**
 * The one-sided normal-mixture likelihood ratio behind {@link SequentialKpiTest}: the mixture sequential
 * probability ratio test (mSPRT) of Johari, Pekelis and Walsh, "Always valid inference" (2017), with the
 * half-normal mixing distribution of the one-sided normal-mixture boundary of Howard, Ramdas, McAuliffe
 * and Sekhon, "Time-uniform, nonparametric, nonasymptotic confidence sequences" (Ann. Statist. 2021).
 *
 * <p>An estimate {@code θ̂ ~ N(θ, V)} of a contrast {@code θ} is tested against {@code H0: θ ≥ θ0}. With
 * {@code x = θ̂ − θ0} and the alternatives {@code θ = θ0 + u}, {@code u < 0}, mixed with the half-normal
 * density {@code 2·φ(u/τ)/τ}, the mixture likelihood ratio has the closed form
 *
 * <pre>
 *   Λ = 2 · sqrt(V / (V + τ²)) · exp(a² / 2) · Φ(−a),   a = x · τ / sqrt(V · (V + τ²)) = z · sqrt(τ² / (V + τ²))
 * </pre>
 *
 * <p>where {@code z = x / sqrt(V)} and {@code Φ} is the standard normal distribution function. Every component
 * {@code u < 0} has expectation {@code exp(u·(θ − θ0)/V) ≤ 1} under any {@code θ ≥ θ0}, so {@code Λ} is a
 * non-negative supermartingale in information time under the whole composite null; Ville's inequality then
 * bounds the chance that it ever reaches {@code 1/α} by {@code α}, however often it is looked at.
 * {@code Λ} falls as {@code x} grows: evidence comes only from a drop.
 *
 * <p>All methods are static, allocation-free and thread-safe. Arguments are not validated beyond what the
 * formulas need: the caller ({@link SequentialKpiTest}) validates its inputs.
 */
public final class NormalMixture {

    private static final double LN2 = Math.log(2.0);
    private static final double LN_SQRT_2PI = 0.5 * Math.log(2.0 * Math.PI);
    private static final double SQRT1_2 = Math.sqrt(0.5);
    /** Above this {@code a}, {@code a²/2 + ln Φ(−a)} uses the asymptotic series of Mills' ratio. */
    private static final double ASYMPTOTIC_FROM = 30.0;

    private NormalMixture() {
    }

    /**
     * The natural logarithm of the one-sided mixture likelihood ratio {@code Λ}.
     *
     * @param contrast {@code x = θ̂ − θ0}, in the contrast's units (KPI units for {@link SequentialKpiTest});
     *                 negative when the estimate lies below the null boundary
     * @param variance {@code V > 0}, the variance of {@code θ̂}, in squared contrast units
     * @param mixtureVariance {@code τ² > 0}, the variance of the (half-)normal mixing distribution, in squared
     *                        contrast units
     * @return {@code ln Λ}; {@code +∞} if {@code V = 0} and {@code x < 0}, {@code NaN} if an argument is NaN
     *         or {@code V} or {@code τ²} is not positive otherwise
     */
    public static double logLikelihoodRatio(double contrast, double variance, double mixtureVariance) {
        if (!(mixtureVariance > 0) || Double.isNaN(contrast) || Double.isNaN(variance) || variance < 0) {
            return Double.NaN;
        }
        if (variance == 0) {
            return contrast < 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        double total = variance + mixtureVariance;
        double z = contrast / Math.sqrt(variance);
        double a = z * Math.sqrt(mixtureVariance / total);
        return LN2 + 0.5 * Math.log(variance / total) + logScaledUpperTail(a);
    }

    /**
     * The one-sided mixture likelihood ratio {@code Λ} (the e-value of one look).
     *
     * @param contrast {@code x = θ̂ − θ0}, see {@link #logLikelihoodRatio(double, double, double)}
     * @param variance {@code V > 0}
     * @param mixtureVariance {@code τ² > 0}
     * @return {@code Λ ≥ 0}, possibly {@code +∞} when it overflows a double
     */
    public static double likelihoodRatio(double contrast, double variance, double mixtureVariance) {
        return Math.exp(logLikelihoodRatio(contrast, variance, mixtureVariance));
    }

    /**
     * {@code ln(exp(a²/2) · Φ(−a))}, computed without overflow or underflow for every finite {@code a}.
     *
     * @param a any finite value
     * @return the logarithm of the scaled upper tail
     */
    static double logScaledUpperTail(double a) {
        if (a <= 0) {
            // Φ(−a) ≥ 1/2: no cancellation; log1p keeps precision when Φ(−a) is close to 1.
            double lowerTail = 0.5 * Erf.erfc(-a * SQRT1_2); // Φ(a) = 1 − Φ(−a)
            return 0.5 * a * a + Math.log1p(-lowerTail);
        }
        if (a < ASYMPTOTIC_FROM) {
            return 0.5 * a * a + Math.log(0.5 * Erf.erfc(a * SQRT1_2));
        }
        // exp(a²/2)·Φ(−a) = R(a)/sqrt(2π) with Mills' ratio R(a) = (1/a)(1 − 1/a² + 3/a⁴ − 15/a⁶ + … + 10395/a¹²
        // − …); the first omitted term, 135135/a¹⁴, is below 3e-16 relative for a ≥ 30.
        double inv2 = 1.0 / (a * a);
        double series = 1.0 - inv2 * (1.0 - 3.0 * inv2 * (1.0 - 5.0 * inv2 * (1.0 - 7.0 * inv2
                * (1.0 - 9.0 * inv2 * (1.0 - 11.0 * inv2)))));
        return Math.log(series / a) - LN_SQRT_2PI;
    }
}
