package io.github.rollback4j;

import java.util.function.Consumer;

/**
 * Registers listeners for a router's {@link RouterEvent}s.
 *
 * <p>Listeners run synchronously on the thread that made the change (a control thread, never a
 * request thread). A listener that throws is logged and skipped: it cannot break a rollback or a
 * call. Thread-safe; listeners may be added and removed at any time.
 */
public interface RouterEventPublisher {

    /**
     * @param listener called for every event
     * @return a handle that removes the listener when closed
     */
    Registration onEvent(Consumer<? super RouterEvent> listener);

    /**
     * @param type the event type to listen for, e.g. {@code RouterEvent.RolledBack.class}
     * @param listener called for events of that type
     * @param <E> the event type
     * @return a handle that removes the listener when closed
     */
    <E extends RouterEvent> Registration onEvent(Class<E> type, Consumer<? super E> listener);

    /** @return {@code true} when at least one listener is registered */
    boolean hasListeners();

    /** Removes a listener when closed; closing twice is harmless. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
