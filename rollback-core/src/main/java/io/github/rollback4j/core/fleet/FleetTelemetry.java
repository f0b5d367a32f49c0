package io.github.rollback4j.core.fleet;

import io.github.rollback4j.telemetry.RouterTelemetry;

import java.util.List;

/**
 * A router's telemetry over its whole fleet: this replica's live windows plus every other replica's
 * published sub-windows and totals, merged by addition (latency sketches, counts, KPI sufficient
 * statistics, profile histograms). Snapshots cover the same wall-clock sub-windows on every replica, so
 * a trigger on the leader compares candidate and baseline on all the fleet's traffic. KPI reports and
 * call observers go to this replica's own telemetry.
 *
 * <p>Thread-safe.
 */
public interface FleetTelemetry extends RouterTelemetry {

    /** @return every replica whose data is in the merge (this one first), with how fresh it is */
    List<ReplicaView> replicas();

    /**
     * @return one sentence for a verdict's evidence, e.g. {@code fleet-wide data of 4 replicas
     *         (r3 STALE: silent for 12.0 s, its data up to then included)}
     */
    String describeSources();
}
