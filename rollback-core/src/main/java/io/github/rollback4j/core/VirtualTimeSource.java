package io.github.rollback4j.core;

import io.github.rollback4j.TimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that only moves when told to, for tests and game days: hours of traffic run in seconds
 * and every run is deterministic. Wall time and nano-time advance together; {@link #stepWallClock(Duration)}
 * steps the wall clock alone, in either direction, as an NTP correction or an operator's change does to
 * a real clock, so tests can check that durations are measured on the nano-time.
 *
 * <p>Synthetic models in simulations give each call a latency without moving the shared clock:
 * {@link #spend(Duration)} moves the calling thread's nano-time ahead, so the router measures that
 * latency, and {@link #settle()} (called by the driver before the next request) brings the thread
 * back to the shared time. Wall time never includes spent time.
 *
 * <p>Thread-safe: reads and {@link #advance(Duration)} may come from any thread.
 */
public final class VirtualTimeSource implements TimeSource {

    private final long startMillis;
    private final AtomicLong elapsedNanos = new AtomicLong();
    private final AtomicLong wallStepMillis = new AtomicLong();
    private final ThreadLocal<long[]> spentNanos = ThreadLocal.withInitial(() -> new long[1]);

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

    /**
     * Steps the wall clock alone, forwards or backwards; the nano-time does not move. Durations measured
     * correctly (on {@link #nanoTime()}) are unaffected; timestamps show the jump.
     *
     * @param step how far, negative to step back; at most 10 years either way
     * @return the new wall time
     */
    public Instant stepWallClock(Duration step) {
        if (step == null || step.abs().compareTo(Duration.ofDays(3653)) > 0) {
            throw new IllegalArgumentException("VirtualTimeSource.stepWallClock(step) needs a step of at most 10 years either way,"
                    + " but was " + step);
        }
        wallStepMillis.addAndGet(step.toMillis());
        return now();
    }

    /**
     * Moves only the calling thread's nano-time ahead: the latency of a synthetic model's call.
     *
     * @param latency how long the call takes; must not be negative
     */
    public void spend(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("VirtualTimeSource.spend(latency) needs a latency >= 0, but was " + latency);
        }
        spentNanos.get()[0] += latency.toNanos();
    }

    /** Brings the calling thread's nano-time back to the shared time (forgets what it spent). */
    public void settle() {
        spentNanos.get()[0] = 0;
    }

    @Override
    public long currentTimeMillis() {
        return startMillis + wallStepMillis.get() + elapsedNanos.get() / 1_000_000L;
    }

    @Override
    public long nanoTime() {
        return elapsedNanos.get() + spentNanos.get()[0];
    }
}
