package io.github.rollback4j;

import java.time.Instant;

/**
 * Where rollback4j reads time: wall time for timelines and evidence, a monotonic nano-time for
 * durations. Production uses {@link #system()}; tests and game days inject a virtual clock so that
 * hours of traffic run in seconds and every test is deterministic.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TimeSource {

    /** @return wall time in milliseconds since the epoch */
    long currentTimeMillis();

    /** @return a monotonic time in nanoseconds, only meaningful as a difference */
    long nanoTime();

    /** @return wall time as an instant */
    default Instant now() {
        return Instant.ofEpochMilli(currentTimeMillis());
    }

    /** @return the JVM's clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()} */
    static TimeSource system() {
        return SystemTimeSource.INSTANCE;
    }
}

/** The JVM's clocks. */
enum SystemTimeSource implements TimeSource {
    INSTANCE;

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
