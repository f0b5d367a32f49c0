package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Textbook one-sided fixed-horizon tests of the same hypotheses as {@link SequentialKpiTest}
 * ({@code H0: μc ≥ μb − δ} or {@code H0: μc ≥ (1 − δ)·μb}): the reference a sequential test is compared with,
 * and the naive procedure it replaces. They are valid for a single look whose sample size was fixed in advance;
 * repeating them at every look inflates the false-positive rate (see {@code docs/statistics.md}).
 *
 * <ul>
 *   <li>{@link #zTest}: the contrast over its standard error against the standard normal distribution. For a
 *   {@link KpiKind#PROPORTION} the variance is the score-type one of the sequential test (for {@code δ = 0} the
 *   classic pooled two-proportion z-test); for a {@link KpiKind#MEAN} the unpooled sample variances
 *   {@code sc²/nc + k²·sb²/nb}.</li>
 *   <li>{@link #welchTTest}: Welch's unequal-variance t-test of the contrast {@code μc − k·μb} with the arms'
 *   unbiased sample variances and the Welch–Satterthwaite degrees of freedom, as
 *   {@code scipy.stats.ttest_ind_from_stats(..., equal_var=False, alternative='less')} with the baseline scaled by
 *   {@code k}.</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class FixedHorizonKpiTests {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0.0, 1.0);

    private FixedHorizonKpiTests() {
    }

    /**
     * @param kind proportion or mean, not null
     * @param threshold the tolerated drop, not null
     * @param candidate the candidate's statistics, not null
     * @param baseline the baseline's statistics of the same KPI, not null
     * @return z, infinite degrees of freedom, {@code Φ(z)}; NaN values when an arm has fewer than 2 observations
     *         or the variance is 0
     * @throws IllegalArgumentException for invalid statistics, as {@link SequentialKpiTest#look}
     */
    public static FixedHorizonResult zTest(KpiKind kind, EffectThreshold threshold, KpiStats candidate, KpiStats baseline) {
        check(kind, threshold, candidate, baseline);
        if (candidate.count() < 2 || baseline.count() < 2) {
            return undefined(Double.POSITIVE_INFINITY);
        }
        KpiContrast c = KpiContrast.fixedHorizon(kind, threshold, candidate, baseline);
        double t = threshold.nullEffect();
        double variance = c.variance(t);
        if (!(variance > 0 && variance < Double.POSITIVE_INFINITY)) {
            return undefined(Double.POSITIVE_INFINITY);
        }
        double z = c.contrast(t) / Math.sqrt(variance);
        return new FixedHorizonResult(z, Double.POSITIVE_INFINITY, STANDARD_NORMAL.cumulativeProbability(z));
    }

    /**
     * @param threshold the tolerated drop, not null
     * @param candidate the candidate's statistics, not null
     * @param baseline the baseline's statistics of the same KPI, not null
     * @return Welch's t, its degrees of freedom and the lower-tail p-value; NaN values when an arm has fewer than 2
     *         observations or both variances are 0
     * @throws IllegalArgumentException for invalid statistics, as {@link SequentialKpiTest#look}
     */
    public static FixedHorizonResult welchTTest(EffectThreshold threshold, KpiStats candidate, KpiStats baseline) {
        check(KpiKind.MEAN, threshold, candidate, baseline);
        if (candidate.count() < 2 || baseline.count() < 2) {
            return undefined(Double.NaN);
        }
        KpiContrast c = KpiContrast.fixedHorizon(KpiKind.MEAN, threshold, candidate, baseline);
        double t0 = threshold.nullEffect();
        double variance = c.welchVariance(t0);
        if (!(variance > 0 && variance < Double.POSITIVE_INFINITY)) {
            return undefined(Double.NaN);
        }
        double t = c.contrast(t0) / Math.sqrt(variance);
        double df = c.welchDegreesOfFreedom(t0);
        return new FixedHorizonResult(t, df, new TDistribution(null, df).cumulativeProbability(t));
    }

    private static void check(KpiKind kind, EffectThreshold threshold, KpiStats candidate, KpiStats baseline) {
        java.util.Objects.requireNonNull(kind, "kind must not be null");
        java.util.Objects.requireNonNull(threshold, "threshold must not be null");
        KpiContrast.validatePair(kind, candidate, baseline);
    }

    private static FixedHorizonResult undefined(double df) {
        return new FixedHorizonResult(Double.NaN, df, Double.NaN);
    }
}
