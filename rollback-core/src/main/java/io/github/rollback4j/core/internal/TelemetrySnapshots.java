package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.core.telemetry.LatencyDistribution;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.telemetry.Distribution;
import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.KpiStats;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.SchemaStats;
import io.github.rollback4j.telemetry.TelemetrySnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;

/**
 * Builds {@link TelemetrySnapshot}s from the windows of every release and segment, with totals per
 * release. The same mergeable {@link Part}s carry one replica's sub-windows to a fleet's leader
 * ({@link FleetTelemetryCodec}), so a fleet-wide snapshot is assembled exactly like a local one.
 */
final class TelemetrySnapshots {

    private TelemetrySnapshots() {
    }

    /** One release × segment read out of its windows (or decoded from a replica's report), in mergeable form. */
    record Part(ReleaseId release, io.github.rollback4j.Segment segment, LatencyDistribution latency,
                        Map<Outcome, Long> outcomes, Map<String, KpiStats> kpis, ValueSnapshot scores,
                        Map<String, FieldPart> inputs, SchemaStats schema) {

        /** An empty part: nothing seen. */
        static Part empty(ReleaseId release, io.github.rollback4j.Segment segment) {
            return new Part(release, segment, LatencyDistribution.empty(), emptyOutcomes(), Map.of(), null, Map.of(),
                    SchemaStats.NONE);
        }

        boolean isEmpty() {
            return outcomes.values().stream().allMatch(c -> c == 0) && kpis.values().stream().allMatch(k -> k.count() == 0)
                    && (scores == null || scores.count() == 0) && inputs.values().stream().allMatch(FieldPart::isEmpty)
                    && schema.checked() == 0;
        }

        /** This part and another of the same release and segment, keeping the segment. */
        Part merge(Part other) {
            Part sum = plus(other);
            return new Part(release, segment, sum.latency, sum.outcomes, sum.kpis, sum.scores, sum.inputs, sum.schema);
        }

        /** This part and another of the same release, as a total over segments ({@code segment} null). */
        Part plus(Part other) {
            Map<Outcome, Long> sum = new EnumMap<>(outcomes);
            other.outcomes.forEach((o, c) -> sum.merge(o, c, Long::sum));
            Map<String, KpiStats> kpiSum = new LinkedHashMap<>(kpis);
            other.kpis.forEach((k, v) -> kpiSum.merge(k, v, KpiStats::plus));
            Map<String, FieldPart> inputSum = new LinkedHashMap<>(inputs);
            other.inputs.forEach((k, v) -> inputSum.merge(k, v, FieldPart::plus));
            return new Part(release, null, latency.merge(other.latency), sum, kpiSum,
                    scores == null ? other.scores : other.scores == null ? scores : scores.merge(other.scores), inputSum,
                    schema.plus(other.schema));
        }

        ReleaseTelemetry toTelemetry() {
            Map<String, FieldProfile> profiles = new LinkedHashMap<>();
            inputs.forEach((name, part) -> profiles.put(name, part.toProfile(name)));
            return new ReleaseTelemetry(release, segment, latency, Collections.unmodifiableMap(outcomes),
                    Collections.unmodifiableMap(kpis), scores == null ? Distribution.EMPTY : scores,
                    Collections.unmodifiableMap(profiles), schema);
        }
    }

    /** One input field read out of its window: values (numeric) or categories. */
    record FieldPart(FieldProfile.Kind kind, ValueSnapshot values, CategorySnapshot categories) {
        boolean isEmpty() {
            return kind == FieldProfile.Kind.NUMERIC
                    ? values.count() + values.nonFiniteCount() + values.missingCount() == 0
                    : categories.observed() == 0;
        }

        FieldPart plus(FieldPart other) {
            return kind == FieldProfile.Kind.NUMERIC
                    ? new FieldPart(kind, values.merge(other.values), null)
                    : new FieldPart(kind, null, categories.merge(other.categories));
        }

        FieldProfile toProfile(String name) {
            if (kind == FieldProfile.Kind.NUMERIC) {
                return new FieldProfile(name, kind, values.count() + values.nonFiniteCount() + values.missingCount(),
                        values.missingCount(), values, Map.of());
            }
            return new FieldProfile(name, kind, categories.observed(), categories.missing(), Distribution.EMPTY,
                    categories.counts());
        }
    }

    static <I, O> TelemetrySnapshot build(String router, List<ReleaseSlot<I, O>> slots, TelemetryConfig config,
                                         Duration window, long nowMillis) {
        return assemble(router, Instant.ofEpochMilli(windowStart(config, window, nowMillis)), Instant.ofEpochMilli(nowMillis),
                windowParts(slots, config, window, nowMillis));
    }

    /** Where a snapshot of {@code window} up to {@code nowMillis} starts: the first call sub-window it covers. */
    static long windowStart(TelemetryConfig config, Duration window, long nowMillis) {
        int callWindows = subWindows(config.callWindow(), window);
        return (Math.floorDiv(nowMillis, config.callWindow().subWindowMillis()) - callWindows + 1)
                * config.callWindow().subWindowMillis();
    }

    /**
     * Refuses a snapshot window that is not positive or longer than the retention, naming both.
     *
     * @throws IllegalArgumentException if {@code window} is not in (0, retention]
     */
    static void checkWindow(Duration window, Duration retention) {
        Objects.requireNonNull(window, "snapshot: window must not be null");
        if (window.isNegative() || window.isZero() || window.compareTo(retention) > 0) {
            throw new IllegalArgumentException("snapshot(window): window must be longer than 0 and at most the retention "
                    + retention + " (the longest of TelemetryConfig's call, KPI and profile windows), but was " + window);
        }
    }

    /** The non-empty release × segment parts of the last {@code window}. */
    static <I, O> List<Part> windowParts(List<ReleaseSlot<I, O>> slots, TelemetryConfig config, Duration window,
                                         long nowMillis) {
        int callWindows = subWindows(config.callWindow(), window);
        int kpiWindows = subWindows(config.kpiWindow(), window);
        int profileWindows = subWindows(config.profileWindow(), window);
        return parts(slots, stats -> read(stats, nowMillis, callWindows, kpiWindows, profileWindows));
    }

    static <I, O> TelemetrySnapshot sinceStart(String router, List<ReleaseSlot<I, O>> slots, long startMillis, long nowMillis) {
        return assemble(router, Instant.ofEpochMilli(startMillis), Instant.ofEpochMilli(nowMillis), totalParts(slots));
    }

    /** The never-reset outcome and KPI totals of every release × segment that saw something. */
    static <I, O> List<Part> totalParts(List<ReleaseSlot<I, O>> slots) {
        return parts(slots, stats -> {
            Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                outcomes.put(outcome, stats.totalOutcomes[outcome.ordinal()].sum());
            }
            Map<String, KpiStats> kpis = new LinkedHashMap<>();
            stats.kpis.forEach((name, window) -> kpis.put(name, window.total()));
            return new Part(stats.release, stats.segment, LatencyDistribution.empty(), outcomes, kpis, null, Map.of(),
                    SchemaStats.NONE);
        });
    }

    /**
     * One sub-window of one kind of window ({@link io.github.rollback4j.spi.TelemetrySlot#CALLS},
     * {@code KPIS} or {@code PROFILES}) of every release × segment that saw something in it; the other
     * kinds' fields are empty.
     */
    static <I, O> List<Part> slotParts(List<ReleaseSlot<I, O>> slots, TelemetryConfig config, int kind, long slot) {
        return parts(slots, stats -> readSlot(stats, config, kind, slot));
    }

    /** Reads every release × segment with {@code reader} and keeps the non-empty ones. */
    private static <I, O> List<Part> parts(List<ReleaseSlot<I, O>> slots, java.util.function.Function<CallStats<I, O>, Part> reader) {
        List<Part> parts = new ArrayList<>();
        for (ReleaseSlot<I, O> slot : slots) {
            for (CallStats<I, O> stats : TelemetryHub.distinct(slot)) {
                Part part = reader.apply(stats);
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            }
        }
        return parts;
    }

    /**
     * A snapshot of parts that may repeat a release × segment (several replicas): merged per release
     * and segment, in order of first appearance, with totals per release.
     */
    static TelemetrySnapshot assemble(String router, Instant from, Instant to, List<Part> parts) {
        Map<ReleaseId, Map<io.github.rollback4j.Segment, Part>> merged = new LinkedHashMap<>();
        for (Part part : parts) {
            merged.computeIfAbsent(part.release(), r -> new LinkedHashMap<>()).merge(part.segment(), part, Part::merge);
        }
        List<ReleaseTelemetry> bySegment = new ArrayList<>();
        List<ReleaseTelemetry> totals = new ArrayList<>();
        merged.forEach((release, segments) -> {
            Part total = null;
            for (Part part : segments.values()) {
                if (part.isEmpty()) {
                    continue;
                }
                bySegment.add(part.toTelemetry());
                total = total == null ? part : total.plus(part);
            }
            if (total != null) {
                totals.add(new Part(total.release(), null, total.latency(), total.outcomes(), total.kpis(), total.scores(),
                        total.inputs(), total.schema()).toTelemetry());
            }
        });
        return new TelemetrySnapshot(router, from, to, List.copyOf(bySegment), List.copyOf(totals));
    }

    private static Map<Outcome, Long> emptyOutcomes() {
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, 0L);
        }
        return outcomes;
    }

    private static <I, O> Part readSlot(CallStats<I, O> stats, TelemetryConfig config, int kind, long slot) {
        Part empty = Part.empty(stats.release, stats.segment);
        switch (kind) {
            case io.github.rollback4j.spi.TelemetrySlot.CALLS -> {
                long at = slot * config.callWindow().subWindowMillis();
                return new Part(stats.release, stats.segment, LatencyDistribution.of(stats.latency.snapshot(at, 1)),
                        new EnumMap<>(stats.outcomes.counts(at, 1)), Map.of(), null, Map.of(), SchemaStats.NONE);
            }
            case io.github.rollback4j.spi.TelemetrySlot.KPIS -> {
                long at = slot * config.kpiWindow().subWindowMillis();
                Map<String, KpiStats> kpis = new LinkedHashMap<>();
                stats.kpis.forEach((name, window) -> {
                    KpiStats k = window.snapshot(at, 1);
                    if (k.count() > 0) {
                        kpis.put(name, k);
                    }
                });
                return kpis.isEmpty() ? empty : new Part(stats.release, stats.segment, LatencyDistribution.empty(),
                        emptyOutcomes(), kpis, null, Map.of(), SchemaStats.NONE);
            }
            case io.github.rollback4j.spi.TelemetrySlot.PROFILES -> {
                long at = slot * config.profileWindow().subWindowMillis();
                Part p = read(stats, at, 1, 1, 1);
                return new Part(stats.release, stats.segment, LatencyDistribution.empty(), emptyOutcomes(), Map.of(),
                        p.scores(), p.inputs(), p.schema());
            }
            default -> throw new IllegalArgumentException("unknown telemetry window kind " + kind);
        }
    }

    private static <I, O> Part read(CallStats<I, O> stats, long now, int callWindows, int kpiWindows, int profileWindows) {
        LatencyDistribution latency = LatencyDistribution.of(stats.latency.snapshot(now, callWindows));
        Map<Outcome, Long> outcomes = new EnumMap<>(stats.outcomes.counts(now, callWindows));
        Map<String, KpiStats> kpis = new LinkedHashMap<>();
        stats.kpis.forEach((name, window) -> kpis.put(name, window.snapshot(now, kpiWindows)));
        ValueSnapshot scores = stats.scores == null ? null : stats.scores.snapshot(now, profileWindows);
        Map<String, FieldPart> inputs = new LinkedHashMap<>();
        for (CallStats.FieldWindows field : stats.inputs) {
            inputs.put(field.field.name(), field.values != null
                    ? new FieldPart(FieldProfile.Kind.NUMERIC, field.values.snapshot(now, profileWindows), null)
                    : new FieldPart(FieldProfile.Kind.CATEGORICAL, null, field.categories.snapshot(now, profileWindows)));
        }
        SchemaStats schema = SchemaStats.NONE;
        if (stats.schema != null) {
            long[] sums = stats.schema.sums(now, profileWindows);
            Map<String, Long> byField = new LinkedHashMap<>();
            for (int f = 0; f < stats.inputs.length; f++) {
                if (sums[2 + f] > 0) {
                    byField.put(stats.inputs[f].field.name(), sums[2 + f]);
                }
            }
            schema = new SchemaStats(sums[0], sums[1], Map.copyOf(byField));
        }
        return new Part(stats.release, stats.segment, latency, outcomes, kpis, scores, inputs, schema);
    }

    /** Whole sub-windows covering {@code window}, capped at the ring's size. */
    private static int subWindows(SlidingWindowConfig config, Duration window) {
        long k = (window.toMillis() + config.subWindowMillis() - 1) / config.subWindowMillis();
        return (int) Math.max(1, Math.min(k, config.subWindowCount()));
    }
}
