package io.github.rollback4j.core.stats.errors;

import org.apache.commons.math3.special.Beta;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monte Carlo checks of {@link SequentialErrorTest} under continuous monitoring: one look per second,
 * 1,000 requests per second split binomially between the arms, binomial errors. The figures printed
 * here are the ones {@code docs/statistics.md} quotes (fixed seeds: rerunning prints the same).
 */
class SequentialErrorSimulationTest {

    private static final int REQUESTS_PER_SECOND = 1_000;

    /** One simulated rollout step; returns the look (second) of the first rejection, or -1. */
    private static int run(SplittableRandom random, int looks, double share, double baselineRate, double candidateRate,
                           SequentialErrorTest.Config config, int[] naiveRejection) {
        SequentialErrorTest test = new SequentialErrorTest(config);
        long ce = 0;
        long cr = 0;
        long be = 0;
        long br = 0;
        if (naiveRejection != null) {
            naiveRejection[0] = -1;
        }
        for (int look = 1; look <= looks; look++) {
            int c = binomial(random, REQUESTS_PER_SECOND, share);
            int b = REQUESTS_PER_SECOND - c;
            cr += c;
            br += b;
            ce += binomial(random, c, candidateRate);
            be += binomial(random, b, baselineRate);
            SequentialErrorResult r = test.observe(ce, cr, be, br);
            if (naiveRejection != null && naiveRejection[0] < 0 && ce > 0) {
                // the naive alternative: a fixed-horizon one-sided exact binomial test, repeated at every look
                double tail = Beta.regularizedBeta(r.nullProbability(), ce, be + 1.0);
                if (tail <= config.alpha()) {
                    naiveRejection[0] = look;
                }
            }
            if (r.rejected()) {
                return look;
            }
        }
        return -1;
    }

    @Test
    void falsePositiveRateStaysBelowAlphaUnderContinuousMonitoring() {
        SequentialErrorTest.Config config = SequentialErrorTest.Config.defaults();
        int runs = 2_000;
        int looks = 1_800;
        int falsePositives = 0;
        int naiveFalsePositives = 0;
        int[] naive = new int[1];
        for (int i = 0; i < runs; i++) {
            SplittableRandom random = new SplittableRandom(1_000_003L * i + 17);
            if (run(random, looks, 0.05, 0.01, 0.01, config, naive) > 0) {
                falsePositives++;
            }
            if (naive[0] > 0) {
                naiveFalsePositives++;
            }
        }
        double rate = (double) falsePositives / runs;
        double naiveRate = (double) naiveFalsePositives / runs;
        System.out.printf("H0 (equal 1%% error rates, 5%% share, %d runs x %d looks): false-positive rate %.4f"
                + " (alpha %.2f); naive repeated exact binomial test %.4f%n", runs, looks, rate, config.alpha(), naiveRate);
        assertThat(rate).isLessThanOrEqualTo(config.alpha());
        assertThat(naiveRate).isGreaterThan(config.alpha());
    }

    @Test
    void falsePositiveRateStaysBelowAlphaAtTheMarginsBoundary() {
        // the candidate is exactly (1 + margin) times worse: the least favourable null
        SequentialErrorTest.Config config = SequentialErrorTest.Config.defaults().withMargin(0.5).withAlpha(0.05);
        int runs = 1_000;
        int looks = 600;
        int falsePositives = 0;
        for (int i = 0; i < runs; i++) {
            SplittableRandom random = new SplittableRandom(7_000_003L * i + 5);
            if (run(random, looks, 0.2, 0.002, 0.003, config, null) > 0) {
                falsePositives++;
            }
        }
        double rate = (double) falsePositives / runs;
        System.out.printf("H0 boundary (candidate 1.5x with margin 0.5, 0.2%% baseline, 20%% share, %d runs x %d looks):"
                + " false-positive rate %.4f%n", runs, looks, rate);
        assertThat(rate).isLessThanOrEqualTo(config.alpha());
    }

    @Test
    void detectsThreeTimesTheErrorRateAtAFivePercentShare() {
        SequentialErrorTest.Config config = SequentialErrorTest.Config.defaults();
        for (double baselineRate : new double[]{0.01, 0.001}) {
            int runs = 500;
            int looks = 1_800;
            int[] detection = new int[runs];
            int detected = 0;
            for (int i = 0; i < runs; i++) {
                SplittableRandom random = new SplittableRandom(31L * i + 3 + (long) (baselineRate * 1e6));
                detection[i] = run(random, looks, 0.05, baselineRate, 3 * baselineRate, config, null);
                if (detection[i] > 0) {
                    detected++;
                } else {
                    detection[i] = Integer.MAX_VALUE;
                }
            }
            Arrays.sort(detection);
            int median = detection[runs / 2];
            int p90 = detection[(int) (runs * 0.9)];
            System.out.printf("3x errors at 5%% share, baseline %.1f%% (candidate %.2f err/s): detected %d/%d within %d s;"
                    + " median %d s, p90 %d s%n", baselineRate * 100, 3 * baselineRate * REQUESTS_PER_SECOND * 0.05, detected,
                    runs, looks, median, p90);
            assertThat(detected).isGreaterThanOrEqualTo((int) (0.99 * runs));
            assertThat(median).isLessThan(baselineRate >= 0.01 ? 30 : 240);
        }
    }

    /** Binomial(n, p) by sequential inversion: exact, fast for small n·p. */
    private static int binomial(SplittableRandom random, int n, double p) {
        if (n == 0 || p == 0.0) {
            return 0;
        }
        double u = random.nextDouble();
        double q = 1.0 - p;
        double pmf = Math.pow(q, n);
        double cdf = pmf;
        int k = 0;
        double ratio = p / q;
        while (u > cdf && k < n) {
            pmf *= ratio * (n - k) / (k + 1);
            k++;
            cdf += pmf;
        }
        return k;
    }
}
