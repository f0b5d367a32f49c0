package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.FieldProfile;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sliding window of counts per category for one categorical input field: a ring of sub-windows keyed
 * by wall-clock slot, {@code slot = floor(epochMillis / subWindowMillis)}, each with one counter per
 * known category, one for {@link FieldProfile#OTHER} and one for missing values. Time is always passed in
 * (epoch milliseconds from the caller's clock, real or virtual); the window never reads a clock.
 *
 * <h2>The cap of distinct categories</h2>
 * The window learns categories as they come, up to {@link #maxCategories()} (default
 * {@value #DEFAULT_MAX_CATEGORIES}, {@value #MIN_MAX_CATEGORIES}..{@value #MAX_MAX_CATEGORIES}). Once that
 * many are known, every new category is counted under {@link FieldProfile#OTHER}, and stays there for the
 * life of the window: the cap keeps the first categories seen, not the most frequent ones, so that a
 * category's counts always land in one place. The string {@link FieldProfile#OTHER} itself is counted
 * under {@code OTHER}. A field whose cardinality is at most the cap is counted exactly.
 *
 * <h2>Concurrency and limits</h2>
 * <ul>
 *   <li>Counting a known category, {@link FieldProfile#OTHER} or a missing value is lock-free and
 *   allocation-free: one {@link ConcurrentHashMap#get(Object)} (which neither locks nor allocates) and the
 *   same lap-stamped counter ring as {@link SlidingWindow} (see its "Concurrency design"). Counting an
 *   unknown category once the cap is reached is lock-free and allocation-free too (a second lookup).</li>
 *   <li>Learning a new category while below the cap takes a lock and allocates a map entry, once per
 *   category and at most {@link #maxCategories()} times in the life of the window.</li>
 *   <li>A slot nobody wrote during its period reads as empty; a count saturates at 2<sup>32</sup> − 1 per
 *   category and sub-window, and the excess, and the records of a writer stalled for a whole ring turn,
 *   are counted in {@link #droppedRecords()}.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * {@code 8 × (maxCategories + 2) × N} bytes of counters, plus about {@code 48 × maxCategories + 900}
 * bytes for the category index once full (not counting the category strings, which are the caller's and
 * are retained): 18,928 bytes with the defaults (64 categories, 30 sub-windows of 10 s), 34,768 bytes
 * with 60 sub-windows. See {@link #estimatedFootprintBytes(SlidingWindowConfig, int)}.
 *
 * <p>Thread-safe.
 */
public final class CategoryWindow {

    /** Default cap of distinct categories: 64. */
    public static final int DEFAULT_MAX_CATEGORIES = 64;
    /** Smallest cap: 1. */
    public static final int MIN_MAX_CATEGORIES = 1;
    /** Largest cap: 1024. */
    public static final int MAX_MAX_CATEGORIES = 1024;

    private final SlidingWindowConfig config;
    private final int maxCategories;
    private final int otherCounter;
    private final int missingCounter;
    private final StampedCounterRing ring;
    /** Category to counter; {@link FieldProfile#OTHER} maps to {@link #otherCounter}. Written under {@link #lock}. */
    private final ConcurrentHashMap<String, Integer> counters;
    /** Names of counters {@code 0..known-1}; written under {@link #lock} before {@link #known} publishes them. */
    private final String[] names;
    private final Object lock = new Object();
    private volatile int known;

    private CategoryWindow(SlidingWindowConfig config, int maxCategories) {
        this.config = Objects.requireNonNull(config, "CategoryWindow.of(config, maxCategories) needs a SlidingWindowConfig, but was null");
        if (maxCategories < MIN_MAX_CATEGORIES || maxCategories > MAX_MAX_CATEGORIES) {
            throw new IllegalArgumentException("CategoryWindow.maxCategories must be between " + MIN_MAX_CATEGORIES + " and "
                    + MAX_MAX_CATEGORIES + ", but was " + maxCategories);
        }
        this.maxCategories = maxCategories;
        this.otherCounter = maxCategories;
        this.missingCounter = maxCategories + 1;
        this.ring = new StampedCounterRing(config.subWindowMillis(), config.subWindowCount(), maxCategories + 2);
        this.counters = new ConcurrentHashMap<>(maxCategories + 1);
        this.counters.put(FieldProfile.OTHER, otherCounter);
        this.names = new String[maxCategories];
    }

    /**
     * @param config the window's shape
     * @return a new, empty window with the default cap of {@value #DEFAULT_MAX_CATEGORIES} categories
     */
    public static CategoryWindow of(SlidingWindowConfig config) {
        return new CategoryWindow(config, DEFAULT_MAX_CATEGORIES);
    }

    /**
     * @param config        the window's shape
     * @param maxCategories the cap of distinct categories, {@value #MIN_MAX_CATEGORIES}..{@value #MAX_MAX_CATEGORIES}
     * @return a new, empty window
     * @throws IllegalArgumentException if {@code maxCategories} is out of range
     */
    public static CategoryWindow of(SlidingWindowConfig config, int maxCategories) {
        return new CategoryWindow(config, maxCategories);
    }

    /** @return a new, empty window with {@link SlidingWindowConfig#ofDefaults()} (30 × 10 s) and 64 categories */
    public static CategoryWindow ofDefaults() {
        return new CategoryWindow(SlidingWindowConfig.ofDefaults(), DEFAULT_MAX_CATEGORIES);
    }

    /** @return the window's shape */
    public SlidingWindowConfig config() {
        return config;
    }

    /** @return the cap of distinct categories */
    public int maxCategories() {
        return maxCategories;
    }

    /** @return the categories learnt so far, in the order they were first seen (at most {@link #maxCategories()}) */
    public List<String> knownCategories() {
        int n = known;
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(names, n)));
    }

    /**
     * Counts one value of the field in the sub-window of {@code nowEpochMillis}'s slot. The request-path
     * method: lock-free and allocation-free for a known category, {@code null} and any category once the cap
     * is reached; takes a lock and allocates once per new category below the cap. Never throws.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch, from the caller's clock
     * @param category       the field's value; {@code null} counts as missing
     */
    public void record(long nowEpochMillis, String category) {
        int counter;
        if (category == null) {
            counter = missingCounter;
        } else {
            Integer index = counters.get(category);
            counter = index != null ? index : learn(category);
        }
        ring.add(nowEpochMillis, counter);
    }

    private int learn(String category) {
        if (known >= maxCategories) {
            // Full: the category is OTHER unless a racing writer learnt it just before the cap was reached
            // (it put the mapping before publishing the new size, so this second lookup sees it).
            Integer counter = counters.get(category);
            return counter != null ? counter : otherCounter;
        }
        synchronized (lock) {
            Integer counter = counters.get(category);
            if (counter != null) {
                return counter;
            }
            int n = known;
            if (n >= maxCategories) {
                return otherCounter;
            }
            names[n] = category;
            counters.put(category, n);
            known = n + 1;
            return n;
        }
    }

    /**
     * Counts over the last {@code subWindows} sub-windows up to {@code nowEpochMillis}: the slot of
     * {@code nowEpochMillis} (still filling) and the {@code subWindows - 1} slots before it.
     *
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @param subWindows     how many sub-windows, 1..{@link SlidingWindowConfig#subWindowCount()}
     * @return a new immutable snapshot: the categories with a positive count in those sub-windows (with
     *     {@link FieldProfile#OTHER} if any value was beyond the cap) and the missing count
     * @throws IllegalArgumentException if {@code subWindows} is out of range
     */
    public CategorySnapshot snapshot(long nowEpochMillis, int subWindows) {
        ring.requireSubWindows(subWindows, "CategoryWindow.snapshot(now, subWindows)");
        long[] sums = ring.sums(nowEpochMillis, subWindows);
        // Read after the counters: a category is learnt before its first count, so every counter with a
        // count is covered.
        int n = known;
        Map<String, Long> counts = new HashMap<>();
        for (int c = 0; c < n; c++) {
            if (sums[c] != 0) {
                counts.put(names[c], sums[c]);
            }
        }
        if (sums[otherCounter] != 0) {
            counts.put(FieldProfile.OTHER, sums[otherCounter]);
        }
        return new CategorySnapshot(counts, sums[missingCounter]);
    }

    /**
     * @param nowEpochMillis the end of the query, in milliseconds since the epoch
     * @return {@code snapshot(nowEpochMillis, config().subWindowCount())}: every sub-window of the ring
     */
    public CategorySnapshot snapshot(long nowEpochMillis) {
        return snapshot(nowEpochMillis, config.subWindowCount());
    }

    /**
     * @return records not kept since creation: made with a time whose sub-window had already been reused
     *     for a later period, or beyond 2<sup>32</sup> − 1 for one category in one sub-window
     */
    public long droppedRecords() {
        return ring.dropped();
    }

    /** @return the heap this window occupies once its cap is reached, in bytes, without the category strings */
    public long estimatedFootprintBytes() {
        return estimatedFootprintBytes(config, maxCategories);
    }

    /**
     * @param config        a window's shape
     * @param maxCategories the cap of distinct categories
     * @return the heap such a window occupies once its cap is reached, in bytes, without the category strings:
     *     the counters ({@code 8 × (maxCategories + 2) × subWindowCount}), the ring and this object, the index
     *     (a map entry of 32 bytes and a name reference per category, the map's table, a boxed index per
     *     counter above 127) — 18,928 bytes for the defaults
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config, int maxCategories) {
        long ring = StampedCounterRing.estimatedFootprintBytes(config.subWindowCount(), maxCategories + 2);
        long self = 48 + 16; // this object, the lock
        long names = 16 + 4L * maxCategories;
        int entries = maxCategories + 1;
        int sized = (int) (1.0 + entries / 0.75f);
        long table = 16 + 4L * Integer.highestOneBit(sized * 2 - 1);
        long map = 64 + table + 32L * entries + 16L * Math.max(0, entries - 128);
        return ring + self + names + map;
    }

    @Override
    public String toString() {
        return "CategoryWindow{" + config + ", maxCategories=" + maxCategories + ", known=" + known + "}";
    }
}
