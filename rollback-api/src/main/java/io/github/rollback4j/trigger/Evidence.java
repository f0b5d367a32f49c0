package io.github.rollback4j.trigger;

import java.time.Instant;

/**
 * What a verdict rests on: the values of both arms, the threshold, the samples, the statistic and
 * its p-value or e-value, the window, and since when a breach has held. Doubles are {@code NaN}
 * when they do not apply or could not be computed; instants are {@code null} when they do not apply.
 *
 * @param metric what was measured, e.g. {@code latency p95 (ms)}
 * @param candidateValue the candidate's value, in the metric's unit
 * @param baselineValue the baseline's value in the same window, in the metric's unit
 * @param threshold the threshold, e.g. {@code > 1.3 × baseline}
 * @param limit the value the candidate was compared with
 * @param candidateSamples the candidate's samples (calls, sampled inputs or KPI observations)
 * @param baselineSamples the baseline's samples
 * @param statistic the statistic's name, e.g. {@code z}, {@code psi}, {@code msprt}
 * @param statisticValue the statistic's value
 * @param pValue the (always-valid, for sequential tests) p-value, or {@code NaN}
 * @param eValue the e-value (likelihood ratio) of a sequential test, or {@code NaN}
 * @param windowFrom start of the data the verdict read
 * @param windowTo end of the data the verdict read
 * @param breachingSince since when every evaluation has breached, or {@code null}
 * @param note why the verdict is what it is, in a sentence (e.g. why it is inconclusive)
 */
public record Evidence(String metric, double candidateValue, double baselineValue, String threshold, double limit,
                       long candidateSamples, long baselineSamples, String statistic, double statisticValue,
                       double pValue, double eValue, Instant windowFrom, Instant windowTo, Instant breachingSince,
                       String note) {
}
