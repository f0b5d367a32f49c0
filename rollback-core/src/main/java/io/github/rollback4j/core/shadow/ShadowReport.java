package io.github.rollback4j.core.shadow;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of what a {@link ShadowRunner} measured: totals, mismatch statistics by segment, by a
 * chosen context attribute, by time-of-day bucket, by segment and time-of-day bucket together, and
 * over time (one point per interval and segment, for a chart), with drops, errors, timeouts and the
 * baseline's own noise.
 *
 * <p>Serializable as JSON ({@link #toJson()}, {@link #fromJson(String)}, Jackson 3) and rendered as
 * one self-contained HTML page ({@link #toHtml()}). Rates are fractions in [0, 1]; times are
 * milliseconds since the epoch. Maps are ordered by key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the runner's name
 * @param generatedAtMillis when the snapshot was taken, from the runner's clock (epoch millis)
 * @param offered calls offered to the runner
 * @param sampled calls picked by the sample rate (accepted or dropped)
 * @param total counts over all calls
 * @param bySegment counts per request segment name
 * @param attributeName the context attribute used for {@link #byAttribute()}, or {@code null}
 * @param byAttribute counts per value of that attribute ({@code "(none)"} when absent,
 *                    {@code "(other)"} past the value cap)
 * @param timeZone the time zone of the time-of-day buckets
 * @param byTimeOfDay counts per time-of-day bucket
 * @param bySegmentAndTimeOfDay counts per segment, then per time-of-day bucket
 * @param intervalMillis the width of one over-time interval
 * @param overTime one series per segment, points ordered by time
 * @param examples a few example mismatches per segment (the largest distances first), ordered by segment
 */
public record ShadowReport(
        String name,
        long generatedAtMillis,
        long offered,
        long sampled,
        Counts total,
        Map<String, Counts> bySegment,
        String attributeName,
        Map<String, Counts> byAttribute,
        String timeZone,
        Map<String, Counts> byTimeOfDay,
        Map<String, Map<String, Counts>> bySegmentAndTimeOfDay,
        long intervalMillis,
        List<Series> overTime,
        List<Example> examples) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Copies the collections so the report stays immutable.
     *
     * @param name the runner's name
     * @param generatedAtMillis snapshot time, epoch millis
     * @param offered calls offered
     * @param sampled calls sampled
     * @param total counts over all calls
     * @param bySegment counts per segment
     * @param attributeName the breakdown attribute, or {@code null}
     * @param byAttribute counts per attribute value
     * @param timeZone the time-of-day zone id
     * @param byTimeOfDay counts per time-of-day bucket
     * @param bySegmentAndTimeOfDay counts per segment and bucket
     * @param intervalMillis over-time interval width
     * @param overTime series per segment
     * @param examples example mismatches
     */
    public ShadowReport {
        bySegment = copy(bySegment);
        byAttribute = copy(byAttribute);
        byTimeOfDay = copy(byTimeOfDay);
        Map<String, Map<String, Counts>> cross = new LinkedHashMap<>();
        if (bySegmentAndTimeOfDay != null) {
            bySegmentAndTimeOfDay.forEach((k, v) -> cross.put(k, copy(v)));
        }
        bySegmentAndTimeOfDay = Collections.unmodifiableMap(cross);
        overTime = overTime == null ? List.of() : List.copyOf(overTime);
        examples = examples == null ? List.of() : List.copyOf(examples);
    }

    /**
     * A report without example mismatches.
     *
     * @param name the runner's name
     * @param generatedAtMillis snapshot time, epoch millis
     * @param offered calls offered
     * @param sampled calls sampled
     * @param total counts over all calls
     * @param bySegment counts per segment
     * @param attributeName the breakdown attribute, or {@code null}
     * @param byAttribute counts per attribute value
     * @param timeZone the time-of-day zone id
     * @param byTimeOfDay counts per time-of-day bucket
     * @param bySegmentAndTimeOfDay counts per segment and bucket
     * @param intervalMillis over-time interval width
     * @param overTime series per segment
     */
    public ShadowReport(String name, long generatedAtMillis, long offered, long sampled, Counts total, Map<String, Counts> bySegment,
                        String attributeName, Map<String, Counts> byAttribute, String timeZone, Map<String, Counts> byTimeOfDay,
                        Map<String, Map<String, Counts>> bySegmentAndTimeOfDay, long intervalMillis, List<Series> overTime) {
        this(name, generatedAtMillis, offered, sampled, total, bySegment, attributeName, byAttribute, timeZone, byTimeOfDay,
                bySegmentAndTimeOfDay, intervalMillis, overTime, List.of());
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** @return the report as indented JSON */
    public String toJson() {
        return JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this);
    }

    /**
     * @param json what {@link #toJson()} wrote
     * @return the report
     * @throws tools.jackson.core.JacksonException when the text is not a report
     */
    public static ShadowReport fromJson(String json) {
        return JSON.readValue(json, ShadowReport.class);
    }

    /** @return one self-contained HTML page: inline CSS, tables and an inline SVG chart, no scripts */
    public String toHtml() {
        return ShadowHtml.render(this, null, null, null);
    }

    /**
     * The page of {@link #toHtml()}, led by the releases compared and the gate's decision on this report; segments,
     * time-of-day cells and attribute values over their threshold are marked, and the chart shows the gate's rate
     * with its threshold.
     *
     * @param candidate the candidate release, as people know it (e.g. {@code v2 (ranker:5.0.0)}), or {@code null}
     * @param baseline the baseline (last-known-good) release, or {@code null}
     * @param gate the promotion gate, or {@code null} for none
     * @return one self-contained HTML page
     */
    public String toHtml(String candidate, String baseline, ShadowGate gate) {
        return ShadowHtml.render(this, candidate, baseline, gate);
    }

    /**
     * Counts of one cell of the report.
     *
     * @param compared calls whose candidate output was compared with the primary output
     * @param mismatches compared calls that did not match
     * @param mismatchRate {@code mismatches / compared}; 0 when nothing was compared
     * @param noiseCompared calls where the baseline ran a second time and was compared with itself
     * @param noiseMismatches of those, the ones where the baseline did not match itself
     * @param noiseRate {@code noiseMismatches / noiseCompared}; 0 when noise was not measured
     * @param excessMismatchRate {@code max(0, mismatchRate - noiseRate)}; equals mismatchRate when
     *                           noise was not measured
     * @param errors shadow calls whose candidate (or comparator) threw
     * @param timeouts shadow calls that ran longer than the runner's timeout
     * @param drops sampled calls dropped because the shadow executor was full
     * @param meanDistance mean of the comparator's finite distances, or {@code null} when none
     */
    public record Counts(long compared, long mismatches, double mismatchRate,
                         long noiseCompared, long noiseMismatches, double noiseRate,
                         double excessMismatchRate, long errors, long timeouts, long drops,
                         Double meanDistance) {

        /** Counts with nothing in them. */
        public static final Counts EMPTY = of(0, 0, 0, 0, 0, 0, 0, null);

        /**
         * Derives the rates from the raw counts.
         *
         * @param compared compared calls
         * @param mismatches mismatches among them
         * @param noiseCompared baseline self-comparisons
         * @param noiseMismatches baseline self-mismatches
         * @param errors errors
         * @param timeouts timeouts
         * @param drops drops
         * @param meanDistance mean finite distance, or {@code null}
         * @return the counts
         */
        public static Counts of(long compared, long mismatches, long noiseCompared, long noiseMismatches,
                                long errors, long timeouts, long drops, Double meanDistance) {
            double rate = compared == 0 ? 0.0 : (double) mismatches / compared;
            double noise = noiseCompared == 0 ? 0.0 : (double) noiseMismatches / noiseCompared;
            double excess = Math.max(0.0, rate - noise);
            return new Counts(compared, mismatches, rate, noiseCompared, noiseMismatches, noise, excess,
                    errors, timeouts, drops, meanDistance);
        }
    }

    /**
     * Mismatch over time for one segment.
     *
     * @param segment the segment name
     * @param points one point per interval that saw traffic, ordered by time
     */
    public record Series(String segment, List<Point> points) {
        /**
         * @param segment the segment name
         * @param points the points; copied
         */
        public Series {
            points = points == null ? List.of() : List.copyOf(points);
        }
    }

    /**
     * One example mismatch, as the report shows it.
     *
     * @param atMillis when the call was served (epoch millis)
     * @param segment its segment
     * @param attribute its value of the report's attribute, or {@code null}
     * @param timeOfDay its time-of-day bucket
     * @param input the input, as the runner's {@code describeInput} wrote it
     * @param primary the output the caller received
     * @param candidate the candidate's output
     * @param distance the comparator's distance, or {@code null} when it gives none
     */
    public record Example(long atMillis, String segment, String attribute, String timeOfDay, String input, String primary,
                          String candidate, Double distance) {
    }

    /**
     * One interval of one segment.
     *
     * @param startMillis the interval's start (epoch millis, aligned to the interval width)
     * @param counts the counts in that interval
     */
    public record Point(long startMillis, Counts counts) {
    }
}
