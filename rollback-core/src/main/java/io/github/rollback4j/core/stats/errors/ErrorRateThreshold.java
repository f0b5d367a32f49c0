package io.github.rollback4j.core.stats.errors;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Beta;

import java.util.Objects;

/**
 * An absolute threshold on an error (or timeout) rate, "error rate &gt; 5 %", with a one-sided confidence
 * bound so that a handful of requests does not decide: the rate is {@link RateThresholdResult.Verdict#ABOVE
 * ABOVE} the threshold only when its lower confidence bound is, {@link RateThresholdResult.Verdict#BELOW
 * BELOW} only when its upper bound is at or below it, and {@link RateThresholdResult.Verdict#UNDECIDED
 * UNDECIDED} in between.
 *
 * <p>Rates are fractions (errors per request, 0.05 for 5 %). Defaults: confidence 0.95, the exact
 * {@link BoundMethod#CLOPPER_PEARSON} bound. Distributions and special functions are Commons Math's.
 *
 * <p>Immutable and thread-safe.
 */
public final class ErrorRateThreshold {

    /** Default one-sided confidence of the bounds: 0.95. */
    public static final double DEFAULT_CONFIDENCE = 0.95;
    /** Default bound: the exact Clopper-Pearson one. */
    public static final BoundMethod DEFAULT_METHOD = BoundMethod.CLOPPER_PEARSON;

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0.0, 1.0);

    private final double threshold;
    private final double confidence;
    private final BoundMethod method;

    /**
     * @param threshold  the largest acceptable rate, a fraction in 0.0 (inclusive) .. 1.0 (exclusive)
     * @param confidence the one-sided confidence of each bound, 0.5 (inclusive) .. 1.0 (exclusive)
     * @param method     the bound
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public ErrorRateThreshold(double threshold, double confidence, BoundMethod method) {
        if (!(threshold >= 0.0 && threshold < 1.0)) {
            throw new IllegalArgumentException("ErrorRateThreshold: threshold must be at least 0.0 and below 1.0, but was "
                    + threshold);
        }
        checkConfidence(confidence, "ErrorRateThreshold");
        this.threshold = threshold;
        this.confidence = confidence;
        this.method = Objects.requireNonNull(method, "ErrorRateThreshold: method must not be null");
    }

    /**
     * @param threshold the largest acceptable rate, 0.0 (inclusive) .. 1.0 (exclusive)
     * @return a threshold with confidence {@value #DEFAULT_CONFIDENCE} and Clopper-Pearson bounds
     */
    public static ErrorRateThreshold of(double threshold) {
        return new ErrorRateThreshold(threshold, DEFAULT_CONFIDENCE, DEFAULT_METHOD);
    }

    /** @return the largest acceptable rate */
    public double threshold() {
        return threshold;
    }

    /** @return the one-sided confidence of each bound */
    public double confidence() {
        return confidence;
    }

    /** @return the bound */
    public BoundMethod method() {
        return method;
    }

    /**
     * @param errors   errors in the window, {@code 0..requests}
     * @param requests requests in the window, at least 0
     * @return the rate, its bounds and the verdict; {@code UNDECIDED} with bounds 0..1 without requests
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public RateThresholdResult evaluate(long errors, long requests) {
        Args.atMost(errors, requests, "ErrorRateThreshold.evaluate", "errors", "requests");
        double rate = requests == 0 ? Double.NaN : (double) errors / requests;
        double lower = bound(errors, requests, confidence, method, true);
        double upper = bound(errors, requests, confidence, method, false);
        RateThresholdResult.Verdict verdict = requests == 0 ? RateThresholdResult.Verdict.UNDECIDED
                : lower > threshold ? RateThresholdResult.Verdict.ABOVE
                : upper <= threshold ? RateThresholdResult.Verdict.BELOW
                : RateThresholdResult.Verdict.UNDECIDED;
        return new RateThresholdResult(errors, requests, rate, threshold, confidence, method, lower, upper, verdict);
    }

    /**
     * @param errors     errors, {@code 0..requests}
     * @param requests   requests, at least 0
     * @param confidence the one-sided confidence, 0.5 (inclusive) .. 1.0 (exclusive)
     * @param method     the bound
     * @return the lower one-sided confidence bound of the rate, 0..1 (0 when {@code errors} or {@code requests} is 0)
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static double lowerBound(long errors, long requests, double confidence, BoundMethod method) {
        Args.atMost(errors, requests, "ErrorRateThreshold.lowerBound", "errors", "requests");
        checkConfidence(confidence, "ErrorRateThreshold.lowerBound");
        return bound(errors, requests, confidence, Objects.requireNonNull(method, "method must not be null"), true);
    }

    /**
     * @param errors     errors, {@code 0..requests}
     * @param requests   requests, at least 0
     * @param confidence the one-sided confidence, 0.5 (inclusive) .. 1.0 (exclusive)
     * @param method     the bound
     * @return the upper one-sided confidence bound of the rate, 0..1 (1 when {@code errors == requests},
     *     requests 0 included)
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static double upperBound(long errors, long requests, double confidence, BoundMethod method) {
        Args.atMost(errors, requests, "ErrorRateThreshold.upperBound", "errors", "requests");
        checkConfidence(confidence, "ErrorRateThreshold.upperBound");
        return bound(errors, requests, confidence, Objects.requireNonNull(method, "method must not be null"), false);
    }

    private static double bound(long errors, long requests, double confidence, BoundMethod method, boolean lower) {
        if (lower && errors == 0) {
            return 0.0;
        }
        if (!lower && errors == requests) {
            return 1.0;
        }
        double x = errors;
        double n = requests;
        if (method == BoundMethod.WILSON) {
            double z = STANDARD_NORMAL.inverseCumulativeProbability(confidence);
            double p = x / n;
            double z2n = z * z / n;
            double center = p + z2n / 2.0;
            double half = z * Math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n));
            double value = (lower ? center - half : center + half) / (1.0 + z2n);
            return Math.max(0.0, Math.min(1.0, value));
        }
        return lower ? inverseRegularizedBeta(1.0 - confidence, x, n - x + 1.0)
                : inverseRegularizedBeta(confidence, x + 1.0, n - x);
    }

    /**
     * The {@code p} with {@code I_p(a, b) = target}, by bisection on Commons Math's regularized incomplete
     * beta function down to adjacent doubles.
     */
    static double inverseRegularizedBeta(double target, double a, double b) {
        double lo = 0.0;
        double hi = 1.0;
        for (int i = 0; i < 2200; i++) {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (Beta.regularizedBeta(mid, a, b) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private static void checkConfidence(double confidence, String method) {
        if (!(confidence >= 0.5 && confidence < 1.0)) {
            throw new IllegalArgumentException(method + ": confidence must be at least 0.5 and below 1.0, but was " + confidence);
        }
    }

    @Override
    public String toString() {
        return "ErrorRateThreshold{threshold=" + threshold + ", confidence=" + confidence + ", method=" + method + "}";
    }
}
