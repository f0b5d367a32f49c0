package io.github.rollback4j.spring;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scheduler the starter owns: it runs the routers' health probes, the trigger evaluations and
 * the rollout ticks on daemon threads named {@code rollback4j-scheduler-N}, and is shut down with
 * the application context. Wrapped in its own type so that it is never mistaken for the
 * application's task scheduler.
 *
 * <p>Thread-safe.
 */
public final class RollbackScheduler implements AutoCloseable {

    /** Most threads a scheduler may have. */
    public static final int MAX_THREADS = 64;

    private final ScheduledThreadPoolExecutor executor;

    /**
     * @param threads 1..64 threads
     * @throws IllegalArgumentException when {@code threads} is out of range
     */
    public RollbackScheduler(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new RollbackPropertyException("rollback4j.scheduler-threads", threads, "is out of range",
                    "Use 1 to " + MAX_THREADS + " threads (default 2)");
        }
        AtomicInteger count = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "rollback4j-scheduler-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
    }

    /** @return the executor; do not shut it down yourself */
    public ScheduledExecutorService executor() {
        return executor;
    }

    /** Stops every schedule and interrupts running tasks. Idempotent. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
