package io.github.rollback4j.core.internal;

import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.RouterEventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivers router events to listeners, synchronously, in registration order. A throwing listener is
 * logged and skipped. Callers check {@link #hasListeners()} before building an event, so nothing is
 * allocated when nobody listens.
 */
final class EventBus implements RouterEventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final String router;
    private final CopyOnWriteArrayList<Consumer<? super RouterEvent>> listeners = new CopyOnWriteArrayList<>();

    EventBus(String router) {
        this.router = router;
    }

    @Override
    public Registration onEvent(Consumer<? super RouterEvent> listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        // A fresh wrapper per registration, so closing one never removes another registration of the same listener.
        Consumer<RouterEvent> entry = listener::accept;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    @Override
    public <E extends RouterEvent> Registration onEvent(Class<E> type, Consumer<? super E> listener) {
        Objects.requireNonNull(type, "event type must not be null");
        Objects.requireNonNull(listener, "listener must not be null");
        return onEvent(event -> {
            if (type.isInstance(event)) {
                listener.accept(type.cast(event));
            }
        });
    }

    @Override
    public boolean hasListeners() {
        return !listeners.isEmpty();
    }

    void publish(RouterEvent event) {
        for (Consumer<? super RouterEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException | Error e) {
                LOG.warn("router '{}': event listener {} threw on {}; the event went on to the other listeners",
                        router, listener, event.getClass().getSimpleName(), e);
            }
        }
    }
}
