package io.github.rollback4j.core.telemetry;

import java.util.Objects;

/**
 * A sliding window of a few plain counters (e.g. inputs checked and inputs that broke the schema),
 * on the same lap-stamped ring as every other window: recording is lock-free and allocation-free, a
 * slot not written in its period reads as empty. Striped like {@link OutcomeWindow} (its counters are
 * hit by every profiled call): up to {@value #MAX_STRIPES} stripes, bounded by the processors, each
 * created when threads first collide on a word.
 *
 * <p>Memory: {@code 8 × counters × subWindowCount} bytes per stripe plus headers. Thread-safe.
 */
public final class CountWindow {

    /** The most stripes a count window creates. */
    static final int MAX_STRIPES = 8;

    private final SlidingWindowConfig config;
    private final StampedCounterRing ring;
    private final int counters;

    private CountWindow(SlidingWindowConfig config, int counters) {
        this.config = Objects.requireNonNull(config, "CountWindow.of(config, counters) needs a SlidingWindowConfig, but was null");
        if (counters < 1 || counters > 1024) {
            throw new IllegalArgumentException("CountWindow.of(config, counters): counters must be between 1 and 1024, but was " + counters);
        }
        this.counters = counters;
        this.ring = new StampedCounterRing(config.subWindowMillis(), config.subWindowCount(), counters,
                StampedCounterRing.stripesFor(MAX_STRIPES));
    }

    /**
     * @param config the window's shape
     * @param counters how many counters, 1..1024
     * @return a new, empty window
     */
    public static CountWindow of(SlidingWindowConfig config, int counters) {
        return new CountWindow(config, counters);
    }

    /** @return the window's shape */
    public SlidingWindowConfig config() {
        return config;
    }

    /**
     * Adds one to a counter in the sub-window of {@code nowEpochMillis}. Lock-free, allocation-free.
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch
     * @param counter 0..counters-1
     */
    public void increment(long nowEpochMillis, int counter) {
        ring.add(nowEpochMillis, counter);
    }

    /**
     * @param nowEpochMillis the end of the query
     * @param subWindows how many sub-windows, 1..subWindowCount
     * @return each counter's sum over those sub-windows
     */
    public long[] sums(long nowEpochMillis, int subWindows) {
        ring.requireSubWindows(subWindows, "CountWindow.sums(now, subWindows)");
        return ring.sums(nowEpochMillis, subWindows);
    }

    /** @return the stripes created so far */
    public int stripes() {
        return ring.stripes();
    }

    /** @return the number of counters */
    public int counters() {
        return counters;
    }
}
