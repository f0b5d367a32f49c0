package io.github.rollback4j.telemetry;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

import java.util.Map;

/**
 * What one release did in one segment over a window (or in all segments, when {@link #segment()} is
 * {@code null}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param release the release
 * @param segment the request segment, or {@code null} for the total over all segments
 * @param latencyNanos latency of the calls the release served (successes and failures), in nanoseconds
 * @param outcomes count per outcome (every outcome present, zero when none)
 * @param kpis business KPIs attributed to the release, by name
 * @param scores the sampled prediction scores; {@link Distribution#EMPTY} without a score extractor
 * @param inputs the sampled input profile, by field name; empty without an input profile
 * @param schema the sampled inputs checked against the declared input schema; {@link SchemaStats#NONE} without one
 */
public record ReleaseTelemetry(ReleaseId release, Segment segment, Distribution latencyNanos, Map<Outcome, Long> outcomes,
                               Map<String, KpiStats> kpis, Distribution scores, Map<String, FieldProfile> inputs,
                               SchemaStats schema) {

    /** @param outcome an outcome
     *  @return its count */
    public long count(Outcome outcome) {
        return outcomes.getOrDefault(outcome, 0L);
    }

    /** @return calls routed to this release: successes, model errors, timeouts and fallbacks */
    public long requests() {
        return count(Outcome.SUCCESS) + count(Outcome.MODEL_ERROR) + count(Outcome.TIMEOUT) + count(Outcome.FALLBACK);
    }

    /** @return (model errors + timeouts + fallbacks) / requests, or {@code NaN} without requests */
    public double errorRate() {
        long requests = requests();
        return requests == 0 ? Double.NaN
                : (double) (count(Outcome.MODEL_ERROR) + count(Outcome.TIMEOUT) + count(Outcome.FALLBACK)) / requests;
    }

    /** @return timeouts / requests, or {@code NaN} without requests */
    public double timeoutRate() {
        long requests = requests();
        return requests == 0 ? Double.NaN : (double) count(Outcome.TIMEOUT) / requests;
    }

    /**
     * @param kpi a KPI name
     * @return its statistics, empty (count 0) when none were reported
     */
    public KpiStats kpi(String kpi) {
        return kpis.getOrDefault(kpi, KpiStats.empty(kpi));
    }
}
