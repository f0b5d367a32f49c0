package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monte-Carlo checks of {@link SequentialKpiTest}: false-positive rate under continuous monitoring (A/A) against
 * naive repeated fixed-horizon z-tests on the same data, and power and detection time for a 2 % relative drop.
 *
 * <p>Traffic model (documented in {@code docs/statistics.md}, "KPI significance"): {@value #REQUESTS_PER_SECOND}
 * KPI-reporting requests per second split by the canary weight (5 % → 250 candidate + 4,750 baseline per second;
 * 50 % → 2,500 + 2,500), a base conversion rate of 5 %, one look per simulated second for an hour (3,600 looks),
 * each look fed the cumulative statistics since the start. The conversions of one arm in one second are drawn
 * exactly from Binomial(requests, rate) by inversion of a precomputed distribution function.
 *
 * <p>Deterministic: every run has its own {@link SplittableRandom} seeded from the scenario and the run number,
 * so results do not depend on how the parallel stream schedules runs. Prints the figures it asserts on.
 */
class KpiSequentialSimulationTest {

    static final int REQUESTS_PER_SECOND = 5_000;
    static final double BASE_RATE = 0.05;
    static final double DROP = -0.02;
    static final int HORIZON_SECONDS = 3_600;
    static final double ALPHA = 0.05;
    static final int AA_RUNS = 2_000;
    static final int POWER_RUNS = 1_000;
    static final long SEED = 0x5EED_4B50_1L;

    /** H0: μc ≥ μb (any drop), tuned for a 2 % drop: the test whose power is reported below. */
    static final KpiTestConfig CONVERSION = KpiTestConfig.of(KpiKind.PROPORTION, EffectThreshold.relative(0.0));

    @Test
    void aaFalsePositiveRateStaysAtAlphaWhileRepeatedZTestsExceedIt() {
        for (double weight : new double[] {0.50, 0.05}) {
            int[][] first = simulateConversion(weight, BASE_RATE, AA_RUNS, true, 1);
            double sequential = share(first[0], HORIZON_SECONDS);
            double naive = share(first[1], HORIZON_SECONDS);
            double margin = 3.0 * Math.sqrt(ALPHA * (1 - ALPHA) / AA_RUNS);
            System.out.printf(Locale.ROOT, "KPI A/A  weight %4.0f%%: %d runs x %d looks: always-valid FPR %.4f"
                            + " (Monte-Carlo s.e. %.4f), repeated z-test FPR %.4f%n", weight * 100, AA_RUNS,
                    HORIZON_SECONDS, sequential, Math.sqrt(sequential * (1 - sequential) / AA_RUNS), naive);
            assertThat(sequential).as("always-valid FPR at weight " + weight).isLessThanOrEqualTo(ALPHA + margin);
            assertThat(naive).as("repeated fixed-horizon z-test FPR at weight " + weight).isGreaterThan(2 * ALPHA);
        }
    }

    @Test
    void detectsATwoPercentRelativeDropWithinTheHour() {
        double[][] expected = { // weight, minimum power in 1 h, maximum median and 90th-percentile detection time (s)
            {0.50, 0.99, 400, 900},
            {0.05, 0.85, 1_800, HORIZON_SECONDS},
        };
        for (double[] e : expected) {
            double weight = e[0];
            int[] detected = simulateConversion(weight, BASE_RATE * (1 + DROP), POWER_RUNS, false, 2)[0];
            double power = share(detected, HORIZON_SECONDS);
            double power15 = share(detected, 900);
            double median = quantile(detected, 0.5);
            double p90 = quantile(detected, 0.9);
            System.out.printf(Locale.ROOT, "KPI -2%% weight %4.0f%%: %d runs: power 15 min %.3f, 1 h %.3f;"
                            + " detection time median %s, p90 %s%n", weight * 100, POWER_RUNS, power15, power,
                    seconds(median), seconds(p90));
            assertThat(power).as("power within 1 h at weight " + weight).isGreaterThanOrEqualTo(e[1]);
            assertThat(median).as("median detection time at weight " + weight).isLessThanOrEqualTo(e[2]);
            assertThat(p90).as("90th-percentile detection time at weight " + weight).isLessThanOrEqualTo(e[3]);
        }
    }

    @Test
    void aMixtureScaleTooLargeCostsLittleDetectionTimeAndTooSmallCostsMore() {
        int runs = 400;
        double[] planned = {0.005, 0.01, 0.02, 0.04, 0.08};
        double[] medians = new double[planned.length];
        StringBuilder line = new StringBuilder("KPI -2% weight   50%: median detection time by plannedEffect:");
        for (int i = 0; i < planned.length; i++) {
            KpiTestConfig config = KpiTestConfig.builder(KpiKind.PROPORTION, EffectThreshold.relative(0.0))
                    .plannedEffect(planned[i]).build();
            int[] detected = simulateConversion(config, 0.50, BASE_RATE * (1 + DROP), runs, false, 4)[0];
            medians[i] = quantile(detected, 0.5);
            line.append(String.format(Locale.ROOT, " %.3f -> %.0f s;", planned[i], medians[i]));
        }
        System.out.println(line + " (" + runs + " runs each)");
        double tuned = medians[2];
        assertThat(medians[0]).as("a quarter of the drop").isLessThanOrEqualTo(2.5 * tuned);
        assertThat(medians[1]).as("half the drop").isLessThanOrEqualTo(1.5 * tuned);
        assertThat(medians[3]).as("twice the drop").isLessThanOrEqualTo(1.3 * tuned);
        assertThat(medians[4]).as("four times the drop").isLessThanOrEqualTo(1.3 * tuned);
    }

    @Test
    void aaFalsePositiveRateStaysAtAlphaForRareConversionsAtLowTraffic() {
        // 20 requests/s at a 5 % canary weight: 1 candidate + 19 baseline requests per second, 5 % convert; tuned
        // for a 20 % drop. Early on the candidate often has no conversion at all.
        KpiTestConfig config = KpiTestConfig.builder(KpiKind.PROPORTION, EffectThreshold.relative(0.0)).plannedEffect(0.2).build();
        int runs = 1_000;
        int perSecondC = 1;
        int perSecondB = 19;
        double[] cdfC = binomialCdf(perSecondC, BASE_RATE);
        double[] cdfB = binomialCdf(perSecondB, BASE_RATE);
        int[] sequential = new int[runs];
        int[] unpooled = new int[runs];
        int[] repeated = new int[runs];
        double target = -Math.log(ALPHA);
        IntStream.range(0, runs).parallel().forEach(run -> {
            SplittableRandom rng = new SplittableRandom(seed(5, 0.05, run));
            SequentialKpiTest test = new SequentialKpiTest(config);
            long sc = 0;
            long sb = 0;
            for (int second = 1; second <= HORIZON_SECONDS; second++) {
                sc += draw(cdfC, rng);
                sb += draw(cdfB, rng);
                long nc = (long) perSecondC * second;
                long nb = (long) perSecondB * second;
                KpiStats c = KpiStats.ofSums("conversion", nc, sc, sc);
                KpiStats b = KpiStats.ofSums("conversion", nb, sb, sb);
                KpiTestResult r = test.look(c, b);
                if (sequential[run] == 0 && r.rejected()) {
                    sequential[run] = second;
                }
                if (unpooled[run] == 0 && r.evaluated()) {
                    // the same look with each arm's own rate in its variance (Wald) instead of the null-boundary rates
                    double pc = (double) sc / nc;
                    double pb = (double) sb / nb;
                    double v = pc * (1 - pc) / nc + pb * (1 - pb) / nb;
                    double tau = r.mixtureScale();
                    if (v > 0 && NormalMixture.logLikelihoodRatio(r.contrast(), v, tau * tau) >= target) {
                        unpooled[run] = second;
                    }
                }
                if (repeated[run] == 0
                        && FixedHorizonKpiTests.zTest(KpiKind.PROPORTION, config.threshold(), c, b).rejectedAt(ALPHA)) {
                    repeated[run] = second;
                }
            }
        });
        double fpr = share(sequential, HORIZON_SECONDS);
        double wald = share(unpooled, HORIZON_SECONDS);
        double naive = share(repeated, HORIZON_SECONDS);
        System.out.printf(Locale.ROOT, "KPI A/A  conversion 5 %%, 1 + 19 req/s: %d runs x %d looks: always-valid FPR %.4f"
                + " (with per-arm Wald variances %.4f), repeated z-test FPR %.4f%n", runs, HORIZON_SECONDS, fpr, wald, naive);
        assertThat(fpr).isLessThanOrEqualTo(ALPHA + 3.0 * Math.sqrt(ALPHA * (1 - ALPHA) / runs));
        assertThat(wald).as("why proportions use the null-boundary rates").isGreaterThan(ALPHA);
        assertThat(naive).isGreaterThan(2 * ALPHA);
    }

    @Test
    void aaFalsePositiveRateStaysAtAlphaForASkewedRevenueKpiAtLowTraffic() {
        // 200 requests/s at a 5 % canary weight: 10 candidate + 190 baseline observations per second; 5 % of
        // requests buy, for a lognormal(3, 1) amount (mean 33): zero-inflated and right-skewed. Tuned for a 20 % drop.
        KpiTestConfig revenue = KpiTestConfig.builder(KpiKind.MEAN, EffectThreshold.relative(0.0)).plannedEffect(0.2).build();
        int runs = 1_000;
        int seconds = 1_800;
        int perSecondC = 10;
        int perSecondB = 190;
        int[] sequential = new int[runs];
        int[] unfloored = new int[runs];
        int[] welch = new int[runs];
        double target = -Math.log(ALPHA);
        IntStream.range(0, runs).parallel().forEach(run -> {
            SplittableRandom rng = new SplittableRandom(seed(3, 0.05, run));
            SequentialKpiTest test = new SequentialKpiTest(revenue);
            double[] c = new double[2];
            double[] b = new double[2];
            for (int second = 1; second <= seconds; second++) {
                purchases(rng, perSecondC, c);
                purchases(rng, perSecondB, b);
                KpiStats cs = KpiStats.ofSums("revenue", (long) perSecondC * second, c[0], c[1]);
                KpiStats bs = KpiStats.ofSums("revenue", (long) perSecondB * second, b[0], b[1]);
                KpiTestResult r = test.look(cs, bs);
                if (sequential[run] == 0 && r.rejected()) {
                    sequential[run] = second;
                }
                if (unfloored[run] == 0 && r.evaluated()) {
                    // the same look with the candidate's own variance, without the floor at the baseline's
                    double v = cs.variance() / cs.count() + bs.variance() / bs.count();
                    double tau = r.mixtureScale();
                    if (v > 0 && NormalMixture.logLikelihoodRatio(r.contrast(), v, tau * tau) >= target) {
                        unfloored[run] = second;
                    }
                }
                if (welch[run] == 0 && FixedHorizonKpiTests.welchTTest(revenue.threshold(), cs, bs).rejectedAt(ALPHA)) {
                    welch[run] = second;
                }
            }
        });
        double fpr = share(sequential, seconds);
        double withoutFloor = share(unfloored, seconds);
        double naive = share(welch, seconds);
        System.out.printf(Locale.ROOT, "KPI A/A  revenue (mean), 10 + 190 obs/s: %d runs x %d looks: always-valid FPR %.4f"
                + " (without the variance floor %.4f), repeated Welch t-test FPR %.4f%n", runs, seconds, fpr, withoutFloor, naive);
        assertThat(fpr).isLessThanOrEqualTo(ALPHA + 3.0 * Math.sqrt(ALPHA * (1 - ALPHA) / runs));
        assertThat(withoutFloor).as("why the candidate's variance is floored").isGreaterThan(2 * ALPHA);
        assertThat(naive).isGreaterThan(2 * ALPHA);
    }

    /** Adds one second of zero-inflated lognormal purchases to {sum, sum of squares}. */
    private static void purchases(SplittableRandom rng, int requests, double[] sums) {
        for (int i = 0; i < requests; i++) {
            if (rng.nextDouble() < 0.05) {
                double amount = Math.exp(3.0 + rng.nextGaussian());
                sums[0] += amount;
                sums[1] += amount * amount;
            }
        }
    }

    /**
     * @return per run, the second of the first rejection (0 if none within the horizon): [0] the sequential
     *         test, [1] repeated fixed-horizon z-tests (only with {@code naive})
     */
    private static int[][] simulateConversion(double weight, double candidateRate, int runs, boolean naive, int scenario) {
        return simulateConversion(CONVERSION, weight, candidateRate, runs, naive, scenario);
    }

    private static int[][] simulateConversion(KpiTestConfig config, double weight, double candidateRate, int runs,
            boolean naive, int scenario) {
        int perSecondC = (int) Math.round(REQUESTS_PER_SECOND * weight);
        int perSecondB = REQUESTS_PER_SECOND - perSecondC;
        double[] cdfC = binomialCdf(perSecondC, candidateRate);
        double[] cdfB = binomialCdf(perSecondB, BASE_RATE);
        int[] sequential = new int[runs];
        int[] repeated = new int[runs];
        IntStream.range(0, runs).parallel().forEach(run -> {
            SplittableRandom rng = new SplittableRandom(seed(scenario, weight, run));
            SequentialKpiTest test = new SequentialKpiTest(config);
            long successesC = 0;
            long successesB = 0;
            for (int second = 1; second <= HORIZON_SECONDS; second++) {
                successesC += draw(cdfC, rng);
                successesB += draw(cdfB, rng);
                KpiStats c = KpiStats.ofSums("conversion", (long) perSecondC * second, successesC, successesC);
                KpiStats b = KpiStats.ofSums("conversion", (long) perSecondB * second, successesB, successesB);
                if (sequential[run] == 0 && test.look(c, b).rejected()) {
                    sequential[run] = second;
                }
                if (naive && repeated[run] == 0
                        && FixedHorizonKpiTests.zTest(KpiKind.PROPORTION, CONVERSION.threshold(), c, b).rejectedAt(ALPHA)) {
                    repeated[run] = second;
                }
                if (sequential[run] != 0 && (!naive || repeated[run] != 0)) {
                    break;
                }
            }
        });
        return new int[][] {sequential, repeated};
    }

    static long seed(int scenario, double weight, int run) {
        return SEED ^ (scenario * 0x9E3779B97F4A7C15L) ^ (Double.doubleToLongBits(weight) * 0xBF58476D1CE4E5B9L)
                ^ (run * 0x94D049BB133111EBL);
    }

    /** The distribution function of Binomial(n, p) at 0..n (Commons Math). */
    static double[] binomialCdf(int n, double p) {
        BinomialDistribution d = new BinomialDistribution(null, n, p);
        double[] cdf = new double[n + 1];
        for (int k = 0; k <= n; k++) {
            cdf[k] = d.cumulativeProbability(k);
        }
        cdf[n] = 1.0;
        return cdf;
    }

    /** Inversion: the smallest k with cdf[k] > u. */
    static int draw(double[] cdf, SplittableRandom rng) {
        double u = rng.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** @return the share of runs with an event at or before {@code by} (0 = none) */
    static double share(int[] firstSecond, int by) {
        int n = 0;
        for (int s : firstSecond) {
            if (s != 0 && s <= by) {
                n++;
            }
        }
        return (double) n / firstSecond.length;
    }

    /** @return the q-quantile of the detection times, runs without detection counting as +∞ */
    static double quantile(int[] firstSecond, double q) {
        double[] t = new double[firstSecond.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = firstSecond[i] == 0 ? Double.POSITIVE_INFINITY : firstSecond[i];
        }
        Arrays.sort(t);
        return t[(int) Math.ceil(q * t.length) - 1];
    }

    static String seconds(double s) {
        return Double.isInfinite(s) ? "> horizon" : String.format(Locale.ROOT, "%.0f s (%.1f min)", s, s / 60);
    }
}
