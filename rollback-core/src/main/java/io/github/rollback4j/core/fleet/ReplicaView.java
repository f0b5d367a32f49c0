package io.github.rollback4j.core.fleet;

import java.time.Duration;
import java.time.Instant;

/**
 * What one replica of a fleet knows about another replica (or about itself) of one router, as the
 * health indicator, the Actuator endpoint and the verdicts' evidence show it.
 *
 * <p>Ages are measured on the observing replica's monotonic clock from when it saw the replica's
 * report change (or, for itself, its last publish), never by comparing two machines' clocks.
 *
 * <p>Immutable and thread-safe.
 *
 * @param replica the replica's id
 * @param self whether this is the observing replica itself
 * @param leader whether it said it held the lease in its latest report
 * @param failSafe whether it said it was in fail-safe
 * @param appliedGeneration the state generation it routes by, as of its latest report
 * @param reports how many reports it has published (its sequence number)
 * @param lastReportAge how long ago its latest report arrived
 * @param stale whether it has been silent for longer than the fleet's stale bound (3 publish intervals)
 * @param publishedAt when it wrote its latest report, on its own wall clock (a timestamp only)
 */
public record ReplicaView(String replica, boolean self, boolean leader, boolean failSafe, long appliedGeneration, long reports,
                          Duration lastReportAge, boolean stale, Instant publishedAt) {

    /** @return e.g. {@code r2 (leader, generation 12, 0.8 s ago)} */
    public String describe() {
        return replica + (self ? " (this replica" : " (") + (leader ? (self ? ", " : "") + "leader, " : self ? ", " : "")
                + (failSafe ? "FAIL-SAFE, " : "") + "generation " + appliedGeneration + ", "
                + (stale ? "STALE: silent for " : "reported ") + String.format(java.util.Locale.ROOT, "%.1f s",
                lastReportAge.toMillis() / 1000.0) + (stale ? "" : " ago") + ")";
    }
}
