package io.github.rollback4j.core.gameday;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.spi.FleetAuditEntry;
import io.github.rollback4j.spi.FleetIncident;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.FleetStoreException;
import io.github.rollback4j.spi.Lease;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateNotice;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One replica's connection to the fleet's store in a game day: every call goes through to the store
 * until the replica is {@link #cut() cut off}, and then fails as an unreachable store does
 * ({@link FleetStoreException}) until it is {@link #restore() restored}. Closing it closes the store
 * handle when that is closeable (a replica's own pool and notice listener on PostgreSQL), as a killed
 * process's connections close.
 *
 * <p>Wrapping the {@link FleetStore} rather than the connection keeps the fault the same on every store
 * (in-memory or PostgreSQL) and exact in virtual time: a call fails at once instead of after a timeout.
 *
 * <p>Thread-safe (the flag is volatile; the store's own guarantees otherwise).
 */
final class ReplicaLink implements FleetStore, AutoCloseable {

    private final FleetStore store;
    private final String replica;
    private volatile boolean cut;
    private volatile boolean closed;

    ReplicaLink(FleetStore store, String replica) {
        this.store = java.util.Objects.requireNonNull(store, "the fleet store supplier returned null");
        this.replica = replica;
    }

    /** From now on every call fails as if the network to the store were down. */
    void cut() {
        cut = true;
    }

    /** The store answers again. */
    void restore() {
        cut = false;
    }

    /** @return whether the replica is cut off now */
    boolean isCut() {
        return cut;
    }

    private void reach() {
        if (cut) {
            throw new FleetStoreException("replica " + replica + " cannot reach the fleet's store (game-day fault: cut off)", null);
        }
        if (closed) {
            throw new FleetStoreException("replica " + replica + " was killed: its connection to the store is closed", null);
        }
    }

    @Override
    public Optional<RolloutState> load(String router) {
        reach();
        return store.load(router);
    }

    @Override
    public boolean compareAndSet(long expectedGeneration, RolloutState next) {
        reach();
        return store.compareAndSet(expectedGeneration, next);
    }

    @Override
    public Write compareAndSet(long expectedGeneration, RolloutState next, String holder, long token) {
        reach();
        return store.compareAndSet(expectedGeneration, next, holder, token);
    }

    @Override
    public Lease lease(String router) {
        reach();
        return store.lease(router);
    }

    @Override
    public OptionalLong acquireLease(String router, String replicaId, Lease observed) {
        reach();
        return store.acquireLease(router, replicaId, observed);
    }

    @Override
    public boolean renewLease(String router, String replicaId, long token) {
        reach();
        return store.renewLease(router, replicaId, token);
    }

    @Override
    public void releaseLease(String router, String replicaId, long token) {
        reach();
        store.releaseLease(router, replicaId, token);
    }

    /** Notices pass while cut off too: a replica only re-reads on them, and that read fails while the link is cut. */
    @Override
    public RouterEventPublisher.Registration watch(Consumer<StateNotice> listener) {
        return store.watch(listener);
    }

    @Override
    public void publish(ReplicaReport report) {
        reach();
        store.publish(report);
    }

    @Override
    public List<ReplicaReport> reports(String router, Map<String, Long> seen, boolean withSlots) {
        reach();
        return store.reports(router, seen, withSlots);
    }

    @Override
    public void appendAudit(String replicaId, List<AuditEntry> entries) {
        reach();
        store.appendAudit(replicaId, entries);
    }

    @Override
    public List<FleetAuditEntry> auditLog(String router, Instant from, Instant to, int limit) {
        reach();
        return store.auditLog(router, from, to, limit);
    }

    @Override
    public boolean openIncident(FleetIncident incident) {
        reach();
        return store.openIncident(incident);
    }

    @Override
    public void updateIncident(FleetIncident incident) {
        reach();
        store.updateIncident(incident);
    }

    @Override
    public List<FleetIncident> incidents(String router) {
        reach();
        return store.incidents(router);
    }

    /** Closes the store handle if it is closeable (the shared in-memory store is not). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("replica " + replica + ": could not close its store: " + e.getMessage(), e);
            }
        }
    }
}
