package io.github.rollback4j.spring;

import io.github.rollback4j.micrometer.RollbackMetrics;
import io.github.rollback4j.micrometer.RolloutMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds every starter-built router to the application's {@link MeterRegistry} with a
 * {@link RollbackMetrics} binder each (meters {@code rollback4j.*}, see docs/metrics.md), and
 * removes the meters when the context closes. Deliberately not a {@code MeterBinder} bean itself, so
 * Spring Boot's own binder post-processing does not bind the routers a second time.
 *
 * <p>Thread-safe.
 */
public final class RollbackMetricsBinding implements AutoCloseable {

    private final List<RollbackMetrics> binders = new ArrayList<>();
    private final List<RolloutMetrics> rolloutBinders = new ArrayList<>();

    /**
     * @param routers the routers to bind
     * @param registry the registry
     */
    public RollbackMetricsBinding(RollbackRouters routers, MeterRegistry registry) {
        for (RollbackRouters.Entry e : routers.entries()) {
            RollbackMetrics metrics = RollbackMetrics.of(e.router())
                    .withTriggers(e.engine() == null ? List.of() : e.engine().triggers());
            metrics.bindTo(registry);
            binders.add(metrics);
            if (e.rollout() != null || e.engine() != null) {
                RolloutMetrics progress = RolloutMetrics.of(e.router(), e.rollout(), e.engine());
                progress.bindTo(registry);
                rolloutBinders.add(progress);
            }
        }
    }

    /** @return one binder per router, in declaration order */
    public synchronized List<RollbackMetrics> binders() {
        return List.copyOf(binders);
    }

    /** Unsubscribes from the routers and removes their meters. Idempotent. */
    @Override
    public synchronized void close() {
        binders.forEach(RollbackMetrics::close);
        binders.clear();
        rolloutBinders.forEach(RolloutMetrics::close);
        rolloutBinders.clear();
    }
}
