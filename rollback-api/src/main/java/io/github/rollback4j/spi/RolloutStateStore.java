package io.github.rollback4j.spi;

import java.util.Optional;

/**
 * Where a router keeps its {@link RolloutState}, so that a set of replicas can share one rollout:
 * the routing generation, the last-known-good and the quarantine. Every change is a compare-and-set
 * on the generation number, so two replicas can never both apply a change on top of the same state.
 *
 * <p>The in-memory store is the embedded default. A shared store (e.g. PostgreSQL-backed) plugs in
 * here without any change to the router. Implementations must be thread-safe and linearizable per
 * router name. They are called on the control path only.
 */
public interface RolloutStateStore {

    /**
     * @param router the router's name
     * @return the current state, or empty when this router has none yet
     */
    Optional<RolloutState> load(String router);

    /**
     * Replaces the router's state if its generation is still {@code expectedGeneration}.
     *
     * @param expectedGeneration the generation the change was computed from, or 0 to create the first state
     * @param next the new state; its generation must be {@code expectedGeneration + 1}
     * @return {@code true} if stored, {@code false} if another writer got there first (reload and retry)
     * @throws IllegalArgumentException when {@code next.generation() != expectedGeneration + 1}
     */
    boolean compareAndSet(long expectedGeneration, RolloutState next);
}
