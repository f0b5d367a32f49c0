package io.github.rollback4j.core.internal;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The control path's periodic ticks (trigger evaluation, rollouts, incident verification): a task at a
 * fixed rate whose failure is logged and does not end the schedule. Internal; not part of the API.
 */
public final class Ticks {

    private Ticks() {
    }

    /**
     * @param scheduler runs the task; not shut down here
     * @param interval  between runs, first run one interval from now
     * @param task      the tick
     * @param log       where a failed tick is logged, at error level
     * @param what      names the tick in that log line, e.g. {@code "router 'scoring': trigger evaluation"}
     * @return the schedule, to cancel
     */
    public static ScheduledFuture<?> every(ScheduledExecutorService scheduler, Duration interval, Runnable task, Logger log,
                                           Supplier<String> what) {
        long millis = interval.toMillis();
        return scheduler.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("{} failed", what.get(), e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }
}
