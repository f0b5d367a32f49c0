package io.github.rollback4j.core.stats.classic;

import io.github.rollback4j.telemetry.Distribution;

import java.util.Objects;

/**
 * A relative latency quantile comparison, "candidate P95 &gt; 1.30 × baseline P95", that is only decided when
 * each arm has enough tail samples: {@code n·(1 − q) >= minTailSamples} (default 100), otherwise the
 * verdict is {@link QuantileComparisonResult.Verdict#INCONCLUSIVE INCONCLUSIVE}, never a breach. A
 * quantile estimated from a handful of values above it is noise: with 100 values beyond the P99 the
 * nearest-rank estimate sits between about the true P98.8 and P99.2 (±2 standard errors of the binomial
 * count above it); with 10, between about the P98.4 and the P99.6, a stretch of a long latency tail over
 * which the latency can change by half.
 *
 * <p>Both quantiles come from {@link Distribution#quantile(double)} (lower nearest-rank, within the
 * estimator's relative accuracy, 1 % for latencies) over the same window. Breach when
 * {@code candidate > ratio × baseline} (strictly); when both quantiles are 0 the verdict is healthy.
 * Counts with {@code n·(1 − q)} short of {@code minTailSamples} by at most a relative {@code 1e-9} (binary
 * floating point, {@code 1 − 0.9 = 0.09999999999999998}) count as enough.
 *
 * <p>What this means for a small canary: at 1 % weight of 1,000 requests/s, the candidate serves 10
 * requests/s and needs {@link #requiredSamples()} = 2,000 requests (200 s) for P95 and 10,000 (1,000 s)
 * for P99; see {@code docs/statistics.md}.
 *
 * <p>Immutable and thread-safe.
 */
public final class QuantileComparison {

    /** Default minimum number of samples beyond the quantile in each arm: 100. */
    public static final long DEFAULT_MIN_TAIL_SAMPLES = 100;
    /** Largest {@code minTailSamples} accepted: 1e9. */
    public static final long MAX_MIN_TAIL_SAMPLES = 1_000_000_000L;

    private static final double TAIL_TOLERANCE = 1e-9;

    private final double quantile;
    private final double ratio;
    private final long minTailSamples;

    /**
     * @param quantile       the quantile, strictly between 0 and 1 (0.95 for P95)
     * @param ratio          the largest acceptable candidate / baseline ratio, positive and finite (1.30 for +30 %)
     * @param minTailSamples the samples beyond the quantile each arm needs, 1..{@value #MAX_MIN_TAIL_SAMPLES}
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public QuantileComparison(double quantile, double ratio, long minTailSamples) {
        if (!(quantile > 0.0 && quantile < 1.0)) {
            throw new IllegalArgumentException("QuantileComparison: quantile must be strictly between 0.0 and 1.0, but was "
                    + quantile);
        }
        if (!(ratio > 0.0 && ratio < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("QuantileComparison: ratio must be positive and finite, but was " + ratio);
        }
        if (minTailSamples < 1 || minTailSamples > MAX_MIN_TAIL_SAMPLES) {
            throw new IllegalArgumentException("QuantileComparison: minTailSamples must be between 1 and "
                    + MAX_MIN_TAIL_SAMPLES + ", but was " + minTailSamples);
        }
        this.quantile = quantile;
        this.ratio = ratio;
        this.minTailSamples = minTailSamples;
    }

    /**
     * @param quantile the quantile, strictly between 0 and 1
     * @param ratio    the largest acceptable ratio, positive and finite
     * @return a comparison with {@value #DEFAULT_MIN_TAIL_SAMPLES} tail samples per arm
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static QuantileComparison of(double quantile, double ratio) {
        return new QuantileComparison(quantile, ratio, DEFAULT_MIN_TAIL_SAMPLES);
    }

    /** @return the quantile */
    public double quantile() {
        return quantile;
    }

    /** @return the largest acceptable candidate / baseline ratio */
    public double ratio() {
        return ratio;
    }

    /** @return the samples beyond the quantile each arm needs */
    public long minTailSamples() {
        return minTailSamples;
    }

    /** @return the smallest count {@code n} of an arm that decides: {@code ceil(minTailSamples / (1 − q))} */
    public long requiredSamples() {
        double exact = minTailSamples / (1.0 - quantile);
        long n = (long) Math.ceil(exact - exact * TAIL_TOLERANCE);
        while (!enough(n)) {
            n++;
        }
        while (n > 1 && enough(n - 1)) {
            n--;
        }
        return n;
    }

    /**
     * @param requestsPerSecond the arm's request rate, positive and finite
     * @return the seconds the arm needs to collect {@link #requiredSamples()}
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public double secondsToDecide(double requestsPerSecond) {
        if (!(requestsPerSecond > 0.0 && requestsPerSecond < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("QuantileComparison.secondsToDecide: requestsPerSecond must be positive and"
                    + " finite, but was " + requestsPerSecond);
        }
        return requiredSamples() / requestsPerSecond;
    }

    /**
     * @param candidate the candidate's distribution over the window (latencies in nanoseconds, or any unit
     *                  shared by both arms)
     * @param baseline  the baseline's distribution over the same window
     * @return both quantiles, the tail samples and the verdict
     */
    public QuantileComparisonResult compare(Distribution candidate, Distribution baseline) {
        Objects.requireNonNull(candidate, "QuantileComparison.compare: candidate must not be null");
        Objects.requireNonNull(baseline, "QuantileComparison.compare: baseline must not be null");
        long nc = candidate.count();
        long nb = baseline.count();
        double tailC = nc * (1.0 - quantile);
        double tailB = nb * (1.0 - quantile);
        double qc = nc == 0 ? Double.NaN : candidate.quantile(quantile);
        double qb = nb == 0 ? Double.NaN : baseline.quantile(quantile);
        double observed = qc == 0.0 && qb == 0.0 ? 1.0 : qc / qb;
        QuantileComparisonResult.Verdict verdict;
        if (!enough(nc) || !enough(nb) || Double.isNaN(qc) || Double.isNaN(qb)) {
            verdict = QuantileComparisonResult.Verdict.INCONCLUSIVE;
        } else if (qc > ratio * qb) {
            verdict = QuantileComparisonResult.Verdict.BREACH;
        } else {
            verdict = QuantileComparisonResult.Verdict.HEALTHY;
        }
        return new QuantileComparisonResult(quantile, ratio, minTailSamples, nc, nb, tailC, tailB, qc, qb, observed, verdict);
    }

    private boolean enough(long n) {
        double tail = n * (1.0 - quantile);
        return tail >= minTailSamples - minTailSamples * TAIL_TOLERANCE;
    }

    @Override
    public String toString() {
        return "QuantileComparison{quantile=" + quantile + ", ratio=" + ratio + ", minTailSamples=" + minTailSamples + "}";
    }
}
