package io.github.rollback4j.core.telemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lap-stamped counter ring every window of this package is built on: a ring of {@code N}
 * sub-windows keyed by wall-clock slot ({@code slot = floor(epochMillis / subWindowMillis)}), each with
 * {@code C} counters. Time is always passed in; the ring never reads a clock.
 *
 * <h2>Concurrency design</h2>
 * <ul>
 *   <li><b>Layout.</b> One {@code long[]} of {@code N × C} words, accessed through a {@link VarHandle}
 *   with volatile semantics. Slot {@code s} lives at ring position {@code s mod N}; its <i>lap</i> is
 *   {@code floor(s / N)}. Counter {@code c} of slot {@code s} is word {@code (s mod N) × C + c}, which
 *   packs {@code (stamp << 32) | count}: the low 32 bits of the lap the count belongs to, and the count
 *   in that lap.</li>
 *   <li><b>Clearing before reuse, per word, in the same CAS.</b> A writer at slot {@code s} reads the
 *   word; if its stamp is {@code s}'s lap it CASes {@code count + delta}; if the stamp is of an older lap
 *   (the ring has wrapped since) it CASes the whole word to {@code (lap, delta)}, discarding the stale
 *   count in the same atomic step. There is no separate "clear the sub-window" phase, so a writer can
 *   never add to a count that belongs to another period, and no sub-window is ever half-cleared.</li>
 *   <li><b>Stale slots read as empty.</b> A read of slot {@code s} only counts words stamped with
 *   {@code s}'s lap; a counter not written during {@code s}'s period carries an older stamp and reads as
 *   zero.</li>
 *   <li><b>Late writers.</b> A writer whose word already carries a newer lap (it read the clock, then
 *   stalled for a whole ring turn) drops its delta rather than overwrite the newer count;
 *   {@link #dropped()} counts it. Nothing is lost in any other case while its slot is in the ring.</li>
 *   <li><b>Progress.</b> {@link #add(long, int)} is lock-free and allocation-free: a CAS fails only
 *   because another writer changed the same word, which is progress for that writer. Two divisions and
 *   one CAS in the common case.</li>
 *   <li><b>Readers</b> take no locks; each word is read atomically, so an add racing with a read is
 *   either in it or not.</li>
 *   <li><b>Limits.</b> A count saturates at {@link #MAX_COUNT} (2<sup>32</sup> − 1) per counter and
 *   sub-window; the excess is counted in {@link #dropped()}. Stamps are compared in 32-bit serial
 *   arithmetic, and a stamp more than 2<sup>20</sup> laps ahead is treated as older: a writer would have
 *   to stall for at least 2<sup>20</sup> laps (29 hours at the smallest ring, 100 ms × 1) to be
 *   misjudged, and a counter would have to stay untouched for 2<sup>32</sup> laps (13.6 years at the
 *   smallest ring) for its stamp to alias.</li>
 * </ul>
 *
 * <p>Memory: {@code 8 × N × C} bytes of words plus {@value #FIXED_OVERHEAD_BYTES} bytes of headers
 * (this object and the array's header).
 *
 * <p>Thread-safe.
 */
final class StampedCounterRing {

    /** Largest count one counter holds in one sub-window: 2<sup>32</sup> − 1. */
    static final long MAX_COUNT = 0xFFFF_FFFFL;

    /** This object (header, 2 longs, 2 ints, 1 reference) and the array's header, rounded up. */
    static final long FIXED_OVERHEAD_BYTES = 56;

    private static final int LATE_HORIZON_LAPS = 1 << 20;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle DROPPED;

    static {
        try {
            DROPPED = MethodHandles.lookup().findVarHandle(StampedCounterRing.class, "dropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long subWindowMillis;
    private final int subWindowCount;
    private final int counters;
    private final long[] words;
    @SuppressWarnings("unused") // accessed through DROPPED
    private volatile long dropped;

    /**
     * @param subWindowMillis      the period of one sub-window in milliseconds, at least 1
     * @param subWindowCount       how many sub-windows the ring keeps, at least 1
     * @param countersPerSubWindow how many counters each sub-window has, at least 1
     * @throws IllegalArgumentException if a value is out of range or the ring exceeds 2<sup>31</sup> − 1 words
     */
    StampedCounterRing(long subWindowMillis, int subWindowCount, int countersPerSubWindow) {
        if (subWindowMillis < 1 || subWindowCount < 1 || countersPerSubWindow < 1
                || (long) subWindowCount * countersPerSubWindow > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("StampedCounterRing needs subWindowMillis >= 1, subWindowCount >= 1 and"
                    + " countersPerSubWindow >= 1 with fewer than 2^31 words, but was " + subWindowMillis + " ms × "
                    + subWindowCount + " × " + countersPerSubWindow);
        }
        this.subWindowMillis = subWindowMillis;
        this.subWindowCount = subWindowCount;
        this.counters = countersPerSubWindow;
        this.words = new long[subWindowCount * countersPerSubWindow];
    }

    /** @return the period of one sub-window, in milliseconds */
    long subWindowMillis() {
        return subWindowMillis;
    }

    /** @return how many sub-windows the ring keeps */
    int subWindowCount() {
        return subWindowCount;
    }

    /** @return how many counters each sub-window has */
    int countersPerSubWindow() {
        return counters;
    }

    /**
     * Adds one to a counter of the sub-window of {@code nowEpochMillis}'s slot. Lock-free,
     * allocation-free, never throws for a counter in range.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch
     * @param counter        the counter, {@code 0 <= counter < countersPerSubWindow}
     */
    void add(long nowEpochMillis, int counter) {
        // The request-path case of add(now, counter, 1), kept apart so that it stays as short as possible.
        assert counter >= 0 && counter < counters : "counter " + counter + " out of 0.." + (counters - 1);
        long slot = Math.floorDiv(nowEpochMillis, subWindowMillis);
        long lap = Math.floorDiv(slot, subWindowCount);
        int stamp = (int) lap;
        int i = (int) (slot - lap * subWindowCount) * counters + counter;
        for (;;) {
            long word = (long) WORDS.getVolatile(words, i);
            long next;
            if ((int) (word >>> 32) == stamp) {
                if ((word & MAX_COUNT) == MAX_COUNT) {
                    DROPPED.getAndAdd(this, 1L);
                    return;
                }
                next = word + 1;
            } else if ((word & MAX_COUNT) != 0 && isNewer((int) (word >>> 32), stamp)) {
                DROPPED.getAndAdd(this, 1L);
                return;
            } else {
                next = ((long) stamp << 32) | 1L;
            }
            if (WORDS.compareAndSet(words, i, word, next)) {
                return;
            }
        }
    }

    /**
     * Adds {@code delta} to a counter of the sub-window of {@code nowEpochMillis}'s slot. Lock-free,
     * allocation-free, never throws for a counter in range. What does not fit below {@link #MAX_COUNT}
     * is counted in {@link #dropped()}, and so is the whole delta of a late writer.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch
     * @param counter        the counter, {@code 0 <= counter < countersPerSubWindow}
     * @param delta          how much to add, at least 0 (0 changes nothing)
     */
    void add(long nowEpochMillis, int counter, long delta) {
        assert counter >= 0 && counter < counters : "counter " + counter + " out of 0.." + (counters - 1);
        if (delta <= 0) {
            return;
        }
        long slot = Math.floorDiv(nowEpochMillis, subWindowMillis);
        long lap = Math.floorDiv(slot, subWindowCount);
        int position = (int) (slot - lap * subWindowCount);
        int stamp = (int) lap;
        int i = position * counters + counter;
        for (;;) {
            long word = (long) WORDS.getVolatile(words, i);
            long count = word & MAX_COUNT;
            int wordStamp = (int) (word >>> 32);
            long kept;
            long next;
            if (wordStamp == stamp) {
                if (count == MAX_COUNT) {
                    DROPPED.getAndAdd(this, delta);
                    return;
                }
                kept = Math.min(delta, MAX_COUNT - count);
                next = word + kept;
            } else if (count != 0 && isNewer(wordStamp, stamp)) {
                DROPPED.getAndAdd(this, delta);
                return;
            } else {
                kept = Math.min(delta, MAX_COUNT);
                next = ((long) stamp << 32) | kept;
            }
            if (WORDS.compareAndSet(words, i, word, next)) {
                if (kept != delta) {
                    DROPPED.getAndAdd(this, delta - kept);
                }
                return;
            }
        }
    }

    /**
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows: the slot of {@code nowEpochMillis} and the
     *                       {@code subWindows - 1} before it, 1..{@link #subWindowCount()}
     * @param counter        the counter, {@code 0 <= counter < countersPerSubWindow}
     * @return the sum of that counter over those sub-windows, counting only words of their own periods
     */
    long sum(long nowEpochMillis, int subWindows, int counter) {
        assert subWindows >= 1 && subWindows <= subWindowCount;
        long lastSlot = Math.floorDiv(nowEpochMillis, subWindowMillis);
        long total = 0;
        for (long slot = lastSlot - subWindows + 1; slot <= lastSlot; slot++) {
            long lap = Math.floorDiv(slot, subWindowCount);
            int stamp = (int) lap;
            long word = (long) WORDS.getVolatile(words, (int) (slot - lap * subWindowCount) * counters + counter);
            if ((int) (word >>> 32) == stamp) {
                total += word & MAX_COUNT;
            }
        }
        return total;
    }

    /**
     * Adds, counter by counter, the sums over the last {@code subWindows} sub-windows to {@code into}.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, as for {@link #sum(long, int, int)}
     * @param into           at least {@code countersPerSubWindow} long; element {@code c} gets counter {@code c}'s sum
     */
    void sumInto(long nowEpochMillis, int subWindows, long[] into) {
        assert subWindows >= 1 && subWindows <= subWindowCount && into.length >= counters;
        long lastSlot = Math.floorDiv(nowEpochMillis, subWindowMillis);
        for (long slot = lastSlot - subWindows + 1; slot <= lastSlot; slot++) {
            long lap = Math.floorDiv(slot, subWindowCount);
            int stamp = (int) lap;
            int base = (int) (slot - lap * subWindowCount) * counters;
            for (int c = 0; c < counters; c++) {
                long word = (long) WORDS.getVolatile(words, base + c);
                long count = word & MAX_COUNT;
                if (count != 0 && (int) (word >>> 32) == stamp) {
                    into[c] += count;
                }
            }
        }
    }

    /**
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, as for {@link #sum(long, int, int)}
     * @return a new array of {@code countersPerSubWindow} sums
     */
    long[] sums(long nowEpochMillis, int subWindows) {
        long[] result = new long[counters];
        sumInto(nowEpochMillis, subWindows, result);
        return result;
    }

    /**
     * @return deltas not kept since creation: added by a writer whose sub-window had already been
     *     reused for a later period, or beyond {@link #MAX_COUNT} in one counter of one sub-window
     */
    long dropped() {
        return (long) DROPPED.getVolatile(this);
    }

    /**
     * Checks the {@code subWindows} argument of a window query.
     *
     * @param subWindows the argument
     * @param method     how the query is named in the message, e.g. {@code "SlidingWindow.snapshot(now, subWindows)"}
     * @throws IllegalArgumentException naming the method, the range and the value
     */
    void requireSubWindows(int subWindows, String method) {
        if (subWindows < 1 || subWindows > subWindowCount) {
            throw new IllegalArgumentException(method + " needs subWindows between 1 and " + subWindowCount
                    + " (SlidingWindowConfig.subWindowCount), but was " + subWindows);
        }
    }

    /** @return the heap this ring occupies, in bytes */
    long estimatedFootprintBytes() {
        return estimatedFootprintBytes(subWindowCount, counters);
    }

    /**
     * @param subWindowCount       sub-windows
     * @param countersPerSubWindow counters per sub-window
     * @return the heap such a ring occupies, in bytes: {@code 56 + 8 × N × C}
     */
    static long estimatedFootprintBytes(int subWindowCount, int countersPerSubWindow) {
        return FIXED_OVERHEAD_BYTES + 8L * subWindowCount * countersPerSubWindow;
    }

    private static boolean isNewer(int wordStamp, int stamp) {
        int ahead = wordStamp - stamp;
        return ahead > 0 && ahead <= LATE_HORIZON_LAPS;
    }

    @Override
    public String toString() {
        return "StampedCounterRing{" + subWindowCount + " × " + subWindowMillis + " ms × " + counters + " counters}";
    }
}
