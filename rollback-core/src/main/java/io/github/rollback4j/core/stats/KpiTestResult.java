package io.github.rollback4j.core.stats;

import java.util.Objects;

/**
 * The outcome of one look of a {@link SequentialKpiTest}: the evidence a KPI trigger reports.
 *
 * <p>"KPI units" are the units of the observations (a fraction of 1 for a proportion); "threshold units" are KPI
 * units for an {@link EffectThreshold.Form#ABSOLUTE} threshold and a fraction of the baseline mean for a
 * {@link EffectThreshold.Form#RELATIVE} one. The running values ({@link #pValue()}, {@link #effectBound()},
 * {@link #rejected()}) cover every look since the test's start or last {@link SequentialKpiTest#restart()};
 * the others describe this look alone. A look that is not {@link #evaluated()} has NaN statistic, contrast and
 * standard error and a likelihood ratio of 1.
 *
 * <p>Immutable and thread-safe.
 *
 * @param config the test's configuration
 * @param look this look's number since the start or last restart, from 1
 * @param evaluated false when this look carries no evidence: an arm below {@code minSamplesPerArm}, a zero
 *                  variance, or a relative threshold with a baseline mean ≤ 0
 * @param candidateCount the candidate's observations
 * @param baselineCount the baseline's observations
 * @param candidateMean the candidate's mean, KPI units (NaN without observations)
 * @param baselineMean the baseline's mean, KPI units (NaN without observations)
 * @param estimatedEffect {@code μ̂c − μ̂b}, KPI units
 * @param estimatedRelativeEffect {@code μ̂c/μ̂b − 1}, a fraction (NaN when {@code μ̂b ≤ 0})
 * @param contrast the estimated contrast minus its null value, KPI units: {@code μ̂c − μ̂b + δ} (absolute) or
 *                 {@code μ̂c − (1 − δ)·μ̂b} (relative); negative means the estimate lies beyond the threshold
 * @param standardError the contrast's standard error under the null, KPI units
 * @param statistic {@code z = contrast / standardError}
 * @param mixtureScale {@code τ}, the scale of the half-normal mixture, KPI units
 * @param logLikelihoodRatio the natural logarithm of this look's mixture likelihood ratio
 * @param pValue the always-valid p-value {@code min(1, 1/max Λ)} over the looks so far: non-increasing
 * @param effectBound the one-sided confidence-sequence bound, threshold units: with probability at least
 *                    {@code 1 − alpha} over all looks, the true effect ({@code μc − μb}, or {@code μc/μb − 1})
 *                    stays below it; the minimum over the looks so far, {@code +∞} until a look is evaluated.
 *                    {@link #rejected()} implies {@code effectBound ≤ −δ}
 * @param effectLowerBound the lower end of the same confidence sequence, threshold units: with probability at
 *                    least {@code 1 − alpha} over all looks the true effect stays above it; the maximum over the
 *                    looks so far, {@code −∞} until a look can bound the effect from below. A value above
 *                    {@code −d} excludes a drop of {@code d} or more
 * @param rejected whether {@code pValue ≤ alpha}: the candidate's KPI dropped beyond the threshold
 */
public record KpiTestResult(
        KpiTestConfig config,
        int look,
        boolean evaluated,
        long candidateCount,
        long baselineCount,
        double candidateMean,
        double baselineMean,
        double estimatedEffect,
        double estimatedRelativeEffect,
        double contrast,
        double standardError,
        double statistic,
        double mixtureScale,
        double logLikelihoodRatio,
        double pValue,
        double effectBound,
        double effectLowerBound,
        boolean rejected) {

    /**
     * Creates a result; {@link SequentialKpiTest} does, a user needs it only to replay evidence.
     *
     * @param config the test's configuration, not null
     * @param look this look's number since the start or last restart
     * @param evaluated whether this look carries evidence
     * @param candidateCount the candidate's observations
     * @param baselineCount the baseline's observations
     * @param candidateMean the candidate's mean, KPI units
     * @param baselineMean the baseline's mean, KPI units
     * @param estimatedEffect {@code μ̂c − μ̂b}, KPI units
     * @param estimatedRelativeEffect {@code μ̂c/μ̂b − 1}
     * @param contrast the contrast minus its null value, KPI units
     * @param standardError the contrast's standard error under the null, KPI units
     * @param statistic {@code contrast / standardError}
     * @param mixtureScale {@code τ}, KPI units
     * @param logLikelihoodRatio the look's ln Λ
     * @param pValue the running always-valid p-value
     * @param effectBound the running confidence-sequence bound, threshold units
     * @param effectLowerBound the running lower end of the confidence sequence, threshold units
     * @param rejected whether {@code pValue ≤ alpha}
     */
    public KpiTestResult {
        Objects.requireNonNull(config, "KpiTestResult.config must not be null");
    }

    /**
     * @return this look's mixture likelihood ratio {@code Λ}: an e-value for the null at this look (also at a
     *         data-dependent stopping look); may be {@code +∞} when it overflows a double
     */
    public double likelihoodRatio() {
        return Math.exp(logLikelihoodRatio);
    }

    /**
     * @param drop a drop in threshold units, {@code >= 0}
     * @return whether the confidence sequence excludes a drop of {@code drop} or more ({@code effectLowerBound > −drop})
     */
    public boolean excludesDrop(double drop) {
        return effectLowerBound > -drop;
    }

    /** @return the significance level, from the config */
    public double alpha() {
        return config.alpha();
    }

    /** @return the threshold, from the config */
    public EffectThreshold threshold() {
        return config.threshold();
    }
}
