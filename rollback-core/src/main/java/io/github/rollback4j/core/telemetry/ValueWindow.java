package io.github.rollback4j.core.telemetry;

import java.util.Objects;

/**
 * A sliding histogram of arbitrary finite doubles (prediction scores, a numeric input field), negative,
 * zero and positive: a ring of sub-windows keyed by wall-clock slot, {@code slot = floor(epochMillis /
 * subWindowMillis)}, each a histogram in the logarithmic layout of a {@link ValueBuckets}
 * ({@link ValueBuckets#standard()} by default: relative accuracy 2 % over magnitudes 1e-9..1e9 on each
 * side plus a zero bucket; smaller magnitudes count as zero, larger ones are clamped).
 * {@link #snapshot(long, int)} merges the last {@code k} sub-windows into an immutable
 * {@link ValueSnapshot}, an {@link io.github.rollback4j.telemetry.Distribution}. Time is always passed in
 * (epoch milliseconds from the caller's clock, real or virtual); the window never reads a clock.
 *
 * <p>Besides the values, each sub-window counts the NaN and infinite values it was given (ignored
 * otherwise) and the values reported missing with {@link #recordMissing(long)}, so that one window holds
 * the whole profile of a numeric field.
 *
 * <h2>Concurrency and limits</h2>
 * The same lap-stamped counter ring as {@link SlidingWindow} (see its "Concurrency design"), with one
 * counter per bucket plus the non-finite and missing counters: a writer in a new lap replaces a stale
 * word in the CAS that counts its value, and a query counts only words of the periods it asks for, so a
 * slot nobody wrote during its period reads as empty. {@link #record(long, double)} and
 * {@link #recordMissing(long)} are lock-free and allocation-free and never throw. A count saturates at
 * 2<sup>32</sup> − 1 per bucket and sub-window; the excess, and the values of a writer stalled for a
 * whole ring turn, are counted in {@link #droppedRecords()}.
 *
 * <h2>Memory</h2>
 * {@code 112 + 8 × (buckets + 2) × N} bytes, the layout being shared: with the standard layout (2,097
 * buckets), 503,872 bytes (492 KiB) with the default config (30 sub-windows of 10 s), 1,007,632 bytes
 * (984 KiB) with 60 sub-windows. That is per window, and a router keeps one per profiled field (and one
 * for the scores) per release and segment, so prefer few, long sub-windows for profiles (12 × 5 min:
 * 201,616 bytes) or a coarser layout ({@link ValueBuckets#of(double, double, double)}). See
 * {@link #estimatedFootprintBytes(SlidingWindowConfig, ValueBuckets)}.
 *
 * <p>Thread-safe.
 */
public final class ValueWindow {

    /** This object, the ring (one stripe) and its array header; rounded up. The layout is shared and not counted. */
    private static final long FIXED_OVERHEAD_BYTES = 112;

    private final SlidingWindowConfig config;
    private final ValueBuckets buckets;
    private final StampedCounterRing ring;
    private final int nonFiniteCounter;
    private final int missingCounter;

    private ValueWindow(SlidingWindowConfig config, ValueBuckets buckets) {
        this.config = Objects.requireNonNull(config, "ValueWindow.of(config, buckets) needs a SlidingWindowConfig, but was null");
        this.buckets = Objects.requireNonNull(buckets, "ValueWindow.of(config, buckets) needs a ValueBuckets, but was null");
        this.nonFiniteCounter = buckets.size();
        this.missingCounter = buckets.size() + 1;
        this.ring = new StampedCounterRing(config.subWindowMillis(), config.subWindowCount(), buckets.size() + 2);
    }

    /**
     * @param config the window's shape
     * @return a new, empty window with the {@link ValueBuckets#standard()} layout
     */
    public static ValueWindow of(SlidingWindowConfig config) {
        return new ValueWindow(config, ValueBuckets.standard());
    }

    /**
     * @param config  the window's shape
     * @param buckets the bucket layout
     * @return a new, empty window
     */
    public static ValueWindow of(SlidingWindowConfig config, ValueBuckets buckets) {
        return new ValueWindow(config, buckets);
    }

    /** @return a new, empty window with {@link SlidingWindowConfig#ofDefaults()} (30 × 10 s) and the standard layout */
    public static ValueWindow ofDefaults() {
        return new ValueWindow(SlidingWindowConfig.ofDefaults(), ValueBuckets.standard());
    }

    /** @return the window's shape */
    public SlidingWindowConfig config() {
        return config;
    }

    /** @return the bucket layout */
    public ValueBuckets buckets() {
        return buckets;
    }

    /**
     * Records one value in the sub-window of {@code nowEpochMillis}'s slot. The request-path method:
     * lock-free (the bucket mapping, two divisions, one CAS in the common case), allocation-free, never throws.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch, from the caller's clock
     * @param value          the value, in its own unit; a magnitude below the layout's minimum counts as
     *                       zero, one above its maximum is clamped; NaN and infinities are not part of the
     *                       histogram and are counted in {@link ValueSnapshot#nonFiniteCount()}
     */
    public void record(long nowEpochMillis, double value) {
        ring.add(nowEpochMillis, Double.isFinite(value) ? buckets.bucketOf(value) : nonFiniteCounter);
    }

    /**
     * Counts one missing value (a {@code null} field) in the sub-window of {@code nowEpochMillis}'s slot,
     * reported by {@link ValueSnapshot#missingCount()}. Lock-free, allocation-free, never throws.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch, from the caller's clock
     */
    public void recordMissing(long nowEpochMillis) {
        ring.add(nowEpochMillis, missingCounter);
    }

    /**
     * Merges the last {@code subWindows} sub-windows up to {@code nowEpochMillis}: the slot of
     * {@code nowEpochMillis} (still filling) and the {@code subWindows - 1} slots before it. A slot nobody
     * wrote during its period contributes nothing.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, 1..{@link SlidingWindowConfig#subWindowCount()}
     * @return a new immutable snapshot with exactly the counts of those sub-windows
     * @throws IllegalArgumentException if {@code subWindows} is out of range
     */
    public ValueSnapshot snapshot(long nowEpochMillis, int subWindows) {
        ring.requireSubWindows(subWindows, "ValueWindow.snapshot(now, subWindows)");
        long[] sums = ring.sums(nowEpochMillis, subWindows);
        long nonFinite = sums[nonFiniteCounter];
        long missing = sums[missingCounter];
        long[] counts = new long[buckets.size()];
        System.arraycopy(sums, 0, counts, 0, counts.length);
        return new ValueSnapshot(buckets, counts, nonFinite, missing);
    }

    /**
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @return {@code snapshot(nowEpochMillis, config().subWindowCount())}: every sub-window of the ring
     */
    public ValueSnapshot snapshot(long nowEpochMillis) {
        return snapshot(nowEpochMillis, config.subWindowCount());
    }

    /**
     * @return records not kept since creation: made with a time whose sub-window had already been reused
     *     for a later period, or beyond 2<sup>32</sup> − 1 in one bucket of one sub-window
     */
    public long droppedRecords() {
        return ring.dropped();
    }

    /** @return the heap this window occupies, in bytes; see {@link #estimatedFootprintBytes(SlidingWindowConfig, ValueBuckets)} */
    public long estimatedFootprintBytes() {
        return estimatedFootprintBytes(config, buckets);
    }

    /**
     * @param config a window's shape
     * @return the heap such a window with the standard layout occupies, in bytes (503,872 for the defaults)
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config) {
        return estimatedFootprintBytes(config, ValueBuckets.standard());
    }

    /**
     * @param config  a window's shape
     * @param buckets a layout
     * @return the heap such a window occupies, in bytes: {@code 112 + 8 × (buckets.size() + 2) × subWindowCount}
     *     (the layout itself is shared between windows and not counted)
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config, ValueBuckets buckets) {
        return FIXED_OVERHEAD_BYTES + 8L * (buckets.size() + 2) * config.subWindowCount();
    }

    @Override
    public String toString() {
        return "ValueWindow{" + config + ", " + buckets + "}";
    }
}
