package io.github.rollback4j.spring;

import io.github.rollback4j.core.incident.IncidentNotice;
import org.springframework.context.ApplicationEvent;

/**
 * An incident notice of a starter-built router, published as a Spring application event:
 * {@code @EventListener void on(RollbackIncidentEvent e)} hears when an incident opens, is updated
 * (the samples after the rollback are complete), resolves (recovery verified, or an operator resolved
 * it) or escalates (the rollback did not restore the SLOs in time).
 *
 * <p>Published by {@link SpringEventNotifier} on the incident manager's notifier thread for it, never
 * on the thread that rolled back, so a slow listener delays no rollback; a listener that throws is
 * logged and counted as a notification failure. Immutable.
 */
public final class RollbackIncidentEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final transient IncidentNotice notice;

    /**
     * @param source the publisher
     * @param notice what happened
     */
    public RollbackIncidentEvent(Object source, IncidentNotice notice) {
        super(source);
        this.notice = java.util.Objects.requireNonNull(notice, "notice");
    }

    /** @return the notice: kind, incident id, router, status, title, summary, owner, channel, bundle location */
    public IncidentNotice getNotice() {
        return notice;
    }

    /** @return the router's name */
    public String getRouter() {
        return notice.router();
    }

    /** @return opened, updated, resolved or escalated */
    public IncidentNotice.Kind getKind() {
        return notice.kind();
    }

    @Override
    public String toString() {
        return "RollbackIncidentEvent[" + notice.kind() + " " + notice.incidentId() + "]";
    }
}
