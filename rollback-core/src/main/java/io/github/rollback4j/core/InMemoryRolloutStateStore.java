package io.github.rollback4j.core;

import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.RolloutStateStore;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link RolloutStateStore}: state lives in this JVM and is lost on restart. Share one
 * instance between routers of the same name to see compare-and-set at work; for a replica set use a
 * shared store.
 *
 * <p>Thread-safe and linearizable per router name.
 */
public final class InMemoryRolloutStateStore implements RolloutStateStore {

    private final ConcurrentHashMap<String, RolloutState> states = new ConcurrentHashMap<>();

    @Override
    public Optional<RolloutState> load(String router) {
        return Optional.ofNullable(states.get(router));
    }

    @Override
    public boolean compareAndSet(long expectedGeneration, RolloutState next) {
        if (next.generation() != expectedGeneration + 1) {
            throw new IllegalArgumentException("RolloutState.generation must be expectedGeneration + 1 = " + (expectedGeneration + 1)
                    + ", but was " + next.generation());
        }
        boolean[] stored = {false};
        states.compute(next.router(), (name, current) -> {
            long currentGeneration = current == null ? 0 : current.generation();
            if (currentGeneration != expectedGeneration) {
                return current;
            }
            stored[0] = true;
            return next;
        });
        return stored[0];
    }
}
