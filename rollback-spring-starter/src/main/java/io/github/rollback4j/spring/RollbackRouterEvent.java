package io.github.rollback4j.spring;

import io.github.rollback4j.RouterEvent;
import org.springframework.context.ApplicationEvent;

/**
 * A {@link RouterEvent} of a starter-built router, republished as a Spring application event:
 * {@code @EventListener void on(RollbackRouterEvent e)} receives rollbacks, weight changes,
 * promotions, health changes and quarantine overrides. Published synchronously on the thread that
 * made the change (a control thread, never a request thread); a listener that throws is logged and
 * cannot break a rollback.
 *
 * <p>Immutable.
 */
public final class RollbackRouterEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient RouterEvent routerEvent;

    /**
     * @param source the router registry that published it
     * @param routerEvent the router's event
     */
    public RollbackRouterEvent(Object source, RouterEvent routerEvent) {
        super(source);
        this.routerEvent = routerEvent;
    }

    /** @return the router's event, e.g. a {@link RouterEvent.RolledBack} */
    public RouterEvent getRouterEvent() {
        return routerEvent;
    }

    /** @return the router's name */
    public String getRouter() {
        return routerEvent.router();
    }

    @Override
    public String toString() {
        return "RollbackRouterEvent[" + routerEvent + "]";
    }
}
