package io.github.rollback4j.core.telemetry;

import java.time.Duration;
import java.util.Objects;

/**
 * Shape of a {@link SlidingWindow}: how long one sub-window lasts and how many the ring keeps. Build
 * with {@link #custom()}, start from {@link #ofDefaults()}, copy with {@link #from(SlidingWindowConfig)}.
 *
 * <ul>
 *   <li>{@code subWindowLength} (default {@link #DEFAULT_SUB_WINDOW_LENGTH}, 10 s; from
 *   {@link #MIN_SUB_WINDOW_LENGTH} 100 ms to {@link #MAX_SUB_WINDOW_LENGTH} 1 h, whole milliseconds):
 *   the wall-clock period of one sub-window, and so the step by which the window slides.</li>
 *   <li>{@code subWindowCount} (default {@value #DEFAULT_SUB_WINDOW_COUNT}, {@value #MIN_SUB_WINDOW_COUNT}..
 *   {@value #MAX_SUB_WINDOW_COUNT}): how many sub-windows the ring keeps, and so the most a query can
 *   merge. The defaults keep 5 minutes in 10-second steps.</li>
 * </ul>
 *
 * <p>Memory grows linearly with {@code subWindowCount}: see
 * {@link SlidingWindow#estimatedFootprintBytes(SlidingWindowConfig)}; 310,424 bytes (303 KiB) per stripe for the defaults.
 *
 * <p>Immutable and thread-safe.
 */
public final class SlidingWindowConfig {

    /** Default sub-window length: 10 s. */
    public static final Duration DEFAULT_SUB_WINDOW_LENGTH = Duration.ofSeconds(10);
    /** Default number of sub-windows: 30, i.e. 5 minutes with the default length. */
    public static final int DEFAULT_SUB_WINDOW_COUNT = 30;
    /** Shortest sub-window: 100 ms (the ticker evaluates every second by default). */
    public static final Duration MIN_SUB_WINDOW_LENGTH = Duration.ofMillis(100);
    /** Longest sub-window: 1 h. */
    public static final Duration MAX_SUB_WINDOW_LENGTH = Duration.ofHours(1);
    /** Fewest sub-windows: 1. */
    public static final int MIN_SUB_WINDOW_COUNT = 1;
    /** Most sub-windows: 1440, a day of one-minute sub-windows (14,895,456 bytes). */
    public static final int MAX_SUB_WINDOW_COUNT = 1440;

    private static final SlidingWindowConfig DEFAULTS = custom().build();

    private final Duration subWindowLength;
    private final int subWindowCount;

    private SlidingWindowConfig(Builder b) {
        this.subWindowLength = b.subWindowLength;
        this.subWindowCount = b.subWindowCount;
    }

    /** @return the defaults: 30 sub-windows of 10 s */
    public static SlidingWindowConfig ofDefaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * @param base the config to copy
     * @return a builder starting from {@code base}
     */
    public static Builder from(SlidingWindowConfig base) {
        Builder b = new Builder();
        b.subWindowLength = base.subWindowLength;
        b.subWindowCount = base.subWindowCount;
        return b;
    }

    /** @return the wall-clock period of one sub-window */
    public Duration subWindowLength() {
        return subWindowLength;
    }

    /** @return the wall-clock period of one sub-window, in milliseconds */
    public long subWindowMillis() {
        return subWindowLength.toMillis();
    }

    /** @return how many sub-windows the ring keeps */
    public int subWindowCount() {
        return subWindowCount;
    }

    /** @return the longest period a query can cover: length × count */
    public Duration span() {
        return subWindowLength.multipliedBy(subWindowCount);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlidingWindowConfig
                && subWindowLength.equals(((SlidingWindowConfig) o).subWindowLength)
                && subWindowCount == ((SlidingWindowConfig) o).subWindowCount;
    }

    @Override
    public int hashCode() {
        return Objects.hash(subWindowLength, subWindowCount);
    }

    @Override
    public String toString() {
        return "SlidingWindowConfig{subWindowLength=" + subWindowLength + ", subWindowCount=" + subWindowCount + "}";
    }

    /** Builds a {@link SlidingWindowConfig}; not thread-safe. */
    public static final class Builder {
        private Duration subWindowLength = DEFAULT_SUB_WINDOW_LENGTH;
        private int subWindowCount = DEFAULT_SUB_WINDOW_COUNT;

        private Builder() {
        }

        /**
         * @param length the period of one sub-window, 100 ms..1 h, whole milliseconds
         * @return this builder
         */
        public Builder subWindowLength(Duration length) {
            this.subWindowLength = Objects.requireNonNull(length, "SlidingWindowConfig.subWindowLength must not be null");
            return this;
        }

        /**
         * @param count how many sub-windows the ring keeps, 1..1440
         * @return this builder
         */
        public Builder subWindowCount(int count) {
            this.subWindowCount = count;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public SlidingWindowConfig build() {
            if (subWindowLength.compareTo(MIN_SUB_WINDOW_LENGTH) < 0 || subWindowLength.compareTo(MAX_SUB_WINDOW_LENGTH) > 0) {
                throw new IllegalArgumentException("SlidingWindowConfig.subWindowLength must be between 100ms and 1h, but was "
                        + subWindowLength);
            }
            if (subWindowLength.toNanos() % 1_000_000L != 0) {
                throw new IllegalArgumentException("SlidingWindowConfig.subWindowLength must be a whole number of milliseconds,"
                        + " but was " + subWindowLength);
            }
            if (subWindowCount < MIN_SUB_WINDOW_COUNT || subWindowCount > MAX_SUB_WINDOW_COUNT) {
                throw new IllegalArgumentException("SlidingWindowConfig.subWindowCount must be between " + MIN_SUB_WINDOW_COUNT
                        + " and " + MAX_SUB_WINDOW_COUNT + ", but was " + subWindowCount);
            }
            return new SlidingWindowConfig(this);
        }
    }
}
