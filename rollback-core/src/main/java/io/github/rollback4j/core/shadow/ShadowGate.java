package io.github.rollback4j.core.shadow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A promotion gate over a {@link ShadowReport}: blocks promotion while any segment's mismatch rate is
 * above its threshold.
 *
 * <p>Rules of {@link #evaluate(ShadowReport)}, in order:
 * <ol>
 *   <li>{@link Blocked} when a segment with at least {@code minCompared} compared calls is above its
 *   threshold; and (when {@code checkTimeOfDay} is on, the default) also when one time-of-day bucket
 *   of a segment, with at least {@code minCompared} compared calls of its own, is above the
 *   segment's threshold — a drift only at night is not diluted by the day; and (when {@code checkAttribute} is on,
 *   the default) when one value of the report's {@linkplain ShadowReport#attributeName() attribute} (a tenant, a
 *   device), with at least {@code minCompared} compared calls, is above the default threshold — a drift on one
 *   device across every segment is not diluted by the others.</li>
 *   <li>{@link Inconclusive} when a segment seen in the report or declared
 *   {@link Builder#requireSegment(String) required} has fewer than {@code minCompared} compared
 *   calls, or the report has no segment at all.</li>
 *   <li>{@link Open} otherwise.</li>
 * </ol>
 * A rate strictly greater than the threshold is a breach. The rate is the noise-cancelled
 * {@code excessMismatchRate} by default ({@link Metric#EXCESS_MISMATCH_RATE}).
 *
 * <p>Immutable and thread-safe.
 */
public final class ShadowGate {

    /** Which rate the gate compares with the thresholds. */
    public enum Metric {
        /** The candidate's raw mismatch rate. */
        MISMATCH_RATE,
        /** The mismatch rate minus the baseline's own noise, never below 0 (the default). */
        EXCESS_MISMATCH_RATE
    }

    /** What the gate decided. */
    public sealed interface Decision permits Open, Blocked, Inconclusive {
    }

    /** Every segment has enough data and is within its threshold: promotion may proceed. */
    public record Open() implements Decision {
    }

    /**
     * At least one segment is over its threshold.
     *
     * @param breaches the segments (and time-of-day buckets) over threshold, with their rates
     */
    public record Blocked(List<Breach> breaches) implements Decision {
        /** @param breaches the breaches; copied */
        public Blocked {
            breaches = List.copyOf(breaches);
        }
    }

    /**
     * Not enough compared calls to decide.
     *
     * @param shortfalls the segments short of data
     */
    public record Inconclusive(List<Shortfall> shortfalls) implements Decision {
        /** @param shortfalls the shortfalls; copied */
        public Inconclusive {
            shortfalls = List.copyOf(shortfalls);
        }
    }

    /**
     * A segment, one time-of-day bucket of it, or one value of the report's attribute, over threshold.
     *
     * @param segment the segment name, or {@code null} for an attribute breach (which spans every segment)
     * @param timeOfDay the time-of-day bucket, or {@code null} for the whole segment
     * @param rate the measured rate (per the gate's metric)
     * @param threshold the threshold it exceeded
     * @param compared compared calls behind the rate
     * @param attribute for an attribute breach {@code name=value} (e.g. {@code device=android}), else {@code null}
     */
    public record Breach(String segment, String timeOfDay, double rate, double threshold, long compared, String attribute) {

        /**
         * A segment (or time-of-day) breach.
         *
         * @param segment the segment name
         * @param timeOfDay the time-of-day bucket, or {@code null} for the whole segment
         * @param rate the measured rate
         * @param threshold the threshold it exceeded
         * @param compared compared calls behind the rate
         */
        public Breach(String segment, String timeOfDay, double rate, double threshold, long compared) {
            this(segment, timeOfDay, rate, threshold, compared, null);
        }

        /** @return where the breach is, for people: {@code eu-west}, {@code eu-west at night} or {@code device=android} */
        public String where() {
            if (attribute != null) {
                return attribute;
            }
            return segment + (timeOfDay == null ? "" : " at " + timeOfDay);
        }
    }

    /**
     * A segment without enough data.
     *
     * @param segment the segment name
     * @param compared compared calls so far
     * @param required compared calls needed
     */
    public record Shortfall(String segment, long compared, long required) {
    }

    /** Compared calls a segment (or time-of-day bucket) needs before the gate decides on it, by default. */
    public static final long DEFAULT_MIN_COMPARED = 100;

    private final double defaultThreshold;
    private final Map<String, Double> thresholds;
    private final long minCompared;
    private final boolean checkTimeOfDay;
    private final Metric metric;
    private final Set<String> requiredSegments;
    private final boolean checkAttribute;

    private ShadowGate(Builder b) {
        this.checkAttribute = b.checkAttribute;
        this.defaultThreshold = b.defaultThreshold;
        this.thresholds = Map.copyOf(b.thresholds);
        this.minCompared = b.minCompared;
        this.checkTimeOfDay = b.checkTimeOfDay;
        this.metric = b.metric;
        this.requiredSegments = Set.copyOf(b.requiredSegments);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param segment a segment name
     * @return its threshold: the override, else the default
     */
    public double thresholdFor(String segment) {
        return thresholds.getOrDefault(segment, defaultThreshold);
    }

    /** @return the threshold of segments without an override, and of attribute values */
    public double defaultThreshold() {
        return defaultThreshold;
    }

    /** @return compared calls a segment, time-of-day cell or attribute value needs before it is judged */
    public long minCompared() {
        return minCompared;
    }

    /** @return the rate compared with the thresholds */
    public Metric metric() {
        return metric;
    }

    /**
     * @param counts one cell of a report
     * @return the rate of that cell the gate compares with a threshold (per {@link #metric()})
     */
    public double rateOf(ShadowReport.Counts counts) {
        return rate(counts);
    }

    /**
     * @param report a shadow report
     * @return the decision
     */
    public Decision evaluate(ShadowReport report) {
        Objects.requireNonNull(report, "ShadowGate.evaluate(report) needs a report");
        List<Breach> breaches = new ArrayList<>();
        List<Shortfall> shortfalls = new ArrayList<>();
        Set<String> segments = new LinkedHashSet<>(report.bySegment().keySet());
        segments.addAll(requiredSegments);
        for (String segment : segments) {
            ShadowReport.Counts counts = report.bySegment().getOrDefault(segment, ShadowReport.Counts.EMPTY);
            double threshold = thresholdFor(segment);
            if (counts.compared() < minCompared) {
                shortfalls.add(new Shortfall(segment, counts.compared(), minCompared));
            } else if (rate(counts) > threshold) {
                breaches.add(new Breach(segment, null, rate(counts), threshold, counts.compared()));
            }
            if (checkTimeOfDay) {
                for (Map.Entry<String, ShadowReport.Counts> e
                        : report.bySegmentAndTimeOfDay().getOrDefault(segment, Map.of()).entrySet()) {
                    ShadowReport.Counts c = e.getValue();
                    if (c.compared() >= minCompared && rate(c) > threshold) {
                        breaches.add(new Breach(segment, e.getKey(), rate(c), threshold, c.compared()));
                    }
                }
            }
        }
        if (checkAttribute && report.attributeName() != null) {
            for (Map.Entry<String, ShadowReport.Counts> e : report.byAttribute().entrySet()) {
                ShadowReport.Counts c = e.getValue();
                if (c.compared() >= minCompared && rate(c) > defaultThreshold) {
                    breaches.add(new Breach(null, null, rate(c), defaultThreshold, c.compared(),
                            report.attributeName() + "=" + e.getKey()));
                }
            }
        }
        if (!breaches.isEmpty()) {
            return new Blocked(breaches);
        }
        if (!shortfalls.isEmpty() || segments.isEmpty()) {
            return new Inconclusive(shortfalls);
        }
        return new Open();
    }

    private double rate(ShadowReport.Counts c) {
        return metric == Metric.MISMATCH_RATE ? c.mismatchRate() : c.excessMismatchRate();
    }

    @Override
    public String toString() {
        return "ShadowGate{default=" + defaultThreshold + ", overrides=" + thresholds + ", minCompared=" + minCompared
                + ", checkTimeOfDay=" + checkTimeOfDay + ", checkAttribute=" + checkAttribute + ", metric=" + metric
                + ", required=" + requiredSegments + '}';
    }

    /** Configures a {@link ShadowGate}; not thread-safe. */
    public static final class Builder {
        private double defaultThreshold = 0.01;
        private final Map<String, Double> thresholds = new LinkedHashMap<>();
        private long minCompared = DEFAULT_MIN_COMPARED;
        private boolean checkTimeOfDay = true;
        private boolean checkAttribute = true;
        private Metric metric = Metric.EXCESS_MISMATCH_RATE;
        private final Set<String> requiredSegments = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * @param threshold highest allowed rate for segments without an override, in [0.0, 1.0]; default 0.01
         * @return this builder
         */
        public Builder defaultThreshold(double threshold) {
            this.defaultThreshold = check("defaultThreshold", threshold);
            return this;
        }

        /**
         * @param segment a segment name
         * @param threshold highest allowed rate in that segment, in [0.0, 1.0]
         * @return this builder
         */
        public Builder threshold(String segment, double threshold) {
            Objects.requireNonNull(segment, "ShadowGate.threshold segment must not be null");
            thresholds.put(segment, check("threshold[" + segment + "]", threshold));
            return this;
        }

        /**
         * @param min compared calls a segment (or time-of-day cell) needs before it is judged, in
         *            [1, 1000000000]; default 100
         * @return this builder
         */
        public Builder minCompared(long min) {
            if (min < 1 || min > 1_000_000_000L) {
                throw new IllegalArgumentException("ShadowGate.minCompared must be in [1, 1000000000], but was " + min);
            }
            this.minCompared = min;
            return this;
        }

        /**
         * @param check also judge each time-of-day bucket of each segment; default {@code true}
         * @return this builder
         */
        public Builder checkTimeOfDay(boolean check) {
            this.checkTimeOfDay = check;
            return this;
        }

        /**
         * @param check also judge each value of the report's attribute breakdown (when the runner has an
         *              {@link ShadowRunner.Builder#attribute attribute}) against the default threshold; default {@code true}
         * @return this builder
         */
        public Builder checkAttribute(boolean check) {
            this.checkAttribute = check;
            return this;
        }

        /**
         * @param metric the rate compared with thresholds; default {@link Metric#EXCESS_MISMATCH_RATE}
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "ShadowGate.metric must not be null");
            return this;
        }

        /**
         * @param segment a segment that must have enough data even if the report has not seen it yet
         * @return this builder
         */
        public Builder requireSegment(String segment) {
            requiredSegments.add(Objects.requireNonNull(segment, "ShadowGate.requireSegment segment must not be null"));
            return this;
        }

        /** @return the gate */
        public ShadowGate build() {
            return new ShadowGate(this);
        }

        private static double check(String field, double value) {
            if (!(value >= 0.0 && value <= 1.0)) {
                throw new IllegalArgumentException("ShadowGate." + field + " must be in [0.0, 1.0], but was " + value);
            }
            return value;
        }
    }
}
