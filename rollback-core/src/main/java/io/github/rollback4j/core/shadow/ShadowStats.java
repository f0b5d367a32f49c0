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
    /** The over-time interval last recorded into ({@code null} before the first record); replaced, never mutated. */
    private volatile Interval lastInterval;

    /** One over-time interval: its start (epoch millis) and its counters per segment. */
    private static final class Interval {
        final long start;
        final ConcurrentHashMap<String, Counters> counters;

        Interval(long start, ConcurrentHashMap<String, Counters> counters) {
            this.start = start;
            this.counters = counters;
        }
    }

    /** Example mismatches kept per segment, and their holders. */
    private final int examplesPerSegment;
    private final ConcurrentHashMap<String, Examples> examples = new ConcurrentHashMap<>();

    ShadowStats(String attributeName, int maxAttributeValues, TimeOfDayBuckets timeOfDay, long intervalMillis, int maxIntervals,
                int examplesPerSegment) {
        this.examplesPerSegment = examplesPerSegment;
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
        // The interval of the last record, so that a call in the same interval (nearly every one) does not box its
        // start to look the map up: a dropped shadow call is recorded on the request thread, which must not allocate.
        Interval current = lastInterval;
        ConcurrentHashMap<String, Counters> slot;
        if (current != null && current.start == start) {
            slot = current.counters;
        } else {
            slot = overTime.get(start);
            if (slot == null) {
                slot = overTime.computeIfAbsent(start, k -> new ConcurrentHashMap<>());
                while (overTime.size() > maxIntervals) {
                    Map.Entry<Long, ConcurrentHashMap<String, Counters>> evicted = overTime.pollFirstEntry();
                    Interval cached = lastInterval;
                    if (evicted != null && cached != null && cached.counters == evicted.getValue()) {
                        lastInterval = null; // an interval older than every kept one: not cached any longer
                    }
                }
            }
            lastInterval = new Interval(start, slot);
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

    /**
     * The kept mismatches of one segment: the {@code capacity} with the largest distance (a NaN distance ranks
     * below every number, so without distances the first ones stay). Only mismatches touch it, off the request path.
     */
    private static final class Examples {
        private final int capacity;
        private final List<ShadowReport.Example> kept = new ArrayList<>();
        /** The smallest distance kept once full (NaN ranks lowest); read without the lock to skip most mismatches. */
        private volatile double floor = Double.NEGATIVE_INFINITY;
        private volatile boolean full;

        Examples(int capacity) {
            this.capacity = capacity;
        }

        boolean wants(double distance) {
            return !full || rank(distance) > floor;
        }

        synchronized void add(ShadowReport.Example example, double distance) {
            if (kept.size() < capacity) {
                kept.add(example);
            } else {
                int lowest = lowest();
                if (rank(distance) <= rank(distanceOf(kept.get(lowest)))) {
                    return;
                }
                kept.set(lowest, example);
            }
            if (kept.size() == capacity) {
                full = true;
                floor = rank(distanceOf(kept.get(lowest())));
            }
        }

        synchronized List<ShadowReport.Example> snapshot() {
            List<ShadowReport.Example> out = new ArrayList<>(kept);
            out.sort(java.util.Comparator.comparingDouble((ShadowReport.Example e) -> rank(distanceOf(e))).reversed()
                    .thenComparingLong(ShadowReport.Example::atMillis));
            return out;
        }

        private int lowest() {
            int lowest = 0;
            for (int i = 1; i < kept.size(); i++) {
                if (rank(distanceOf(kept.get(i))) < rank(distanceOf(kept.get(lowest)))) {
                    lowest = i;
                }
            }
            return lowest;
        }

        private static double distanceOf(ShadowReport.Example e) {
            return e.distance() == null ? Double.NaN : e.distance();
        }

        private static double rank(double distance) {
            return Double.isNaN(distance) ? Double.NEGATIVE_INFINITY : distance;
        }
    }

    /**
     * @param ctx the call's context
     * @param distance the comparator's distance (NaN: none)
     * @return whether a mismatch with that distance would be kept as an example of its segment
     */
    boolean wantsExample(RequestContext ctx, double distance) {
        if (examplesPerSegment == 0) {
            return false;
        }
        Examples e = examples.get(ctx.segment().name());
        return e == null || e.wants(distance);
    }

    void example(RequestContext ctx, long nowMillis, String input, String primary, String candidate, double distance) {
        String segment = ctx.segment().name();
        String attribute = attributeName == null ? null : ctx.attributes().get(attributeName);
        ShadowReport.Example example = new ShadowReport.Example(nowMillis, segment, attribute, timeOfDay.bucketOf(nowMillis), input,
                primary, candidate, Double.isNaN(distance) || Double.isInfinite(distance) ? null : distance);
        examples.computeIfAbsent(segment, k -> new Examples(examplesPerSegment)).add(example, distance);
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
        List<ShadowReport.Example> kept = new ArrayList<>();
        new TreeMap<>(examples).forEach((segment, e) -> kept.addAll(e.snapshot()));
        return new ShadowReport(name, generatedAtMillis, offered.sum(), sampled.sum(), total.snapshot(),
                snapshotAll(bySegment), attributeName, snapshotAll(byAttribute), timeOfDay.zone().getId(),
                snapshotAll(byTimeOfDay), cross, intervalMillis, overTimeSeries, kept);
    }

    private static Map<String, ShadowReport.Counts> snapshotAll(Map<String, Counters> map) {
        Map<String, ShadowReport.Counts> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }
}
