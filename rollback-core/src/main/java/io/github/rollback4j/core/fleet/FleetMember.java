package io.github.rollback4j.core.fleet;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.internal.MergedTelemetry;
import io.github.rollback4j.core.internal.Ticks;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.spi.FleetIncident;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.FleetStoreException;
import io.github.rollback4j.spi.Lease;
import io.github.rollback4j.spi.OperatorRequest;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutProgress;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateChange;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.TriggerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One router's part in its fleet on this replica. Every {@link Fleet#publishInterval() publish
 * interval} a {@link #tick()}:
 * <ol>
 *   <li>keeps the decider lease: the holder renews it every third of the lease time; any other replica
 *   takes it over once it has seen it unchanged for a whole lease time on its own monotonic clock;</li>
 *   <li>re-reads the state when the store pushed a notice (applied at once on the fleet's applier thread
 *   when started) or the poll interval has passed, and routes by it with the router's atomic swap;</li>
 *   <li>publishes this replica's telemetry sub-windows, totals and heartbeat, and reads the others';</li>
 *   <li>decides: the <b>leader</b> carries out operator requests, runs the rollout (or the trigger
 *   engine) on fleet-wide data and stores the rollout's progress with its fencing token; a
 *   <b>follower</b> runs the emergency brake: the SEVERE triggers on its own data, whose sustained breach
 *   rolls back through the store (a compare-and-set any replica may make; every replica applies it).</li>
 * </ol>
 * A replica that cannot reach the store for longer than {@link Fleet#failSafeAfter()} serves only its
 * last-known-good (fail-safe) and rejoins when the store answers again.
 *
 * <p>Thread-safe: ticks are serialized; {@link #request} may be called from any thread.
 */
public final class FleetMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetMember.class);
    /** Audit entries waiting to be shipped to the store; older ones are dropped (and counted) beyond this. */
    static final int AUDIT_QUEUE_CAPACITY = 10_000;
    private static final long LOG_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

    private final Fleet fleet;
    private final ManagedModelRouter<?, ?> router;
    private final String name;
    private final FleetStore store;
    private final MergedTelemetry<?, ?> telemetry;
    private final TriggerEngine engine;
    private final Driver driver;
    private final TriggerEngine brake;
    private final Incidents incidents;
    private final TimeSource time;
    private final String me;
    private final Instant startedAt;
    private final long leaseNanos;
    private final long publishNanos;
    private final long pollNanos;
    private final long failSafeNanos;

    private final ReentrantLock ticking = new ReentrantLock();
    private volatile long token;
    private volatile long renewedAtNanos;
    private volatile String leaderId;
    private long lastRenewAttemptNanos;
    private Lease observed;
    private long observedAtNanos;
    private volatile long lastContactNanos;
    private volatile String lastError;
    private long lastErrorLoggedNanos = Long.MIN_VALUE;
    private boolean failSafeByFleet;
    private long lastPublishNanos = Long.MIN_VALUE;
    private long lastReloadNanos = Long.MIN_VALUE;
    private final Set<Long> handledRequests = new HashSet<>();
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final ConcurrentLinkedQueue<AuditEntry> auditQueue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger auditQueued = new AtomicInteger();
    private final LongAdder auditDropped = new LongAdder();
    private final RouterEventPublisher.Registration auditRegistration;
    private final RouterEventPublisher.Registration rollbackRegistration;
    /** Rollbacks this replica committed, waiting to be recorded as fleet incidents. */
    private final ConcurrentLinkedQueue<FleetIncident> incidentQueue = new ConcurrentLinkedQueue<>();
    /** Fleet incident id to the local incident whose evidence this replica keeps (leader only). Ticking thread. */
    private final Map<String, String> adopted = new LinkedHashMap<>();
    private ScheduledFuture<?> schedule;
    private volatile boolean closed;

    private FleetMember(Builder b) {
        this.fleet = b.fleet;
        this.router = b.router;
        this.name = b.router.name();
        this.store = b.fleet.store();
        this.telemetry = b.fleet.mergedTelemetry(b.router);
        this.engine = b.engine;
        this.driver = b.rollout != null ? new RolloutDriver(b.rollout) : b.segmented != null ? new SegmentedDriver(b.segmented) : null;
        this.time = b.fleet.timeSource();
        this.me = b.fleet.replicaId();
        this.startedAt = time.now();
        this.leaseNanos = b.fleet.leaseTime().toNanos();
        this.publishNanos = b.fleet.publishInterval().toNanos();
        this.pollNanos = b.fleet.pollInterval().toNanos();
        this.failSafeNanos = b.fleet.failSafeAfter().toNanos();
        this.lastContactNanos = time.nanoTime();
        this.brake = b.brake && engine != null ? brakeOf(engine) : null;
        this.incidents = b.incidents;
        if (incidents != null) {
            incidents.openOnlyWhen(this::isLeader);
        }
        this.auditRegistration = router.onAudit(this::queueAudit);
        this.rollbackRegistration = router.eventPublisher().onEvent(this::onRollback);
    }

    /** A rollback this replica committed: exactly one replica gets this event per rollback, so it opens the fleet's incident. */
    private void onRollback(RouterEvent event) {
        if (event instanceof RouterEvent.RolledBack r) {
            incidentQueue.add(fleetIncident(r.generation(), r.time(), null, r.lastKnownGood(), r.rolledBack(), r.flagsDisabled(),
                    r.cause()));
        } else if (event instanceof RouterEvent.SegmentRolledBack r) {
            incidentQueue.add(fleetIncident(r.generation(), r.time(), r.segment().name(), r.lastKnownGood(), r.rolledBack(),
                    Set.of(), r.cause()));
        }
    }

    private FleetIncident fleetIncident(long generation, Instant at, String segment, ReleaseId lkg, Set<ReleaseId> rolledBack,
                                        Set<String> flagsOff, Cause cause) {
        return new FleetIncident(fleetIncidentId(generation), name, generation, me, at, "OPEN", null,
                FleetIncidents.document(segment, lkg, rolledBack, flagsOff, cause));
    }

    private String fleetIncidentId(long generation) {
        return "inc-" + name + "-g" + generation;
    }

    /** The SEVERE triggers of the leader's engine, on this replica's own telemetry: the emergency brake. */
    private TriggerEngine brakeOf(TriggerEngine leaderEngine) {
        List<TriggerSpec> severe = leaderEngine.triggers().stream().filter(t -> t.severity() == Severity.SEVERE).toList();
        if (severe.isEmpty()) {
            return null;
        }
        return TriggerEngine.builder(router).triggers(severe).references(List.copyOf(leaderEngine.references().values()))
                .timeSource(time).build();
    }

    /** @return the router */
    public ManagedModelRouter<?, ?> router() {
        return router;
    }

    /** @return the router's fleet-wide telemetry on this replica (what the leader's triggers read) */
    public FleetTelemetry telemetry() {
        return telemetry;
    }

    /** @return this replica's emergency brake (its SEVERE triggers on its own data), or {@code null} without one */
    public TriggerEngine brake() {
        return brake;
    }

    /** @return whether this replica holds the lease now and may decide */
    public boolean isLeader() {
        return leaderValid(time.nanoTime());
    }

    private boolean leaderValid(long now) {
        return token != 0 && now - renewedAtNanos < leaseNanos / 3 * 2;
    }

    /** @return this replica's fencing token while it leads, else 0 */
    public long fencingToken() {
        return isLeader() ? token : 0;
    }

    /** @return what this replica knows of the fleet now */
    public FleetStatus status() {
        RolloutState state = router.state();
        return new FleetStatus(name, me, leaderId, isLeader(), fencingToken(), state.generation(), router.failSafe().orElse(null),
                Duration.ofNanos(time.nanoTime() - lastContactNanos), lastError, telemetry.replicas(), state.rollouts(),
                state.requests());
    }

    /** @return audit entries dropped because the store was unreachable for too long (beyond {@value #AUDIT_QUEUE_CAPACITY}) */
    public long auditEntriesDropped() {
        return auditDropped.sum();
    }

    // ------------------------------------------------------------------ the round

    /**
     * One round: lease, state, telemetry, decision (see the class comment). Never throws; a store
     * failure counts towards the fail-safe bound.
     */
    public void tick() {
        if (closed) {
            return;
        }
        ticking.lock();
        try {
            long now = time.nanoTime();
            if (!storeRound(now) && now - lastContactNanos >= failSafeNanos && router.failSafe().isEmpty()) {
                failSafeByFleet = true;
                router.enterFailSafe("the fleet's state store has been unreachable for "
                        + Duration.ofNanos(now - lastContactNanos).toSeconds() + " s (bound " + fleet.failSafeAfter().toSeconds()
                        + " s): " + lastError);
            }
            decide(time.nanoTime());
        } finally {
            ticking.unlock();
        }
    }

    private boolean storeRound(long now) {
        try {
            leaseRound(now);
            boolean noticed = dirty.getAndSet(false);
            if (noticed || failSafeByFleet || lastReloadNanos == Long.MIN_VALUE || now - lastReloadNanos >= pollNanos) {
                reload();
                lastReloadNanos = now;
            }
            if (lastPublishNanos == Long.MIN_VALUE || now - lastPublishNanos >= publishNanos) {
                publish(now);
                lastPublishNanos = now;
            }
            flushAudit();
            for (FleetIncident incident; (incident = incidentQueue.peek()) != null; incidentQueue.poll()) {
                store.openIncident(incident);
            }
            lastContactNanos = now;
            lastError = null;
            if (failSafeByFleet) {
                failSafeByFleet = false;
                router.leaveFailSafe("the fleet's state store answers again");
            }
            return true;
        } catch (RuntimeException e) {
            lastError = String.valueOf(e.getMessage());
            if (lastErrorLoggedNanos == Long.MIN_VALUE || now - lastErrorLoggedNanos >= LOG_EVERY_NANOS) {
                lastErrorLoggedNanos = now;
                LOG.warn("router '{}' on replica {}: the fleet's state store failed: {}", name, me, e.toString());
            }
            return false;
        }
    }

    /** Re-reads the state; a state this router cannot route by is logged, not counted as an unreachable store. */
    private void reload() {
        try {
            router.reloadState();
        } catch (IllegalStateException e) {
            if (e instanceof FencedWriteException) {
                throw e;
            }
            LOG.error("router '{}' on replica {}: cannot route by the stored state: {}", name, me, e.getMessage());
        }
    }

    private void leaseRound(long now) {
        Lease lease = store.lease(name);
        if (token != 0) {
            if (!lease.heldBy(me) || lease.token() != token) {
                lostLease("replica " + lease.holder() + " holds the lease now (fencing token " + lease.token() + ")");
            } else if (now - lastRenewAttemptNanos >= leaseNanos / 3) {
                lastRenewAttemptNanos = now;
                if (store.renewLease(name, me, token)) {
                    renewedAtNanos = now;
                } else {
                    lostLease("the lease could not be renewed: another replica took it");
                }
            }
        }
        leaderId = lease.holder();
        if (token == 0) {
            if (!lease.equals(observed)) {
                observed = lease;
                observedAtNanos = now;
            }
            if (lease.holder() == null || now - observedAtNanos >= leaseNanos) {
                OptionalLong acquired = store.acquireLease(name, me, lease);
                if (acquired.isPresent()) {
                    becomeLeader(acquired.getAsLong(), now, lease);
                }
            }
        }
    }

    private void becomeLeader(long newToken, long now, Lease before) {
        // Route by the latest state and continue the stored rollout before anyone sees this replica lead.
        reload();
        RolloutState state = router.state();
        if (driver != null && !state.rollouts().isEmpty()) {
            driver.restore(state.rollouts());
        }
        renewedAtNanos = now;
        lastRenewAttemptNanos = now;
        leaderId = me;
        token = newToken;
        telemetry.leader(true);
        String from = before.holder() == null ? (before.token() == 0 ? "first leader" : "the previous holder released it")
                : "took over from " + before.holder() + ", silent for a lease time";
        router.audit("fleet-leader", Cause.automatic("replica " + me + " holds the decider lease (" + from + ")"),
                "fencing token " + newToken + "; continues from generation " + state.generation()
                        + (state.rollouts().isEmpty() ? "" : ", rollouts " + describe(state.rollouts())));
        LOG.info("router '{}': replica {} leads the fleet's rollout (fencing token {}, {})", name, me, newToken, from);
    }

    private static String describe(Map<String, RolloutProgress> rollouts) {
        List<String> parts = new ArrayList<>();
        rollouts.forEach((segment, p) -> parts.add(segment + ": " + p.phase() + (p.step() >= 0 ? " step " + p.step() : "")));
        return String.join(", ", parts);
    }

    void lostLease(String why) {
        if (token == 0) {
            return;
        }
        long was = token;
        token = 0;
        telemetry.leader(false);
        router.audit("fleet-leader-lost", Cause.automatic("replica " + me + " no longer leads: " + why), "fencing token " + was);
        LOG.warn("router '{}': replica {} no longer leads the fleet's rollout: {}", name, me, why);
    }

    private void publish(long now) {
        if (telemetry.seq() == 0) {
            // A restarted process under the same replica id continues its predecessor's sequence numbers.
            store.reports(name, Map.of(), false).stream().filter(r -> r.replica().equals(me)).findFirst()
                    .ifPresent(r -> telemetry.continueAfter(r.seq()));
        }
        boolean leading = leaderValid(now);
        ReplicaReport report = telemetry.report(router.state().generation(), leading, router.failSafe().isPresent(), startedAt);
        store.publish(report);
        telemetry.published();
        telemetry.absorb(store.reports(name, telemetry.seen(), leading));
    }

    private void queueAudit(AuditEntry entry) {
        auditQueue.add(entry);
        if (auditQueued.incrementAndGet() > AUDIT_QUEUE_CAPACITY && auditQueue.poll() != null) {
            auditQueued.decrementAndGet();
            auditDropped.increment();
        }
    }

    private void flushAudit() {
        if (auditQueue.isEmpty()) {
            return;
        }
        List<AuditEntry> batch = new ArrayList<>(auditQueue);
        store.appendAudit(me, batch);
        for (int i = 0; i < batch.size(); i++) {
            auditQueue.poll();
            auditQueued.decrementAndGet();
        }
    }

    private void decide(long now) {
        if (router.failSafe().isPresent()) {
            return;
        }
        try {
            if (leaderValid(now)) {
                lead();
            } else if (brake != null) {
                brake.evaluate();
            }
        } catch (FencedWriteException e) {
            LOG.info("router '{}' on replica {}: {}", name, me, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("router '{}' on replica {}: the fleet round's decision failed", name, me, e);
        }
    }

    /** The leader's part: operator requests, the rollout (or the engine) on fleet-wide data, the progress. */
    private void lead() {
        RolloutState state = router.state();
        handledRequests.retainAll(state.requests().stream().map(OperatorRequest::id).toList());
        for (OperatorRequest request : state.requests()) {
            if (handledRequests.add(request.id())) {
                carryOut(request);
            }
        }
        if (driver != null) {
            driver.tick();
        } else if (engine != null) {
            engine.evaluate();
        }
        persistProgress();
        if (incidents != null) {
            keepEvidence();
        }
    }

    /**
     * The leader keeps the evidence of every rollback in the fleet: an open fleet incident whose evidence
     * no replica keeps (another replica's commit, or a leader that died) is opened in this replica's
     * incident manager, which writes the bundle and verifies recovery on fleet-wide data; the fleet row
     * then names this replica and follows the local incident's status.
     */
    private void keepEvidence() {
        for (FleetIncident row : store.incidents(name)) {
            String localId = adopted.get(row.id());
            if (localId == null) {
                if (!"OPEN".equals(row.status())) {
                    continue;
                }
                localId = localIncident(row.generation());
                if (localId == null) {
                    FleetIncidents.Opened o = FleetIncidents.parse(row.document());
                    Incident opened = incidents.openForFleetRollback(row.openedAt(), o.segment(), o.lastKnownGood(), o.rolledBack(),
                            o.flagsOff(), row.generation(), o.cause(), row.openedBy());
                    localId = opened.id();
                }
                adopted.put(row.id(), localId);
            }
            String status = incidents.incident(localId).map(i -> i.status().name()).orElse(row.status());
            if (!me.equals(row.evidenceBy()) || !status.equals(row.status())) {
                store.updateIncident(new FleetIncident(row.id(), name, row.generation(), row.openedBy(), row.openedAt(), status, me,
                        FleetIncidents.withEvidence(row.document(), localId)));
            }
        }
    }

    /** The local incident of a rollback at this generation (ids end in {@code -g<generation>}), or null. */
    private String localIncident(long generation) {
        String suffix = "-g" + generation;
        for (Incident i : incidents.incidents()) {
            if (i.id().endsWith(suffix) || i.id().contains(suffix + "-")) {
                return i.id();
            }
        }
        return null;
    }

    private void carryOut(OperatorRequest request) {
        if (driver == null) {
            router.audit("fleet-request-failed", request.cause(), request.action().label() + " from replica " + request.replica()
                    + ": the leader " + me + " runs no rollout for router '" + name + "'");
            return;
        }
        try {
            driver.apply(request);
        } catch (RuntimeException e) {
            router.audit("fleet-request-failed", request.cause(), request.action().label() + " from replica " + request.replica()
                    + " could not be carried out by the leader " + me + ": " + e.getMessage());
            LOG.warn("router '{}': the leader could not {} as {} asked on replica {}: {}", name, request.action().label(),
                    request.cause().actor(), request.replica(), e.getMessage());
        }
    }

    /** Stores the rollouts' progress and drops the requests carried out, with the fencing token; retried on conflict. */
    private void persistProgress() {
        for (int attempt = 0; attempt < 3; attempt++) {
            RolloutState latest = router.state();
            Map<String, RolloutProgress> progress = driver == null ? latest.rollouts() : driver.progress();
            List<OperatorRequest> remaining = latest.requests().stream().filter(r -> !handledRequests.contains(r.id())).toList();
            if (samePoint(progress, latest.rollouts()) && remaining.size() == latest.requests().size()) {
                return;
            }
            long t = token;
            if (t == 0) {
                return;
            }
            RolloutState next = latest.nextProgress(progress, remaining, new StateChange(StateChange.ROLLOUT_PROGRESS,
                    Cause.automatic("the leader's rollout progress" + (remaining.size() < latest.requests().size()
                            ? ", operator requests carried out" : "")), me, time.now()));
            switch (store.compareAndSet(latest.generation(), next, me, t)) {
                case STORED -> {
                    reload();
                    return;
                }
                case FENCED -> {
                    lostLease("the store refused fencing token " + t + " (another replica took the lease)");
                    return;
                }
                case CONFLICT -> reload();
            }
        }
    }

    private static boolean samePoint(Map<String, RolloutProgress> a, Map<String, RolloutProgress> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, RolloutProgress> e : a.entrySet()) {
            if (!e.getValue().samePointAs(b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The fenced write of an automatic change the router makes (called by {@link Fleet#stateStore()}). */
    boolean fencedWrite(long expectedGeneration, RolloutState next, String action) {
        long t = token;
        if (t == 0 || !leaderValid(time.nanoTime())) {
            String why = t != 0 ? "its lease lapsed: not renewed for two thirds of the lease time"
                    : leaderId == null ? "no replica holds the lease yet" : "the lease is held by " + leaderId;
            throw new FencedWriteException("router '" + name + "': the automatic '" + action + "' was refused: replica " + me
                    + " does not lead this router's rollout (" + why + "); only the leaseholder's rollout moves traffic"
                    + " forward, rollbacks are taken from any replica");
        }
        FleetStore.Write w = store.compareAndSet(expectedGeneration, next, me, t);
        if (w == FleetStore.Write.FENCED) {
            lostLease("the store refused fencing token " + t);
            throw new FencedWriteException("router '" + name + "': the automatic '" + action + "' was refused: fencing token " + t
                    + " of replica " + me + " is stale (another replica took the lease); the change was not stored");
        }
        return w == FleetStore.Write.STORED;
    }

    // ------------------------------------------------------------------ notices

    void notice(long generation) {
        if (closed || generation <= router.state().generation()) {
            return;
        }
        dirty.set(true);
        ExecutorService applier = fleet.applierOrNull();
        if (applier != null) {
            try {
                applier.execute(this::applyNotice);
            } catch (RejectedExecutionException e) {
                // the fleet is closing; the flag is still set for a last tick
            }
        }
    }

    private void applyNotice() {
        if (!dirty.getAndSet(false)) {
            return;
        }
        try {
            router.reloadState();
        } catch (RuntimeException e) {
            dirty.set(true); // the next tick retries
        }
    }

    // ------------------------------------------------------------------ operators

    /**
     * An operator's request to the fleet's rollout, taken on this replica. The leader carries it out
     * at once; any other replica stores it for the leader, which carries it out at its next round,
     * except an abort, which a follower carries out itself by rolling back (all segments, or the given
     * one) so that the safe direction never waits for the leader; the leader's rollout then ends.
     *
     * @param action what to do
     * @param segment the rollout's segment, or {@code null} for all
     * @param cause the operator and why; the actor must not be {@link Cause#AUTOMATIC}
     * @return what happened, in a sentence
     * @throws IllegalArgumentException when the actor is automatic
     * @throws FleetStoreException when the store cannot take the request (nothing was stored; an abort still rolled back here)
     */
    public String request(OperatorRequest.Action action, Segment segment, Cause cause) {
        Objects.requireNonNull(action, "request: action must not be null");
        Objects.requireNonNull(cause, "request: cause must not be null");
        if (Cause.AUTOMATIC.equals(cause.actor())) {
            throw new IllegalArgumentException("request(" + action.label() + "): the actor must be an operator, not '"
                    + Cause.AUTOMATIC + "'");
        }
        ticking.lock();
        try {
            if (leaderValid(time.nanoTime()) && driver != null) {
                driver.apply(new OperatorRequest(router.state().generation() + 1, action, segment == null ? null : segment.name(),
                        cause, me, time.now()));
                persistProgress();
                return action.label() + " carried out by the leader, this replica " + me;
            }
        } finally {
            ticking.unlock();
        }
        if (action == OperatorRequest.Action.ABORT) {
            // The safe direction never waits for the leader: roll back here; the leader's rollout sees it and ends.
            if (segment == null || segment.equals(Segment.DEFAULT)) {
                router.rollbackToLastKnownGood(cause);
            } else {
                router.rollbackSegment(segment, cause);
            }
            return "abort: rolled back by this replica " + me + "; every replica applies it, and the leader's rollout ends";
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            RolloutState latest = store.load(name).orElseThrow(() -> new IllegalStateException("router '" + name
                    + "' has no stored state"));
            Instant now = time.now();
            OperatorRequest request = new OperatorRequest(latest.generation() + 1, action, segment == null ? null : segment.name(),
                    cause, me, now);
            RolloutState next = latest.withRequest(request, new StateChange("request", cause, me, now));
            if (store.compareAndSet(latest.generation(), next)) {
                reload();
                return action.label() + " stored for the leader (" + (leaderId == null ? "none yet" : leaderId)
                        + "), which carries it out at its next round";
            }
        }
        throw new IllegalStateException("request(" + action.label() + "): the state changed five times while storing the request;"
                + " retry");
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Ticks every publish interval on the scheduler, and applies the store's notices at once on the
     * fleet's applier thread.
     *
     * @param scheduler the scheduler; the member does not shut it down
     */
    public synchronized void start(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "start: scheduler must not be null");
        fleet.applier();
        if (schedule != null) {
            schedule.cancel(false);
        }
        schedule = Ticks.every(scheduler, fleet.publishInterval(), this::tick, LOG,
                () -> "router '" + name + "' on replica " + me + ": fleet round");
    }

    /** Stops ticking, ships what audit it can, gives the lease up (another replica takes it at once) and leaves the fleet. */
    @Override
    public void close() {
        synchronized (this) {
            if (schedule != null) {
                schedule.cancel(false);
                schedule = null;
            }
        }
        closed = true;
        ticking.lock();
        try {
            long t = token;
            token = 0;
            try {
                flushAudit();
                if (t != 0) {
                    store.releaseLease(name, me, t);
                }
            } catch (RuntimeException e) {
                LOG.warn("router '{}' on replica {}: could not release the lease on leaving: {}", name, me, e.toString());
            }
        } finally {
            ticking.unlock();
        }
        auditRegistration.close();
        rollbackRegistration.close();
        fleet.unregister(this);
    }

    // ------------------------------------------------------------------ rollouts

    /** What the member drives on the leader: one rollout, or a segmented one. */
    private interface Driver {
        void tick();

        Map<String, RolloutProgress> progress();

        void restore(Map<String, RolloutProgress> progress);

        void apply(OperatorRequest request);
    }

    private record RolloutDriver(Rollout rollout) implements Driver {
        @Override
        public void tick() {
            rollout.tick();
        }

        @Override
        public Map<String, RolloutProgress> progress() {
            RolloutProgress p = rollout.progress();
            return Map.of(p.segment(), p);
        }

        @Override
        public void restore(Map<String, RolloutProgress> progress) {
            RolloutProgress mine = rollout.progress();
            RolloutProgress stored = progress.get(mine.segment());
            if (stored != null && stored.candidate().equals(mine.candidate())) {
                rollout.restore(stored);
            }
        }

        @Override
        public void apply(OperatorRequest request) {
            switch (request.action()) {
                case APPROVE -> rollout.approve(request.cause());
                case PAUSE -> rollout.pause(request.cause());
                case RESUME -> rollout.resume(request.cause());
                case PROMOTE -> rollout.promote(request.cause());
                case ABORT -> {
                    if (!rollout.status().phase().isTerminal()) {
                        rollout.abort(request.cause());
                    }
                }
            }
        }
    }

    private record SegmentedDriver(SegmentedRollout rollout) implements Driver {
        @Override
        public void tick() {
            rollout.tick();
        }

        @Override
        public Map<String, RolloutProgress> progress() {
            return new LinkedHashMap<>(rollout.progress());
        }

        @Override
        public void restore(Map<String, RolloutProgress> progress) {
            Map<String, RolloutProgress> mine = new LinkedHashMap<>();
            rollout.progress().forEach((segment, p) -> {
                RolloutProgress stored = progress.get(segment);
                if (stored != null && stored.candidate().equals(p.candidate())) {
                    mine.put(segment, stored);
                }
            });
            rollout.restore(mine);
        }

        @Override
        public void apply(OperatorRequest request) {
            Segment segment = request.segment() == null ? null : Segment.of(request.segment());
            switch (request.action()) {
                case APPROVE -> {
                    if (segment == null) {
                        rollout.approve(request.cause());
                    } else {
                        rollout.approve(segment, request.cause());
                    }
                }
                case PAUSE -> {
                    if (segment == null) {
                        rollout.pause(request.cause());
                    } else {
                        rollout.pause(segment, request.cause());
                    }
                }
                case RESUME -> {
                    if (segment == null) {
                        rollout.resume(request.cause());
                    } else {
                        rollout.resume(segment, request.cause());
                    }
                }
                case PROMOTE -> {
                    if (segment == null) {
                        rollout.promote(request.cause());
                    } else {
                        rollout.promote(segment, request.cause());
                    }
                }
                case ABORT -> {
                    if (rollout.isOver()) {
                        return;
                    }
                    if (segment == null) {
                        rollout.abort(request.cause());
                    } else {
                        rollout.abort(segment, request.cause());
                    }
                }
            }
        }
    }

    /** Builds a {@link FleetMember}; not thread-safe. */
    public static final class Builder {
        private final Fleet fleet;
        private final ManagedModelRouter<?, ?> router;
        private TriggerEngine engine;
        private Rollout rollout;
        private SegmentedRollout segmented;
        private Incidents incidents;
        private boolean brake = true;

        Builder(Fleet fleet, ManagedModelRouter<?, ?> router) {
            this.fleet = fleet;
            this.router = Objects.requireNonNull(router, "join: router must not be null");
        }

        /**
         * @param triggers the router's trigger engine, built with {@code .telemetry(fleet.telemetry(router))}: the
         *                 leader evaluates it (through the rollout, or by itself without one); its SEVERE
         *                 triggers are every follower's emergency brake
         * @return this builder
         */
        public Builder engine(TriggerEngine triggers) {
            this.engine = Objects.requireNonNull(triggers, "engine must not be null");
            return this;
        }

        /**
         * @param strategy the rollout the leader runs (the same on every replica); do not start it yourself
         * @return this builder
         */
        public Builder rollout(Rollout strategy) {
            this.rollout = Objects.requireNonNull(strategy, "rollout must not be null");
            this.segmented = null;
            return this;
        }

        /**
         * @param strategy the per-segment rollout the leader runs (the same on every replica); do not start it yourself
         * @return this builder
         */
        public Builder rollout(SegmentedRollout strategy) {
            this.segmented = Objects.requireNonNull(strategy, "rollout must not be null");
            this.rollout = null;
            return this;
        }

        /**
         * @param manager the router's incident manager (the same configuration on every replica, built with
         *                the fleet engine so that impact and verification read fleet-wide data): it opens
         *                incidents only on the leader, which keeps the evidence of every rollback in the fleet
         * @return this builder
         */
        public Builder incidents(Incidents manager) {
            this.incidents = Objects.requireNonNull(manager, "incidents must not be null");
            return this;
        }

        /**
         * @param on whether followers run the emergency brake (default {@code true})
         * @return this builder
         */
        public Builder emergencyBrake(boolean on) {
            this.brake = on;
            return this;
        }

        /**
         * @return the member, registered with the fleet (one per router and replica); call {@link #tick()}
         *         or {@link #start}
         * @throws IllegalArgumentException when the router already joined, or was not built with the fleet's state store
         */
        public FleetMember build() {
            FleetMember member = new FleetMember(this);
            fleet.register(member);
            return member;
        }
    }
}
