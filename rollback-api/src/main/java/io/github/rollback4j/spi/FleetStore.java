package io.github.rollback4j.spi;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.RouterEventPublisher;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A {@link RolloutStateStore} that a fleet of replicas shares: besides the rollout state it holds each
 * router's decider lease with its fencing token, pushes a notice on every committed generation, keeps
 * every replica's published telemetry, the fleet-wide audit log and the incidents.
 *
 * <p>The embedded default ({@code InMemoryRolloutStateStore}) implements it for the routers of one
 * JVM; {@code PostgresRolloutStateStore} for replicas in many processes. Implementations must be
 * thread-safe and linearizable per router; every method may throw a {@link RuntimeException} when the
 * store cannot be reached (fleet mode then counts the time since the last successful call towards its
 * fail-safe bound). All methods are on the control path; none is called by a request.
 */
public interface FleetStore extends RolloutStateStore {

    /** What a fenced compare-and-set did. */
    enum Write {
        /** Stored. */
        STORED,
        /** Not stored: the generation is no longer the expected one (reload and retry). */
        CONFLICT,
        /** Not stored: the writer's fencing token is not the router's current lease token. */
        FENCED
    }

    /**
     * Replaces the router's state if its generation is still {@code expectedGeneration} and
     * {@code holder} holds the router's lease with {@code token}, in one atomic step.
     *
     * @param expectedGeneration the generation the change was computed from
     * @param next the new state; its generation must be {@code expectedGeneration + 1}
     * @param holder the writing replica
     * @param token the fencing token of the lease the writer holds
     * @return what happened
     * @throws IllegalArgumentException when {@code next.generation() != expectedGeneration + 1}
     */
    Write compareAndSet(long expectedGeneration, RolloutState next, String holder, long token);

    /**
     * @param router the router's name
     * @return the router's lease; {@link Lease#none} when nobody ever held it
     */
    Lease lease(String router);

    /**
     * Takes the lease if it is still exactly as observed (nobody renewed or took it in between).
     *
     * @param router the router's name
     * @param replica the replica taking it
     * @param observed the lease as the replica last read it
     * @return the new fencing token ({@code observed.token() + 1}), or empty when the lease changed
     */
    OptionalLong acquireLease(String router, String replica, Lease observed);

    /**
     * Increments the lease's heartbeat if {@code replica} still holds it with {@code token}.
     *
     * @param router the router's name
     * @param replica the holder
     * @param token its fencing token
     * @return whether the lease is still held by it
     */
    boolean renewLease(String router, String replica, long token);

    /**
     * Gives the lease up (on shutdown), so that another replica takes it at once; does nothing when
     * {@code replica} no longer holds it with {@code token}.
     *
     * @param router the router's name
     * @param replica the holder
     * @param token its fencing token
     */
    void releaseLease(String router, String replica, long token);

    /**
     * Subscribes to notices of committed generations of every router in the store. Notices may come
     * on a thread of the store's, late, twice or not at all: a listener re-reads the state, and
     * replicas re-read it periodically anyway.
     *
     * @param listener called with each notice; must not block
     * @return a handle that unsubscribes
     */
    RouterEventPublisher.Registration watch(Consumer<StateNotice> listener);

    /**
     * Stores a replica's report: its heartbeat row (replacing the previous one), the sub-windows it
     * carries (replacing earlier versions of the same sub-windows) and drops that replica's
     * sub-windows older than {@link ReplicaReport#keepFrom()}.
     *
     * @param report the report
     */
    void publish(ReplicaReport report);

    /**
     * The latest report of every replica that ever published for the router, each with only the
     * sub-windows written after the sequence number the reader has already seen of it.
     *
     * @param router the router's name
     * @param seen per replica id, the highest {@link TelemetrySlot#seq()} the reader has already read
     *             (absent: read all of that replica's sub-windows)
     * @param withSlots {@code false} to read the heartbeats and totals only (followers, which do not merge)
     * @return one report per replica, in replica id order
     */
    List<ReplicaReport> reports(String router, Map<String, Long> seen, boolean withSlots);

    /**
     * Appends audit entries of one replica's router to the fleet's log.
     *
     * @param replica the replica
     * @param entries the entries, oldest first
     */
    void appendAudit(String replica, List<AuditEntry> entries);

    /**
     * @param router the router's name
     * @param from the earliest entry time, inclusive
     * @param to the latest entry time, inclusive
     * @param limit at most this many entries, the newest ones (1..100000)
     * @return the fleet's audit entries of the router in that range, oldest first
     */
    List<FleetAuditEntry> auditLog(String router, Instant from, Instant to, int limit);

    /**
     * Opens an incident unless one with the same id exists.
     *
     * @param incident the incident
     * @return whether it was stored (false: already open)
     */
    boolean openIncident(FleetIncident incident);

    /**
     * Replaces a stored incident (status, evidence writer, document).
     *
     * @param incident the incident, with the id of an open one
     */
    void updateIncident(FleetIncident incident);

    /**
     * @param router the router's name
     * @return the router's incidents, oldest first
     */
    List<FleetIncident> incidents(String router);
}
