package io.github.rollback4j.spring;

import io.github.rollback4j.core.incident.IncidentNotice;
import io.github.rollback4j.core.incident.Notifier;
import org.springframework.context.ApplicationEventPublisher;

import java.util.Objects;

/**
 * A {@link Notifier} that publishes every incident notice as a {@link RollbackIncidentEvent} on the
 * application context. The starter adds it to every router's incident manager unless
 * {@code rollback4j.events.enabled=false}.
 *
 * <p>Thread-safe (the incident manager calls it from one thread of its own).
 */
public final class SpringEventNotifier implements Notifier {

    private final ApplicationEventPublisher publisher;

    /** @param publisher where the events go, usually the application context */
    public SpringEventNotifier(ApplicationEventPublisher publisher) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public void send(IncidentNotice notice) {
        publisher.publishEvent(new RollbackIncidentEvent(this, notice));
    }

    @Override
    public String toString() {
        return "spring-events";
    }
}
