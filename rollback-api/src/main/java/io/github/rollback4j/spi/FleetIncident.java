package io.github.rollback4j.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A fleet-wide incident record: one per rollback, opened by the replica whose rollback commit won,
 * completed by the leader (which writes the evidence bundle and verifies recovery on fleet-wide data).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the incident's id, unique per router (e.g. {@code inc-<router>-<generation>})
 * @param router the router's name
 * @param generation the state generation of the rollback commit that opened it
 * @param openedBy the replica whose commit won
 * @param openedAt when it was opened (that replica's wall clock)
 * @param status {@code OPEN}, {@code RESOLVED} or {@code ESCALATED}
 * @param evidenceBy the replica that wrote the evidence bundle, or {@code null} while none has
 * @param document the incident as JSON (rollback-core's incident.json form), redacted
 */
public record FleetIncident(String id, String router, long generation, String openedBy, Instant openedAt, String status,
                            String evidenceBy, String document) {

    /** Validates. */
    public FleetIncident {
        Objects.requireNonNull(id, "FleetIncident.id must not be null");
        Objects.requireNonNull(router, "FleetIncident.router must not be null");
        Objects.requireNonNull(openedBy, "FleetIncident.openedBy must not be null");
        Objects.requireNonNull(openedAt, "FleetIncident.openedAt must not be null");
        Objects.requireNonNull(status, "FleetIncident.status must not be null");
        Objects.requireNonNull(document, "FleetIncident.document must not be null");
    }
}
