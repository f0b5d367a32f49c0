package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.spi.FleetAuditEntry;
import io.github.rollback4j.spi.FleetIncident;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.Lease;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateNotice;
import io.github.rollback4j.spi.TelemetrySlot;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The embedded store: rollout state, leases, telemetry reports, audit log and incidents live in this
 * JVM and are lost on restart. It is the default of every router. Share one instance between routers
 * of the same name (a fleet in one JVM: tests, game days) to see compare-and-set, fencing and
 * notices at work; for replicas in several processes use {@code PostgresRolloutStateStore}.
 *
 * <p>Notices of committed generations are delivered on the committing thread, after the commit and
 * outside any lock of the store's. Audit entries are kept up to {@value #AUDIT_CAPACITY} per router.
 *
 * <p>Thread-safe and linearizable per router name.
 */
public final class InMemoryRolloutStateStore implements FleetStore {

    /** Audit entries kept per router; the oldest are dropped first. */
    public static final int AUDIT_CAPACITY = 100_000;

    private final ConcurrentHashMap<String, RolloutState> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<StateNotice>> watchers = new CopyOnWriteArrayList<>();
    /** Per router, per replica: the latest report (slots: every kept sub-window). Guarded by itself. */
    private final Map<String, Map<String, Published>> published = new HashMap<>();
    /** Per router, the audit log. Guarded by itself. */
    private final Map<String, ArrayDeque<FleetAuditEntry>> audit = new HashMap<>();
    private long auditIds;
    /** Per router, incidents by id in opening order. Guarded by itself. */
    private final Map<String, LinkedHashMap<String, FleetIncident>> incidents = new HashMap<>();

    /** A replica's latest heartbeat and every sub-window it keeps, by (kind, slot). */
    private record Published(ReplicaReport latest, TreeMap<Long, TelemetrySlot> slots) {
    }

    @Override
    public Optional<RolloutState> load(String router) {
        return Optional.ofNullable(states.get(router));
    }

    @Override
    public boolean compareAndSet(long expectedGeneration, RolloutState next) {
        return write(expectedGeneration, next, null, 0) == Write.STORED;
    }

    @Override
    public Write compareAndSet(long expectedGeneration, RolloutState next, String holder, long token) {
        java.util.Objects.requireNonNull(holder, "compareAndSet: holder must not be null");
        return write(expectedGeneration, next, holder, token);
    }

    private Write write(long expectedGeneration, RolloutState next, String holder, long token) {
        if (next.generation() != expectedGeneration + 1) {
            throw new IllegalArgumentException("RolloutState.generation must be expectedGeneration + 1 = " + (expectedGeneration + 1)
                    + ", but was " + next.generation());
        }
        Write[] outcome = {Write.CONFLICT};
        states.compute(next.router(), (name, current) -> {
            long currentGeneration = current == null ? 0 : current.generation();
            if (currentGeneration != expectedGeneration) {
                return current;
            }
            if (holder != null) {
                Lease lease = leases.get(name);
                if (lease == null || !lease.heldBy(holder) || lease.token() != token) {
                    outcome[0] = Write.FENCED;
                    return current;
                }
            }
            outcome[0] = Write.STORED;
            return next;
        });
        if (outcome[0] == Write.STORED) {
            StateNotice notice = new StateNotice(next.router(), next.generation());
            for (Consumer<StateNotice> watcher : watchers) {
                try {
                    watcher.accept(notice);
                } catch (RuntimeException e) {
                    // a watcher's failure must not fail the commit; the periodic re-read catches up
                }
            }
        }
        return outcome[0];
    }

    @Override
    public Lease lease(String router) {
        return leases.getOrDefault(router, Lease.none(router));
    }

    @Override
    public OptionalLong acquireLease(String router, String replica, Lease observed) {
        java.util.Objects.requireNonNull(replica, "acquireLease: replica must not be null");
        long[] token = {-1};
        leases.compute(router, (name, current) -> {
            Lease now = current == null ? Lease.none(name) : current;
            if (!now.equals(observed)) {
                return current;
            }
            token[0] = now.token() + 1;
            return new Lease(name, replica, token[0], 0);
        });
        return token[0] < 0 ? OptionalLong.empty() : OptionalLong.of(token[0]);
    }

    @Override
    public boolean renewLease(String router, String replica, long token) {
        boolean[] renewed = {false};
        leases.computeIfPresent(router, (name, current) -> {
            if (current.heldBy(replica) && current.token() == token) {
                renewed[0] = true;
                return new Lease(name, replica, token, current.beat() + 1);
            }
            return current;
        });
        return renewed[0];
    }

    @Override
    public void releaseLease(String router, String replica, long token) {
        leases.computeIfPresent(router, (name, current) -> current.heldBy(replica) && current.token() == token
                ? new Lease(name, null, token, current.beat() + 1) : current);
    }

    @Override
    public RouterEventPublisher.Registration watch(Consumer<StateNotice> listener) {
        java.util.Objects.requireNonNull(listener, "watch: listener must not be null");
        Consumer<StateNotice> entry = listener::accept;
        watchers.add(entry);
        return () -> watchers.remove(entry);
    }

    @Override
    public void publish(ReplicaReport report) {
        synchronized (published) {
            Map<String, Published> replicas = published.computeIfAbsent(report.router(), r -> new TreeMap<>());
            Published before = replicas.get(report.replica());
            TreeMap<Long, TelemetrySlot> slots = before == null ? new TreeMap<>() : before.slots();
            for (TelemetrySlot slot : report.slots()) {
                slots.put(key(slot.kind(), slot.slot()), slot);
            }
            report.keepFrom().forEach((kind, oldest) ->
                    slots.entrySet().removeIf(e -> e.getValue().kind() == kind && e.getValue().slot() < oldest));
            replicas.put(report.replica(), new Published(report, slots));
        }
    }

    private static long key(int kind, long slot) {
        // slots are epoch-based indexes far below 2^60; the kind goes into the top bits
        return ((long) kind << 60) | slot;
    }

    @Override
    public List<ReplicaReport> reports(String router, Map<String, Long> seen, boolean withSlots) {
        synchronized (published) {
            Map<String, Published> replicas = published.getOrDefault(router, Map.of());
            List<ReplicaReport> reports = new ArrayList<>();
            replicas.forEach((replica, p) -> {
                long after = seen.getOrDefault(replica, 0L);
                List<TelemetrySlot> fresh = new ArrayList<>();
                for (TelemetrySlot slot : p.slots().values()) {
                    if (withSlots && slot.seq() > after) {
                        fresh.add(slot);
                    }
                }
                ReplicaReport r = p.latest();
                reports.add(new ReplicaReport(r.router(), r.replica(), r.seq(), r.appliedGeneration(), r.leader(), r.failSafe(),
                        r.startedAt(), r.publishedAt(), r.totals(), fresh, Map.of()));
            });
            reports.sort(Comparator.comparing(ReplicaReport::replica));
            return reports;
        }
    }

    @Override
    public void appendAudit(String replica, List<AuditEntry> entries) {
        synchronized (audit) {
            for (AuditEntry entry : entries) {
                ArrayDeque<FleetAuditEntry> log = audit.computeIfAbsent(entry.router(), r -> new ArrayDeque<>());
                if (log.size() == AUDIT_CAPACITY) {
                    log.removeFirst();
                }
                log.addLast(new FleetAuditEntry(++auditIds, replica, entry));
            }
        }
    }

    @Override
    public List<FleetAuditEntry> auditLog(String router, Instant from, Instant to, int limit) {
        if (limit < 1 || limit > 100_000) {
            throw new IllegalArgumentException("auditLog: limit must be between 1 and 100000, but was " + limit);
        }
        synchronized (audit) {
            List<FleetAuditEntry> selected = new ArrayList<>();
            for (FleetAuditEntry e : audit.getOrDefault(router, new ArrayDeque<>())) {
                Instant t = e.entry().time();
                if (!t.isBefore(from) && !t.isAfter(to)) {
                    selected.add(e);
                }
            }
            return List.copyOf(selected.subList(Math.max(0, selected.size() - limit), selected.size()));
        }
    }

    @Override
    public boolean openIncident(FleetIncident incident) {
        synchronized (incidents) {
            return incidents.computeIfAbsent(incident.router(), r -> new LinkedHashMap<>()).putIfAbsent(incident.id(), incident) == null;
        }
    }

    @Override
    public void updateIncident(FleetIncident incident) {
        synchronized (incidents) {
            LinkedHashMap<String, FleetIncident> byId = incidents.get(incident.router());
            if (byId == null || !byId.containsKey(incident.id())) {
                throw new IllegalArgumentException("updateIncident: router '" + incident.router() + "' has no incident '"
                        + incident.id() + "'; open it first");
            }
            byId.put(incident.id(), incident);
        }
    }

    @Override
    public List<FleetIncident> incidents(String router) {
        synchronized (incidents) {
            return List.copyOf(incidents.getOrDefault(router, new LinkedHashMap<>()).values());
        }
    }
}
