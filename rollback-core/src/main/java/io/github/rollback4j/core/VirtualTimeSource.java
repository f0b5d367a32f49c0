package io.github.rollback4j.core;

import io.github.rollback4j.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told to, for tests and game days: hours of traffic run in seconds
 * and every run is deterministic. Wall time and nano-time advance together.
 *
 * <p>Thread-safe: reads and {@link #advance(Duration)} may come from any thread.
 */
public final class VirtualTimeSource implements TimeSource {

    private final long startMillis;
    private final AtomicLong elapsedNanos = new AtomicLong();

    private VirtualTimeSource(long startMillis) {
        this.startMillis = startMillis;
    }

    /**
     * @param start the wall time the clock shows before it is advanced
     * @return a virtual clock
     */
    public static VirtualTimeSource startingAt(Instant start) {
        return new VirtualTimeSource(start.toEpochMilli());
    }

    /** @return a virtual clock starting at 2026-01-01T00:00:00Z */
    public static VirtualTimeSource create() {
        return startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far; must not be negative
     * @return the new wall time
     */
    public Instant advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("VirtualTimeSource.advance(duration) needs a duration >= 0, but was " + duration);
        }
        elapsedNanos.addAndGet(duration.toNanos());
        return now();
    }

    /**
     * Moves the clock forward by nanoseconds (for synthetic model latencies).
     *
     * @param nanos how far; must not be negative
     */
    public void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("VirtualTimeSource.advanceNanos(nanos) needs nanos >= 0, but was " + nanos);
        }
        elapsedNanos.addAndGet(nanos);
    }

    @Override
    public long currentTimeMillis() {
        return startMillis + elapsedNanos.get() / 1_000_000L;
    }

    @Override
    public long nanoTime() {
        return elapsedNanos.get();
    }
}
