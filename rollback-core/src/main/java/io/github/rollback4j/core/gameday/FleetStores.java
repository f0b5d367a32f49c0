package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.InMemoryRolloutStateStore;
import io.github.rollback4j.spi.FleetStore;

import java.util.Objects;
import java.util.function.Function;

/**
 * Where the replicas of one fleet game day keep their shared rollout: each replica process gets its own
 * handle ({@link #open}), as separate processes each have their own connection pool; the handles of one
 * run share one store, which must hold nothing of the scenario's router yet (one fresh store, database
 * schema or namespace per run).
 *
 * <p>{@code rollback-core} ships the in-memory store ({@link #inMemory()}), which a game day uses by
 * default; the {@code ./gameday} command gives each replica a {@code PostgresRolloutStateStore} on its own
 * small pool ({@code --postgres}, or an embedded PostgreSQL).
 *
 * <p>Implementations must be thread-safe as their stores are; a game day calls {@link #open} from its own
 * thread only.
 */
public interface FleetStores {

    /**
     * @param replica the replica process's id, e.g. {@code r1} or {@code r1-2} after a restart
     * @return a new handle on the shared store for that process; closed by the game day when the process is killed
     *         and at the end, when it is {@link AutoCloseable}
     */
    FleetStore open(String replica);

    /** @return what the store is, for the timeline and the result, e.g. {@code PostgreSQL at 127.0.0.1:5432/postgres} */
    String describe();

    /**
     * @return a new in-memory store that every replica of one run shares (its handles are never closed); make one
     *         per run
     */
    static FleetStores inMemory() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        return of("in-memory", replica -> store);
    }

    /**
     * @param description what the store is
     * @param open a new handle for each replica process
     * @return the stores
     */
    static FleetStores of(String description, Function<String, ? extends FleetStore> open) {
        Objects.requireNonNull(description, "FleetStores.of: description must not be null");
        Objects.requireNonNull(open, "FleetStores.of: open must not be null");
        return new FleetStores() {
            @Override
            public FleetStore open(String replica) {
                return open.apply(replica);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
