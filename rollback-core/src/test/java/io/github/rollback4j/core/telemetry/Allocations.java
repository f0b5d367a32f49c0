package io.github.rollback4j.core.telemetry;

import java.lang.management.ManagementFactory;

/** Measures what the current thread allocates, for the "allocates nothing" tests of every package. */
public final class Allocations {

    private Allocations() {
    }

    /**
     * Runs {@code action} several times and returns the fewest bytes the current thread allocated in
     * one run. A one-off allocation (class loading, a JIT event) shows in one run only; an allocation
     * per record shows in every run, at 16 bytes or more per record.
     *
     * @param action the measured code, warmed up beforehand by the caller
     * @param runs   how many times to run it
     * @return the least bytes allocated by one run
     */
    public static long leastBytesAllocated(Runnable action, int runs) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(tid);
        long least = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long before = threads.getThreadAllocatedBytes(tid);
            action.run();
            least = Math.min(least, threads.getThreadAllocatedBytes(tid) - before);
        }
        return least;
    }
}
