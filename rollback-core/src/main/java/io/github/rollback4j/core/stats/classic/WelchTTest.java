package io.github.rollback4j.core.stats.classic;

import io.github.rollback4j.telemetry.KpiStats;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;
import org.apache.commons.math3.stat.inference.TTest;

import java.util.Objects;

/**
 * Welch's two-sample t-test (unequal variances): is the first mean (the candidate's) different from,
 * greater or less than the second?
 * <pre>{@code   t = (m1 − m2) / sqrt(v1/n1 + v2/n2),
 *   df = (v1/n1 + v2/n2)² / ((v1/n1)²/(n1−1) + (v2/n2)²/(n2−1))      (Welch-Satterthwaite)}</pre>
 * with {@code v} the unbiased sample variances. The statistic and the degrees of freedom are Commons Math's
 * {@link TTest} (its {@code t(StatisticalSummary, StatisticalSummary)} is Welch's, and its protected
 * {@code df}); the p-value is Commons Math's t distribution, one- or two-sided, the two-sided one equal to
 * {@code TTest.tTest}. Matches {@code scipy.stats.ttest_ind(x, y, equal_var=False, alternative=...)}. A
 * fixed-horizon test: looking at it repeatedly inflates false positives.
 *
 * <p>Stateless and thread-safe.
 */
public final class WelchTTest {

    /** Exposes Commons Math's Welch-Satterthwaite degrees of freedom, a protected method of {@link TTest}. */
    private static final class CommonsTTest extends TTest {
        double welchDf(double v1, double v2, double n1, double n2) {
            return df(v1, v2, n1, n2);
        }
    }

    private static final CommonsTTest T_TEST = new CommonsTTest();

    private WelchTTest() {
    }

    /**
     * @param sample1     the first sample (the candidate), at least 2 finite values
     * @param sample2     the second sample (the baseline), at least 2 finite values
     * @param alternative the alternative hypothesis about the first mean
     * @return the result
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static TTestResult test(double[] sample1, double[] sample2, Alternative alternative) {
        String method = "WelchTTest.test";
        Args.finiteSample(sample1, 2, method, "sample1");
        Args.finiteSample(sample2, 2, method, "sample2");
        return test(sample1.length, StatUtils.mean(sample1), StatUtils.variance(sample1), sample2.length,
                StatUtils.mean(sample2), StatUtils.variance(sample2), alternative);
    }

    /**
     * @param candidate   the candidate's KPI statistics, count at least 2
     * @param baseline    the baseline's KPI statistics, count at least 2
     * @param alternative the alternative hypothesis about the candidate's mean
     * @return the result, from {@link KpiStats#mean()} and {@link KpiStats#variance()}
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static TTestResult test(KpiStats candidate, KpiStats baseline, Alternative alternative) {
        Objects.requireNonNull(candidate, "WelchTTest.test: candidate must not be null");
        Objects.requireNonNull(baseline, "WelchTTest.test: baseline must not be null");
        return test(candidate.count(), candidate.mean(), candidate.variance(), baseline.count(), baseline.mean(),
                baseline.variance(), alternative);
    }

    /**
     * @param n1          the first sample's size, at least 2
     * @param mean1       its mean, finite
     * @param variance1   its unbiased variance, finite and at least 0
     * @param n2          the second sample's size, at least 2
     * @param mean2       its mean, finite
     * @param variance2   its unbiased variance, finite and at least 0
     * @param alternative the alternative hypothesis about the first mean
     * @return the result; when both variances are 0 the standard error is 0 and the statistic, the degrees
     *     of freedom and the p-value are NaN (no test is possible)
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static TTestResult test(long n1, double mean1, double variance1, long n2, double mean2, double variance2,
                                   Alternative alternative) {
        String method = "WelchTTest.test";
        checkSummary(n1, mean1, variance1, method, "1");
        checkSummary(n2, mean2, variance2, method, "2");
        Objects.requireNonNull(alternative, method + ": alternative must not be null");
        double standardError = Math.sqrt(variance1 / n1 + variance2 / n2);
        if (!(standardError > 0.0)) {
            return new TTestResult(mean1, mean2, mean1 - mean2, 0.0, Double.NaN, Double.NaN, Double.NaN, alternative);
        }
        StatisticalSummaryValues s1 = new StatisticalSummaryValues(mean1, variance1, n1, Double.NaN, Double.NaN, Double.NaN);
        StatisticalSummaryValues s2 = new StatisticalSummaryValues(mean2, variance2, n2, Double.NaN, Double.NaN, Double.NaN);
        double t = T_TEST.t(s1, s2);
        double df = T_TEST.welchDf(variance1, variance2, n1, n2);
        return new TTestResult(mean1, mean2, mean1 - mean2, standardError, t, df, Tails.tPValue(t, df, alternative),
                alternative);
    }

    private static void checkSummary(long n, double mean, double variance, String method, String suffix) {
        if (n < 2) {
            throw new IllegalArgumentException(method + ": n" + suffix + " must be at least 2, but was " + n);
        }
        if (!Double.isFinite(mean)) {
            throw new IllegalArgumentException(method + ": mean" + suffix + " must be finite, but was " + mean);
        }
        if (!(variance >= 0.0 && variance < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(method + ": variance" + suffix + " must be finite and at least 0, but was "
                    + variance);
        }
    }
}
