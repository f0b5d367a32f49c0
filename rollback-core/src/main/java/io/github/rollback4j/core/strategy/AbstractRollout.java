package io.github.rollback4j.core.strategy;

import io.github.rollback4j.core.internal.Ticks;
import io.github.rollback4j.Cause;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.spi.StateChange;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** What canary and blue/green share: timeline, listeners, router observation, verdict gates, manual operations. */
abstract class AbstractRollout implements Rollout {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractRollout.class);

    final String kind;
    final ModelRouter<?, ?> router;
    final ReleaseId candidate;
    final TriggerEngine engine;
    final TimeSource clock;
    final Segment segment;
    final boolean evaluateTriggers;
    final Duration keepPreviousWarm;
    final ReentrantLock lock = new ReentrantLock();
    final Set<String> approvedMild = new HashSet<>();
    /** Starved triggers already reported, by step start and trigger: each is said once per step. */
    private final Set<String> starvedReported = new HashSet<>();
    boolean hadTraffic;

    private RolloutStatus status = new RolloutStatus(RolloutPhase.PENDING, -1, 0, "created");
    private final List<RolloutTransition> timeline = new ArrayList<>();
    private final CopyOnWriteArrayList<Consumer<? super RolloutTransition>> listeners = new CopyOnWriteArrayList<>();
    private final RouterEventPublisher.Registration routerRegistration;
    private volatile RouterEvent.RolledBack lastRollback;
    private volatile RouterEvent.SegmentRolledBack lastSegmentRollback;
    private volatile RouterEvent.Promoted lastPromotion;
    private ReleaseId previous;
    /** When the candidate was promoted, on the monotonic clock (keepPreviousWarm is measured from it). */
    private long promotedNanos;
    private boolean previousDone;
    private ScheduledFuture<?> schedule;

    AbstractRollout(String kind, ModelRouter<?, ?> router, ReleaseId candidate, TriggerEngine engine, TimeSource clock,
                    Segment segment, boolean evaluateTriggers, Duration keepPreviousWarm) {
        this.kind = kind;
        this.router = Objects.requireNonNull(router, kind + ": router must not be null");
        this.candidate = Objects.requireNonNull(candidate, kind + ": candidate must not be null");
        this.engine = Objects.requireNonNull(engine, kind + ": engine must not be null");
        this.clock = Objects.requireNonNull(clock, kind + ": clock must not be null");
        this.segment = Objects.requireNonNull(segment, kind + ": segment must not be null");
        this.evaluateTriggers = evaluateTriggers;
        this.keepPreviousWarm = keepPreviousWarm;
        router.health(candidate); // throws IllegalArgumentException for an unknown release
        if (router.lastKnownGood().id().equals(candidate)) {
            throw new IllegalArgumentException(kind + ": candidate " + router.releaseNameAndId(candidate) + " is already the last-known-good of router '"
                    + router.name() + "'; roll out a different release");
        }
        this.routerRegistration = router.eventPublisher().onEvent(event -> {
            if (event instanceof RouterEvent.RolledBack rb && rb.rolledBack().contains(candidate)) {
                lastRollback = rb;
            } else if (event instanceof RouterEvent.SegmentRolledBack sb && sb.segment().equals(segment)
                    && sb.rolledBack().contains(candidate)) {
                lastSegmentRollback = sb;
            } else if (event instanceof RouterEvent.Promoted p && p.promoted().equals(candidate)) {
                lastPromotion = p;
            } else if (event instanceof RouterEvent.StateApplied a && a.change() != null
                    && StateChange.ROLLED_BACK.equals(a.change().action()) && a.quarantined().contains(candidate)) {
                // Another replica of the fleet rolled back: the rollout ends with that replica's cause.
                lastRollback = new RouterEvent.RolledBack(a.router(), a.time(), router.lastKnownGood().id(), a.quarantined(),
                        a.flagsDisabled(), a.toGeneration(), a.change().cause());
            }
        });
    }

    // ------------------------------------------------------------------ public API

    @Override
    public ReleaseId candidate() {
        return candidate;
    }

    @Override
    public RolloutStatus status() {
        lock.lock();
        try {
            return status;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<RolloutTransition> timeline() {
        lock.lock();
        try {
            return List.copyOf(timeline);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RouterEventPublisher.Registration onTransition(Consumer<? super RolloutTransition> listener) {
        Objects.requireNonNull(listener, "onTransition: listener must not be null");
        Consumer<RolloutTransition> entry = listener::accept;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    @Override
    public final RolloutStatus tick() {
        lock.lock();
        try {
            // Wall time only stamps the timeline; every duration (bake, deadlines, keep-warm) is measured on the
            // monotonic clock, so stepping the wall clock neither skips a bake nor delays a deadline.
            Instant now = clock.now();
            long nanos = clock.nanoTime();
            if (status.phase() == RolloutPhase.PROMOTED) {
                retirePreviousIfDue(now, nanos);
            } else if (!status.phase().isTerminal()) {
                advance(now, nanos);
            }
            return status;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void promote(Cause cause) {
        Objects.requireNonNull(cause, "promote: cause must not be null");
        lock.lock();
        try {
            requireNotOver("promote");
            if (segmentOnly()) {
                router.setWeights(segment, java.util.Map.of(candidate, 10_000), cause);
                hadTraffic = true;
                markSegmentPromoted(clock.now(), clock.nanoTime(), cause, "promoted in segment " + segment + " by " + cause.actor() + ": "
                        + cause.reason() + "; the router's last-known-good is unchanged");
                return;
            }
            ReleaseId before = router.lastKnownGood().id();
            router.promote(candidate, cause);
            markPromoted(clock.now(), clock.nanoTime(), before, cause, "promoted by " + cause.actor() + ": " + cause.reason());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void approve(Cause cause) {
        Objects.requireNonNull(cause, "approve: cause must not be null");
        lock.lock();
        try {
            requirePaused("approve");
            List<Verdict> pending = pendingMild();
            if (segmentOnly()) {
                engine.approve(candidate, segment, cause);
            } else {
                engine.approve(candidate, cause);
            }
            pending.forEach(v -> approvedMild.add(v.trigger()));
            Instant now = clock.now();
            restartClocks(clock.nanoTime());
            transition(now, new RolloutStatus(RolloutPhase.PROGRESSING, status.step(), status.weightBasisPoints(),
                    "approved by " + cause.actor() + (pending.isEmpty() ? "" : " despite " + pending.stream()
                            .map(Verdict::trigger).distinct().collect(Collectors.joining(", ")))
                            + ": " + cause.reason()), cause);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pause(Cause cause) {
        Objects.requireNonNull(cause, "pause: cause must not be null");
        lock.lock();
        try {
            if (status.phase() != RolloutPhase.PROGRESSING) {
                throw new IllegalStateException("pause: the " + kind + " of " + router.releaseNameAndId(candidate) + " is not progressing (" + status + ")");
            }
            String reason = "paused by " + cause.actor() + ": " + cause.reason();
            transition(clock.now(), new RolloutStatus(RolloutPhase.PAUSED, status.step(), status.weightBasisPoints(), reason), cause);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume(Cause cause) {
        Objects.requireNonNull(cause, "resume: cause must not be null");
        lock.lock();
        try {
            requirePaused("resume");
            Instant now = clock.now();
            restartClocks(clock.nanoTime());
            transition(now, new RolloutStatus(RolloutPhase.PROGRESSING, status.step(), status.weightBasisPoints(),
                    "resumed by " + cause.actor() + ": " + cause.reason()), cause);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void abort(Cause cause) {
        Objects.requireNonNull(cause, "abort: cause must not be null");
        lock.lock();
        try {
            requireNotOver("abort");
            if (segmentOnly()) {
                boolean serving = candidateWeight() > 0;
                if (serving) {
                    router.rollbackSegment(segment, cause);
                }
                transition(clock.now(), new RolloutStatus(RolloutPhase.ABORTED, status.step(), 0, "aborted by " + cause.actor()
                        + (serving ? ", all of segment " + segment + " back to the last-known-good"
                        : hadTraffic ? ", segment " + segment + " already on the last-known-good"
                        : " before the candidate got traffic") + ": " + cause.reason()), cause);
                return;
            }
            boolean serving = hadTraffic || candidateWeight() > 0;
            if (serving) {
                router.rollbackToLastKnownGood(cause);
            }
            transition(clock.now(), new RolloutStatus(RolloutPhase.ABORTED, status.step(), 0, "aborted by " + cause.actor()
                    + (serving ? ", all traffic back to the last-known-good" : " before the candidate got traffic")
                    + ": " + cause.reason()), cause);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        Objects.requireNonNull(scheduler, "start: scheduler must not be null");
        if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(kind + ": start interval must be between 10ms and 1h, but was " + interval);
        }
        if (schedule != null) {
            schedule.cancel(false);
        }
        schedule = Ticks.every(scheduler, interval, () -> {
            tick();
            if (finished()) {
                stopSchedule();
            }
        }, LOG, () -> kind + " of " + router.releaseNameAndId(candidate) + " on router '" + router.name() + "': tick");
    }

    @Override
    public void close() {
        stopSchedule();
        routerRegistration.close();
    }

    private synchronized void stopSchedule() {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
    }

    private boolean finished() {
        lock.lock();
        try {
            return status.phase().isTerminal() && (status.phase() != RolloutPhase.PROMOTED || previousDone);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean previousRetired() {
        lock.lock();
        try {
            return previousDone;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ for subclasses (lock held)

    /**
     * One step of the state machine; not called once the rollout is over.
     *
     * @param now wall time, for the timeline
     * @param nanos the same moment on the monotonic clock, for every duration
     */
    abstract void advance(Instant now, long nanos);

    /** @return when the rollout was created, on the monotonic clock (its deadline before the first step counts from here) */
    abstract long createdNanos();

    /** @return when the current step began on the monotonic clock, or {@code null} before the first */
    abstract Long stepStartedNanos();

    /** @return since when the progress deadline counts on the monotonic clock, or {@code null} when it does not apply */
    abstract Long progressStartedNanos();

    /** Sets the clocks a {@link #restore} continues from (monotonic nanos; {@code null}: not started). */
    abstract void restoreClocks(long createdNanos, Long stepStartedNanos, Long progressStartedNanos);

    /**
     * {@inheritDoc}
     *
     * <p>The clocks are stored as wall-clock instants (the only time replicas share), derived from the monotonic
     * clock at this moment, to the millisecond.
     */
    @Override
    public io.github.rollback4j.spi.RolloutProgress progress() {
        lock.lock();
        try {
            long nowNanos = clock.nanoTime();
            Instant now = clock.now();
            return new io.github.rollback4j.spi.RolloutProgress(kind, candidate, segment.name(), status.phase().name(),
                    status.step(), status.weightBasisPoints(), status.reason(), wall(createdNanos(), now, nowNanos),
                    wall(stepStartedNanos(), now, nowNanos), wall(progressStartedNanos(), now, nowNanos), hadTraffic, approvedMild,
                    now);
        } finally {
            lock.unlock();
        }
    }

    private static Instant wall(Long nanos, Instant now, long nowNanos) {
        return nanos == null ? null : now.minusNanos(nowNanos - nanos).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The stored instants are turned into elapsed times once, here, against this replica's wall clock
     * (an instant in this replica's future counts as now), and from then on measured on its monotonic clock.
     */
    @Override
    public void restore(io.github.rollback4j.spi.RolloutProgress p) {
        Objects.requireNonNull(p, "restore: progress must not be null");
        if (!p.kind().equals(kind) || !p.candidate().equals(candidate) || !p.segment().equals(segment.name())) {
            throw new IllegalArgumentException("restore: the stored progress is of the " + p.kind() + " of " + p.candidate()
                    + " in segment '" + p.segment() + "', but this is the " + kind + " of " + candidate + " in segment '"
                    + segment.name() + "'; configure the same rollout on every replica");
        }
        RolloutPhase phase;
        try {
            phase = RolloutPhase.valueOf(p.phase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("restore: unknown rollout phase '" + p.phase() + "' in the stored progress; known: "
                    + java.util.Arrays.toString(RolloutPhase.values()));
        }
        lock.lock();
        try {
            Instant now = clock.now();
            long nowNanos = clock.nanoTime();
            restoreClocks(nanosOf(p.createdAt(), now, nowNanos), nanosOf(p.stepStartedAt(), now, nowNanos),
                    nanosOf(p.progressStartedAt(), now, nowNanos));
            hadTraffic = p.hadTraffic();
            approvedMild.clear();
            approvedMild.addAll(p.approvedMild());
            RolloutStatus to = new RolloutStatus(phase, p.step(), p.weightBasisPoints(), p.reason());
            if (!to.equals(status)) {
                Cause cause = Cause.automatic("continued from the fleet's stored progress (" + to.label() + ")");
                RolloutTransition t = new RolloutTransition(now, status, to, cause.reason(), cause);
                status = to;
                timeline.add(t);
                LOG.info("{} of {} on router '{}': {}", kind, candidate, router.name(), t.summary());
                for (Consumer<? super RolloutTransition> listener : listeners) {
                    try {
                        listener.accept(t);
                    } catch (RuntimeException e) {
                        LOG.warn("rollout listener {} threw on {}; the other listeners still got it", listener, t.summary(), e);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** This replica's monotonic time of a stored instant: now minus the time elapsed since it (never in the future). */
    private static Long nanosOf(Instant t, Instant now, long nowNanos) {
        if (t == null) {
            return null;
        }
        long elapsed = Math.max(0, Duration.between(t, now).toNanos());
        return nowNanos - elapsed;
    }

    /**
     * Starts the current step's clocks and the progress clock over (approve/resume).
     *
     * @param nanos now, on the monotonic clock
     */
    abstract void restartClocks(long nanos);

    /**
     * Whether this rollout is one segment's plan that leaves the router's last-known-good alone (see
     * {@link SegmentedRollout}): then {@code promote} gives its segment all traffic, {@code abort}
     * rolls back its segment only and {@code approve} approves the breaches of its segment (and those
     * over all traffic) only.
     */
    boolean segmentOnly() {
        return false;
    }

    /** The candidate as people read it: {@code name (rel-…)}. */
    String shownCandidate() {
        return router.releaseNameAndId(candidate);
    }

    RolloutStatus current() {
        return status;
    }

    void transition(Instant now, RolloutStatus to, Cause cause) {
        RolloutTransition t = new RolloutTransition(now, status, to, to.reason(), cause);
        RolloutPhase from = status.phase();
        status = to;
        auditTransition(from, to, cause);
        timeline.add(t);
        // A rollback or an abort is WARNed once by the router itself; the rollout's transition is its detail.
        if (to.phase() == RolloutPhase.REFUSED || to.phase() == RolloutPhase.PAUSED || to.phase() == RolloutPhase.BLOCKED) {
            LOG.warn("{} of {} on router '{}': {}", kind, shownCandidate(), router.name(), t.summary());
        } else {
            LOG.info("{} of {} on router '{}': {}", kind, shownCandidate(), router.name(), t.summary());
        }
        for (Consumer<? super RolloutTransition> listener : listeners) {
            try {
                listener.accept(t);
            } catch (RuntimeException e) {
                LOG.warn("rollout listener {} threw on {}; the other listeners still got it", listener, t.summary(), e);
            }
        }
    }

    /**
     * Pauses, resumes and aborts go into the router's audit log (weight changes, promotions, rollbacks
     * and approvals are audited by the router and the trigger engine already).
     */
    private void auditTransition(RolloutPhase from, RolloutStatus to, Cause cause) {
        String action = switch (to.phase()) {
            case PAUSED -> "rollout-paused";
            case ABORTED -> "rollout-aborted";
            case PROGRESSING -> from == RolloutPhase.PAUSED ? "rollout-resumed" : null;
            default -> null;
        };
        if (action != null) {
            try {
                router.audit(action, cause, kind + " of " + shownCandidate() + ": " + to.reason());
            } catch (RuntimeException e) {
                LOG.warn("{} of {} on router '{}': could not audit {}", kind, shownCandidate(), router.name(), action, e);
            }
        }
    }

    void pause(Instant now, String reason) {
        transition(now, new RolloutStatus(RolloutPhase.PAUSED, status.step(), status.weightBasisPoints(), reason),
                Cause.automatic(reason));
    }

    int candidateWeight() {
        return router.weights(segment).getOrDefault(candidate, 0);
    }

    /**
     * Notices what happened to the candidate outside this rollout (a trigger's rollback, an operator's
     * promotion or weight change).
     *
     * @return whether the rollout is now over
     */
    boolean observeRouter(Instant now, long nanos) {
        if (router.lastKnownGood().id().equals(candidate)) {
            RouterEvent.Promoted p = lastPromotion;
            markPromoted(now, nanos, p == null ? null : p.previous(), p == null ? Cause.automatic("promoted outside the rollout") : p.cause(),
                    "promoted outside the rollout" + (p == null ? "" : " by " + p.cause().actor() + ": " + p.cause().reason()));
            return true;
        }
        if (!hadTraffic) {
            return false;
        }
        boolean quarantined = router.state().quarantined().contains(candidate);
        if (!quarantined && candidateWeight() > 0) {
            return false;
        }
        RouterEvent.RolledBack rb = lastRollback;
        RouterEvent.SegmentRolledBack sb = lastSegmentRollback;
        Cause rollbackCause = rb != null && (sb == null || !rb.time().isBefore(sb.time())) ? rb.cause()
                : sb != null ? sb.cause() : null;
        if (rollbackCause != null) {
            Cause c = rollbackCause;
            String by = Cause.NONE.equals(c.trigger()) ? c.actor() : "trigger '" + c.trigger() + "' (" + c.severity() + ")";
            String where = rb != null && c == rb.cause() ? "" : " in segment " + segment;
            transition(now, new RolloutStatus(RolloutPhase.ROLLED_BACK, status.step(), 0, "rolled back" + where + " by " + by + ": "
                    + c.reason()), c);
        } else if (quarantined) {
            Cause c = Cause.automatic("the candidate was quarantined outside the rollout");
            transition(now, new RolloutStatus(RolloutPhase.ROLLED_BACK, status.step(), 0, c.reason()), c);
        } else {
            Cause c = Cause.automatic("the candidate lost its weight in segment " + segment + " outside the rollout");
            transition(now, new RolloutStatus(RolloutPhase.ABORTED, status.step(), 0, c.reason()), c);
        }
        return true;
    }

    /**
     * Runs one evaluation (or reads the latest verdicts of evaluations since {@code sinceNanos}) and keeps this
     * candidate's non-dry-run verdicts.
     *
     * @param sinceNanos when the current step (or bake) began, on the monotonic clock
     */
    List<Verdict> verdicts(long sinceNanos) {
        List<Verdict> all = evaluateTriggers ? engine.evaluate() : engine.latestSince(sinceNanos);
        List<Verdict> mine = new ArrayList<>();
        for (Verdict v : all) {
            if (v.candidate().equals(candidate) && v.severity() != Severity.DRY_RUN && concernsSegment(v)) {
                mine.add(v);
            }
        }
        return mine;
    }

    /**
     * Says when a trigger cannot reach its minimum samples within the step's bake at the rate its arm collects
     * them: a timeline entry in the same phase (its reason has the numbers), a log line, and a finding for the
     * runbook's self-check ({@link TriggerEngine#starvedTriggers()}). Judged once the step has run long enough for
     * the rate to mean something: a tenth of the bake, at least a minute (or the whole bake when shorter).
     *
     * @param now wall time, for the timeline
     * @param stepStartedNanos when the step began, monotonic
     * @param nanos now, monotonic
     * @param bake the step's bake
     * @param step the step in words, e.g. {@code step 0 (100 bp)}
     */
    void reportStarvation(Instant now, long stepStartedNanos, long nanos, Duration bake, String step) {
        Duration elapsed = Duration.ofNanos(nanos - stepStartedNanos);
        Duration observe = bake.dividedBy(10).compareTo(Duration.ofMinutes(1)) > 0 ? bake.dividedBy(10) : Duration.ofMinutes(1);
        if (elapsed.compareTo(observe.compareTo(bake) < 0 ? observe : bake) < 0) {
            return;
        }
        java.util.Map<String, Severity> severities = new java.util.HashMap<>();
        engine.triggers().forEach(t -> severities.put(t.name(), t.severity()));
        for (io.github.rollback4j.core.guard.SampleShortfall f : engine.shortfalls()) {
            if (!f.candidate().equals(candidate) || severities.get(f.trigger()) == Severity.DRY_RUN
                    || !(segment.equals(Segment.DEFAULT) || f.segment() == null || f.segment().equals(segment))
                    || !f.starvesWithin(bake)) {
                continue;
            }
            if (!starvedReported.add(stepStartedNanos + "|" + f.trigger() + "|" + f.segment())) {
                continue;
            }
            String finding = f.describe(bake, step);
            engine.reportStarved(f, kind + " of " + candidate + ": " + finding);
            transition(now, new RolloutStatus(status.phase(), status.step(), status.weightBasisPoints(), finding),
                    Cause.automatic(finding));
        }
    }

    List<Verdict> pendingMild() {
        return engine.pendingApprovals().stream()
                .filter(v -> v.candidate().equals(candidate) && !approvedMild.contains(v.trigger()) && concernsSegment(v))
                .toList();
    }

    /**
     * A rollout of the default segment judges every verdict (the default segment also serves the
     * segments without routing of their own); a rollout of one segment judges the verdicts over all
     * traffic and those of per-segment triggers for its own segment.
     */
    boolean concernsSegment(Verdict v) {
        return segment.equals(Segment.DEFAULT) || v.segment() == null || v.segment().equals(segment);
    }

    /**
     * @return why the rollout must pause now (an unapproved mild breach, or a severe breach whose
     *         rollback was refused), or {@code null}
     */
    String holdReason(List<Verdict> verdicts) {
        List<Verdict> mild = pendingMild();
        if (!mild.isEmpty()) {
            return "mild breach awaiting approval: " + mild.get(0).summary(router.releaseNameAndId(mild.get(0).candidate()));
        }
        for (Verdict v : verdicts) {
            if (v.level() == VerdictLevel.SEVERE_BREACH) {
                return "severe breach, but the rollback was refused (the last-known-good cannot serve): "
                        + v.summary(router.releaseNameAndId(v.candidate()));
            }
        }
        return null;
    }

    /**
     * The gate of a canary step and of a blue/green bake, the same for both: every non-dry-run trigger has a
     * verdict for the candidate (from an evaluation since the step began) and each is healthy (or an approved
     * mild breach). A breach, a breach building up, and an inconclusive verdict all hold the step; the caller
     * holds until its deadline and then pauses for approval. The one inconclusive verdict that does not hold
     * is one that cannot be decided at this weight: at full weight ({@code full}) the last-known-good serves
     * nothing, so a trigger that compares with it and found no baseline samples has nothing to compare with
     * (the remaining triggers, absolute ones and those with a remembered or earlier baseline, still decide).
     *
     * @param verdicts this candidate's verdicts from evaluations since the step began
     * @param full whether the candidate serves all traffic of its segment
     * @return whether the step may pass
     */
    boolean stepHealthy(List<Verdict> verdicts, boolean full) {
        for (TriggerSpec t : engine.triggers()) {
            if (t.severity() == Severity.DRY_RUN) {
                continue;
            }
            boolean any = false;
            for (Verdict v : verdicts) {
                if (!v.trigger().equals(t.name())) {
                    continue;
                }
                any = true;
                if (!passes(t, v, full)) {
                    return false;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private boolean passes(TriggerSpec t, Verdict v, boolean full) {
        boolean approved = approvedMild.contains(v.trigger());
        return switch (v.level()) {
            case HEALTHY -> true;
            case MILD_BREACH -> approved;
            case INCONCLUSIVE -> v.evidence().breachingSince() == null && full && comparesWithBaseline(t)
                    && v.evidence().baselineSamples() == 0;
            default -> false;
        };
    }

    /** Whether the trigger's verdict needs the last-known-good's data (not an absolute threshold, not a burn rate). */
    static boolean comparesWithBaseline(TriggerSpec t) {
        if (t.metric() instanceof io.github.rollback4j.trigger.Metric.BurnRate) {
            return false;
        }
        if (t.sequential() || t.metric() instanceof io.github.rollback4j.trigger.Metric.Drift) {
            return true;
        }
        return t.threshold() != null && t.threshold().kind().relativeToBaseline();
    }

    static String undecided(List<Verdict> verdicts) {
        List<String> lines = verdicts.stream().filter(v -> v.level() != VerdictLevel.HEALTHY).map(Verdict::summary).toList();
        return lines.isEmpty() ? "no verdict yet" : String.join(" | ", lines);
    }

    void markPromoted(Instant now, long nanos, ReleaseId before, Cause cause, String reason) {
        previous = before != null && !before.equals(candidate) ? before : null;
        promotedNanos = nanos;
        previousDone = previous == null;
        transition(now, new RolloutStatus(RolloutPhase.PROMOTED, status.step(), 10_000, reason), cause);
        retirePreviousIfDue(now, nanos);
    }

    /**
     * Ends a rollout of one segment that does not promote the router: its segment serves the
     * candidate only; the router's last-known-good stays, so there is nothing to retire.
     */
    void markSegmentPromoted(Instant now, long nanos, Cause cause, String reason) {
        previous = null;
        promotedNanos = nanos;
        previousDone = true;
        transition(now, new RolloutStatus(RolloutPhase.PROMOTED, status.step(), 10_000, reason), cause);
    }

    private void retirePreviousIfDue(Instant now, long nanos) {
        if (previousDone || nanos - promotedNanos < keepPreviousWarm.toNanos()) {
            return;
        }
        previousDone = true;
        boolean registered = router.releases().stream().anyMatch(r -> r.id().equals(previous));
        if (!registered || router.lastKnownGood().id().equals(previous)) {
            return;
        }
        Cause cause = Cause.automatic("the previous last-known-good " + previous + " was kept warm for " + keepPreviousWarm
                + " after " + router.releaseNameAndId(candidate) + " was promoted");
        try {
            router.retire(previous, cause);
            transition(now, new RolloutStatus(RolloutPhase.PROMOTED, status.step(), status.weightBasisPoints(),
                    "retired the previous last-known-good " + previous + " after keeping it warm for " + keepPreviousWarm), cause);
        } catch (RuntimeException e) {
            LOG.warn("{} of {} on router '{}': could not retire the previous last-known-good {}: {}", kind, router.releaseNameAndId(candidate),
                    router.name(), previous, e.getMessage());
        }
    }

    private void requireNotOver(String operation) {
        if (status.phase().isTerminal()) {
            throw new IllegalStateException(operation + ": the " + kind + " of " + router.releaseNameAndId(candidate) + " is already over (" + status + ")");
        }
    }

    private void requirePaused(String operation) {
        if (status.phase() != RolloutPhase.PAUSED) {
            throw new IllegalStateException(operation + ": the " + kind + " of " + router.releaseNameAndId(candidate) + " is not paused (" + status + ")");
        }
    }

}
