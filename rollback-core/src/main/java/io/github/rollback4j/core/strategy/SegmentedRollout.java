package io.github.rollback4j.core.strategy;

import io.github.rollback4j.core.internal.Ticks;
import io.github.rollback4j.Cause;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.shadow.ShadowReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Per-segment rollouts: one {@link CanaryRollout} per segment (region, tenant), each with its own
 * {@link CanaryPlan}, over one router, one candidate and one {@link TriggerEngine}.
 *
 * <pre>{@code
 * SegmentedRollout rollout = SegmentedRollout.builder(router, v2.id(), engine)
 *         .segment(Segment.of("eu-west"), CanaryPlan.standard(Duration.ofMinutes(10)))
 *         .segment(Segment.of("us-east"), CanaryPlan.standard(Duration.ofMinutes(5)))
 *         .clock(clock).build();
 * rollout.start(scheduler, Duration.ofSeconds(1));
 * }</pre>
 *
 * <ul>
 *   <li>Each tick runs one {@link TriggerEngine#evaluate()} and then ticks every segment's rollout
 *   (they read {@link TriggerEngine#latest()}). A segment's rollout sets the weights of its segment
 *   only and judges the verdicts over all traffic plus those of per-segment triggers for its
 *   segment.</li>
 *   <li>A severe breach of a per-segment trigger rolls back that segment only
 *   ({@link ModelRouter#rollbackSegment}); its rollout ends {@link RolloutPhase#ROLLED_BACK} and the
 *   other segments go on. A trigger over all traffic, or a per-segment trigger declared
 *   {@code global}, rolls back every segment.</li>
 *   <li>A segment's rollout that passes its last step ends {@link RolloutPhase#PROMOTED} with its
 *   segment at 100 % and the router untouched. Once <b>every</b> segment has, the router promotes the
 *   candidate (it becomes the last-known-good everywhere, segments without a plan included) and the
 *   previous last-known-good is retired after the longest {@code keepPreviousWarm} of the plans.</li>
 *   <li>{@link #phase()} aggregates the segments, worst first: {@code ROLLED_BACK}, {@code ABORTED},
 *   {@code REFUSED}, {@code BLOCKED}, {@code PAUSED}, {@code PROGRESSING}, {@code PENDING}; {@code PROMOTED}
 *   only when every segment is promoted. A segment that rolled back therefore marks the whole rollout
 *   rolled back even while other segments go on or end promoted: the candidate did not make it
 *   everywhere and the router keeps its last-known-good.</li>
 * </ul>
 *
 * <p>Thread-safe: ticks and operations are serialized by one lock.
 */
public final class SegmentedRollout implements AutoCloseable {

    /** Most segments with a plan of their own. */
    public static final int MAX_SEGMENTS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SegmentedRollout.class);
    private static final List<RolloutPhase> WORST_FIRST = List.of(RolloutPhase.ROLLED_BACK, RolloutPhase.ABORTED,
            RolloutPhase.REFUSED, RolloutPhase.BLOCKED, RolloutPhase.PAUSED, RolloutPhase.PROGRESSING, RolloutPhase.PENDING);

    private final ModelRouter<?, ?> router;
    private final ReleaseId candidate;
    private final TriggerEngine engine;
    private final TimeSource clock;
    private final Map<Segment, CanaryRollout> rollouts;
    private final Duration keepPreviousWarm;
    private final ReentrantLock lock = new ReentrantLock();
    /** When the router promoted the candidate, on the monotonic clock ({@code keepPreviousWarm} is measured from it). */
    private long promotedNanos;
    private boolean promoted;
    private ReleaseId previous;
    private boolean previousDone;
    private ScheduledFuture<?> schedule;

    private SegmentedRollout(Builder b) {
        this.router = b.router;
        this.candidate = b.candidate;
        this.engine = b.engine;
        this.clock = b.clock;
        Map<Segment, CanaryRollout> built = new LinkedHashMap<>();
        Duration keep = Duration.ZERO;
        for (Map.Entry<Segment, CanaryPlan> e : b.plans.entrySet()) {
            CanaryRollout.Builder rollout = CanaryRollout.builder(b.router, b.candidate, b.engine, e.getValue()).clock(b.clock)
                    .segment(e.getKey()).evaluateTriggers(false).promoteRouter(false);
            if (b.gate != null) {
                rollout.shadowGate(b.gate, b.report);
            }
            built.put(e.getKey(), rollout.build());
            if (e.getValue().keepPreviousWarm().compareTo(keep) > 0) {
                keep = e.getValue().keepPreviousWarm();
            }
        }
        this.rollouts = Collections.unmodifiableMap(built);
        this.keepPreviousWarm = keep;
    }

    /**
     * @param router the router; the candidate must be registered with it
     * @param candidate the release to roll out; not the last-known-good
     * @param engine the router's trigger engine; this rollout evaluates it once per tick, so do not also start it
     * @return a builder
     */
    public static Builder builder(ModelRouter<?, ?> router, ReleaseId candidate, TriggerEngine engine) {
        return new Builder(router, candidate, engine);
    }

    /** @return the release being rolled out */
    public ReleaseId candidate() {
        return candidate;
    }

    /** @return segment → its rollout, in the order the plans were given; unmodifiable */
    public Map<Segment, CanaryRollout> rollouts() {
        return rollouts;
    }

    /** @return segment → its rollout's current status, in plan order */
    public Map<Segment, RolloutStatus> statuses() {
        Map<Segment, RolloutStatus> out = new LinkedHashMap<>();
        rollouts.forEach((segment, rollout) -> out.put(segment, rollout.status()));
        return Collections.unmodifiableMap(out);
    }

    /** @return the segments' phases aggregated, worst first (see the class comment) */
    public RolloutPhase phase() {
        List<RolloutPhase> phases = rollouts.values().stream().map(r -> r.status().phase()).toList();
        for (RolloutPhase p : WORST_FIRST) {
            if (phases.contains(p)) {
                return p;
            }
        }
        return RolloutPhase.PROMOTED;
    }

    /** @return whether every segment's rollout is over (and, when all were promoted, the router promoted the candidate) */
    public boolean isOver() {
        lock.lock();
        try {
            boolean allOver = rollouts.values().stream().allMatch(r -> r.status().phase().isTerminal());
            return allOver && (phase() != RolloutPhase.PROMOTED || promoted);
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the router promoted the candidate because every segment was promoted */
    public boolean routerPromoted() {
        lock.lock();
        try {
            return promoted;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return whether, after the router's promotion, the previous last-known-good has been retired
     *         (or there was none to retire); {@code false} before
     */
    public boolean previousRetired() {
        lock.lock();
        try {
            return previousDone;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Evaluates the triggers once, ticks every segment's rollout, and promotes the router once every
     * segment is promoted.
     *
     * @return the aggregated phase after the tick
     */
    public RolloutPhase tick() {
        lock.lock();
        try {
            if (rollouts.values().stream().anyMatch(r -> !r.status().phase().isTerminal())) {
                engine.evaluate();
            }
            rollouts.values().forEach(CanaryRollout::tick);
            long now = clock.nanoTime();
            if (!promoted && phase() == RolloutPhase.PROMOTED) {
                promoteRouter(now);
            }
            if (promoted && !previousDone && now - promotedNanos >= keepPreviousWarm.toNanos()) {
                retirePrevious();
            }
            return phase();
        } finally {
            lock.unlock();
        }
    }

    private void promoteRouter(long now) {
        ReleaseId before = router.lastKnownGood().id();
        if (before.equals(candidate)) {
            promoted = true;
            promotedNanos = now;
            previousDone = true;
            return;
        }
        try {
            router.promote(candidate, Cause.automatic("every segment's canary of " + router.releaseNameAndId(candidate) + " passed its plan: "
                    + rollouts.keySet()));
            promoted = true;
            promotedNanos = now;
            previous = before;
        } catch (RuntimeException e) {
            LOG.warn("segmented rollout of {} on router '{}': every segment passed, but the promotion was refused: {}", router.releaseNameAndId(candidate),
                    router.name(), e.getMessage());
        }
    }

    private void retirePrevious() {
        previousDone = true;
        boolean registered = router.releases().stream().anyMatch(r -> r.id().equals(previous));
        if (previous == null || !registered || router.lastKnownGood().id().equals(previous)) {
            return;
        }
        try {
            router.retire(previous, Cause.automatic("the previous last-known-good " + previous + " was kept warm for "
                    + keepPreviousWarm + " after " + router.releaseNameAndId(candidate) + " was promoted in every segment"));
        } catch (RuntimeException e) {
            LOG.warn("segmented rollout of {} on router '{}': could not retire the previous last-known-good {}: {}", router.releaseNameAndId(candidate),
                    router.name(), previous, e.getMessage());
        }
    }

    /**
     * Fast rollback of every segment still rolling out, without analysis: when the candidate serves
     * anywhere, all traffic goes back to the last-known-good at once
     * ({@link ModelRouter#rollbackToLastKnownGood}, which quarantines the candidate), and every segment's
     * rollout still running ends {@link RolloutPhase#ABORTED}.
     *
     * @param cause the operator and why
     * @throws IllegalStateException when every segment's rollout is already over
     * @throws io.github.rollback4j.RollbackRefusedException when the last-known-good cannot serve; nothing changed
     */
    public void abort(Cause cause) {
        Objects.requireNonNull(cause, "abort: cause must not be null");
        lock.lock();
        try {
            List<CanaryRollout> running = running();
            if (running.isEmpty()) {
                throw new IllegalStateException("abort: every segment's rollout of " + router.releaseNameAndId(candidate) + " is already over: " + statuses());
            }
            boolean serving = router.state().allocations().values().stream()
                    .anyMatch(ranges -> ranges.stream().anyMatch(r -> r.release().equals(candidate)));
            if (serving) {
                router.rollbackToLastKnownGood(cause);
            }
            running.forEach(r -> r.abort(cause));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fast rollback of one segment, without analysis: its traffic goes back to the last-known-good
     * ({@link ModelRouter#rollbackSegment}) and its rollout ends {@link RolloutPhase#ABORTED}; the other
     * segments go on. A candidate left with no traffic anywhere is quarantined by the router.
     *
     * @param segment a segment with a plan
     * @param cause the operator and why
     * @throws IllegalArgumentException when the segment has no plan in this rollout
     * @throws IllegalStateException when that segment's rollout is already over
     * @throws io.github.rollback4j.RollbackRefusedException when the last-known-good cannot serve; nothing changed
     */
    public void abort(Segment segment, Cause cause) {
        onSegment(segment, cause, r -> r.abort(cause));
    }

    /**
     * Makes the candidate the router's last-known-good now, in every segment (segments without a plan
     * and segments rolled back included), skipping the remaining steps; every segment's rollout still
     * running ends {@link RolloutPhase#PROMOTED}, and the previous last-known-good is retired after the
     * longest {@code keepPreviousWarm} of the plans.
     *
     * @param cause the operator and why
     * @throws IllegalStateException when the router already promoted the candidate, or refuses
     *                               (candidate cold, unhealthy or quarantined); nothing changed
     */
    public void promote(Cause cause) {
        Objects.requireNonNull(cause, "promote: cause must not be null");
        lock.lock();
        try {
            if (promoted) {
                throw new IllegalStateException("promote: " + router.releaseNameAndId(candidate) + " is already the last-known-good of router '"
                        + router.name() + "'");
            }
            ReleaseId before = router.lastKnownGood().id();
            router.promote(candidate, cause);
            promoted = true;
            promotedNanos = clock.nanoTime();
            previous = before;
            previousDone = before.equals(candidate);
            rollouts.values().forEach(CanaryRollout::tick);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives one segment all of its traffic on the candidate now, skipping the rest of its plan: its
     * rollout ends {@link RolloutPhase#PROMOTED}; once every segment is promoted, the router promotes
     * the candidate (at once, not at the next tick).
     *
     * @param segment a segment with a plan
     * @param cause the operator and why
     * @throws IllegalArgumentException when the segment has no plan in this rollout
     * @throws IllegalStateException when that segment's rollout is already over
     */
    public void promote(Segment segment, Cause cause) {
        onSegment(segment, cause, r -> r.promote(cause));
        lock.lock();
        try {
            if (!promoted && phase() == RolloutPhase.PROMOTED) {
                promoteRouter(clock.nanoTime());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Holds every segment that is {@link RolloutPhase#PROGRESSING} at its step: see {@link Rollout#pause}.
     *
     * @param cause the operator and why
     * @return the segments paused
     * @throws IllegalStateException when no segment is progressing
     */
    public List<Segment> pause(Cause cause) {
        return onEvery("pause", RolloutPhase.PROGRESSING, cause, r -> r.pause(cause));
    }

    /**
     * Holds one segment at its step; the others go on. See {@link Rollout#pause}.
     *
     * @param segment a segment with a plan
     * @param cause the operator and why
     * @throws IllegalArgumentException when the segment has no plan in this rollout
     * @throws IllegalStateException when that segment's rollout is not progressing
     */
    public void pause(Segment segment, Cause cause) {
        onSegment(segment, cause, r -> r.pause(cause));
    }

    /**
     * Resumes every {@link RolloutPhase#PAUSED} segment: see {@link Rollout#resume}.
     *
     * @param cause the operator and why
     * @return the segments resumed
     * @throws IllegalStateException when no segment is paused
     */
    public List<Segment> resume(Cause cause) {
        return onEvery("resume", RolloutPhase.PAUSED, cause, r -> r.resume(cause));
    }

    /**
     * Resumes one paused segment. See {@link Rollout#resume}.
     *
     * @param segment a segment with a plan
     * @param cause the operator and why
     * @throws IllegalArgumentException when the segment has no plan in this rollout
     * @throws IllegalStateException when that segment's rollout is not paused
     */
    public void resume(Segment segment, Cause cause) {
        onSegment(segment, cause, r -> r.resume(cause));
    }

    /**
     * Approves the pending mild breaches of every {@link RolloutPhase#PAUSED} segment and resumes them:
     * see {@link Rollout#approve}.
     *
     * @param cause the operator and why
     * @return the segments approved
     * @throws IllegalStateException when no segment is paused
     */
    public List<Segment> approve(Cause cause) {
        return onEvery("approve", RolloutPhase.PAUSED, cause, r -> r.approve(cause));
    }

    /**
     * Approves the pending mild breaches of one paused segment (those of per-segment triggers for that
     * segment and those over all traffic; other segments' breaches stay pending) and resumes it.
     *
     * @param segment a segment with a plan
     * @param cause the operator and why
     * @throws IllegalArgumentException when the segment has no plan in this rollout
     * @throws IllegalStateException when that segment's rollout is not paused
     */
    public void approve(Segment segment, Cause cause) {
        onSegment(segment, cause, r -> r.approve(cause));
    }

    /**
     * Where every segment's canary stands, as a fleet keeps it in its shared state.
     *
     * @return by segment name, the progress now
     */
    public java.util.Map<String, io.github.rollback4j.spi.RolloutProgress> progress() {
        lock.lock();
        try {
            Map<String, io.github.rollback4j.spi.RolloutProgress> progress = new LinkedHashMap<>();
            rollouts.forEach((segment, rollout) -> progress.put(segment.name(), rollout.progress()));
            return progress;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Continues every segment's canary from stored progress (fleet mode: this replica became the
     * leader); segments without stored progress are left as they are. See {@link Rollout#restore}.
     *
     * @param progress by segment name, what the fleet's state holds
     */
    public void restore(java.util.Map<String, io.github.rollback4j.spi.RolloutProgress> progress) {
        Objects.requireNonNull(progress, "restore: progress must not be null");
        lock.lock();
        try {
            rollouts.forEach((segment, rollout) -> {
                io.github.rollback4j.spi.RolloutProgress p = progress.get(segment.name());
                if (p != null) {
                    rollout.restore(p);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param segment a segment
     * @return that segment's rollout
     * @throws IllegalArgumentException when the segment has no plan in this rollout, naming those that have
     */
    public CanaryRollout rollout(Segment segment) {
        CanaryRollout r = segment == null ? null : rollouts.get(segment);
        if (r == null) {
            throw new IllegalArgumentException("segment '" + segment + "' has no plan in the segmented rollout of " + candidate
                    + "; segments with a plan are " + rollouts.keySet());
        }
        return r;
    }

    private void onSegment(Segment segment, Cause cause, Consumer<CanaryRollout> operation) {
        Objects.requireNonNull(cause, "cause must not be null");
        CanaryRollout r = rollout(segment);
        lock.lock();
        try {
            operation.accept(r);
        } finally {
            lock.unlock();
        }
    }

    private List<Segment> onEvery(String operation, RolloutPhase in, Cause cause, Consumer<CanaryRollout> action) {
        Objects.requireNonNull(cause, operation + ": cause must not be null");
        lock.lock();
        try {
            List<Segment> done = new ArrayList<>();
            rollouts.forEach((segment, r) -> {
                if (r.status().phase() == in) {
                    action.accept(r);
                    done.add(segment);
                }
            });
            if (done.isEmpty()) {
                throw new IllegalStateException(operation + ": no segment's rollout of " + router.releaseNameAndId(candidate) + " is " + in + ": " + statuses());
            }
            return List.copyOf(done);
        } finally {
            lock.unlock();
        }
    }

    private List<CanaryRollout> running() {
        return rollouts.values().stream().filter(r -> !r.status().phase().isTerminal()).toList();
    }

    /**
     * Ticks every {@code interval} on the scheduler until {@link #isOver()} and the previous
     * last-known-good is retired (or nothing is to be retired). Calling it again replaces the schedule.
     *
     * @param scheduler the scheduler; not shut down by this rollout
     * @param interval between ticks, 10 ms..1 h
     */
    public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
        Objects.requireNonNull(scheduler, "start: scheduler must not be null");
        if (interval == null || interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("SegmentedRollout: start interval must be between 10ms and 1h, but was " + interval);
        }
        if (schedule != null) {
            schedule.cancel(false);
        }
        schedule = Ticks.every(scheduler, interval, () -> {
            tick();
            if (isOver() && (!promoted || previousRetired())) {
                stopSchedule();
            }
        }, LOG, () -> "segmented rollout of " + router.releaseNameAndId(candidate) + " on router '" + router.name() + "': tick");
    }

    private synchronized void stopSchedule() {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
    }

    /** Stops the schedule and closes every segment's rollout; their state stays readable. */
    @Override
    public void close() {
        stopSchedule();
        rollouts.values().forEach(CanaryRollout::close);
    }

    /** Builds a {@link SegmentedRollout}; not thread-safe. */
    public static final class Builder {
        private final ModelRouter<?, ?> router;
        private final ReleaseId candidate;
        private final TriggerEngine engine;
        private final Map<Segment, CanaryPlan> plans = new LinkedHashMap<>();
        private TimeSource clock = TimeSource.system();
        private ShadowGate gate;
        private Supplier<ShadowReport> report;

        private Builder(ModelRouter<?, ?> router, ReleaseId candidate, TriggerEngine engine) {
            this.router = Objects.requireNonNull(router, "SegmentedRollout.router must not be null");
            this.candidate = Objects.requireNonNull(candidate, "SegmentedRollout.candidate must not be null");
            this.engine = Objects.requireNonNull(engine, "SegmentedRollout.engine must not be null");
        }

        /**
         * @param segment a segment (region, tenant) with a plan of its own; each segment once
         * @param plan its canary plan
         * @return this builder
         * @throws IllegalArgumentException when the segment already has a plan
         */
        public Builder segment(Segment segment, CanaryPlan plan) {
            Objects.requireNonNull(segment, "SegmentedRollout.segment must not be null");
            Objects.requireNonNull(plan, "SegmentedRollout.segment(" + segment + ") plan must not be null");
            if (plans.putIfAbsent(segment, plan) != null) {
                throw new IllegalArgumentException("SegmentedRollout.segment: segment '" + segment + "' already has a plan");
            }
            return this;
        }

        /**
         * @param clock the router's time source; default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder clock(TimeSource clock) {
            this.clock = Objects.requireNonNull(clock, "SegmentedRollout.clock must not be null");
            return this;
        }

        /**
         * Gates every segment's canary on a shadow run, as {@link CanaryRollout.Builder#shadowGate}.
         *
         * @param gate the gate
         * @param report the current shadow report, e.g. {@code runner::report}
         * @return this builder
         */
        public Builder shadowGate(ShadowGate gate, Supplier<ShadowReport> report) {
            this.gate = Objects.requireNonNull(gate, "SegmentedRollout.shadowGate must not be null");
            this.report = Objects.requireNonNull(report, "SegmentedRollout.shadowGate report must not be null");
            return this;
        }

        /**
         * @return the rollout; every segment {@link RolloutPhase#PENDING}
         * @throws IllegalArgumentException when there is no plan or more than {@link #MAX_SEGMENTS}, or the
         *                                  candidate is unknown to the router or is its last-known-good
         */
        public SegmentedRollout build() {
            if (plans.isEmpty() || plans.size() > MAX_SEGMENTS) {
                throw new IllegalArgumentException("SegmentedRollout.segments must hold 1 to " + MAX_SEGMENTS + " plans, but held "
                        + plans.size());
            }
            return new SegmentedRollout(this);
        }
    }
}
