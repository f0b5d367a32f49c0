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
 * (apart from the one-off creation of a stripe, below) and never throws.
 * <ul>
 *   <li>A count holds at most 2<sup>32</sup> − 1 calls per outcome and sub-window: with the default
 *   10-second sub-windows that is 429 million calls per second of one outcome, in one release and one
 *   segment, sustained for the whole sub-window; with the longest (1 h) sub-windows, 1.19 million per
 *   second. Calls beyond are not counted in the window but in {@link #droppedRecords()}.</li>
 *   <li>A writer stalled for a whole ring turn after reading its clock, whose counter already belongs to
 *   a newer period, drops its call (counted in {@link #droppedRecords()}) rather than overwrite the
 *   newer count.</li>
 *   <li>Every call of a healthy release counts in the same word ({@code SUCCESS} of the current
 *   sub-window), so the ring is striped: up to {@value #MAX_STRIPES} stripes, bounded by the processors
 *   (see {@link #maxStripes()}), each created when request threads first collide on a word; counts add
 *   the stripes.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * {@code 128 + 8 × 5 × N} bytes per window of one stripe: 1,328 bytes with the default config (30
 * sub-windows of 10 s), 2,528 bytes with 60 sub-windows; each further stripe adds {@code 16 + 8 × 5 × N}
 * bytes, and a striped window a stripe table of {@code 16 + 4 × maxStripes} bytes (rounded up to 8).
 * See {@link #estimatedFootprintBytes(SlidingWindowConfig)} and {@link #maxFootprintBytes(SlidingWindowConfig)}.
 *
 * <p>Thread-safe.
 */
public final class OutcomeWindow {

    /** The most stripes an outcome window creates: its words are few (5 per sub-window), so one per core up to 8. */
    static final int MAX_STRIPES = 8;
    /** This object and its null-outcome counter, rounded up; the ring's own headers are counted by the ring. */
    private static final long OBJECT_BYTES = 48;
    private static final int OUTCOMES = Outcome.values().length;

    private final SlidingWindowConfig config;
    private final StampedCounterRing ring;
    private final AtomicLong nullOutcomes = new AtomicLong();

    private OutcomeWindow(SlidingWindowConfig config, int maxStripes) {
        this.config = Objects.requireNonNull(config, "OutcomeWindow.of(config) needs a SlidingWindowConfig, but was null");
        this.ring = new StampedCounterRing(config.subWindowMillis(), config.subWindowCount(), OUTCOMES, maxStripes);
    }

    /**
     * @param config the window's shape
     * @return a new, empty window
     */
    public static OutcomeWindow of(SlidingWindowConfig config) {
        return new OutcomeWindow(config, StampedCounterRing.stripesFor(MAX_STRIPES));
    }

    /** A window with a given stripe bound (a power of two), whatever the machine: for tests. */
    static OutcomeWindow of(SlidingWindowConfig config, int maxStripes) {
        return new OutcomeWindow(config, maxStripes);
    }

    /** @return a new, empty window with {@link SlidingWindowConfig#ofDefaults()} (30 × 10 s) */
    public static OutcomeWindow ofDefaults() {
        return of(SlidingWindowConfig.ofDefaults());
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
        ring.increment(ring.slotToken(nowEpochMillis), outcome.ordinal());
    }

    /** {@link #record(long, Outcome)} at a slot token of a ring of the same shape. */
    void recordAt(long slotToken, Outcome outcome) {
        if (outcome == null) {
            nullOutcomes.incrementAndGet();
            return;
        }
        ring.increment(slotToken, outcome.ordinal());
    }

    StampedCounterRing ring() {
        return ring;
    }

    /** @return the most stripes this window creates: the processors rounded up to a power of two, at most {@value #MAX_STRIPES} */
    public int maxStripes() {
        return ring.maxStripes();
    }

    /** @return the stripes created so far */
    public int stripes() {
        return ring.stripes();
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

    /** @return the heap this window occupies now, with the stripes created so far, in bytes */
    public long estimatedFootprintBytes() {
        return OBJECT_BYTES + ring.estimatedFootprintBytes();
    }

    /**
     * @param config a window's shape
     * @return the heap a new window of that shape occupies on this JVM, in bytes:
     *     {@code 128 + 8 × 5 × subWindowCount} (1,328 bytes for the defaults), plus the stripe table on a
     *     machine of two or more processors
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config) {
        int stripes = StampedCounterRing.stripesFor(MAX_STRIPES);
        return OBJECT_BYTES + StampedCounterRing.footprintBytes(config.subWindowCount(), OUTCOMES, stripes, 1);
    }

    /**
     * @param config a window's shape
     * @return the most heap a window of that shape occupies on this JVM, once every stripe exists, in bytes
     */
    public static long maxFootprintBytes(SlidingWindowConfig config) {
        int stripes = StampedCounterRing.stripesFor(MAX_STRIPES);
        return OBJECT_BYTES + StampedCounterRing.maxFootprintBytes(config.subWindowCount(), OUTCOMES, stripes);
    }

    @Override
    public String toString() {
        return "OutcomeWindow{" + config + "}";
    }
}
