package io.github.rollback4j.core.fleet;

import io.github.rollback4j.Cause;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.internal.MergedTelemetry;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.RolloutStateStore;
import io.github.rollback4j.spi.StateChange;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This replica's membership in a fleet: the replicas of a service that share their routers' rollouts
 * through one {@link FleetStore} (PostgreSQL in production, the in-memory store for routers of one JVM).
 *
 * <pre>{@code
 * Fleet fleet = Fleet.builder(PostgresRolloutStateStore.of(dataSource)).build();
 * ManagedModelRouter<In, Out> router = ModelRouters.builder("fraud", v1).release(v2)
 *         .stateStore(fleet.stateStore())          // every change: compare-and-set, fenced, pushed to all replicas
 *         .build();                                // reads the current state before its first call
 * TriggerEngine engine = TriggerEngine.builder(router)
 *         .telemetry(fleet.telemetry(router))      // the leader judges fleet-wide data
 *         .triggers(triggers).build();
 * CanaryRollout canary = CanaryRollout.builder(router, v2.id(), engine, plan).build();
 * FleetMember member = fleet.join(router).engine(engine).rollout(canary).build();
 * member.start(scheduler);                         // leader: runs the canary; followers: route, publish, brake
 * }</pre>
 *
 * <h2>Settings</h2>
 * <ul>
 *   <li>{@code replicaId}: unique per process; default {@code <host>-<pid>-<4 hex>}.</li>
 *   <li>{@code leaseTime} (default {@value #DEFAULT_LEASE_SECONDS} s, 1 s..10 min): a replica that sees
 *   the lease unchanged for this long on its monotonic clock takes it over; the holder renews every third
 *   of it and stops deciding after two thirds without a renewal.</li>
 *   <li>{@code publishInterval} (default 1 s, 10 ms..1 min, at most a third of the lease time): how often a
 *   replica publishes its telemetry and heartbeat, reads the others', renews its lease and decides.</li>
 *   <li>{@code pollInterval} (default 5 s, at least the publish interval): the periodic re-read of the state
 *   behind the store's push notices.</li>
 *   <li>{@code failSafeAfter} (default 30 s, at least two publish intervals): a replica that cannot reach
 *   the store for this long serves only its last-known-good until it can again.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Fleet implements AutoCloseable {

    /** Default lease time, in seconds. */
    public static final long DEFAULT_LEASE_SECONDS = 10;
    /** Default lease time. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(DEFAULT_LEASE_SECONDS);
    /** Default publish interval. */
    public static final Duration DEFAULT_PUBLISH_INTERVAL = Duration.ofSeconds(1);
    /** Default periodic re-read of the state. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** Default fail-safe bound. */
    public static final Duration DEFAULT_FAIL_SAFE_AFTER = Duration.ofSeconds(30);

    private final FleetStore store;
    private final String replicaId;
    private final Duration leaseTime;
    private final Duration publishInterval;
    private final Duration pollInterval;
    private final Duration failSafeAfter;
    private final TimeSource time;
    private final ConcurrentHashMap<String, FleetMember> members = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, MergedTelemetry<?, ?>> telemetries = new ConcurrentHashMap<>();
    private final FencingStore fencing = new FencingStore();
    private final RouterEventPublisher.Registration watch;
    private volatile ExecutorService applier;

    private Fleet(Builder b) {
        this.store = b.store;
        this.replicaId = b.replicaId != null ? b.replicaId : defaultReplicaId();
        this.leaseTime = b.leaseTime;
        this.publishInterval = b.publishInterval;
        this.pollInterval = b.pollInterval;
        this.failSafeAfter = b.failSafeAfter;
        this.time = b.time;
        this.watch = store.watch(notice -> {
            FleetMember member = members.get(notice.router());
            if (member != null) {
                member.notice(notice.generation());
            }
        });
    }

    /**
     * @param store the store the replicas share
     * @return a builder
     */
    public static Builder builder(FleetStore store) {
        return new Builder(store);
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "replica";
        }
        String pid = String.valueOf(ProcessHandle.current().pid());
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + pid + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }

    /** @return this replica's id */
    public String replicaId() {
        return replicaId;
    }

    /** @return the shared store */
    public FleetStore store() {
        return store;
    }

    /** @return the lease time */
    public Duration leaseTime() {
        return leaseTime;
    }

    /** @return the publish interval */
    public Duration publishInterval() {
        return publishInterval;
    }

    /** @return the periodic re-read interval */
    public Duration pollInterval() {
        return pollInterval;
    }

    /** @return the fail-safe bound */
    public Duration failSafeAfter() {
        return failSafeAfter;
    }

    /** @return the time source of leases, bounds and intervals (its monotonic clock) */
    public TimeSource timeSource() {
        return time;
    }

    /**
     * The state store a fleet router is built with ({@code ModelRouters.builder(..).stateStore(..)}).
     * Every write is a compare-and-set on the shared store, stamped with this replica's id. Rollbacks
     * (all segments or one) and operators' changes are taken from any replica; automatic changes
     * (a rollout's steps and promotion) only from the replica that holds the router's lease, with its
     * fencing token, and are refused with {@link FencedWriteException} otherwise.
     *
     * @return the store
     */
    public RolloutStateStore stateStore() {
        return fencing;
    }

    /**
     * The router's fleet-wide telemetry on this replica: what its trigger engine should read
     * ({@code TriggerEngine.builder(router).telemetry(..)}). The same object for the same router.
     *
     * @param router a router built with {@link #stateStore()}
     * @return its fleet telemetry
     */
    public FleetTelemetry telemetry(ManagedModelRouter<?, ?> router) {
        Objects.requireNonNull(router, "telemetry: router must not be null");
        return telemetries.computeIfAbsent(router.name(), n -> MergedTelemetry.of(router, replicaId, publishInterval.multipliedBy(3)));
    }

    MergedTelemetry<?, ?> mergedTelemetry(ManagedModelRouter<?, ?> router) {
        return (MergedTelemetry<?, ?>) telemetry(router);
    }

    /**
     * @param router a router built with {@link #stateStore()}
     * @return a builder of the router's membership
     */
    public FleetMember.Builder join(ManagedModelRouter<?, ?> router) {
        return new FleetMember.Builder(this, router);
    }

    void register(FleetMember member) {
        if (members.putIfAbsent(member.router().name(), member) != null) {
            throw new IllegalArgumentException("fleet replica " + replicaId + ": router '" + member.router().name()
                    + "' has joined already; one member per router and replica");
        }
    }

    void unregister(FleetMember member) {
        members.remove(member.router().name(), member);
    }

    /**
     * @param router a router's name
     * @return its membership, if it joined
     */
    public Optional<FleetMember> member(String router) {
        return Optional.ofNullable(members.get(router));
    }

    /** @return every member, in no particular order */
    public List<FleetMember> members() {
        return List.copyOf(members.values());
    }

    /** The thread that applies pushed notices at once (started by the first {@link FleetMember#start}). */
    synchronized ExecutorService applier() {
        if (applier == null) {
            applier = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "rollback4j-fleet-applier-" + replicaId);
                t.setDaemon(true);
                return t;
            });
        }
        return applier;
    }

    ExecutorService applierOrNull() {
        return applier;
    }

    /** Leaves the fleet: every member gives up its lease and stops; the store itself is not closed. */
    @Override
    public void close() {
        members.values().forEach(FleetMember::close);
        watch.close();
        ExecutorService a;
        synchronized (this) {
            a = applier;
            applier = null;
        }
        if (a != null) {
            a.shutdownNow();
        }
    }

    /** Stamps writes with this replica and keeps automatic forward changes to the leaseholder. */
    private final class FencingStore implements RolloutStateStore {
        @Override
        public Optional<RolloutState> load(String router) {
            return store.load(router);
        }

        @Override
        public boolean compareAndSet(long expectedGeneration, RolloutState next) {
            StateChange change = next.change();
            RolloutState stamped = change == null ? next : new RolloutState(next.router(), next.generation(), next.lastKnownGood(),
                    next.allocations(), next.quarantined(), next.salt(), next.rollouts(), next.requests(),
                    change.withReplica(replicaId));
            if (change != null && (change.isRollback() || StateChange.CREATED.equals(change.action())
                    || !Cause.AUTOMATIC.equals(change.cause().actor()))) {
                return store.compareAndSet(expectedGeneration, stamped);
            }
            FleetMember member = members.get(next.router());
            String action = change == null ? "change" : change.action();
            if (member == null) {
                throw new FencedWriteException("router '" + next.router() + "': the automatic '" + action + "' was refused:"
                        + " the router has not joined the fleet on replica " + replicaId + " (fleet.join(router)...build())");
            }
            return member.fencedWrite(expectedGeneration, stamped, action);
        }
    }

    /** Builds a {@link Fleet}; not thread-safe. */
    public static final class Builder {
        private final FleetStore store;
        private String replicaId;
        private Duration leaseTime = DEFAULT_LEASE_TIME;
        private Duration publishInterval = DEFAULT_PUBLISH_INTERVAL;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration failSafeAfter = DEFAULT_FAIL_SAFE_AFTER;
        private TimeSource time = TimeSource.system();

        private Builder(FleetStore store) {
            this.store = Objects.requireNonNull(store, "Fleet.builder(store): store must not be null");
        }

        /**
         * @param id this replica's id: 1 to 64 letters, digits, '.', '_' or '-'; unique in the fleet
         * @return this builder
         */
        public Builder replicaId(String id) {
            if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("Fleet.replicaId must be 1 to 64 letters, digits, '.', '_' or '-', but was '"
                        + id + "'");
            }
            this.replicaId = id;
            return this;
        }

        /**
         * @param lease the lease time, 1 s..10 min (default 10 s)
         * @return this builder
         */
        public Builder leaseTime(Duration lease) {
            this.leaseTime = within("leaseTime", lease, Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * @param every the publish interval, 10 ms..1 min (default 1 s); at most a third of the lease time
         * @return this builder
         */
        public Builder publishInterval(Duration every) {
            this.publishInterval = within("publishInterval", every, Duration.ofMillis(10), Duration.ofMinutes(1));
            return this;
        }

        /**
         * @param every the periodic re-read of the state, 10 ms..10 min (default 5 s); at least the publish interval
         * @return this builder
         */
        public Builder pollInterval(Duration every) {
            this.pollInterval = within("pollInterval", every, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /**
         * @param bound how long the store may be unreachable before a replica serves only its
         *              last-known-good, 100 ms..1 h (default 30 s); at least two publish intervals
         * @return this builder
         */
        public Builder failSafeAfter(Duration bound) {
            this.failSafeAfter = within("failSafeAfter", bound, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * @param timeSource the clock of leases, bounds and intervals; default {@link TimeSource#system()};
         *                   the routers' virtual clock in tests and game days
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "Fleet.timeSource must not be null");
            return this;
        }

        private static Duration within(String field, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException("Fleet." + field + " must be between " + min + " and " + max + ", but was " + value);
            }
            return value;
        }

        /**
         * @return the fleet membership of this replica
         * @throws IllegalArgumentException when the intervals do not fit together (named)
         */
        public Fleet build() {
            if (publishInterval.multipliedBy(3).compareTo(leaseTime) > 0) {
                throw new IllegalArgumentException("Fleet.publishInterval must be at most a third of leaseTime (" + leaseTime
                        + "), so that the leader renews in time, but was " + publishInterval);
            }
            if (pollInterval.compareTo(publishInterval) < 0) {
                throw new IllegalArgumentException("Fleet.pollInterval must be at least publishInterval (" + publishInterval
                        + "), but was " + pollInterval);
            }
            if (failSafeAfter.compareTo(publishInterval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("Fleet.failSafeAfter must be at least two publish intervals ("
                        + publishInterval.multipliedBy(2) + "), but was " + failSafeAfter);
            }
            return new Fleet(this);
        }
    }
}
