package io.github.rollback4j.core.stats.errors;

/**
 * What {@link ErrorRateThreshold#evaluate(long, long)} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param errors     errors in the window
 * @param requests   requests in the window
 * @param rate       {@code errors / requests}, NaN without requests
 * @param threshold  the largest acceptable rate
 * @param confidence the one-sided confidence of each bound
 * @param method     the bound
 * @param lowerBound the lower one-sided confidence bound of the rate, 0..1
 * @param upperBound the upper one-sided confidence bound of the rate, 0..1
 * @param verdict    {@code ABOVE} when {@code lowerBound > threshold}, {@code BELOW} when
 *                   {@code upperBound <= threshold}, {@code UNDECIDED} otherwise (and without requests)
 */
public record RateThresholdResult(long errors, long requests, double rate, double threshold, double confidence,
                                  BoundMethod method, double lowerBound, double upperBound, Verdict verdict) {

    /** Where the rate stands against the threshold. */
    public enum Verdict {
        /** Confidently above the threshold: a breach. */
        ABOVE,
        /** Confidently at or below the threshold: healthy. */
        BELOW,
        /** Not enough requests to tell. */
        UNDECIDED
    }

    /** @return whether the plain rate, without a bound, is above the threshold (false without requests) */
    public boolean rateAbove() {
        return rate > threshold;
    }
}
