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

    /**
     * @param metric what was measured
     * @param threshold the trigger's threshold, or {@code null} (then set {@link Builder#thresholdText})
     * @return a builder with every number {@code NaN} and every instant {@code null}
     */
    public static Builder builder(String metric, Threshold threshold) {
        return new Builder(metric, threshold == null ? "" : threshold.describe());
    }

    /**
     * @param since since when the breach has held
     * @return a copy with {@code breachingSince} set
     */
    public Evidence withBreachingSince(Instant since) {
        return new Evidence(metric, candidateValue, baselineValue, threshold, limit, candidateSamples, baselineSamples, statistic,
                statisticValue, pValue, eValue, windowFrom, windowTo, since, note);
    }

    /**
     * @param text the note
     * @return a copy with the note replaced
     */
    public Evidence withNote(String text) {
        return new Evidence(metric, candidateValue, baselineValue, threshold, limit, candidateSamples, baselineSamples, statistic,
                statisticValue, pValue, eValue, windowFrom, windowTo, breachingSince, text);
    }

    /** Builds {@link Evidence}; not thread-safe. */
    public static final class Builder {
        private final String metric;
        private String threshold;
        private double candidateValue = Double.NaN;
        private double baselineValue = Double.NaN;
        private double limit = Double.NaN;
        private long candidateSamples;
        private long baselineSamples;
        private String statistic = "";
        private double statisticValue = Double.NaN;
        private double pValue = Double.NaN;
        private double eValue = Double.NaN;
        private Instant windowFrom;
        private Instant windowTo;
        private String note = "";

        private Builder(String metric, String threshold) {
            this.metric = metric;
            this.threshold = threshold;
        }

        /** @param text the threshold in words @return this builder */
        public Builder thresholdText(String text) {
            this.threshold = text;
            return this;
        }

        /** @param candidate the candidate's value @param baseline the baseline's value @return this builder */
        public Builder values(double candidate, double baseline) {
            this.candidateValue = candidate;
            this.baselineValue = baseline;
            return this;
        }

        /** @param limit the value the candidate was compared with @return this builder */
        public Builder limit(double limit) {
            this.limit = limit;
            return this;
        }

        /** @param candidate the candidate's samples @param baseline the baseline's samples @return this builder */
        public Builder samples(long candidate, long baseline) {
            this.candidateSamples = candidate;
            this.baselineSamples = baseline;
            return this;
        }

        /** @param name the statistic's name @param value its value @return this builder */
        public Builder statistic(String name, double value) {
            this.statistic = name;
            this.statisticValue = value;
            return this;
        }

        /** @param p the p-value @return this builder */
        public Builder p(double p) {
            this.pValue = p;
            return this;
        }

        /** @param e the e-value @return this builder */
        public Builder e(double e) {
            this.eValue = e;
            return this;
        }

        /** @param from start of the data @param to end of the data @return this builder */
        public Builder window(Instant from, Instant to) {
            this.windowFrom = from;
            this.windowTo = to;
            return this;
        }

        /** @param text why the verdict is what it is @return this builder */
        public Builder note(String text) {
            this.note = text;
            return this;
        }

        /** @return the evidence */
        public Evidence build() {
            return new Evidence(metric, candidateValue, baselineValue, threshold, limit, candidateSamples, baselineSamples,
                    statistic, statisticValue, pValue, eValue, windowFrom, windowTo, null, note);
        }
    }
}
