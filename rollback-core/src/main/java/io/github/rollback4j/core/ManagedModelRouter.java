package io.github.rollback4j.core;

import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseId;

import java.util.concurrent.ScheduledExecutorService;

/**
 * A {@link ModelRouter} built by {@link ModelRouters}, with the operations that need the
 * implementation's types: adding releases, warming them, scheduling health probes, re-reading the
 * shared state, closing.
 *
 * <p>Thread-safe.
 *
 * @param <I> the model input type
 * @param <O> the model output type
 */
public interface ManagedModelRouter<I, O> extends ModelRouter<I, O>, AutoCloseable {

    /**
     * Registers a release and warms it synchronously on the calling thread (warm-up calls, then a
     * health probe). It receives traffic only once it is warm and healthy and a weight is set for it.
     *
     * @param spec the release, its model and its warm-up and health settings
     * @throws IllegalArgumentException when a release with the same id is already registered
     */
    void addRelease(ReleaseSpec<I, O> spec);

    /**
     * Warms a release again (warm-up calls, then a health probe) on the calling thread.
     *
     * @param release a registered release
     */
    void warmUp(ReleaseId release);

    /**
     * Probes every release every {@link RouterConfig#healthCheckInterval()} on the given scheduler.
     * Calling it again replaces the schedule.
     *
     * @param scheduler the scheduler; the router does not shut it down
     */
    void startHealthChecks(ScheduledExecutorService scheduler);

    /**
     * Re-reads the rollout state from the {@link io.github.rollback4j.spi.RolloutStateStore} and routes
     * by it, for replicas that share a store.
     */
    void reloadState();

    /** Stops the health-check schedule and the probe threads the router created itself. */
    @Override
    void close();
}
