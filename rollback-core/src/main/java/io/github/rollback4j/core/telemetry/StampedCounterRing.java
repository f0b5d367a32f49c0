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
 *   <li><b>Layout.</b> A stripe is one {@code long[]} of {@code N × C} words, accessed through a
 *   {@link VarHandle} with volatile semantics. Slot {@code s} lives at ring position {@code s mod N}; its
 *   <i>lap</i> is {@code floor(s / N)}. Counter {@code c} of slot {@code s} is word
 *   {@code (s mod N) × C + c}, which packs {@code (stamp << 32) | count}: the low 32 bits of the lap the
 *   count belongs to, and the count in that lap.</li>
 *   <li><b>Stripes.</b> A ring has one stripe, or up to {@code maxStripes} (a power of two) when it is
 *   built for the request path. Stripe 0 exists from the start; a thread writes stripe
 *   {@code threadId mod maxStripes} once that stripe exists, and stripe 0 until then. Stripe {@code k}
 *   is created (once, installed with a CAS) the first time a thread whose home is {@code k} loses a
 *   CAS on stripe 0, i.e. only when two threads really collide on a word, as {@code LongAdder} grows
 *   its cells. So threads on different cores stop sharing the cache line of the hottest word (with a
 *   fast model, every call of a release hits the same latency bucket and the same outcome counter),
 *   and a ring that is never contended never pays for more than one stripe. Every stripe is a complete
 *   ring of its own with its own stamps; a query adds the stripes' sums, each counted by the rules
 *   below, so striping changes where an add lands and nothing about what a query returns.</li>
 *   <li><b>Clearing before reuse, per word, in the same CAS.</b> A writer at slot {@code s} reads the
 *   word; if its stamp is {@code s}'s lap it CASes {@code count + delta}; if the stamp is of an older lap
 *   (the ring has wrapped since) it CASes the whole word to {@code (lap, delta)}, discarding the stale
 *   count in the same atomic step. There is no separate "clear the sub-window" phase, so a writer can
 *   never add to a count that belongs to another period, and no sub-window is ever half-cleared.</li>
 *   <li><b>Stale slots read as empty.</b> A read of slot {@code s} only counts words stamped with
 *   {@code s}'s lap; a counter not written during {@code s}'s period carries an older stamp and reads as
 *   zero (in every stripe: a stripe nobody wrote in a period contributes nothing to it).</li>
 *   <li><b>Late writers.</b> A writer whose word already carries a newer lap (it read the clock, then
 *   stalled for a whole ring turn) drops its delta rather than overwrite the newer count;
 *   {@link #dropped()} counts it. Nothing is lost in any other case while its slot is in the ring.</li>
 *   <li><b>The current slot is cached</b>, so that the request path does not divide: the ring keeps the
 *   lap and position of the slot last computed in one word ({@code (lap << positionBits) | position},
 *   written and read atomically, opaque), and a time inside that slot's period (two multiplications and a
 *   comparison) reuses it. Only a time outside it takes the two divisions, and then replaces the cache.
 *   A racing writer may replace it with an older slot; the next add of the newer slot computes it again.
 *   The cache is an optimisation only: every add checks it against its own time.
 *   {@link #slotToken(long)} exposes the result so that two rings of the same shape (latency and
 *   outcome of one call) compute it once.</li>
 *   <li><b>Progress.</b> {@link #add(long, int)} is lock-free and allocation-free, except for the one-off
 *   creation of a stripe on the first collision described above: a CAS fails only because another writer
 *   changed the same word, which is progress for that writer.</li>
 *   <li><b>Readers</b> take no locks; each word is read atomically, so an add racing with a read is
 *   either in it or not.</li>
 *   <li><b>Limits.</b> A count saturates at {@link #MAX_COUNT} (2<sup>32</sup> − 1) per counter, stripe and
 *   sub-window; the excess is counted in {@link #dropped()}. Stamps are compared in 32-bit serial
 *   arithmetic, and a stamp more than 2<sup>20</sup> laps ahead is treated as older: a writer would have
 *   to stall for at least 2<sup>20</sup> laps (29 hours at the smallest ring, 100 ms × 1) to be
 *   misjudged, and a counter would have to stay untouched for 2<sup>32</sup> laps (13.6 years at the
 *   smallest ring) for its stamp to alias.</li>
 * </ul>
 *
 * <p>Memory: {@value #FIXED_OVERHEAD_BYTES} bytes of headers (this object and stripe 0's array header),
 * plus {@code 8 × N × C} bytes per stripe created, plus, for a striped ring, the stripe table
 * ({@code 16 + 4 × maxStripes} bytes rounded up to 8, compressed references) and 16 bytes of array
 * header per further stripe. See {@link #estimatedFootprintBytes()} and
 * {@link #maxFootprintBytes(int, int, int)}.
 *
 * <p>Thread-safe.
 */
final class StampedCounterRing {

    /** Largest count one counter holds in one sub-window: 2<sup>32</sup> − 1. */
    static final long MAX_COUNT = 0xFFFF_FFFFL;

    /** This object (header, 3 longs, 4 ints, 2 references) and stripe 0's array header, rounded up. */
    static final long FIXED_OVERHEAD_BYTES = 80;

    /** The most stripes a ring may be built with. */
    static final int MAX_STRIPES = 64;

    /** Processors of this JVM, read once: the stripe counts of request-path windows are bounded by it. */
    static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

    /** Times this far from the epoch, in either direction, are never cached (their products could overflow). */
    private static final long CACHEABLE_MILLIS = 1L << 61;
    private static final int LATE_HORIZON_LAPS = 1 << 20;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle STRIPES = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final VarHandle DROPPED;
    private static final VarHandle SLOT;

    static {
        try {
            DROPPED = MethodHandles.lookup().findVarHandle(StampedCounterRing.class, "dropped", long.class);
            SLOT = MethodHandles.lookup().findVarHandle(StampedCounterRing.class, "cachedSlot", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long subWindowMillis;
    private final int subWindowCount;
    private final int counters;
    private final int positionBits;
    private final int stripeMask;
    /** Stripe 0: every thread writes it until its own stripe exists. */
    private final long[] base;
    /** {@code null} for a ring of one stripe; otherwise {@code maxStripes} entries, [0] = base, others created on contention. */
    private final long[][] stripes;
    @SuppressWarnings("unused") // accessed through DROPPED
    private volatile long dropped;
    /** {@code (lap << positionBits) | position} of the slot last computed; starts as the slot of time 0. */
    @SuppressWarnings("unused") // accessed through SLOT
    private long cachedSlot;

    /**
     * A ring of one stripe.
     *
     * @param subWindowMillis      the period of one sub-window in milliseconds, at least 1
     * @param subWindowCount       how many sub-windows the ring keeps, at least 1
     * @param countersPerSubWindow how many counters each sub-window has, at least 1
     * @throws IllegalArgumentException if a value is out of range or the ring exceeds 2<sup>31</sup> − 1 words
     */
    StampedCounterRing(long subWindowMillis, int subWindowCount, int countersPerSubWindow) {
        this(subWindowMillis, subWindowCount, countersPerSubWindow, 1);
    }

    /**
     * @param subWindowMillis      the period of one sub-window in milliseconds, at least 1
     * @param subWindowCount       how many sub-windows the ring keeps, at least 1
     * @param countersPerSubWindow how many counters each sub-window has, at least 1
     * @param maxStripes           the most stripes the ring creates under contention, a power of two in
     *                             1..{@value #MAX_STRIPES}; 1 for a ring that is not written from many threads at once
     * @throws IllegalArgumentException if a value is out of range or the ring exceeds 2<sup>31</sup> − 1 words
     */
    StampedCounterRing(long subWindowMillis, int subWindowCount, int countersPerSubWindow, int maxStripes) {
        if (subWindowMillis < 1 || subWindowCount < 1 || countersPerSubWindow < 1
                || (long) subWindowCount * countersPerSubWindow > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("StampedCounterRing needs subWindowMillis >= 1, subWindowCount >= 1 and"
                    + " countersPerSubWindow >= 1 with fewer than 2^31 words, but was " + subWindowMillis + " ms × "
                    + subWindowCount + " × " + countersPerSubWindow);
        }
        if (maxStripes < 1 || maxStripes > MAX_STRIPES || Integer.bitCount(maxStripes) != 1) {
            throw new IllegalArgumentException("StampedCounterRing needs maxStripes to be a power of two in 1.." + MAX_STRIPES
                    + ", but was " + maxStripes);
        }
        this.subWindowMillis = subWindowMillis;
        this.subWindowCount = subWindowCount;
        this.counters = countersPerSubWindow;
        this.positionBits = subWindowCount == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(subWindowCount - 1);
        this.stripeMask = maxStripes - 1;
        this.base = new long[subWindowCount * countersPerSubWindow];
        if (maxStripes == 1) {
            this.stripes = null;
        } else {
            this.stripes = new long[maxStripes][];
            this.stripes[0] = base;
        }
    }

    /**
     * The stripe count for a ring written by request threads: the smallest power of two at least
     * {@link #PROCESSORS}, capped at {@code cap} (more threads than cores cannot all run at once).
     *
     * @param cap the largest stripe count wanted, a power of two
     * @return a power of two in 1..cap
     */
    static int stripesFor(int cap) {
        int processors = Math.max(1, PROCESSORS);
        int wanted = processors == 1 ? 1 : Integer.highestOneBit(processors - 1) << 1;
        return Math.min(cap, wanted);
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

    /** @return the most stripes this ring creates */
    int maxStripes() {
        return stripeMask + 1;
    }

    /** @return the stripes created so far, 1..{@link #maxStripes()} */
    int stripes() {
        if (stripes == null) {
            return 1;
        }
        int created = 0;
        for (int s = 0; s < stripes.length; s++) {
            if (STRIPES.getAcquire(stripes, s) != null) {
                created++;
            }
        }
        return created;
    }

    /**
     * @param thread a thread
     * @return the stripe that thread writes once the stripe exists: {@code threadId mod maxStripes}
     */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
    int homeStripe(Thread thread) {
        return (int) thread.getId() & stripeMask;
    }

    /**
     * Where {@code nowEpochMillis} falls in the ring, for {@link #add(long, int, long)}-like writes to
     * this ring or to another of the same {@code subWindowMillis} and {@code subWindowCount}:
     * {@code (stamp << 32) | position}. Divides only when the time is outside the cached slot.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch
     * @return the slot token of that time
     */
    long slotToken(long nowEpochMillis) {
        long cached = (long) SLOT.getOpaque(this);
        long lap = cached >> positionBits;
        long position = cached & ((1L << positionBits) - 1);
        long offset = nowEpochMillis - (lap * subWindowCount + position) * subWindowMillis;
        if (offset >= 0 && offset < subWindowMillis) {
            return (lap << 32) | position;
        }
        return computeSlotToken(nowEpochMillis);
    }

    private long computeSlotToken(long nowEpochMillis) {
        long slot = Math.floorDiv(nowEpochMillis, subWindowMillis);
        long lap = Math.floorDiv(slot, subWindowCount);
        long position = slot - lap * subWindowCount;
        if (nowEpochMillis > -CACHEABLE_MILLIS && nowEpochMillis < CACHEABLE_MILLIS) {
            // |lap| < 2^61 / subWindowCount, so lap << positionBits (positionBits <= log2(2 × subWindowCount)) fits.
            SLOT.setOpaque(this, (lap << positionBits) | position);
        }
        return (lap << 32) | position;
    }

    /**
     * Adds one to a counter of the sub-window of {@code nowEpochMillis}'s slot. Lock-free,
     * allocation-free (see the class comment for the one-off stripe), never throws for a counter in range.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch
     * @param counter        the counter, {@code 0 <= counter < countersPerSubWindow}
     */
    void add(long nowEpochMillis, int counter) {
        increment(slotToken(nowEpochMillis), counter);
    }

    /**
     * Adds one to a counter of the sub-window a {@link #slotToken(long) slot token} names: the
     * request-path case of {@link #add(long, int, long)}, kept apart so that it stays as short as possible.
     *
     * @param slotToken where the time falls, from {@link #slotToken(long)} of a ring of the same shape
     * @param counter   the counter, {@code 0 <= counter < countersPerSubWindow}
     */
    void increment(long slotToken, int counter) {
        assert counter >= 0 && counter < counters : "counter " + counter + " out of 0.." + (counters - 1);
        int stamp = (int) (slotToken >>> 32);
        int i = (int) slotToken * counters + counter;
        long[] words = stripeOfThisThread();
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
            words = afterCollision(words);
        }
    }

    /**
     * Adds {@code delta} to a counter of the sub-window of {@code nowEpochMillis}'s slot. Lock-free,
     * allocation-free (see the class comment for the one-off stripe), never throws for a counter in range.
     * What does not fit below {@link #MAX_COUNT} is counted in {@link #dropped()}, and so is the whole
     * delta of a late writer.
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
        long token = slotToken(nowEpochMillis);
        int stamp = (int) (token >>> 32);
        int i = (int) token * counters + counter;
        long[] words = stripeOfThisThread();
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
            words = afterCollision(words);
        }
    }

    /** The stripe the current thread writes: its home stripe once created, stripe 0 before. */
    private long[] stripeOfThisThread() {
        long[][] all = stripes;
        if (all == null) {
            return base;
        }
        long[] home = (long[]) STRIPES.getAcquire(all, homeStripe(Thread.currentThread()));
        return home != null ? home : base;
    }

    /**
     * A CAS on {@code words} lost to another writer: the stripe to retry on. A thread that collided on
     * stripe 0 moves to its home stripe, creating it the first time; a collision on a thread's own stripe
     * (two threads with the same home) is retried where it is.
     */
    private long[] afterCollision(long[] words) {
        long[][] all = stripes;
        if (all == null || words != base) {
            return words;
        }
        int home = homeStripe(Thread.currentThread());
        return home == 0 ? words : stripe(home);
    }

    /**
     * Stripe {@code index}, created (and installed with a CAS, so exactly one is ever installed) if it
     * does not exist yet. Package-private so that tests can place a thread's writes deterministically.
     *
     * @param index 0..maxStripes-1
     * @return the stripe
     */
    long[] stripe(int index) {
        long[][] all = stripes;
        if (all == null || index == 0) {
            return base;
        }
        long[] existing = (long[]) STRIPES.getAcquire(all, index);
        if (existing != null) {
            return existing;
        }
        long[] created = new long[base.length];
        return STRIPES.compareAndSet(all, index, (long[]) null, created) ? created : (long[]) STRIPES.getAcquire(all, index);
    }

    /**
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows: the slot of {@code nowEpochMillis} and the
     *                       {@code subWindows - 1} before it, 1..{@link #subWindowCount()}
     * @param counter        the counter, {@code 0 <= counter < countersPerSubWindow}
     * @return the sum of that counter over those sub-windows and every stripe, counting only words of
     *     their own periods
     */
    long sum(long nowEpochMillis, int subWindows, int counter) {
        assert subWindows >= 1 && subWindows <= subWindowCount;
        long total = sum(base, nowEpochMillis, subWindows, counter);
        if (stripes != null) {
            for (int s = 1; s < stripes.length; s++) {
                long[] stripe = (long[]) STRIPES.getAcquire(stripes, s);
                if (stripe != null) {
                    total += sum(stripe, nowEpochMillis, subWindows, counter);
                }
            }
        }
        return total;
    }

    private long sum(long[] words, long nowEpochMillis, int subWindows, int counter) {
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
     * Adds, counter by counter, the sums over the last {@code subWindows} sub-windows (and every stripe)
     * to {@code into}.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, as for {@link #sum(long, int, int)}
     * @param into           at least {@code countersPerSubWindow} long; element {@code c} gets counter {@code c}'s sum
     */
    void sumInto(long nowEpochMillis, int subWindows, long[] into) {
        assert subWindows >= 1 && subWindows <= subWindowCount && into.length >= counters;
        sumInto(base, nowEpochMillis, subWindows, into);
        if (stripes != null) {
            for (int s = 1; s < stripes.length; s++) {
                long[] stripe = (long[]) STRIPES.getAcquire(stripes, s);
                if (stripe != null) {
                    sumInto(stripe, nowEpochMillis, subWindows, into);
                }
            }
        }
    }

    private void sumInto(long[] words, long nowEpochMillis, int subWindows, long[] into) {
        long lastSlot = Math.floorDiv(nowEpochMillis, subWindowMillis);
        for (long slot = lastSlot - subWindows + 1; slot <= lastSlot; slot++) {
            long lap = Math.floorDiv(slot, subWindowCount);
            int stamp = (int) lap;
            int offset = (int) (slot - lap * subWindowCount) * counters;
            for (int c = 0; c < counters; c++) {
                long word = (long) WORDS.getVolatile(words, offset + c);
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

    /** @return the heap this ring occupies now, in bytes: with the stripes created so far */
    long estimatedFootprintBytes() {
        return footprintBytes(subWindowCount, counters, maxStripes(), stripes());
    }

    /**
     * @param subWindowCount       sub-windows
     * @param countersPerSubWindow counters per sub-window
     * @return the heap a ring of one stripe occupies, in bytes: {@code 80 + 8 × N × C}
     */
    static long estimatedFootprintBytes(int subWindowCount, int countersPerSubWindow) {
        return footprintBytes(subWindowCount, countersPerSubWindow, 1, 1);
    }

    /**
     * @param subWindowCount       sub-windows
     * @param countersPerSubWindow counters per sub-window
     * @param maxStripes           the ring's stripe bound
     * @return the heap such a ring occupies once every stripe exists, in bytes
     */
    static long maxFootprintBytes(int subWindowCount, int countersPerSubWindow, int maxStripes) {
        return footprintBytes(subWindowCount, countersPerSubWindow, maxStripes, maxStripes);
    }

    /**
     * @param maxStripes the ring's stripe bound (1: no stripe table)
     * @param created    stripes created, 1..maxStripes
     * @return {@code 80 + 8 × N × C × created}, plus for a striped ring the stripe table
     *     ({@code 16 + 4 × maxStripes}, rounded up to 8) and 16 bytes per further stripe's array header
     */
    static long footprintBytes(int subWindowCount, int countersPerSubWindow, int maxStripes, int created) {
        long words = 8L * subWindowCount * countersPerSubWindow;
        long bytes = FIXED_OVERHEAD_BYTES + words * created;
        if (maxStripes > 1) {
            bytes += ((16L + 4L * maxStripes + 7) & ~7L) + 16L * (created - 1);
        }
        return bytes;
    }

    private static boolean isNewer(int wordStamp, int stamp) {
        int ahead = wordStamp - stamp;
        return ahead > 0 && ahead <= LATE_HORIZON_LAPS;
    }

    @Override
    public String toString() {
        return "StampedCounterRing{" + subWindowCount + " × " + subWindowMillis + " ms × " + counters + " counters, "
                + stripes() + " of " + maxStripes() + " stripes}";
    }
}
