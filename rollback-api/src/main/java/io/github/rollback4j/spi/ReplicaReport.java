package io.github.rollback4j.spi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one replica of a fleet publishes about one router every publish interval: its heartbeat (a
 * sequence number), the generation it routes by, whether it is the leader or in fail-safe, its
 * never-reset telemetry totals, and the telemetry sub-windows that changed since its last report.
 *
 * <p>Returned by {@link FleetStore#reports}, {@code slots} holds only the sub-windows written after the
 * sequence number the reader had already seen, and {@code keepFrom} is empty.
 *
 * <p>Immutable as far as the store is concerned: byte arrays are not copied.
 *
 * @param router the router's name
 * @param replica the replica's id
 * @param seq increases by one with every report of this replica; readers detect a silent replica by it
 * @param appliedGeneration the state generation the replica routes by
 * @param leader whether the replica believed it held the lease when it published
 * @param failSafe whether the replica is in fail-safe (serving its last-known-good only)
 * @param startedAt when the replica joined (wall clock; a timestamp only)
 * @param publishedAt when the report was written (the replica's wall clock; a timestamp only)
 * @param totals the replica's never-reset outcome and KPI totals per release and segment, encoded by rollback-core
 * @param slots sub-windows written by this report
 * @param keepFrom per window kind, the oldest sub-window the replica still holds: older ones of this
 *                 replica may be deleted by the store
 */
public record ReplicaReport(String router, String replica, long seq, long appliedGeneration, boolean leader, boolean failSafe,
                            Instant startedAt, Instant publishedAt, byte[] totals, List<TelemetrySlot> slots,
                            Map<Integer, Long> keepFrom) {

    /**
     * @throws IllegalArgumentException when the sequence number is not positive
     */
    public ReplicaReport {
        Objects.requireNonNull(router, "ReplicaReport.router must not be null");
        Objects.requireNonNull(replica, "ReplicaReport.replica must not be null");
        Objects.requireNonNull(startedAt, "ReplicaReport.startedAt must not be null");
        Objects.requireNonNull(publishedAt, "ReplicaReport.publishedAt must not be null");
        Objects.requireNonNull(totals, "ReplicaReport.totals must not be null");
        if (seq < 1) {
            throw new IllegalArgumentException("ReplicaReport.seq must be >= 1, but was " + seq);
        }
        slots = slots == null ? List.of() : List.copyOf(slots);
        keepFrom = keepFrom == null ? Map.of() : Map.copyOf(keepFrom);
    }
}
