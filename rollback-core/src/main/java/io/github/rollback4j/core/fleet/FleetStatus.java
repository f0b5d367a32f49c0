package io.github.rollback4j.core.fleet;

import io.github.rollback4j.spi.OperatorRequest;
import io.github.rollback4j.spi.RolloutProgress;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One replica's view of its router's fleet, for the health indicator, the Actuator endpoint and logs.
 *
 * <p>Immutable and thread-safe.
 *
 * @param router the router's name
 * @param replica this replica's id
 * @param leader the replica that held the lease when this one last looked, or {@code null} when none
 * @param leading whether this replica holds the lease now and may decide
 * @param fencingToken this replica's fencing token while it leads, else 0
 * @param generation the state generation this replica routes by
 * @param failSafe why this replica serves only its last-known-good, or {@code null} when it does not
 * @param sinceStoreContact how long ago the store last answered (monotonic clock)
 * @param lastStoreError the last error of the store, credentials masked, or {@code null}
 * @param replicas every replica known, this one first
 * @param rollouts the stored progress of each rollout, by segment
 * @param requests operator requests waiting for the leader
 */
public record FleetStatus(String router, String replica, String leader, boolean leading, long fencingToken, long generation,
                          String failSafe, Duration sinceStoreContact, String lastStoreError, List<ReplicaView> replicas,
                          Map<String, RolloutProgress> rollouts, List<OperatorRequest> requests) {
}
