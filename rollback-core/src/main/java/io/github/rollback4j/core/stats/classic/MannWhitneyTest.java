package io.github.rollback4j.core.stats.classic;

import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

import java.util.Arrays;
import java.util.Objects;

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) with the normal approximation, tie-corrected variance and
 * continuity correction: does the first sample (the candidate's latencies, scores) tend to be greater or
 * less than the second?
 * <pre>{@code   U1 = R1 − n1(n1+1)/2                 (R1: sum of the mid-ranks of sample 1 in the pooled sample)
 *   σ² = n1·n2/12 · ((n+1) − Σ(t³ − t) / (n(n−1)))     (t: size of each group of tied values, n = n1 + n2)
 *   z  = (U − n1·n2/2 − 0.5) / σ,   U = U1 (greater), n1·n2 − U1 (less), max of both (two-sided)
 *   p  = P(Z > z), doubled for two-sided, at most 1}</pre>
 * exactly as {@code scipy.stats.mannwhitneyu(x, y, method='asymptotic', use_continuity=True)}.
 *
 * <p>Why not Commons Math's {@code MannWhitneyUTest}: in 3.6.1 its normal approximation uses the variance
 * {@code n1·n2·(n+1)/12} without the tie correction (with ties, as with rounded latencies or discrete
 * scores, the true variance is smaller, so its p-values are too large: it misses real shifts), applies no
 * continuity correction and offers no one-sided alternative. Only its ranking is reused here
 * ({@link NaturalRanking} with mid-ranks for ties).
 *
 * <p>The normal approximation suits the sample sizes of a rollout window (say 20 or more per arm); the
 * test is fixed-horizon: looking at it repeatedly inflates false positives. Cost: a sort of both samples,
 * {@code O(n log n)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MannWhitneyTest {

    private MannWhitneyTest() {
    }

    /**
     * With continuity correction.
     *
     * @param sample1     the first sample (the candidate), at least 1 finite value
     * @param sample2     the second sample (the baseline), at least 1 finite value
     * @param alternative the alternative hypothesis about the first sample
     * @return the result
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static MannWhitneyResult test(double[] sample1, double[] sample2, Alternative alternative) {
        return test(sample1, sample2, alternative, true);
    }

    /**
     * @param sample1              the first sample (the candidate), at least 1 finite value
     * @param sample2              the second sample (the baseline), at least 1 finite value
     * @param alternative          the alternative hypothesis about the first sample
     * @param continuityCorrection whether to subtract 0.5 from {@code U − n1·n2/2} (scipy's {@code use_continuity})
     * @return the result; when every value is tied ({@code σ = 0}) the statistic z is NaN and the p-value 1
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static MannWhitneyResult test(double[] sample1, double[] sample2, Alternative alternative,
                                         boolean continuityCorrection) {
        String method = "MannWhitneyTest.test";
        Args.finiteSample(sample1, 1, method, "sample1");
        Args.finiteSample(sample2, 1, method, "sample2");
        Objects.requireNonNull(alternative, method + ": alternative must not be null");
        int n1 = sample1.length;
        int n2 = sample2.length;
        // −0.0 and 0.0 are the same value, and the tie count below (==) treats them so; NaturalRanking orders
        // −0.0 below 0.0 (Double.compare) and would rank them apart. Adding 0.0 turns −0.0 into 0.0.
        double[] pooled = new double[n1 + n2];
        for (int i = 0; i < n1; i++) {
            pooled[i] = sample1[i] + 0.0;
        }
        for (int i = 0; i < n2; i++) {
            pooled[n1 + i] = sample2[i] + 0.0;
        }
        double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(pooled);
        double rankSum1 = 0.0;
        for (int i = 0; i < n1; i++) {
            rankSum1 += ranks[i];
        }
        double u1 = rankSum1 - (double) n1 * (n1 + 1) / 2.0;
        double product = (double) n1 * n2;
        double u2 = product - u1;

        Arrays.sort(pooled);
        double tieTerm = 0.0;
        for (int i = 0; i < pooled.length; ) {
            int j = i + 1;
            while (j < pooled.length && pooled[j] == pooled[i]) {
                j++;
            }
            double t = j - i;
            tieTerm += t * t * t - t;
            i = j;
        }
        double n = n1 + (double) n2;
        double variance = product / 12.0 * ((n + 1.0) - tieTerm / (n * (n - 1.0)));
        double sigma = Math.sqrt(Math.max(0.0, variance));
        double mean = product / 2.0;

        double u;
        double factor = 1.0;
        switch (alternative) {
            case GREATER:
                u = u1;
                break;
            case LESS:
                u = u2;
                break;
            default:
                u = Math.max(u1, u2);
                factor = 2.0;
        }
        if (!(sigma > 0.0)) {
            return new MannWhitneyResult(n1, n2, u1, u2, mean, 0.0, tieTerm, Double.NaN, 1.0, alternative);
        }
        double z = (u - mean - (continuityCorrection ? 0.5 : 0.0)) / sigma;
        double p = Math.min(1.0, factor * Tails.normalSurvival(z));
        return new MannWhitneyResult(n1, n2, u1, u2, mean, sigma, tieTerm, z, p, alternative);
    }
}
