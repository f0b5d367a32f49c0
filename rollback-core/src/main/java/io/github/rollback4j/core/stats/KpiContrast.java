package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;

import java.util.Objects;

/**
 * One look's arithmetic: the contrast, its variance under a null value, the mixture likelihood ratio and the
 * confidence-sequence bound, from the two arms' sufficient statistics. The null value {@code t} is in the
 * threshold's units: an absolute difference {@code θ0} ({@code H0: μc − μb ≥ θ0}) or a relative change
 * {@code r0} ({@code H0: μc ≥ (1 + r0)·μb}); the configured threshold is {@code t = −δ}.
 *
 * <p>Not thread-safe; one instance per look.
 */
final class KpiContrast {

    private static final int MAX_EXPANSIONS = 80;
    private static final int MAX_ITERATIONS = 200;

    private final KpiKind kind;
    private final boolean relative;
    private final boolean floorCandidateVariance;
    final double nc;
    final double nb;
    private final double sc;
    private final double sb;
    final double mc;
    final double mb;
    /** {@code μ̂c − μ̂b}, from the shifted sums: the large shifts cancel first, so the difference keeps its digits */
    final double diff;
    private final double varC;
    private final double varB;

    private KpiContrast(KpiKind kind, boolean relative, boolean floorCandidateVariance, KpiStats candidate,
            KpiStats baseline) {
        this.kind = kind;
        this.relative = relative;
        this.floorCandidateVariance = floorCandidateVariance;
        this.nc = candidate.count();
        this.nb = baseline.count();
        this.sc = candidate.sum();
        this.sb = baseline.sum();
        this.mc = candidate.mean();
        this.mb = baseline.mean();
        this.diff = candidate.count() == 0 || baseline.count() == 0 ? Double.NaN
                : (candidate.shift() - baseline.shift())
                + (candidate.shiftedSum() / candidate.count() - baseline.shiftedSum() / baseline.count());
        this.varC = candidate.variance();
        this.varB = baseline.variance();
    }

    /** The contrast of the sequential test: score-type variance for proportions, floored candidate variance for means. */
    static KpiContrast sequential(KpiKind kind, EffectThreshold threshold, KpiStats candidate, KpiStats baseline) {
        return new KpiContrast(kind, threshold.isRelative(), true, candidate, baseline);
    }

    /** The contrast of the textbook fixed-horizon tests: score-type variance for proportions, plain variances for means. */
    static KpiContrast fixedHorizon(KpiKind kind, EffectThreshold threshold, KpiStats candidate, KpiStats baseline) {
        return new KpiContrast(kind, threshold.isRelative(), false, candidate, baseline);
    }

    /** @return the estimate in the threshold's units: {@code μ̂c − μ̂b}, or {@code μ̂c/μ̂b − 1} (NaN if {@code μ̂b ≤ 0}) */
    double estimate() {
        return relative ? relativeEffect() : diff;
    }

    double relativeEffect() {
        return mb > 0 ? diff / mb : Double.NaN;
    }

    /** @return {@code x(t)}: the estimated contrast minus its null value, in KPI units */
    double contrast(double t) {
        return relative ? diff - t * mb : diff - t;
    }

    /** @return {@code V(t)}: the variance of the contrast under the null value {@code t}, in squared KPI units */
    double variance(double t) {
        double k = relative ? 1.0 + t : 1.0;
        if (kind == KpiKind.PROPORTION) {
            // Rates closest to the data on the null boundary (moment estimator): the expected number of successes
            // under pc = pb + t (absolute) or pc = k·pb (relative) equals the observed total.
            double pb0 = relative ? (sc + sb) / (nc * k + nb) : (sc + sb - nc * t) / (nc + nb);
            pb0 = clamp01(pb0);
            double pc0 = clamp01(relative ? k * pb0 : pb0 + t);
            return pc0 * (1.0 - pc0) / nc + k * k * pb0 * (1.0 - pb0) / nb;
        }
        double vc = floorCandidateVariance ? Math.max(varC, varB) : varC;
        return vc / nc + k * k * varB / nb;
    }

    /** @return the Welch–Satterthwaite degrees of freedom of the contrast with the arms' sample variances */
    double welchDegreesOfFreedom(double t) {
        double k = relative ? 1.0 + t : 1.0;
        double a = varC / nc;
        double b = k * k * varB / nb;
        return (a + b) * (a + b) / (a * a / (nc - 1.0) + b * b / (nb - 1.0));
    }

    /** @return the Welch standard error of the contrast with the arms' sample variances */
    double welchVariance(double t) {
        double k = relative ? 1.0 + t : 1.0;
        return varC / nc + k * k * varB / nb;
    }

    double logLikelihoodRatio(double t, double mixtureVariance) {
        return NormalMixture.logLikelihoodRatio(contrast(t), variance(t), mixtureVariance);
    }

    /**
     * {@code ln Λ} of the mirrored test {@code H0: θ ≤ t} (the effect is at most {@code t}), whose evidence comes
     * from an estimate above {@code t}: the same half-normal mixture, over alternatives above the null.
     */
    double logLikelihoodRatioAbove(double t, double mixtureVariance) {
        return NormalMixture.logLikelihoodRatio(-contrast(t), variance(t), mixtureVariance);
    }

    private double logLikelihoodRatio(int side, double t, double mixtureVariance) {
        return side > 0 ? logLikelihoodRatio(t, mixtureVariance) : logLikelihoodRatioAbove(t, mixtureVariance);
    }

    /**
     * The upper end of the one-sided confidence sequence at this look: the smallest null value above the estimate
     * that the test rejects at {@code alpha}, found by bracketing outwards from the estimate (which is never
     * rejected: there {@code Λ = sqrt(V/(V+τ²)) < 1}) and the Illinois variant of regula falsi.
     *
     * @return the bound in the threshold's units; {@code +∞} if no null value up to far beyond the estimate is
     *         rejected; NaN if the estimate is NaN
     */
    double upperBound(double mixtureVariance, double alpha) {
        return bound(+1, mixtureVariance, alpha);
    }

    /**
     * The lower end of the one-sided confidence sequence at this look: the largest null value below the estimate
     * that the mirrored test ({@code H0: θ ≤ t}) rejects at {@code alpha}. With probability at least
     * {@code 1 − alpha} over all looks the true effect stays above the running maximum of these.
     *
     * @return the bound in the threshold's units; {@code −∞} if no null value down to far below the estimate is
     *         rejected; NaN if the estimate is NaN
     */
    double lowerBound(double mixtureVariance, double alpha) {
        return bound(-1, mixtureVariance, alpha);
    }

    private double bound(int side, double mixtureVariance, double alpha) {
        double start = estimate();
        if (Double.isNaN(start)) {
            return Double.NaN;
        }
        double target = -Math.log(alpha);
        // First step: the two-sided closed-form boundary at the estimate's variance (an upper bound of the
        // one-sided one when the variance does not depend on t), converted to the threshold's units.
        double v = variance(start);
        double step = Math.sqrt(v * (v + mixtureVariance) / mixtureVariance
                * (2.0 * target + Math.log((v + mixtureVariance) / v)));
        if (relative) {
            step /= mb;
        }
        if (!(step > 0) || Double.isInfinite(step)) {
            step = Math.max(Math.abs(start), 1e-12);
        }
        // A relative effect is at least −1 (a KPI mean is not negative): the lower end is searched above −1 only,
        // approaching −1 by halving instead of stepping past it.
        double floor = relative && side < 0 ? -1.0 : Double.NEGATIVE_INFINITY;
        if (start <= floor) {
            return Double.NEGATIVE_INFINITY;
        }
        double lo = start;
        double gLo = target - logLikelihoodRatio(side, lo, mixtureVariance);
        double hi = start + side * step;
        if (hi <= floor) {
            hi = 0.5 * (lo + floor);
        }
        double gHi = target - logLikelihoodRatio(side, hi, mixtureVariance);
        int expansions = 0;
        while (gHi > 0) {
            if (++expansions > MAX_EXPANSIONS) {
                return side * Double.POSITIVE_INFINITY;
            }
            lo = hi;
            gLo = gHi;
            hi = start + 2.0 * (hi - start);
            if (hi <= floor) {
                hi = 0.5 * (lo + floor);
            }
            gHi = target - logLikelihoodRatio(side, hi, mixtureVariance);
        }
        if (Double.isNaN(gHi)) {
            return Double.NaN;
        }
        return solve(side, lo, gLo, hi, gHi, mixtureVariance, target);
    }

    private double solve(int side, double lo, double gLo, double hi, double gHi, double mixtureVariance, double target) {
        // A degenerate end (zero variance: Λ is 0 or ∞ there) cannot seed regula falsi: bisect until both ends
        // are finite. This happens at the estimate when an arm's rate is 0 and, relative, k = 0.
        for (int i = 0; i < MAX_ITERATIONS && !(Double.isFinite(gLo) && Double.isFinite(gHi)); i++) {
            double mid = 0.5 * (lo + hi);
            double gMid = target - logLikelihoodRatio(side, mid, mixtureVariance);
            if (gMid > 0 || Double.isNaN(gMid)) {
                lo = mid;
                gLo = gMid;
            } else {
                hi = mid;
                gHi = gMid;
            }
        }
        return illinois(side, lo, gLo, hi, gHi, mixtureVariance, target);
    }

    /**
     * The upper bound when a null value {@code hi} above the estimate is already known to be rejected.
     *
     * @param hi a null value above the estimate
     * @param gHi {@code ln(1/alpha) − ln Λ(hi) ≤ 0}
     */
    double upperBoundBelow(double hi, double gHi, double mixtureVariance, double alpha) {
        double target = -Math.log(alpha);
        double lo = estimate();
        return solve(+1, lo, target - logLikelihoodRatio(lo, mixtureVariance), hi, gHi, mixtureVariance, target);
    }

    /**
     * The lower bound when a null value {@code lo} below the estimate is already known to be rejected by the
     * mirrored test.
     *
     * @param lo a null value below the estimate
     * @param gLo {@code ln(1/alpha) − ln Λ_above(lo) ≤ 0}
     */
    double lowerBoundAbove(double lo, double gLo, double mixtureVariance, double alpha) {
        double target = -Math.log(alpha);
        double start = estimate();
        return solve(-1, start, target - logLikelihoodRatioAbove(start, mixtureVariance), lo, gLo, mixtureVariance, target);
    }

    private double illinois(int side, double a, double fa, double b, double fb, double mixtureVariance, double target) {
        double tolerance = 1e-13 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;
        int last = 0;
        double c = b;
        for (int i = 0; i < MAX_ITERATIONS && fb != 0; i++) {
            c = (fa * b - fb * a) / (fa - fb);
            if (!(c > Math.min(a, b) && c < Math.max(a, b))) {
                c = 0.5 * (a + b); // a rounding guard
            }
            double fc = target - logLikelihoodRatio(side, c, mixtureVariance);
            if (fc == 0 || Math.abs(b - a) <= tolerance) {
                return c;
            }
            if (fc * fb > 0) {
                b = c;
                fb = fc;
                if (last == -1) {
                    fa *= 0.5;
                }
                last = -1;
            } else {
                a = c;
                fa = fc;
                if (last == +1) {
                    fb *= 0.5;
                }
                last = +1;
            }
        }
        return c;
    }

    private static double clamp01(double p) {
        return p < 0 ? 0 : (p > 1 ? 1 : p);
    }

    /**
     * Checks one arm's statistics.
     *
     * @param name "candidate" or "baseline", for the message
     */
    static void validate(String name, KpiKind kind, KpiStats stats) {
        // KpiStats' constructor already refuses a negative count, non-finite sums and a sum of squares below
        // the Cauchy–Schwarz bound; what is left is what a proportion adds.
        Objects.requireNonNull(stats, () -> name + " must not be null");
        if (kind == KpiKind.PROPORTION) {
            double n = stats.count();
            double sum = stats.sum();
            double slack = 1e-9 * Math.max(1.0, n);
            if (!(sum >= -slack && sum <= n + slack)) {
                throw new IllegalArgumentException(name + ".sum must be between 0 and count (" + stats.count()
                        + ") for a PROPORTION of 0/1 values, but was " + sum);
            }
            if (Math.abs(sum - Math.rint(sum)) > slack) {
                throw new IllegalArgumentException(name + ".sum must be a whole number of successes for a PROPORTION"
                        + " of 0/1 values, but was " + sum);
            }
            if (Math.abs(sum - stats.sumOfSquares()) > slack) {
                throw new IllegalArgumentException(name + ".sumOfSquares must equal sum (" + sum
                        + ") for a PROPORTION of 0/1 values, but was " + stats.sumOfSquares());
            }
        }
    }

    static void validatePair(KpiKind kind, KpiStats candidate, KpiStats baseline) {
        validate("candidate", kind, candidate);
        validate("baseline", kind, baseline);
        if (!Objects.equals(candidate.kpi(), baseline.kpi())) {
            throw new IllegalArgumentException("candidate.kpi and baseline.kpi must name the same KPI, but were '"
                    + candidate.kpi() + "' and '" + baseline.kpi() + "'");
        }
    }
}
