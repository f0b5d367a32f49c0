package io.github.rollback4j.core;

import io.github.rollback4j.core.telemetry.SlidingWindowConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * How a router keeps telemetry per release and request segment. Build with {@link #custom()}.
 *
 * <ul>
 *   <li>{@code enabled} (default {@code true}): without telemetry the request path records nothing
 *   and triggers have nothing to read.</li>
 *   <li>{@code callWindow} (default 60 sub-windows of 10 s, i.e. 10 min): latency and outcome counts.</li>
 *   <li>{@code kpiWindow} (default 180 sub-windows of 10 s, i.e. 30 min): business KPI observations.</li>
 *   <li>{@code profileWindow} (default 12 sub-windows of 5 min, i.e. 1 h): sampled prediction scores
 *   and input profiles.</li>
 *   <li>{@code sampleRate} (default {@value #DEFAULT_SAMPLE_RATE}, range 0.0..1.0): share of calls whose
 *   prediction score and input fields are profiled; 0 turns profiling off.</li>
 *   <li>{@code maxSegments} (default {@value #DEFAULT_MAX_SEGMENTS}, range 1..1024): request segments
 *   tracked per release; calls in further segments are counted under {@code default}. This bounds
 *   memory when segments are tenants.</li>
 * </ul>
 *
 * <p>Memory per release and tracked segment, with the defaults: the call window's latency histogram
 * ({@code 8 × 60 × 1,293} bytes ≈ 606 KiB, see {@code SlidingWindow}), its outcome counters (2.5 KB),
 * 5.8 KB per KPI and, when profiling, about 197 KiB per score or numeric field ({@code ValueWindow},
 * 12 sub-windows) and at most 9 KiB per categorical field; see {@code docs/telemetry.md}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TelemetryConfig {

    /** Default share of calls profiled. */
    public static final double DEFAULT_SAMPLE_RATE = 0.01;
    /** Default number of request segments tracked per release. */
    public static final int DEFAULT_MAX_SEGMENTS = 16;
    /** Default shape of the latency and outcome windows: 60 × 10 s. */
    public static final SlidingWindowConfig DEFAULT_CALL_WINDOW =
            SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(60).build();
    /** Default shape of the KPI windows: 180 × 10 s. */
    public static final SlidingWindowConfig DEFAULT_KPI_WINDOW =
            SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(180).build();
    /** Default shape of the score and input-profile windows: 12 × 5 min. */
    public static final SlidingWindowConfig DEFAULT_PROFILE_WINDOW =
            SlidingWindowConfig.custom().subWindowLength(Duration.ofMinutes(5)).subWindowCount(12).build();

    private static final TelemetryConfig DEFAULTS = custom().build();
    private static final TelemetryConfig DISABLED = custom().enabled(false).build();

    private final boolean enabled;
    private final SlidingWindowConfig callWindow;
    private final SlidingWindowConfig kpiWindow;
    private final SlidingWindowConfig profileWindow;
    private final double sampleRate;
    private final int maxSegments;

    private TelemetryConfig(Builder b) {
        this.enabled = b.enabled;
        this.callWindow = b.callWindow;
        this.kpiWindow = b.kpiWindow;
        this.profileWindow = b.profileWindow;
        this.sampleRate = b.sampleRate;
        this.maxSegments = b.maxSegments;
    }

    /** @return the defaults */
    public static TelemetryConfig ofDefaults() {
        return DEFAULTS;
    }

    /** @return telemetry turned off */
    public static TelemetryConfig disabled() {
        return DISABLED;
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /** @return whether telemetry is recorded */
    public boolean enabled() {
        return enabled;
    }

    /** @return shape of the latency and outcome windows */
    public SlidingWindowConfig callWindow() {
        return callWindow;
    }

    /** @return shape of the KPI windows */
    public SlidingWindowConfig kpiWindow() {
        return kpiWindow;
    }

    /** @return shape of the score and input-profile windows */
    public SlidingWindowConfig profileWindow() {
        return profileWindow;
    }

    /** @return share of calls profiled, 0.0..1.0 */
    public double sampleRate() {
        return sampleRate;
    }

    /** @return request segments tracked per release */
    public int maxSegments() {
        return maxSegments;
    }

    /** Builds a {@link TelemetryConfig}; not thread-safe. */
    public static final class Builder {
        private boolean enabled = true;
        private SlidingWindowConfig callWindow = DEFAULT_CALL_WINDOW;
        private SlidingWindowConfig kpiWindow = DEFAULT_KPI_WINDOW;
        private SlidingWindowConfig profileWindow = DEFAULT_PROFILE_WINDOW;
        private double sampleRate = DEFAULT_SAMPLE_RATE;
        private int maxSegments = DEFAULT_MAX_SEGMENTS;

        private Builder() {
        }

        /**
         * @param enabled whether to record telemetry
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * @param window shape of the latency and outcome windows
         * @return this builder
         */
        public Builder callWindow(SlidingWindowConfig window) {
            this.callWindow = Objects.requireNonNull(window, "TelemetryConfig.callWindow must not be null");
            return this;
        }

        /**
         * @param window shape of the KPI windows
         * @return this builder
         */
        public Builder kpiWindow(SlidingWindowConfig window) {
            this.kpiWindow = Objects.requireNonNull(window, "TelemetryConfig.kpiWindow must not be null");
            return this;
        }

        /**
         * @param window shape of the score and input-profile windows
         * @return this builder
         */
        public Builder profileWindow(SlidingWindowConfig window) {
            this.profileWindow = Objects.requireNonNull(window, "TelemetryConfig.profileWindow must not be null");
            return this;
        }

        /**
         * @param rate share of calls profiled, 0.0..1.0
         * @return this builder
         */
        public Builder sampleRate(double rate) {
            this.sampleRate = rate;
            return this;
        }

        /**
         * @param max request segments tracked per release, 1..1024
         * @return this builder
         */
        public Builder maxSegments(int max) {
            this.maxSegments = max;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public TelemetryConfig build() {
            if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) {
                throw new IllegalArgumentException("TelemetryConfig.sampleRate must be between 0.0 and 1.0, but was " + sampleRate);
            }
            if (maxSegments < 1 || maxSegments > 1024) {
                throw new IllegalArgumentException("TelemetryConfig.maxSegments must be between 1 and 1024, but was " + maxSegments);
            }
            return new TelemetryConfig(this);
        }
    }
}
