package io.github.rollback4j.core.gameday;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InMemoryFeatureFlags;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.RouterConfig;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.fleet.Fleet;
import io.github.rollback4j.core.fleet.FleetMember;
import io.github.rollback4j.core.gameday.SyntheticModel.Request;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.FileSystemEvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.internal.AtomicFiles;
import io.github.rollback4j.core.runbook.Finding;
import io.github.rollback4j.core.runbook.Runbook;
import io.github.rollback4j.core.strategy.BlueGreenPlan;
import io.github.rollback4j.core.strategy.BlueGreenRollout;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.core.strategy.RolloutStatus;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import io.github.rollback4j.spi.RolloutProgress;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A game day of a fleet ({@link Scenario#fleet()}): N replicas of the router in one JVM on one virtual
 * clock, each a whole process as far as rollback4j can tell (its own {@link Fleet} membership and store
 * handle, router, trigger engine on fleet telemetry, rollout, {@link FleetMember} and, with evidence,
 * incident manager), sharing the rollout through one {@link FleetStores store}. The scenario's traffic goes
 * to the live replicas through the load balancer; every tick each live replica runs its fleet round
 * ({@link FleetMember#tick()}): the leader runs the rollout on fleet-wide data, the followers their emergency
 * brake; faults kill a replica, cut one off from the store for a while, or start one again.
 *
 * <p><b>Determinism.</b> Members are never {@code start()}ed: nothing runs on a thread of the fleet's, and
 * every round re-reads the state (the poll and publish intervals are the tick), so a change is applied at
 * the next round of each replica whether or not a store's push notice (which arrives on a real thread with
 * PostgreSQL) came first. Every store call is made from the game day's thread in replica order, so the
 * result is the same on the in-memory store and on PostgreSQL, and for the same seed.
 *
 * <p>Not thread-safe: one per run.
 */
final class FleetGameDay {

    private static final String LEADER = "leader";
    private static final String BRAKE = "emergency brake";
    private static final String FOLLOWER = "follower";

    private final Scenario scenario;
    private final Scenario.Fleet fleet;
    private final long seed;
    private final Path evidence;
    private final FleetStores stores;
    private final VirtualTimeSource clock;
    private final TrafficSource traffic;
    private final SplittableRandom modelRandom;
    private final SplittableRandom balancer;
    private final List<Scenario.InputField> fields;
    private final long healthCheckSeconds;
    private final String routerName;
    private final ReleaseId candidate;
    private final InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
    private final Map<String, Release> releases = new LinkedHashMap<>();
    private final Map<ReleaseId, String> names = new LinkedHashMap<>();
    private final Map<String, SyntheticRelease> byName = new LinkedHashMap<>();
    private final List<GameDayResult.Event> events = new ArrayList<>();
    private final List<Verdict> verdicts = new ArrayList<>();
    private final Map<String, Verdict> lastVerdicts = new LinkedHashMap<>();
    /** Trigger, candidate, segment and source (the fleet, or a replica's brake) of every breach on the timeline. */
    private final java.util.Set<String> breached = new java.util.HashSet<>();
    /** Every replica process, in start order; {@link #slots} maps r1..rN to the current one. */
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> slots = new LinkedHashMap<>();
    private final Map<String, Integer> incarnations = new LinkedHashMap<>();
    /** Committed routing changes by generation. */
    private final TreeMap<Long, Committed> decisions = new TreeMap<>();
    private final List<Scenario.FleetEvent> faults;
    private int nextFault;
    /** Cut-off replicas (slot) → when their link comes back. */
    private final Map<String, Instant> cutUntil = new LinkedHashMap<>();
    private long roundRobin;
    private Instant candidateSince;
    private double detection = Double.NaN;
    private long requests;
    private long refusals;
    private Runbook runbook;
    private Path runbookFile;
    private List<Finding> runbookFindings = List.of();

    FleetGameDay(Scenario scenario, long seed, Path evidence, FleetStores stores) {
        this.scenario = scenario;
        this.fleet = scenario.fleet();
        this.seed = seed;
        this.evidence = evidence;
        this.stores = stores;
        this.clock = VirtualTimeSource.startingAt(scenario.start());
        this.traffic = new TrafficSource(scenario.traffic(), seed);
        this.modelRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.balancer = new SplittableRandom(seed ^ 0x1B873593L);
        this.fields = List.copyOf(scenario.traffic().inputs().values());
        this.healthCheckSeconds = Math.max(1, scenario.healthCheckInterval().toSeconds());
        this.routerName = GameDay.routerName(scenario);
        this.faults = fleet.events();
        for (SyntheticRelease r : scenario.releases()) {
            Release release = GameDay.release(r);
            releases.put(r.name(), release);
            names.put(release.id(), r.name());
            byName.put(r.name(), r);
        }
        this.candidate = releases.get(scenario.strategy().candidate()).id();
    }

    /** A committed routing change: who, when, and when each replica process routed by it. */
    private static final class Committed {
        final long generation;
        final String action;
        final String replica;
        final String role;
        final List<String> details = new ArrayList<>();
        final Instant at;
        final Map<String, Instant> appliedAt = new LinkedHashMap<>();

        Committed(long generation, String action, String replica, String role, Instant at) {
            this.generation = generation;
            this.action = action;
            this.replica = replica;
            this.role = role;
            this.at = at;
        }
    }

    /** A verdict of a replica's trigger engine (the leader's, on fleet-wide data) or of its emergency brake (its own data). */
    private record Judged(Verdict verdict, boolean brake) {
    }

    /** A transition of a replica's rollout (of one segment's, with a plan per segment). */
    private record Moved(String segment, io.github.rollback4j.core.strategy.RolloutTransition transition) {
    }

    /** One replica process: what one JVM of the service would hold. */
    private final class Process {
        final String slot;
        final String id;
        final ReplicaLink link;
        final Fleet membership;
        final Map<String, SyntheticModel> models = new LinkedHashMap<>();
        final Map<String, SyntheticRelease> behaviour = new LinkedHashMap<>();
        final ManagedModelRouter<Request, Double> router;
        final TriggerEngine engine;
        final Rollout rollout;
        final SegmentedRollout segmented;
        final Incidents incidents;
        final FleetMember member;
        /** Router events and fleet audit entries of this process since its last flush, in order. */
        final List<Object> pending = new ArrayList<>();
        final Map<ReleaseId, Boolean> failing = new LinkedHashMap<>();
        final Map<String, IncidentStatus> incidentStatus = new LinkedHashMap<>();
        final Instant startedAt;
        Instant stoppedAt;
        boolean refusalShown;

        Process(String slot, String id) {
            this.slot = slot;
            this.id = id;
            this.startedAt = clock.now();
            this.link = new ReplicaLink(stores.open(id), id);
            this.membership = Fleet.builder(link).replicaId(id).timeSource(clock).leaseTime(fleet.leaseTime())
                    .publishInterval(tick()).pollInterval(tick()).failSafeAfter(fleet.failSafeAfter()).build();
            for (SyntheticRelease r : scenario.releases()) {
                SyntheticRelease own = fleet.release(slot, r);
                behaviour.put(r.name(), own);
                models.put(r.name(), new SyntheticModel(own, clock, scenario.start(), modelRandom, fields, true));
            }
            SyntheticRelease lkg = scenario.lastKnownGood();
            ModelRouters.Builder<Request, Double> builder = ModelRouters.builder(routerName, spec(lkg))
                    .timeSource(clock)
                    .probeExecutor(Runnable::run)
                    .featureFlags(flags)
                    .config(RouterConfig.custom().salt((int) seed).healthCheckInterval(scenario.healthCheckInterval()).build())
                    .randomBuckets(() -> traffic.nextInt(10_000))
                    .telemetry(GameDay.TELEMETRY)
                    .scoreExtractor(score -> score)
                    .stateStore(membership.stateStore());
            for (SyntheticRelease r : scenario.releases()) {
                if (!r.lastKnownGood()) {
                    builder.release(spec(r));
                }
            }
            if (!fields.isEmpty()) {
                builder.inputProfile(GameDay.inputProfile(fields));
            }
            if (evidence != null) {
                builder.samples(GameDay.EVIDENCE_SAMPLE_CAPACITY, GameDay.EVIDENCE_SAMPLE_RATE);
            }
            models.values().forEach(m -> m.warming = true);
            try {
                this.router = builder.build(); // warms every release and reads the fleet's current state
            } finally {
                models.values().forEach(m -> m.warming = false);
                clock.settle();
            }
            router.eventPublisher().onEvent(pending::add);
            router.onAudit(entry -> {
                if (entry.action().startsWith("fleet-leader")) {
                    pending.add(entry);
                }
            });
            this.engine = TriggerEngine.builder(router).telemetry(membership.telemetry(router)).triggers(scenario.triggers())
                    .timeSource(clock).build();
            engine.onVerdict(v -> pending.add(new Judged(v, false)));
            Scenario.StrategySpec strategy = scenario.strategy();
            if (strategy.perSegment()) {
                SegmentedRollout.Builder b = SegmentedRollout.builder(router, candidate, engine).clock(clock);
                strategy.segments().forEach((segment, plan) -> b.segment(Segment.of(segment), GameDay.plan(plan.steps(), plan.stepDeadline())));
                this.segmented = b.build();
                this.rollout = null;
                segmented.rollouts().forEach((segment, r) -> r.onTransition(t -> pending.add(new Moved(segment.name() + ": ", t))));
            } else {
                this.segmented = null;
                this.rollout = strategy.kind().equals("blueGreen")
                        ? BlueGreenRollout.builder(router, candidate, engine, BlueGreenPlan.builder().bake(strategy.steps().get(0).bake())
                        .build()).clock(clock).build()
                        : CanaryRollout.builder(router, candidate, engine, GameDay.plan(strategy.steps(), strategy.stepDeadline())).clock(clock)
                        .build();
                rollout.onTransition(t -> pending.add(new Moved("", t)));
            }
            this.incidents = evidence == null ? null : incidents(router, engine, evidence.resolve(id));
            FleetMember.Builder join = membership.join(router).engine(engine);
            if (segmented != null) {
                join.rollout(segmented);
            } else {
                join.rollout(rollout);
            }
            if (incidents != null) {
                join.incidents(incidents);
            }
            this.member = join.build();
            if (member.brake() != null) {
                member.brake().onVerdict(v -> pending.add(new Judged(v, true)));
            }
        }

        private ReleaseSpec<Request, Double> spec(SyntheticRelease synthetic) {
            return GameDay.releaseSpec(releases.get(synthetic.name()), models.get(synthetic.name()), synthetic.probe());
        }

        boolean alive() {
            return stoppedAt == null;
        }

        /** Stops serving and deciding at once; the lease is not given up and the store handle closes, as with a killed JVM. */
        void kill() {
            stoppedAt = clock.now();
            link.close();
        }

        boolean over() {
            return segmented != null ? segmented.isOver() : rollout.status().phase().isTerminal();
        }

        /** Closes what a process holds; a killed one only what it holds in memory (its store handle is closed already). */
        void close() {
            if (segmented != null) {
                segmented.close();
            } else {
                rollout.close();
            }
            if (incidents != null) {
                incidents.close();
            }
            if (alive()) {
                member.close();
                membership.close();
            }
            router.close();
            link.close();
        }
    }

    private Duration tick() {
        return Scenario.Fleet.round(scenario.tick());
    }

    // ------------------------------------------------------------------ the run

    GameDayResult execute() {
        try {
            for (String slot : fleet.ids()) {
                start(slot);
            }
            Process first = processes.get(0);
            for (Process p : processes) {
                for (SyntheticRelease r : scenario.releases()) {
                    ReleaseHealth health = p.router.health(releases.get(r.name()).id());
                    if (!health.isServable()) {
                        p.failing.put(health.release(), true);
                        event("release-unhealthy", p.id + ": " + r.name() + " failed its warm-up at the start and is "
                                + health.state() + ": " + health.lastFailure());
                    }
                }
            }
            return run(first);
        } finally {
            for (Process p : processes) {
                p.close();
            }
        }
    }

    private Process start(String slot) {
        int n = incarnations.merge(slot, 1, Integer::sum);
        String id = n == 1 ? slot : slot + "-" + n;
        Process p = new Process(slot, id);
        RolloutState state = p.router.state();
        if (processes.isEmpty() && (state.generation() > 1 || !state.rollouts().isEmpty())) {
            // One run, one empty store: a state left by an earlier run would be continued instead of rehearsed.
            p.close();
            throw new IllegalArgumentException("game day '" + scenario.name() + "': the fleet store (" + stores.describe()
                    + ") already holds router '" + routerName + "' at generation " + state.generation() + " from an earlier run;"
                    + " give each run an empty store");
        }
        register(p);
        return p;
    }

    private void register(Process p) {
        processes.add(p);
        slots.put(p.slot, p);
        long generation = p.router.state().generation();
        for (Committed c : decisions.headMap(generation, true).values()) {
            c.appliedAt.putIfAbsent(p.id, clock.now());
        }
        flush(p);
    }

    private GameDayResult run(Process first) {
        Scenario.StrategySpec strategy = scenario.strategy();
        long seconds = scenario.duration().toSeconds();
        long tickSeconds = tick().toSeconds();
        long startAfter = strategy.startAfter().toSeconds();
        event("start", "last-known-good " + scenario.lastKnownGood().name() + ", candidate " + strategy.candidate() + " by "
                + strategy.kind() + (strategy.perSegment() ? " per segment " + strategy.segments().keySet() : "") + ", "
                + scenario.triggers().size() + " triggers; a fleet of " + fleet.replicas() + " replicas " + fleet.ids() + " on "
                + stores.describe() + " behind a " + fleet.loadBalancer() + " load balancer; lease " + fleet.leaseTime()
                .toSeconds() + " s, fail-safe after " + fleet.failSafeAfter().toSeconds() + " s, each replica's round every "
                + tickSeconds + " s" + (fleet.releases().isEmpty() ? "" : "; own behaviour on " + describeOwn()));
        runbook = runbook(first);
        boolean started = false;
        faults(clock.now());
        if (startAfter == 0) {
            round();
            started = true;
            writeRunbook();
        }
        long s = 0;
        for (; s < seconds && !over(); s++) {
            if (s > 0) {
                faults(clock.now());
            }
            second(s);
            if (s + 1 >= startAfter && (s + 1 - startAfter) % tickSeconds == 0) {
                round();
                if (!started) {
                    started = true;
                    writeRunbook();
                }
            }
            evaluateIncidents();
        }
        if (over()) {
            s = propagate(s);
            awaitVerification(s);
        }
        Outcome outcome = outcome();
        event("end", "outcome " + outcome.outcome + (started ? " (" + outcome.label + ")" : " (the rollout never started)")
                + (refusals == 0 ? "" : "; the routers refused " + refusals + " rollback(s): the last-known-good could not serve"));
        return result(outcome);
    }

    private String describeOwn() {
        List<String> parts = new ArrayList<>();
        fleet.releases().forEach((replica, own) -> parts.add(replica + " " + own.keySet()));
        return String.join(", ", parts);
    }

    /** One simulated second: the traffic over the live replicas, the clock moved, restarts and health rounds due then. */
    private void second(long s) {
        sendOneSecond();
        clock.settle();
        clock.advance(Duration.ofSeconds(1));
        for (Process p : live()) {
            restarts(p, s + 1);
            if ((s + 1) % healthCheckSeconds == 0) {
                p.router.checkHealth();
                clock.settle();
            }
            flush(p);
        }
    }

    /** Every live replica's fleet round, in replica order; what each committed or applied goes on the timeline at once. */
    private void round() {
        for (Process p : live()) {
            clock.settle();
            p.member.tick();
            clock.settle();
            flush(p);
        }
    }

    private List<Process> live() {
        return slots.values().stream().filter(Process::alive).toList();
    }

    /** Whether the fleet's rollout is over, by the progress the leader stored (what a new leader would continue). */
    private boolean over() {
        Map<String, RolloutProgress> progress = latestState().rollouts();
        if (progress.isEmpty()) {
            return false;
        }
        int expected = scenario.strategy().perSegment() ? scenario.strategy().segments().size() : 1;
        return progress.size() >= expected && progress.values().stream().allMatch(p -> phase(p).isTerminal());
    }

    private static RolloutPhase phase(RolloutProgress p) {
        return RolloutPhase.valueOf(p.phase());
    }

    /** The state of the live replica that routes by the newest generation. */
    private RolloutState latestState() {
        return latest().router.state();
    }

    private Process latest() {
        return live().stream().max(Comparator.comparingLong(p -> p.router.state().generation())).orElseThrow();
    }

    private record Outcome(String outcome, String label, Map<String, String> segments) {
    }

    /** The outcome by the fleet's stored progress; with a plan per segment aggregated worst first, as a single router's. */
    private Outcome outcome() {
        Map<String, RolloutProgress> progress = latestState().rollouts();
        if (!scenario.strategy().perSegment()) {
            RolloutProgress p = progress.values().stream().findFirst().orElse(null);
            if (p == null) {
                return new Outcome("running", "no progress stored yet", Map.of());
            }
            return new Outcome(GameDay.outcome(phase(p)), status(p).label(), Map.of());
        }
        Map<String, String> segments = new LinkedHashMap<>();
        StringBuilder label = new StringBuilder();
        for (String segment : scenario.strategy().segments().keySet()) {
            RolloutProgress p = progress.get(segment);
            String o = p == null ? "running" : GameDay.outcome(phase(p));
            segments.put(segment, o);
            label.append(label.length() == 0 ? "" : ", ").append(segment).append(' ').append(o).append(' ')
                    .append(p == null ? "PENDING" : status(p).label());
        }
        String worst = "promoted";
        for (String o : List.of("running", "paused", "blocked", "rolled_back")) {
            if (segments.containsValue(o)) {
                worst = o;
            }
        }
        return new Outcome(worst, label.toString(), segments);
    }

    private static RolloutStatus status(RolloutProgress p) {
        return new RolloutStatus(phase(p), p.step(), p.weightBasisPoints(), p.reason());
    }

    // ------------------------------------------------------------------ traffic

    private void sendOneSecond() {
        Scenario.Traffic t = scenario.traffic();
        List<Process> live = live();
        Instant now = clock.now();
        int hour = now.atZone(ZoneOffset.UTC).getHour();
        long n = traffic.count(now);
        for (long i = 0; i < n; i++) {
            clock.settle();
            TrafficSource.Call call = traffic.next(hour);
            Process p = live.get(fleet.loadBalancer().equals(Scenario.Fleet.RANDOM) ? balancer.nextInt(live.size())
                    : (int) (roundRobin++ % live.size()));
            requests++;
            try {
                Decision<Double> decision = p.router.decide(call.request(), call.context());
                if (t.kpi() != null) {
                    SyntheticRelease served = p.behaviour.get(names.get(decision.release()));
                    double rateNow = served.behaviourAt(elapsed(), call.request().segment).kpiRate();
                    p.router.telemetry().reportKpi(t.kpi(), decision, traffic.nextDouble() < rateNow ? 1 : 0);
                }
            } catch (Exception modelFailure) {
                // the synthetic model's error: counted by the router's telemetry, seen by the caller as usual
            }
        }
        clock.settle();
        for (Process p : live) {
            flush(p);
        }
    }

    /** Release instances of this replica that restart at {@code s} seconds: its router warms them again. */
    private void restarts(Process p, long s) {
        for (SyntheticRelease r : p.behaviour.values()) {
            for (SyntheticRelease.Change change : r.changes()) {
                if (change.restart() && change.at().toSeconds() == s && s > 0) {
                    event("release-restarted", p.id + ": "
                            + GameDay.restart(p.router, r.name(), releases.get(r.name()).id(), p.models.get(r.name()), clock));
                }
            }
        }
    }

    // ------------------------------------------------------------------ faults

    /** The faults due by {@code now}, and the end of cut-offs. */
    private void faults(Instant now) {
        for (var it = cutUntil.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isAfter(now)) {
                it.remove();
                Process p = slots.get(e.getKey());
                if (p.alive()) {
                    p.link.restore();
                    event("replica-reconnected", p.id + " reaches the store again: its next round re-reads the state"
                            + (p.router.failSafe().isPresent() ? " and leaves fail-safe" : ""));
                }
            }
        }
        while (nextFault < faults.size() && !scenario.start().plus(faults.get(nextFault).at()).isAfter(now)) {
            Scenario.FleetEvent f = faults.get(nextFault++);
            Process p = slots.get(f.replica());
            switch (f.action()) {
                case Scenario.FleetEvent.KILL -> kill(p, "killed");
                case Scenario.FleetEvent.CUT_OFF -> {
                    p.link.cut();
                    cutUntil.put(f.replica(), now.plus(f.duration()));
                    event("replica-cut-off", p.id + " cannot reach the store for " + Scenario.durationText(f.duration())
                            + ": it keeps serving by the state it has, and serves only its last-known-good once it has been"
                            + " cut off for " + fleet.failSafeAfter().toSeconds() + " s");
                }
                default -> {
                    if (p.alive()) {
                        kill(p, "stopped for a restart");
                    }
                    cutUntil.remove(f.replica());
                    Process next = start(f.replica());
                    event("replica-restarted", f.replica() + " starts again as replica " + next.id + ": it read the fleet's"
                            + " state (generation " + next.router.state().generation() + ") before its first call and joins the"
                            + " rounds");
                }
            }
        }
    }

    private void kill(Process p, String how) {
        boolean leading = p.member.isLeader();
        long token = p.member.fencingToken();
        flush(p);
        p.kill();
        event("replica-killed", p.id + " " + how + ": it stops serving and deciding at once"
                + (leading ? "; it held the decider lease (fencing token " + token + "), which it does not give up: another"
                + " replica takes it over once it has seen it unchanged for the lease time (" + fleet.leaseTime().toSeconds() + " s)"
                : ""));
    }

    // ------------------------------------------------------------------ the timeline

    /**
     * Puts what one replica's router and fleet member did since the last flush on the timeline. A
     * {@code WeightsChanged} that a {@code StateApplied} of the same generation follows was applied from the store
     * (another replica's commit); any other is this replica's own commit, as are its rollbacks and promotions.
     */
    private void flush(Process p) {
        List<Object> batch = new ArrayList<>(p.pending);
        p.pending.clear();
        for (int i = 0; i < batch.size(); i++) {
            Object o = batch.get(i);
            if (o instanceof RouterEvent.WeightsChanged w) {
                if (!appliedFromStore(batch, i, w.generation())) {
                    if (candidateSince == null && w.after().keySet().stream().anyMatch(id -> !byName.get(names.get(id)).lastKnownGood())) {
                        candidateSince = w.time();
                    }
                    p.refusalShown = false;
                    String detail = w.segment() + ": " + named(w.after());
                    committed(p, w.generation(), "weights-changed", detail, w.time(), "weights-changed", detail + " ("
                            + w.cause().reason() + ")");
                }
            } else if (o instanceof RouterEvent.RolledBack r) {
                detect(r.time());
                committed(p, r.generation(), "rolled-back", "all traffic to " + names.get(r.lastKnownGood()), r.time(), "rolled-back",
                        "all traffic to " + names.get(r.lastKnownGood()) + "; quarantined " + r.rolledBack().stream().map(names::get)
                                .toList() + "; flags off " + r.flagsDisabled() + "; trigger " + r.cause().trigger() + " ("
                                + r.cause().severity() + ")");
            } else if (o instanceof RouterEvent.SegmentRolledBack r) {
                detect(r.time());
                committed(p, r.generation(), "segment-rolled-back", r.segment().name(), r.time(), "segment-rolled-back",
                        r.segment() + " to " + names.get(r.lastKnownGood()) + "; trigger " + r.cause().trigger());
            } else if (o instanceof RouterEvent.Promoted pr) {
                committed(p, pr.generation(), "promoted", names.get(pr.promoted()), pr.time(), "promoted",
                        names.get(pr.promoted()) + " is the last-known-good");
            } else if (o instanceof RouterEvent.StateApplied a) {
                applied(p, a);
            } else if (o instanceof RouterEvent.RollbackRefused r) {
                refusals++;
                if (!p.refusalShown) {
                    p.refusalShown = true;
                    detect(r.time());
                    ReleaseHealth lkg = r.lastKnownGood();
                    event(r.time(), "rollback-refused", p.id + ": rollback to " + names.get(lkg.release()) + " refused: it is "
                            + lkg.state() + (lkg.lastFailure() == null ? "" : " (" + lkg.lastFailure() + ")") + "; trigger "
                            + r.cause().trigger() + " (" + r.cause().severity() + "); the candidate keeps serving");
                }
            } else if (o instanceof RouterEvent.HealthCheckFailed h) {
                String name = names.get(h.release());
                if (h.unhealthy() && !Boolean.TRUE.equals(p.failing.get(h.release()))) {
                    p.failing.put(h.release(), true);
                    p.refusalShown = false;
                    event(h.time(), "release-unhealthy", p.id + ": " + name + " is UNHEALTHY after " + h.consecutiveFailures()
                            + " failed probe(s): " + h.reason() + (byName.get(name).lastKnownGood()
                            ? "; a rollback onto it would be refused" : "; out of traffic"));
                } else if (!h.unhealthy() && !p.failing.containsKey(h.release())) {
                    p.failing.put(h.release(), false);
                    event(h.time(), "health-check-failed", p.id + ": " + name + ": " + h.reason() + " (" + h.consecutiveFailures()
                            + " in a row)");
                }
            } else if (o instanceof RouterEvent.HealthRecovered h) {
                p.failing.remove(h.release());
                p.refusalShown = false;
                event(h.time(), "health-recovered", p.id + ": " + names.get(h.release()) + " passed its health probe again");
            } else if (o instanceof RouterEvent.FailSafeEntered f) {
                event(f.time(), "fail-safe", p.id + " serves only its last-known-good " + names.get(f.lastKnownGood()) + ": "
                        + f.reason());
            } else if (o instanceof RouterEvent.FailSafeLeft f) {
                event(f.time(), "fail-safe-left", p.id + " routes by the fleet's state again (generation " + f.generation() + "): "
                        + f.reason());
            } else if (o instanceof AuditEntry a) {
                event(a.time(), a.action(), a.reason() + (a.detail() == null || a.detail().isEmpty() ? "" : "; " + a.detail()));
            } else if (o instanceof Judged j) {
                onVerdict(p, j.verdict(), j.brake());
            } else if (o instanceof Moved m) {
                var t = m.transition();
                event(t.time(), "rollout", p.id + ": " + m.segment() + t.from().label() + " -> " + t.to().label() + ": " + t.reason());
            }
        }
    }

    private static boolean appliedFromStore(List<Object> batch, int index, long generation) {
        for (int j = index + 1; j < batch.size(); j++) {
            Object next = batch.get(j);
            if (next instanceof RouterEvent.WeightsChanged || next instanceof AuditEntry) {
                continue;
            }
            return next instanceof RouterEvent.StateApplied a && a.toGeneration() == generation;
        }
        return false;
    }

    /** A routing change this replica made: committed to the store (or, when it is cut off, only local until it answers). */
    private void committed(Process p, long generation, String action, String detail, Instant at, String type, String line) {
        if (p.link.isCut()) {
            event(at, type, line + " — by " + p.id + " locally: the store is unreachable, so no other replica sees it until"
                    + " " + p.id + " proposes it again when the store answers");
            return;
        }
        String role = p.member.isLeader() ? LEADER : action.contains("rolled-back") ? BRAKE : FOLLOWER;
        Committed c = decisions.computeIfAbsent(generation, g -> new Committed(g, action, p.id, role, at));
        if (!c.details.contains(detail)) {
            c.details.add(detail);
        }
        c.appliedAt.putIfAbsent(p.id, at);
        event(at, type, line + " — generation " + generation + " by " + (role.equals(LEADER) ? "leader " + p.id
                : p.id + " (" + role + ")"));
    }

    /** This replica now routes by a newer generation from the store: every committed change up to it reached it now. */
    private void applied(Process p, RouterEvent.StateApplied a) {
        for (Committed c : decisions.subMap(a.fromGeneration(), false, a.toGeneration(), true).values()) {
            if (c.appliedAt.putIfAbsent(p.id, a.time()) == null) {
                event(a.time(), "applied", p.id + " routes by generation " + c.generation + ": " + describe(c) + "; "
                        + seconds(Duration.between(c.at, a.time())) + " after the commit");
            }
        }
    }

    private static String describe(Committed c) {
        return new GameDayResult.Decision(c.generation, c.action, c.replica, c.role, String.join("; ", c.details), 0, Map.of(),
                List.of(), Double.NaN).describe();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }

    private void onVerdict(Process p, Verdict v, boolean brake) {
        String source = brake ? p.id + "'s own data, its emergency brake" : "fleet-wide data, judged by leader " + p.id;
        String key = v.trigger() + "|" + v.candidate() + "|" + v.segment() + "|" + (brake ? p.id : "fleet");
        lastVerdicts.put(key, v);
        if (v.level().isBreach() && breached.add(key)) {
            verdicts.add(v);
            event(v.time(), "breach", v.summary() + " [" + source + "]");
        } else if (v.level() == VerdictLevel.INCONCLUSIVE && v.evidence().breachingSince() != null
                && v.evidence().breachingSince().equals(v.time())) {
            event(v.time(), "breaching", v.trigger() + " starts breaching" + (v.segment() == null ? "" : " in " + v.segment()) + " ["
                    + source + "]: " + v.evidence().note());
        }
    }

    private void detect(Instant at) {
        if (Double.isNaN(detection) && candidateSince != null) {
            detection = Duration.between(candidateSince, at).toMillis() / 1000.0;
        }
    }

    private String named(Map<ReleaseId, Integer> weights) {
        return GameDay.named(weights, names);
    }

    private void event(String type, String detail) {
        events.add(new GameDayResult.Event(seconds(clock.now()), type, detail));
    }

    private void event(Instant at, String type, String detail) {
        events.add(new GameDayResult.Event(seconds(at), type, detail));
    }

    private double seconds(Instant at) {
        return Duration.between(scenario.start(), at).toMillis() / 1000.0;
    }

    private Duration elapsed() {
        return Duration.ofMillis(clock.currentTimeMillis() - scenario.start().toEpochMilli());
    }

    // ------------------------------------------------------------------ incidents (with evidence)

    private Incidents incidents(ManagedModelRouter<Request, Double> r, TriggerEngine engine, Path directory) {
        return GameDay.incidents(scenario.incident(), r, clock, directory, engine);
    }

    private Runbook runbook(Process p) {
        return GameDay.runbook(Runbook.builder(p.router).engine(p.engine), scenario.incident(), p.incidents);
    }

    private void writeRunbook() {
        if (evidence == null || runbookFile != null) {
            return;
        }
        Path file = evidence.resolve("runbook-" + GameDay.fileName(scenario) + ".md");
        runbookFindings = runbook.selfCheck();
        try {
            AtomicFiles.write(file, runbook.toMarkdown().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("game day '" + scenario.name() + "': cannot write the runbook " + file + ": "
                    + e.getMessage(), e);
        }
        runbookFile = file;
    }

    /** Every live replica's incidents evaluated (only the leader opens and keeps them); openings and endings on the timeline. */
    private void evaluateIncidents() {
        if (evidence == null) {
            return;
        }
        for (Process p : live()) {
            p.incidents.evaluate();
            for (Incident incident : p.incidents.incidents()) {
                IncidentStatus before = p.incidentStatus.put(incident.id(), incident.status());
                if (before == null) {
                    Incident.Verification v = incident.verification();
                    event(incident.openedAt(), incident.rollbackRefused() ? "incident-escalated" : "incident-opened", p.id + " keeps "
                            + incident.id() + ": " + (incident.segment() == null ? "every segment" : "segment " + incident.segment())
                            + (incident.rollbackRefused() ? ": rollback refused, escalated at once"
                            : " rolled back to " + names.get(incident.lastKnownGood()) + "; " + (v.state()
                            == Incident.Verification.State.NOT_CONFIGURED ? "no verification checks"
                            : "verifying until +" + clockTime(v.deadline()))));
                }
                if (before != incident.status() && incident.status() != IncidentStatus.OPEN && !incident.rollbackRefused()) {
                    String checks = incident.verification().checks().stream()
                            .map(c -> c.trigger() + " " + c.level() + " (" + number(c.evidence().candidateValue()) + ")")
                            .collect(Collectors.joining(", "));
                    event(incident.endedAt(), incident.status() == IncidentStatus.ESCALATED ? "incident-escalated" : "incident-resolved",
                            p.id + ": " + incident.id() + ": verification " + incident.verification().state()
                                    + (checks.isEmpty() ? "" : ": " + checks));
                }
            }
            flush(p);
        }
    }

    /**
     * After the rollout ended: traffic and rounds go on until every live replica that can reach the store routes by the
     * last committed change (its next round), so that the timeline shows where the end went, and, with evidence, until
     * the leader keeps an incident of every rollback (the committing replica records it at its next round, the leader
     * adopts it at its own); at most three rounds.
     *
     * @return the next second
     */
    private long propagate(long s) {
        long until = s + 3 * tick().toSeconds();
        while (s < until && (behind() || missingEvidence())) {
            afterTheRollout(s);
            s++;
        }
        return s;
    }

    /** One second after the rollout ended: faults, traffic, a member round when one is due, the incidents. */
    private void afterTheRollout(long s) {
        faults(clock.now());
        second(s);
        if ((s + 1 - scenario.strategy().startAfter().toSeconds()) % tick().toSeconds() == 0) {
            round();
        }
        evaluateIncidents();
    }

    private boolean missingEvidence() {
        if (evidence == null) {
            return false;
        }
        long rollbacks = decisions.values().stream().filter(c -> c.action.contains("rolled-back")).count();
        long kept = processes.stream().mapToLong(p -> p.incidents.incidents().size()).sum();
        return kept < rollbacks;
    }

    private boolean behind() {
        if (decisions.isEmpty()) {
            return false;
        }
        Committed last = decisions.lastEntry().getValue();
        return live().stream().anyMatch(p -> !p.link.isCut() && !last.appliedAt.containsKey(p.id));
    }

    /** After the rollout ended: traffic and rounds go on while an incident verifies recovery, at most to its deadline. */
    private void awaitVerification(long s) {
        if (evidence == null) {
            return;
        }
        Optional<Instant> deadline = live().stream().flatMap(p -> p.incidents.open().stream())
                .filter(i -> i.verification().state() == Incident.Verification.State.RUNNING)
                .map(i -> i.verification().deadline()).max(Instant::compareTo);
        if (deadline.isEmpty()) {
            return;
        }
        event("verifying", "incident(s) verifying recovery; traffic goes on until they resolve or escalate, at most until +"
                + clockTime(deadline.get()));
        while (verifying() && !clock.now().isAfter(deadline.get())) {
            afterTheRollout(s);
            s++;
        }
    }

    private boolean verifying() {
        return live().stream().flatMap(p -> p.incidents.open().stream())
                .anyMatch(i -> i.verification().state() == Incident.Verification.State.RUNNING);
    }

    private String clockTime(Instant at) {
        return GameDay.clockTime(scenario.start(), at);
    }

    private static String number(double value) {
        return GameDay.number(value);
    }

    // ------------------------------------------------------------------ the result

    private GameDayResult result(Outcome outcome) {
        List<GameDayResult.IncidentOutcome> incidents = new ArrayList<>();
        GameDayResult.Evidence files = null;
        if (evidence != null) {
            writeRunbook();
            for (Process p : processes) {
                try {
                    if (!p.incidents.flush(GameDay.FLUSH_TIMEOUT)) {
                        throw new UncheckedIOException(new IOException("game day '" + scenario.name() + "': the incident bundles of "
                                + p.id + " were not written within " + GameDay.FLUSH_TIMEOUT + " to " + evidence));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("game day '" + scenario.name() + "': interrupted while writing the bundles", e);
                }
                FileSystemEvidenceStore store = (FileSystemEvidenceStore) p.incidents.store();
                for (Incident i : p.incidents.incidents()) {
                    incidents.add(new GameDayResult.IncidentOutcome(i.id(), i.segment() == null ? null : i.segment().name(),
                            i.status(), i.openedAt(), i.endedAt(), i.verification().state(), store.directory(i.id()),
                            i.rollbackRefused()));
                }
            }
            incidents.sort(Comparator.comparing(GameDayResult.IncidentOutcome::openedAt));
            files = new GameDayResult.Evidence(evidence.toAbsolutePath(), runbookFile, runbookFindings, null, null);
        }
        List<GameDayResult.Decision> list = new ArrayList<>();
        for (Committed c : decisions.values()) {
            List<String> never = new ArrayList<>();
            for (Process p : processes) {
                boolean ranAfter = p.stoppedAt == null || p.stoppedAt.isAfter(c.at);
                if (ranAfter && !c.appliedAt.containsKey(p.id)) {
                    never.add(p.id + (p.alive() ? (p.link.isCut() ? " (cut off)" : "") : " (killed)"));
                }
            }
            Map<String, Double> at = new LinkedHashMap<>();
            c.appliedAt.forEach((replica, when) -> at.put(replica, seconds(when)));
            double propagation = Double.NaN;
            for (Process p : processes) {
                Instant when = c.appliedAt.get(p.id);
                if (when != null && !p.id.equals(c.replica) && !p.startedAt.isAfter(c.at)) {
                    double d = Duration.between(c.at, when).toMillis() / 1000.0;
                    propagation = Double.isNaN(propagation) ? d : Math.max(propagation, d);
                }
            }
            list.add(new GameDayResult.Decision(c.generation, c.action, c.replica, c.role, String.join("; ", c.details),
                    seconds(c.at), at, never, propagation));
        }
        List<GameDayResult.Replica> replicas = new ArrayList<>();
        for (Process p : processes) {
            replicas.add(new GameDayResult.Replica(p.id, seconds(p.startedAt), p.stoppedAt == null ? Double.NaN : seconds(p.stoppedAt),
                    p.router.state().generation(), p.alive() && p.member.isLeader(), p.router.failSafe().isPresent()));
        }
        List<Verdict> kept = new ArrayList<>(verdicts);
        kept.addAll(lastVerdicts.values());
        Map<String, String> labels = new LinkedHashMap<>();
        releases.forEach((name, release) -> labels.put(name, release.label()));
        events.sort(Comparator.comparingDouble(GameDayResult.Event::t));
        return new GameDayResult(scenario.name(), seed, outcome.outcome, events, routing(latest().router), kept, detection, requests,
                outcome.segments, incidents, files, labels, flags.snapshot(), runbook.selfCheck(), refusals,
                new GameDayResult.FleetOutcome(stores.describe(), fleet.loadBalancer(), replicas, list));
    }

    private Map<String, Map<String, Integer>> routing(ManagedModelRouter<Request, Double> r) {
        return GameDay.routing(r, names);
    }
}
