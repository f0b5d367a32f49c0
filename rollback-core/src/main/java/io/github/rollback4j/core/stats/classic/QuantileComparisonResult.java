package io.github.rollback4j.core.stats.classic;

/**
 * What {@link QuantileComparison#compare} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param quantile            the quantile compared
 * @param ratio               the largest acceptable candidate / baseline ratio
 * @param minTailSamples      the samples beyond the quantile each arm needed
 * @param candidateCount      the candidate's samples
 * @param baselineCount       the baseline's samples
 * @param candidateTailSamples {@code candidateCount·(1 − quantile)}
 * @param baselineTailSamples  {@code baselineCount·(1 − quantile)}
 * @param candidateQuantile   the candidate's quantile (in the distribution's unit, nanoseconds for
 *                            latencies), NaN when empty
 * @param baselineQuantile    the baseline's quantile, NaN when empty
 * @param observedRatio       {@code candidateQuantile / baselineQuantile} (1 when both are 0; NaN or
 *                            infinite when undefined)
 * @param verdict             breach, healthy or inconclusive
 */
public record QuantileComparisonResult(double quantile, double ratio, long minTailSamples, long candidateCount,
                                       long baselineCount, double candidateTailSamples, double baselineTailSamples,
                                       double candidateQuantile, double baselineQuantile, double observedRatio,
                                       Verdict verdict) {

    /** The outcome of one comparison. */
    public enum Verdict {
        /** Both arms had enough tail samples and the candidate's quantile is above ratio × the baseline's. */
        BREACH,
        /** Both arms had enough tail samples and the candidate's quantile is within the ratio. */
        HEALTHY,
        /** An arm had too few tail samples: no decision. */
        INCONCLUSIVE
    }
}
