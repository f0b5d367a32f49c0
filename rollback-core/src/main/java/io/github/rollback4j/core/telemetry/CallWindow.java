package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.Outcome;

import java.util.Objects;

/**
 * The call telemetry of one release in one request segment: a {@link SlidingWindow} of latencies and
 * an {@link OutcomeWindow} of the same shape, written together by {@link #record(long, long, Outcome)}
 * so that a call finds its sub-window once for both (one check against the cached current slot, see
 * {@link SlidingWindow}) instead of once per window. Queries go to the two windows
 * ({@link #latency()}, {@link #outcomes()}), which hold exactly what recording each one separately
 * would have given them.
 *
 * <p>Memory: the two windows'; see {@link #estimatedFootprintBytes(SlidingWindowConfig)} and
 * {@link #maxFootprintBytes(SlidingWindowConfig)}. Thread-safe; recording is lock-free, allocation-free
 * (apart from the windows' one-off stripe creation on the first collision of two threads) and never
 * throws.
 */
public final class CallWindow {

    /** This object's header and two references, rounded up. */
    private static final long OBJECT_BYTES = 24;

    private final SlidingWindow latency;
    private final OutcomeWindow outcomes;

    private CallWindow(SlidingWindow latency, OutcomeWindow outcomes) {
        this.latency = latency;
        this.outcomes = outcomes;
    }

    /**
     * @param config the shape of both windows
     * @return a new, empty call window
     */
    public static CallWindow of(SlidingWindowConfig config) {
        Objects.requireNonNull(config, "CallWindow.of(config) needs a SlidingWindowConfig, but was null");
        return new CallWindow(SlidingWindow.of(config), OutcomeWindow.of(config));
    }

    /** A call window with given stripe bounds, whatever the machine: for tests. */
    static CallWindow of(SlidingWindowConfig config, int latencyStripes, int outcomeStripes) {
        return new CallWindow(SlidingWindow.of(config, latencyStripes), OutcomeWindow.of(config, outcomeStripes));
    }

    /**
     * Records one call: its latency and its outcome, in the sub-window of {@code nowEpochMillis}'s slot.
     * The request-path method.
     *
     * @param nowEpochMillis the time of the call, in milliseconds since the epoch, from the caller's clock
     * @param latencyNanos   the latency in nanoseconds, clamped as by {@link SlidingWindow#record(long, long)}
     * @param outcome        what became of the call; {@code null} is counted in
     *                       {@link OutcomeWindow#droppedRecords()} only
     */
    public void record(long nowEpochMillis, long latencyNanos, Outcome outcome) {
        long slot = latency.ring().slotToken(nowEpochMillis);
        latency.recordAt(slot, latencyNanos);
        outcomes.recordAt(slot, outcome);
    }

    /**
     * Counts an outcome without a latency (a call that did not reach the model).
     *
     * @param nowEpochMillis the time, in milliseconds since the epoch
     * @param outcome        the outcome, as for {@link OutcomeWindow#record(long, Outcome)}
     */
    public void recordOutcome(long nowEpochMillis, Outcome outcome) {
        outcomes.record(nowEpochMillis, outcome);
    }

    /** @return the latency window */
    public SlidingWindow latency() {
        return latency;
    }

    /** @return the outcome window */
    public OutcomeWindow outcomes() {
        return outcomes;
    }

    /** @return the heap both windows occupy now, with the stripes created so far, in bytes */
    public long estimatedFootprintBytes() {
        return OBJECT_BYTES + latency.estimatedFootprintBytes() + outcomes.estimatedFootprintBytes();
    }

    /**
     * @param config the windows' shape
     * @return the heap a new call window takes on this JVM (one stripe each), in bytes
     */
    public static long estimatedFootprintBytes(SlidingWindowConfig config) {
        return OBJECT_BYTES + SlidingWindow.estimatedFootprintBytes(config) + OutcomeWindow.estimatedFootprintBytes(config);
    }

    /**
     * @param config the windows' shape
     * @return the most heap a call window takes on this JVM, once every stripe of both windows exists, in bytes
     */
    public static long maxFootprintBytes(SlidingWindowConfig config) {
        return OBJECT_BYTES + SlidingWindow.maxFootprintBytes(config) + OutcomeWindow.maxFootprintBytes(config);
    }

    @Override
    public String toString() {
        return "CallWindow{" + latency.config() + "}";
    }
}
