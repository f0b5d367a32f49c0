package io.github.rollback4j.spring;

import io.github.rollback4j.RouterEventPublisher;
import org.springframework.context.ApplicationEventPublisher;

import java.util.ArrayList;
import java.util.List;

/**
 * Republishes every starter-built router's {@link io.github.rollback4j.RouterEvent}s as
 * {@link RollbackRouterEvent}s and every rollout transition as a {@link RolloutTransitionEvent}
 * on the application context, synchronously on the thread that made the change.
 *
 * <p>Thread-safe.
 */
public final class RollbackEventBridge implements AutoCloseable {

    private final List<RouterEventPublisher.Registration> registrations = new ArrayList<>();

    /**
     * @param routers the routers to listen to
     * @param publisher where the application events go
     */
    public RollbackEventBridge(RollbackRouters routers, ApplicationEventPublisher publisher) {
        for (RollbackRouters.Entry e : routers.entries()) {
            registrations.add(e.router().eventPublisher().onEvent(event -> publisher.publishEvent(new RollbackRouterEvent(routers, event))));
            if (e.rollout() != null) {
                registrations.add(e.rollout().onTransition(t -> publisher.publishEvent(new RolloutTransitionEvent(routers, e.name(), t))));
            }
            if (e.segmented() != null) {
                e.segmented().rollouts().forEach((segment, rollout) -> registrations.add(rollout.onTransition(
                        t -> publisher.publishEvent(new RolloutTransitionEvent(routers, e.name(), segment.name(), t)))));
            }
        }
    }

    /** Stops listening. Idempotent. */
    @Override
    public synchronized void close() {
        registrations.forEach(RouterEventPublisher.Registration::close);
        registrations.clear();
    }
}
