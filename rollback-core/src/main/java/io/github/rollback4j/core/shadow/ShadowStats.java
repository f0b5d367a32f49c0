package io.github.rollback4j.core.shadow;

import io.github.rollback4j.RequestContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe, lock-free mismatch counters by segment, attribute, time of day and interval. */
final class ShadowStats {

    static final String NO_ATTRIBUTE = "(none)";
    static final String OTHER_ATTRIBUTE = "(other)";

    /** One cell's counters. */
    static final class Counters {
        final LongAdder compared = new LongAdder();
        final LongAdder mismatches = new LongAdder();
        final LongAdder noiseCompared = new LongAdder();
        final LongAdder noiseMismatches = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder drops = new LongAdder();
        final DoubleAdder distanceSum = new DoubleAdder();
        final LongAdder distanceCount = new LongAdder();

        ShadowReport.Counts snapshot() {
            long n = distanceCount.sum();
            return ShadowReport.Counts.of(compared.sum(), mismatches.sum(), noiseCompared.sum(), noiseMismatches.sum(),
                    errors.sum(), timeouts.sum(), drops.sum(), n == 0 ? null : distanceSum.sum() / n);
        }
    }

    /** What happened to one sampled call. */
    enum Kind { COMPARED, ERROR, TIMEOUT, DROP }

    private final String attributeName;
    private final int maxAttributeValues;
    private final TimeOfDayBuckets timeOfDay;
    private final long intervalMillis;
    private final int maxIntervals;

    final LongAdder offered = new LongAdder();
    final LongAdder sampled = new LongAdder();
    private final Counters total = new Counters();
    private final ConcurrentHashMap<String, Counters> bySegment = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counters> byAttribute = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counters> byTimeOfDay = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counters>> bySegmentAndTimeOfDay = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, ConcurrentHashMap<String, Counters>> overTime = new ConcurrentSkipListMap<>();

    ShadowStats(String attributeName, int maxAttributeValues, TimeOfDayBuckets timeOfDay, long intervalMillis, int maxIntervals) {
        this.attributeName = attributeName;
        this.maxAttributeValues = maxAttributeValues;
        this.timeOfDay = timeOfDay;
        this.intervalMillis = intervalMillis;
        this.maxIntervals = maxIntervals;
    }

    /**
     * Records one sampled call.
     *
     * @param comparison the candidate's comparison (for COMPARED), else null
     * @param noise the baseline's self-comparison, or null when noise was not measured
     */
    void record(RequestContext ctx, long nowMillis, Kind kind, ShadowComparison comparison, ShadowComparison noise) {
        String segment = ctx.segment().name();
        String tod = timeOfDay.bucketOf(nowMillis);
        apply(total, kind, comparison, noise);
        apply(bySegment.computeIfAbsent(segment, k -> new Counters()), kind, comparison, noise);
        apply(byTimeOfDay.computeIfAbsent(tod, k -> new Counters()), kind, comparison, noise);
        apply(bySegmentAndTimeOfDay.computeIfAbsent(segment, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(tod, k -> new Counters()), kind, comparison, noise);
        if (attributeName != null) {
            String value = ctx.attributes().get(attributeName);
            if (value == null) {
                value = NO_ATTRIBUTE;
            }
            Counters c = byAttribute.get(value);
            if (c == null) {
                c = byAttribute.size() >= maxAttributeValues
                        ? byAttribute.computeIfAbsent(OTHER_ATTRIBUTE, k -> new Counters())
                        : byAttribute.computeIfAbsent(value, k -> new Counters());
            }
            apply(c, kind, comparison, noise);
        }
        long start = Math.floorDiv(nowMillis, intervalMillis) * intervalMillis;
        ConcurrentHashMap<String, Counters> slot = overTime.get(start);
        if (slot == null) {
            slot = overTime.computeIfAbsent(start, k -> new ConcurrentHashMap<>());
            while (overTime.size() > maxIntervals) {
                overTime.pollFirstEntry();
            }
        }
        apply(slot.computeIfAbsent(segment, k -> new Counters()), kind, comparison, noise);
    }

    private static void apply(Counters c, Kind kind, ShadowComparison comparison, ShadowComparison noise) {
        switch (kind) {
            case COMPARED -> {
                c.compared.increment();
                if (!comparison.match()) {
                    c.mismatches.increment();
                }
                double d = comparison.distance();
                if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                    c.distanceSum.add(d);
                    c.distanceCount.increment();
                }
            }
            case ERROR -> c.errors.increment();
            case TIMEOUT -> c.timeouts.increment();
            case DROP -> c.drops.increment();
        }
        if (noise != null) {
            c.noiseCompared.increment();
            if (!noise.match()) {
                c.noiseMismatches.increment();
            }
        }
    }

    long totalDrops() {
        return total.drops.sum();
    }

    long totalErrors() {
        return total.errors.sum();
    }

    long totalTimeouts() {
        return total.timeouts.sum();
    }

    long totalCompared() {
        return total.compared.sum();
    }

    ShadowReport snapshot(String name, long generatedAtMillis) {
        Map<String, Map<String, ShadowReport.Counts>> cross = new TreeMap<>();
        bySegmentAndTimeOfDay.forEach((seg, m) -> cross.put(seg, snapshotAll(m)));
        Map<String, List<ShadowReport.Point>> series = new TreeMap<>();
        for (Map.Entry<Long, ConcurrentHashMap<String, Counters>> e : overTime.entrySet()) {
            for (Map.Entry<String, Counters> s : new TreeMap<>(e.getValue()).entrySet()) {
                series.computeIfAbsent(s.getKey(), k -> new ArrayList<>())
                        .add(new ShadowReport.Point(e.getKey(), s.getValue().snapshot()));
            }
        }
        List<ShadowReport.Series> overTimeSeries = new ArrayList<>();
        series.forEach((seg, points) -> overTimeSeries.add(new ShadowReport.Series(seg, points)));
        return new ShadowReport(name, generatedAtMillis, offered.sum(), sampled.sum(), total.snapshot(),
                snapshotAll(bySegment), attributeName, snapshotAll(byAttribute), timeOfDay.zone().getId(),
                snapshotAll(byTimeOfDay), cross, intervalMillis, overTimeSeries);
    }

    private static Map<String, ShadowReport.Counts> snapshotAll(Map<String, Counters> map) {
        Map<String, ShadowReport.Counts> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }
}
