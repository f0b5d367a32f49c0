package io.github.rollback4j.core.telemetry;

import java.util.Objects;

/**
 * A sliding window of latencies: a ring of {@code N} sub-windows keyed by wall-clock slot, where
 * {@code slot = floor(epochMillis / subWindowMillis)}. A record goes to the sub-window of its time's
 * slot; {@link #snapshot(long, int)} merges the last {@code k} slots up to a given time into a
 * {@link LatencyEstimator} of the default kind. Time is always passed in (epoch milliseconds from the
 * caller's clock, real or virtual); the window never reads a clock itself.
 *
 * <h2>Concurrency design</h2>
 * The lap-stamped counter ring shared by every window of this package (the package-private
 * {@code StampedCounterRing}), with one counter per latency bucket:
 * <ul>
 *   <li><b>Layout.</b> One {@code long[]} of {@code N × B} words, accessed atomically through a
 *   {@code VarHandle}, where {@code B} is the number
 *   of latency buckets ({@link LatencyBuckets}, the default estimator's layout, 1,293 buckets). Slot
 *   {@code s} lives at ring position {@code s mod N}; its <i>lap</i> is {@code floor(s / N)}. Each word
 *   packs {@code (stamp << 32) | count}: the low 32 bits of the lap that the count belongs to, and the
 *   count of one bucket in that lap.</li>
 *   <li><b>Clearing before reuse, per word, in the same CAS.</b> A writer at slot {@code s} reads the
 *   word; if its stamp is {@code s}'s lap it CASes {@code count + 1}; if the stamp is of an older lap
 *   (the ring has wrapped since) it CASes the whole word to {@code (lap, 1)}, discarding the stale
 *   count in the same atomic step. There is no separate "clear the sub-window" phase, so there is no
 *   moment at which a writer could add to a count that belongs to another period, and no sub-window
 *   is ever half-cleared.</li>
 *   <li><b>Stale slots read as empty.</b> A query for slot {@code s} only counts words stamped with
 *   {@code s}'s lap. A bucket not written during {@code s}'s period still carries an older stamp and
 *   reads as zero, so a slot nobody wrote in its period is empty even though nobody cleared it.</li>
 *   <li><b>Late writers.</b> A writer whose clock reading is so old that its word already carries a
 *   newer lap (the writer was descheduled for a whole ring turn) drops its sample rather than
 *   overwrite the newer count; {@link #droppedSamples()} counts such samples. A sample is never lost
 *   in any other case while its slot is inside the ring.</li>
 *   <li><b>Stripes.</b> With a fast model every call of a release lands in the same bucket word, so
 *   the ring is striped for the request path: up to {@value #MAX_STRIPES} stripes (bounded by the
 *   processors, see {@link #maxStripes()}), the second created only when two threads collide on a word.
 *   A snapshot adds the stripes. See {@code StampedCounterRing}.</li>
 *   <li><b>Progress.</b> {@link #record(long, long)} is lock-free and allocation-free (apart from the
 *   one-off creation of a stripe on the first collision): a CAS fails only because another writer changed
 *   the same word, which is progress for that writer. In the common case it performs the bucket mapping,
 *   a check against the cached current slot (no division) and one CAS.</li>
 *   <li><b>Readers</b> take no locks; each word is read atomically, so a record racing with a snapshot
 *   is either in it or not. Words are read with volatile semantics.</li>
 *   <li><b>Limits.</b> A count saturates at 2<sup>32</sup> − 1 per bucket and sub-window (more is
 *   dropped and counted in {@link #droppedSamples()}). Stamps are compared in 32-bit serial arithmetic,
 *   and a newer stamp more than 2<sup>20</sup> laps ahead is treated as older: a writer would have to
 *   stall for at least 2<sup>20</sup> laps (29 hours at the smallest configuration) to be misjudged, and
 *   a bucket would have to stay untouched for 2<sup>32</sup> laps (13.6 years at the smallest
 *   configuration) for its stamp to alias.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * {@code 8 × N × 1,293} bytes per stripe plus 104 bytes of headers: 310,424 bytes (303 KiB) per stripe
 * with the default config (30 sub-windows of 10 s). A window starts with one stripe; on a machine with
 * two or more processors it creates its second stripe when request threads first collide on a word, and
 * then takes {@code 2 × 8 × N × 1,293 + 144} bytes (620,784 bytes with the defaults). See
 * {@link #estimatedFootprintBytes(SlidingWindowConfig)} and {@link #maxFootprintBytes(SlidingWindowConfig)}.
 *
 * <p>Thread-safe.
 */
public final class SlidingWindow {

    /**
     * The most stripes a latency window creates. Two, not one per core: a stripe of the default router
     * window is 606 KiB, and with real model latencies calls spread over many bucket words, so a second
     * stripe already takes the hottest word off the shared cache line.
     */
    static final int MAX_STRIPES = 2;

    /** This object's header and fields, rounded up; the ring's own headers are counted by the ring. */
    private static final long OBJECT_BYTES = 24;

    private final SlidingWindowConfig config;
    private final StampedCounterRing ring;

    private SlidingWindow(SlidingWindowConfig config, int maxStripes) {
        this.config = Objects.requireNonNull(config, "SlidingWindow.of(config) needs a SlidingWindowConfig, but was null");
        this.ring = new StampedCounterRing(config.subWindowMillis(), config.subWindowCount(), LatencyBuckets.COUNT, maxStripes);
    }

    /**
     * @param config the window's shape
     * @return a new, empty window
     */
    public static SlidingWindow of(SlidingWindowConfig config) {
        return new SlidingWindow(config, StampedCounterRing.stripesFor(MAX_STRIPES));
    }

    /** A window with a given stripe bound (a power of two), whatever the machine: for tests. */
    static SlidingWindow of(SlidingWindowConfig config, int maxStripes) {
        return new SlidingWindow(config, maxStripes);
    }

    /** @return a new, empty window with {@link SlidingWindowConfig#ofDefaults()} */
    public static SlidingWindow ofDefaults() {
        return of(SlidingWindowConfig.ofDefaults());
    }

    /** @return the window's shape */
    public SlidingWindowConfig config() {
        return config;
    }

    /**
     * Records one latency in the sub-window of {@code nowEpochMillis}'s slot. The request-path method:
     * lock-free, allocation-free, never throws.
     *
     * @param nowEpochMillis the time of the call, in milliseconds since the epoch, from the caller's clock
     * @param latencyNanos   the latency in nanoseconds; clamped to
     *     [{@link LatencyEstimator#MIN_TRACKABLE_NANOS}, {@link LatencyEstimator#MAX_TRACKABLE_NANOS}]
     */
    public void record(long nowEpochMillis, long latencyNanos) {
        ring.increment(ring.slotToken(nowEpochMillis), LatencyBuckets.bucketOf(latencyNanos));
    }

    /** {@link #record(long, long)} at a slot token of {@link #ring()} (or of a ring of the same shape). */
    void recordAt(long slotToken, long latencyNanos) {
        ring.increment(slotToken, LatencyBuckets.bucketOf(latencyNanos));
    }

    StampedCounterRing ring() {
        return ring;
    }

    /**
     * @return the most stripes this window creates: {@value #MAX_STRIPES} on a machine of two or more
     *     processors, 1 on one processor
     */
    public int maxStripes() {
        return ring.maxStripes();
    }

    /** @return the stripes created so far (see "Stripes" in the class comment) */
    public int stripes() {
        return ring.stripes();
    }

    /**
     * Merges the last {@code subWindows} sub-windows up to {@code nowEpochMillis}: the slot of
     * {@code nowEpochMillis} (still filling) and the {@code subWindows - 1} slots before it. A slot
     * nobody wrote during its period contributes nothing. The result is a new estimator owned by the
     * caller; later records do not change it.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows to merge, 1..{@link SlidingWindowConfig#subWindowCount()}
     * @return a new {@link LatencyEstimator.Kind#DDSKETCH} estimator holding exactly the counts of those
     *     sub-windows
     * @throws IllegalArgumentException if {@code subWindows} is out of range
     */
    public LatencyEstimator snapshot(long nowEpochMillis, int subWindows) {
        ring.requireSubWindows(subWindows, "SlidingWindow.snapshot(now, subWindows)");
        long[] counts = ring.sums(nowEpochMillis, subWindows);
        DDSketchLatencyEstimator result = new DDSketchLatencyEstimator();
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            if (counts[b] != 0) {
                result.addToBucket(b, counts[b]);
            }
        }
        return result;
    }

    /**
     * Merges every sub-window of the ring up to {@code nowEpochMillis}.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @return {@code snapshot(nowEpochMillis, config().subWindowCount())}
     */
    public LatencyEstimator snapshot(long nowEpochMillis) {
        return snapshot(nowEpochMillis, config.subWindowCount());
    }

    /**
     * @return samples not kept since creation: recorded with a time whose sub-window had already been
     *     reused for a later period, or beyond 2<sup>32</sup> − 1 in one bucket of one sub-window
     */
    public long droppedSamples() {
        return ring.dropped();
    }

    /** @return the heap this window occupies now, with the stripes created so far, in bytes */
    public long estimatedFootprintBytes() {
        return OBJECT_BYTES + ring.estimatedFootprintBytes();
    }

    /**
     * @param config a window's shape
     * @return the heap a new window of that shape occupies on this JVM, in bytes: 8 bytes per bucket per
     *     sub-window plus headers (310,424 bytes for the defaults, plus the 24-byte stripe table on a
     *     machine of two or more processors)
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config) {
        int stripes = StampedCounterRing.stripesFor(MAX_STRIPES);
        return OBJECT_BYTES + StampedCounterRing.footprintBytes(config.subWindowCount(), LatencyBuckets.COUNT, stripes, 1);
    }

    /**
     * @param config a window's shape
     * @return the most heap a window of that shape occupies on this JVM, once every stripe exists, in
     *     bytes (620,784 bytes for the defaults on a machine of two or more processors)
     */
    public static long maxFootprintBytes(SlidingWindowConfig config) {
        int stripes = StampedCounterRing.stripesFor(MAX_STRIPES);
        return OBJECT_BYTES + StampedCounterRing.maxFootprintBytes(config.subWindowCount(), LatencyBuckets.COUNT, stripes);
    }

    @Override
    public String toString() {
        return "SlidingWindow{" + config + "}";
    }
}
