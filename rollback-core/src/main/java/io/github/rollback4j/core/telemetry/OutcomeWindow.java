package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.Outcome;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sliding window of call outcomes: per sub-window, one counter per {@link Outcome}. Sub-windows are
 * keyed by wall-clock slot, {@code slot = floor(epochMillis / subWindowMillis)}, exactly as in
 * {@link SlidingWindow}; time is always passed in (epoch milliseconds from the caller's clock, real or
 * virtual) and the window never reads a clock.
 *
 * <h2>Concurrency and limits</h2>
 * The same lap-stamped counter ring as {@link SlidingWindow} (see its "Concurrency design"): each
 * counter word carries the lap it belongs to, a writer in a new lap replaces a stale word in the CAS
 * that counts its call, and a query counts only words of the periods it asks for, so a slot nobody
 * wrote during its period reads as zero. {@link #record(long, Outcome)} is lock-free, allocation-free
 * and never throws.
 * <ul>
 *   <li>A count holds at most 2<sup>32</sup> − 1 calls per outcome and sub-window: with the default
 *   10-second sub-windows that is 429 million calls per second of one outcome, in one release and one
 *   segment, sustained for the whole sub-window; with the longest (1 h) sub-windows, 1.19 million per
 *   second. Calls beyond are not counted in the window but in {@link #droppedRecords()}.</li>
 *   <li>A writer stalled for a whole ring turn after reading its clock, whose counter already belongs to
 *   a newer period, drops its call (counted in {@link #droppedRecords()}) rather than overwrite the
 *   newer count.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * {@code 104 + 8 × 5 × N} bytes: 1,304 bytes with the default config (30 sub-windows of 10 s), 2,504
 * bytes with 60 sub-windows. See {@link #estimatedFootprintBytes(SlidingWindowConfig)}.
 *
 * <p>Thread-safe.
 */
public final class OutcomeWindow {

    /** This object, the ring and its array header, the dropped counter; rounded up. */
    private static final long FIXED_OVERHEAD_BYTES = 104;
    private static final int OUTCOMES = Outcome.values().length;

    private final SlidingWindowConfig config;
    private final StampedCounterRing ring;
    private final AtomicLong nullOutcomes = new AtomicLong();

    private OutcomeWindow(SlidingWindowConfig config) {
        this.config = Objects.requireNonNull(config, "OutcomeWindow.of(config) needs a SlidingWindowConfig, but was null");
        this.ring = new StampedCounterRing(config.subWindowMillis(), config.subWindowCount(), OUTCOMES);
    }

    /**
     * @param config the window's shape
     * @return a new, empty window
     */
    public static OutcomeWindow of(SlidingWindowConfig config) {
        return new OutcomeWindow(config);
    }

    /** @return a new, empty window with {@link SlidingWindowConfig#ofDefaults()} (30 × 10 s) */
    public static OutcomeWindow ofDefaults() {
        return new OutcomeWindow(SlidingWindowConfig.ofDefaults());
    }

    /** @return the window's shape */
    public SlidingWindowConfig config() {
        return config;
    }

    /**
     * Counts one call with the given outcome in the sub-window of {@code nowEpochMillis}'s slot. The
     * request-path method: lock-free (one CAS in the common case), allocation-free, never throws.
     *
     * @param nowEpochMillis the time of the call, in milliseconds since the epoch, from the caller's clock
     * @param outcome        what became of the call; {@code null} is not counted in the window but in
     *                       {@link #droppedRecords()}
     */
    public void record(long nowEpochMillis, Outcome outcome) {
        if (outcome == null) {
            nullOutcomes.incrementAndGet();
            return;
        }
        ring.add(nowEpochMillis, outcome.ordinal());
    }

    /**
     * Counts per outcome over the last {@code subWindows} sub-windows up to {@code nowEpochMillis}: the
     * slot of {@code nowEpochMillis} (still filling) and the {@code subWindows - 1} slots before it.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, 1..{@link SlidingWindowConfig#subWindowCount()}
     * @return an unmodifiable map over a new {@link EnumMap} holding every outcome, in {@link Outcome}
     *     order, with 0 for outcomes not seen; later records do not change it
     * @throws IllegalArgumentException if {@code subWindows} is out of range
     */
    public Map<Outcome, Long> counts(long nowEpochMillis, int subWindows) {
        ring.requireSubWindows(subWindows, "OutcomeWindow.counts(now, subWindows)");
        long[] sums = ring.sums(nowEpochMillis, subWindows);
        EnumMap<Outcome, Long> result = new EnumMap<>(Outcome.class);
        for (int o = 0; o < OUTCOMES; o++) {
            result.put(Outcome.ofOrdinal(o), sums[o]);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @return {@code counts(nowEpochMillis, config().subWindowCount())}: every sub-window of the ring
     */
    public Map<Outcome, Long> counts(long nowEpochMillis) {
        return counts(nowEpochMillis, config.subWindowCount());
    }

    /**
     * The count of one outcome, without building a map.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, 1..{@link SlidingWindowConfig#subWindowCount()}
     * @param outcome        the outcome
     * @return the calls with that outcome in those sub-windows
     * @throws IllegalArgumentException if {@code subWindows} is out of range
     * @throws NullPointerException     if {@code outcome} is null
     */
    public long count(long nowEpochMillis, int subWindows, Outcome outcome) {
        Objects.requireNonNull(outcome, "OutcomeWindow.count(now, subWindows, outcome) needs an outcome, but was null");
        ring.requireSubWindows(subWindows, "OutcomeWindow.count(now, subWindows, outcome)");
        return ring.sum(nowEpochMillis, subWindows, outcome.ordinal());
    }

    /**
     * @return calls not counted since creation: recorded with a {@code null} outcome, with a time whose
     *     sub-window had already been reused for a later period, or beyond 2<sup>32</sup> − 1 for one
     *     outcome in one sub-window
     */
    public long droppedRecords() {
        return ring.dropped() + nullOutcomes.get();
    }

    /** @return the heap this window occupies, in bytes; see {@link #estimatedFootprintBytes(SlidingWindowConfig)} */
    public long estimatedFootprintBytes() {
        return estimatedFootprintBytes(config);
    }

    /**
     * @param config a window's shape
     * @return the heap such a window occupies, in bytes: {@code 104 + 8 × 5 × subWindowCount}
     *     (1,304 bytes for the defaults)
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config) {
        return FIXED_OVERHEAD_BYTES + 8L * OUTCOMES * config.subWindowCount();
    }

    @Override
    public String toString() {
        return "OutcomeWindow{" + config + "}";
    }
}
