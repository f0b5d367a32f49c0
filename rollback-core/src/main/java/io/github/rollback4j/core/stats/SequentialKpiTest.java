package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;

import java.util.Objects;

/**
 * An always-valid, one-sided sequential test that a candidate release's business KPI dropped below the
 * baseline's (the last-known-good's) by more than a threshold, for a proportion (clicks, conversions reported as
 * 0/1) or a mean (revenue). Looking at it every second for hours keeps the chance of a false rejection at or
 * below {@code alpha}.
 *
 * <p><b>Hypotheses</b> ({@link EffectThreshold}): {@code H0: μc ≥ μb − δ} (absolute) or
 * {@code H0: μc ≥ (1 − δ)·μb} (relative), against a drop beyond that. Both are a linear contrast
 * {@code θ = μc − k·μb} ({@code k = 1}, or {@code k = 1 − δ}) tested against its null value ({@code −δ}, or 0).
 *
 * <p><b>Statistic.</b> At each look the contrast is estimated from the arms' cumulative sufficient statistics
 * ({@link KpiStats}: count, sum, sum of squares), with variance {@code V = σc²/nc + k²·σb²/nb} from plug-in
 * variances: for a {@link KpiKind#PROPORTION} the Bernoulli variances at the rates closest to the data on the
 * null boundary (score-type; for {@code δ = 0} the pooled rate); for a {@link KpiKind#MEAN} the sample
 * variances, the candidate's floored at the baseline's, {@code σc² = max(sc², sb²)}. The floor keeps a skewed
 * KPI honest: an arm that by chance saw fewer large values than usual also shows a smaller variance, which
 * without the floor inflates the one-sided false-positive rate (see {@code docs/statistics.md}). The evidence is
 * the one-sided normal-mixture likelihood ratio {@link NormalMixture} (mSPRT) with mixture scale
 * {@code τ} from {@link KpiTestConfig#plannedEffect()}; the always-valid p-value is {@code min(1, 1/max Λ)} over
 * the looks, so it never increases, and the test rejects once it is at most {@code alpha}. The one-sided
 * confidence sequence inverts the same test over null values and is intersected over the looks; its lower end
 * inverts the mirrored test (the same mixture over alternatives above the null), so the sequence is two-sided:
 * {@link KpiTestResult#effectLowerBound()} above {@code −d} means a drop of {@code d} or more is excluded.
 *
 * <p><b>Feeding it.</b> Pass, at each look, the statistics accumulated since the test started or last
 * restarted, not a sliding window: forgetting data breaks the guarantee (counts that shrink are refused).
 * {@link #restart()} when the comparison changes: a new canary weight (the guarantee assumes a steady split),
 * a new baseline, a reset of the accumulation. Validity is asymptotic (normal approximation, plug-in
 * variances); looks with fewer than {@link KpiTestConfig#minSamplesPerArm()} observations in an arm carry no
 * evidence. Simulated false-positive rates, power and detection times are in {@code docs/statistics.md}.
 *
 * <p><b>Thread-safety:</b> not thread-safe; it keeps the running p-value and bound between looks. Use one
 * instance per trigger, confined to the evaluating thread (or guard it externally). Its results are immutable.
 */
public final class SequentialKpiTest {

    private final KpiTestConfig config;
    private final double nullValue;
    private int looks;
    private double maxLogLikelihoodRatio;
    private double minBound;
    private double maxLowerBound;
    private long lastCandidateCount;
    private long lastBaselineCount;

    /**
     * @param config what to test, not null
     */
    public SequentialKpiTest(KpiTestConfig config) {
        this.config = Objects.requireNonNull(config, "SequentialKpiTest.config must not be null");
        this.nullValue = config.threshold().nullEffect();
        restart();
    }

    /**
     * One look on its own, as a fresh test's first look.
     *
     * @param config what to test, not null
     * @param candidate the candidate's statistics, not null
     * @param baseline the baseline's statistics of the same KPI, not null
     * @return the result of the look
     * @throws IllegalArgumentException as {@link #look(KpiStats, KpiStats)}
     */
    public static KpiTestResult evaluate(KpiTestConfig config, KpiStats candidate, KpiStats baseline) {
        return new SequentialKpiTest(config).look(candidate, baseline);
    }

    /** @return the configuration */
    public KpiTestConfig config() {
        return config;
    }

    /**
     * Looks at the data: updates the running p-value and bound.
     *
     * @param candidate the candidate's statistics accumulated since the start or last restart, not null
     * @param baseline the baseline's statistics of the same KPI over the same period, not null
     * @return the result of this look
     * @throws IllegalArgumentException when a count is negative, a sum is not finite, a sum of squares is negative
     *         or not finite, a {@link KpiKind#PROPORTION}'s statistics are not those of 0/1 values, the KPI names
     *         differ, or a count is smaller than at the previous look
     */
    public KpiTestResult look(KpiStats candidate, KpiStats baseline) {
        KpiContrast.validatePair(config.kind(), candidate, baseline);
        if (candidate.count() < lastCandidateCount) {
            throw new IllegalArgumentException("candidate.count must not decrease between looks (cumulative statistics;"
                    + " restart() to start over): must be >= " + lastCandidateCount + ", but was " + candidate.count());
        }
        if (baseline.count() < lastBaselineCount) {
            throw new IllegalArgumentException("baseline.count must not decrease between looks (cumulative statistics;"
                    + " restart() to start over): must be >= " + lastBaselineCount + ", but was " + baseline.count());
        }
        lastCandidateCount = candidate.count();
        lastBaselineCount = baseline.count();
        looks++;

        KpiContrast c = KpiContrast.sequential(config.kind(), config.threshold(), candidate, baseline);
        double tau2 = config.mixtureVariance(c.mb);
        double contrast = Double.NaN;
        double standardError = Double.NaN;
        double statistic = Double.NaN;
        double logLr = 0.0;
        boolean evaluated = false;
        if (candidate.count() >= config.minSamplesPerArm() && baseline.count() >= config.minSamplesPerArm()
                && tau2 > 0 && tau2 < Double.POSITIVE_INFINITY) {
            double variance = c.variance(nullValue);
            if (variance > 0 && variance < Double.POSITIVE_INFINITY) {
                evaluated = true;
                contrast = c.contrast(nullValue);
                standardError = Math.sqrt(variance);
                statistic = contrast / standardError;
                logLr = NormalMixture.logLikelihoodRatio(contrast, variance, tau2);
                if (logLr > maxLogLikelihoodRatio) {
                    maxLogLikelihoodRatio = logLr;
                }
                updateBound(c, tau2);
                updateLowerBound(c, tau2);
            }
        }
        double pValue = pValue();
        return new KpiTestResult(config, looks, evaluated, candidate.count(), baseline.count(), c.mc, c.mb,
                c.diff, c.relativeEffect(), contrast, standardError, statistic, Math.sqrt(tau2), logLr, pValue,
                minBound, maxLowerBound, pValue <= config.alpha());
    }

    /**
     * Lowers the running bound to this look's bound when that is lower. This look's bound is the first null value
     * above the estimate that the look rejects; when the running bound lies above the estimate and is not rejected
     * by this look, this look's bound lies above it (Λ grows with the distance from the estimate) and is not
     * computed: one evaluation instead of a root search.
     */
    private void updateBound(KpiContrast c, double tau2) {
        if (minBound == Double.POSITIVE_INFINITY) {
            double bound = c.upperBound(tau2, config.alpha());
            if (bound < minBound) {
                minBound = bound;
            }
            return;
        }
        double estimate = c.estimate();
        if (!(estimate < minBound)) {
            return;
        }
        double g = -Math.log(config.alpha()) - c.logLikelihoodRatio(minBound, tau2);
        if (g > 0 || Double.isNaN(g)) {
            return;
        }
        double bound = c.upperBoundBelow(minBound, g, tau2, config.alpha());
        if (bound < minBound) {
            minBound = bound;
        }
    }

    /** The same for the lower end of the confidence sequence, mirrored: raised to this look's when that is higher. */
    private void updateLowerBound(KpiContrast c, double tau2) {
        if (maxLowerBound == Double.NEGATIVE_INFINITY) {
            double bound = c.lowerBound(tau2, config.alpha());
            if (bound > maxLowerBound) {
                maxLowerBound = bound;
            }
            return;
        }
        double estimate = c.estimate();
        if (!(estimate > maxLowerBound)) {
            return;
        }
        double g = -Math.log(config.alpha()) - c.logLikelihoodRatioAbove(maxLowerBound, tau2);
        if (g > 0 || Double.isNaN(g)) {
            return;
        }
        double bound = c.lowerBoundAbove(maxLowerBound, g, tau2, config.alpha());
        if (bound > maxLowerBound) {
            maxLowerBound = bound;
        }
    }

    /**
     * Forgets every look: the next look is look 1 with p-value 1, bounds {@code ±∞} and no count to exceed.
     */
    public void restart() {
        looks = 0;
        maxLogLikelihoodRatio = 0.0;
        minBound = Double.POSITIVE_INFINITY;
        maxLowerBound = Double.NEGATIVE_INFINITY;
        lastCandidateCount = 0;
        lastBaselineCount = 0;
    }

    /** @return the number of looks since the start or last restart */
    public int looks() {
        return looks;
    }

    /** @return the running always-valid p-value, 1 before the first evaluated look */
    public double pValue() {
        return Math.min(1.0, Math.exp(-maxLogLikelihoodRatio));
    }

    /** @return the running one-sided confidence-sequence bound on the effect, threshold units; {@code +∞} at first */
    public double effectBound() {
        return minBound;
    }

    /**
     * @return the running lower end of the confidence sequence on the effect, threshold units; {@code −∞} at first:
     *         with probability at least {@code 1 − alpha} over all looks the true effect stays above it
     */
    public double effectLowerBound() {
        return maxLowerBound;
    }

    /** @return whether the running p-value is at most alpha */
    public boolean rejected() {
        return pValue() <= config.alpha();
    }

    @Override
    public String toString() {
        return "SequentialKpiTest{config=" + config + ", looks=" + looks + ", pValue=" + pValue() + ", effectBound="
                + minBound + "}";
    }
}
