package io.github.rollback4j.core.stats.errors;

/**
 * One look of a {@link SequentialErrorTest}: the counts since its (re)start and the evidence.
 *
 * <p>Immutable and thread-safe.
 *
 * @param looks             looks since the (re)start, at least 0
 * @param candidateErrors   the candidate's errors since the (re)start
 * @param candidateRequests the candidate's requests since the (re)start
 * @param baselineErrors    the baseline's errors since the (re)start
 * @param baselineRequests  the baseline's requests since the (re)start
 * @param candidateShare    {@code s}, the candidate's share of the requests of both arms, 0..1; NaN while an
 *                          arm has no request
 * @param nullProbability   {@code p0}, the largest probability under the null that an error is the
 *                          candidate's; NaN while an arm has no request
 * @param margin            the relative margin of the null hypothesis
 * @param logEValue         the natural logarithm of the current e-value (0 without evidence)
 * @param eValue            the current e-value, {@code exp(logEValue)}, 0..+Infinity; 1 without evidence
 * @param pValue            the always-valid p-value, {@code min(1, 1 / max e-value since the (re)start)}, 0..1
 * @param alpha             the significance level
 * @param rejected          whether the null was rejected at some look since the (re)start
 *                          ({@code pValue <= alpha}): the candidate's error rate is higher than allowed
 */
public record SequentialErrorResult(int looks, long candidateErrors, long candidateRequests, long baselineErrors,
                                    long baselineRequests, double candidateShare, double nullProbability, double margin,
                                    double logEValue, double eValue, double pValue, double alpha, boolean rejected) {

    /** @return candidate errors per request, NaN without requests */
    public double candidateRate() {
        return candidateRequests == 0 ? Double.NaN : (double) candidateErrors / candidateRequests;
    }

    /** @return baseline errors per request, NaN without requests */
    public double baselineRate() {
        return baselineRequests == 0 ? Double.NaN : (double) baselineErrors / baselineRequests;
    }

    /** @return the candidate's rate divided by the baseline's: NaN when undefined, +Infinity when the baseline has none */
    public double rateRatio() {
        return candidateRate() / baselineRate();
    }

    /** @return the e-value at which the test rejects: {@code 1 / alpha} */
    public double threshold() {
        return 1.0 / alpha;
    }
}
