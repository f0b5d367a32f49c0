package io.github.rollback4j.core.fleet;

import io.github.rollback4j.core.InMemoryRolloutStateStore;
import io.github.rollback4j.spi.FleetStore;

/** The fleet store contract on the embedded in-memory store. */
class InMemoryFleetStoreTest extends FleetStoreContract {

    private final InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();

    @Override
    FleetStore store() {
        return store;
    }
}
