package io.github.rollback4j.spi;

import io.github.rollback4j.AuditEntry;

import java.util.Objects;

/**
 * An audit entry in a fleet's shared audit log, with the replica that wrote it.
 *
 * @param id increases with every entry the store keeps for the router (the store's order)
 * @param replica the replica whose router made the entry
 * @param entry the entry
 */
public record FleetAuditEntry(long id, String replica, AuditEntry entry) {

    /** Validates. */
    public FleetAuditEntry {
        Objects.requireNonNull(replica, "FleetAuditEntry.replica must not be null");
        Objects.requireNonNull(entry, "FleetAuditEntry.entry must not be null");
    }
}
