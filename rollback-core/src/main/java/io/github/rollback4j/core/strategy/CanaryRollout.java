package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.shadow.ShadowReport;
import io.github.rollback4j.trigger.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Walks a candidate release through the weights of a {@link CanaryPlan} on one router, judged by
 * one {@link TriggerEngine}, and promotes it or lets it be rolled back.
 *
 * <h2>States</h2>
 * <ul>
 *   <li>{@link RolloutPhase#PENDING}: the first tick sets the first step's weight once the candidate
 *   is warm and healthy and, when the rollout has a shadow gate, the gate is open. A quarantined or
 *   unhealthy candidate, or a candidate still cold or a gate still holding when the progress deadline
 *   passes, ends {@link RolloutPhase#REFUSED}.</li>
 *   <li>{@link RolloutPhase#BLOCKED}: with a {@link Builder#shadowGate shadow gate}, while the gate
 *   finds a segment over its mismatch threshold, or too few compared calls, the rollout neither starts
 *   nor advances (nor promotes); it proceeds by itself at the first tick the gate is open.</li>
 *   <li>{@link RolloutPhase#PROGRESSING}: every tick evaluates the triggers. The rollout advances to
 *   the next step when the step's bake time has passed and every trigger's verdict for the candidate
 *   (dry-run triggers aside) is healthy, with enough data, since the step began; a breach building up
 *   or an inconclusive verdict holds the step until its deadline, then it pauses for approval (blue/green
 *   uses the same gate). At a 100 % step the baseline serves nothing: a comparative trigger that found no
 *   baseline samples cannot be decided there and does not hold the step, while triggers with an
 *   absolute threshold or a remembered or earlier baseline still decide. A trigger that cannot reach its
 *   minimum samples within the step's bake at the observed rate is reported once per step (a timeline
 *   entry in the same phase, {@link TriggerEngine#starvedTriggers()}). Bake and deadlines are measured
 *   on the clock's nano-time. After the last step the candidate is promoted
 *   ({@link ModelRouter#promote}) and becomes the new last-known-good.</li>
 *   <li>A severe breach: the engine rolls the router back itself; the rollout notices and ends
 *   {@link RolloutPhase#ROLLED_BACK}, with the trigger's cause in its timeline.</li>
 *   <li>{@link RolloutPhase#PAUSED}: on a mild breach waiting for approval, on a step still not
 *   healthy at its deadline, when the progress deadline has passed, or when a weight change fails.
 *   Triggers keep guarding a paused rollout. Leave with {@link #approve}, {@link #resume},
 *   {@link #promote} or {@link #abort}.</li>
 *   <li>{@link RolloutPhase#PROMOTED}: the previous last-known-good stays warm for the plan's
 *   {@code keepPreviousWarm}, then a tick retires it. With {@link Builder#promoteRouter
 *   promoteRouter(false)} the rollout only ends with its segment at 100 % and the router untouched.</li>
 *   <li>A rollout of one segment ({@link Builder#segment}) judges the verdicts over all traffic and
 *   those of per-segment triggers for its segment, and ends {@link RolloutPhase#ROLLED_BACK} when its
 *   segment alone is rolled back ({@link ModelRouter#rollbackSegment}).</li>
 * </ul>
 *
 * <p>Thread-safe; see {@link Rollout}.
 */
public final class CanaryRollout extends AbstractRollout {

    private final CanaryPlan plan;
    private final ShadowGate gate;
    private final Supplier<ShadowReport> shadowReport;
    private final boolean promoteRouter;
    private long createdNanos;
    private ShadowGate.Decision lastDecision;
    private String blockedReason;
    /** When the current step began, on the monotonic clock: bake and step deadline are measured from it. */
    private long stepStartedNanos;
    /** When progress was last made (first step, approve, resume), on the monotonic clock: the progress deadline. */
    private long progressStartedNanos;

    private CanaryRollout(Builder b) {
        super("canary", b.router, b.candidate, b.engine, b.clock, b.segment, b.evaluateTriggers, b.plan.keepPreviousWarm());
        this.plan = b.plan;
        this.gate = b.gate;
        this.shadowReport = b.shadowReport;
        this.promoteRouter = b.promoteRouter;
        this.createdNanos = clock.nanoTime();
    }

    /**
     * @param router the router; the candidate must be registered with it
     * @param candidate the release to roll out; not the last-known-good
     * @param engine the trigger engine of this router
     * @param plan the steps
     * @return a builder
     */
    public static Builder builder(ModelRouter<?, ?> router, ReleaseId candidate, TriggerEngine engine, CanaryPlan plan) {
        return new Builder(router, candidate, engine, plan);
    }

    /** @return the plan */
    public CanaryPlan plan() {
        return plan;
    }

    /** @return the segment whose weights this rollout sets */
    public Segment segment() {
        return segment;
    }

    /**
     * @return the shadow gate's latest decision, with its evidence (breaches: segment, time of day,
     *         rate, threshold, compared calls; or shortfalls), evaluated before the first step and
     *         before each advance; empty without a shadow gate or before the first evaluation
     */
    public Optional<ShadowGate.Decision> gateDecision() {
        lock.lock();
        try {
            return Optional.ofNullable(lastDecision);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return while {@link RolloutPhase#BLOCKED}, the gate's latest evidence as a sentence (the status
     *         reason keeps the evidence of when the rollout became blocked); otherwise empty
     */
    public Optional<String> blockedBy() {
        lock.lock();
        try {
            return current().phase() == RolloutPhase.BLOCKED ? Optional.ofNullable(blockedReason) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    void advance(Instant now, long nanos) {
        RolloutStatus status = current();
        if (observeRouter(now, nanos)) {
            return;
        }
        if (status.step() < 0 && (status.phase() == RolloutPhase.PENDING || status.phase() == RolloutPhase.BLOCKED)) {
            begin(now, nanos);
            return;
        }
        List<Verdict> verdicts = verdicts(stepStartedNanos);
        if (observeRouter(now, nanos)) {
            return;
        }
        if (status.phase() == RolloutPhase.PAUSED) {
            return;
        }
        String hold = holdReason(verdicts);
        if (hold != null) {
            pause(now, hold);
            return;
        }
        if (nanos - progressStartedNanos >= plan.progressDeadline().toNanos()) {
            pause(now, "progress deadline of " + plan.progressDeadline() + " passed at step " + status.step() + " ("
                    + status.weightBasisPoints() + " bp)" + (status.phase() == RolloutPhase.BLOCKED
                    ? " while blocked by the shadow gate" : ""));
            return;
        }
        CanaryStep step = plan.steps().get(status.step());
        Duration age = Duration.ofNanos(nanos - stepStartedNanos);
        reportStarvation(now, stepStartedNanos, nanos, step.bake(), "step " + status.step() + " (" + step.weightBasisPoints()
                + " bp)");
        if (age.compareTo(step.bake()) < 0) {
            return;
        }
        if (stepHealthy(verdicts, step.isFull())) {
            String held = gateHold();
            if (held != null) {
                block(now, held);
            } else {
                next(now, nanos, status.step() + 1, age);
            }
        } else if (step.deadline() != null && age.compareTo(step.deadline()) >= 0) {
            pause(now, "step " + status.step() + " (" + step.weightBasisPoints() + " bp) not healthy by its deadline of "
                    + step.deadline() + ": " + undecided(verdicts));
        }
    }

    private void begin(Instant now, long nanos) {
        ReleaseHealth health = router.health(candidate);
        if (health.quarantined() || health.state() == ReleaseState.UNHEALTHY) {
            Cause c = Cause.automatic("candidate " + router.releaseNameAndId(candidate) + " cannot serve: " + (health.quarantined() ? "quarantined"
                    : "unhealthy (" + health.lastFailure() + ")"));
            transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
            return;
        }
        boolean pastDeadline = nanos - createdNanos >= plan.progressDeadline().toNanos();
        if (!health.isServable()) {
            if (pastDeadline) {
                Cause c = Cause.automatic("candidate " + router.releaseNameAndId(candidate) + " still " + health.state() + " when the progress deadline of "
                        + plan.progressDeadline() + " passed");
                transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
            }
            return;
        }
        String held = gateHold();
        if (held != null) {
            if (pastDeadline) {
                Cause c = Cause.automatic(held + "; still so when the progress deadline of " + plan.progressDeadline() + " passed");
                transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
            } else {
                block(now, held);
            }
            return;
        }
        progressStartedNanos = nanos;
        next(now, nanos, 0, Duration.ZERO);
    }

    /** Evaluates the shadow gate, if any: {@code null} when it is open, else why it holds the canary, with its evidence. */
    private String gateHold() {
        if (gate == null) {
            return null;
        }
        ShadowGate.Decision decision = gate.evaluate(shadowReport.get());
        lastDecision = decision;
        if (decision instanceof ShadowGate.Blocked blocked) {
            return "blocked by the shadow gate: " + blocked.breaches().stream()
                    .map(b -> b.where()
                            + String.format(Locale.ROOT, " %.2f %% > %.2f %% over %d compared calls", b.rate() * 100,
                            b.threshold() * 100, b.compared()))
                    .collect(Collectors.joining(", "));
        }
        if (decision instanceof ShadowGate.Inconclusive inconclusive) {
            return "blocked by the shadow gate: too few compared calls" + (inconclusive.shortfalls().isEmpty() ? " (no segment yet)"
                    : ": " + inconclusive.shortfalls().stream()
                    .map(f -> f.segment() + " " + f.compared() + " of " + f.required())
                    .collect(Collectors.joining(", ")));
        }
        return null;
    }

    /** Enters (or stays in) {@link RolloutPhase#BLOCKED}; the timeline gets an entry when the gate's evidence changes. */
    private void block(Instant now, String reason) {
        RolloutStatus status = current();
        if (status.phase() == RolloutPhase.BLOCKED && status.reason().equals(reason)) {
            return;
        }
        if (status.phase() == RolloutPhase.BLOCKED && sameKind(status.reason(), reason)) {
            blockedReason = reason;
            return;
        }
        blockedReason = reason;
        transition(now, new RolloutStatus(RolloutPhase.BLOCKED, status.step(), status.weightBasisPoints(), reason),
                Cause.automatic(reason));
    }

    /** Two reasons of the same kind (blocked by breaches, or by too few calls) differ only in numbers: one timeline entry. */
    private static boolean sameKind(String a, String b) {
        return a.contains("too few compared calls") == b.contains("too few compared calls");
    }

    private void next(Instant now, long nanos, int index, Duration baked) {
        if (index >= plan.steps().size() && !promoteRouter) {
            Cause cause = Cause.automatic("canary of " + router.releaseNameAndId(candidate) + " passed every step of its plan in segment " + segment);
            markSegmentPromoted(now, nanos, cause, "serves all of segment " + segment + " after " + plan.steps().size()
                    + " steps; last step healthy after " + baked + "; the router's last-known-good is unchanged");
            return;
        }
        if (index >= plan.steps().size()) {
            ReleaseId before = router.lastKnownGood().id();
            Cause cause = Cause.automatic("canary of " + router.releaseNameAndId(candidate) + " passed every step of its plan");
            try {
                router.promote(candidate, cause);
            } catch (RuntimeException e) {
                pause(now, "promotion refused: " + e.getMessage());
                return;
            }
            markPromoted(now, nanos, before, cause, "promoted after " + plan.steps().size() + " steps; last step healthy after " + baked);
            return;
        }
        CanaryStep step = plan.steps().get(index);
        ReleaseId lkg = router.lastKnownGood().id();
        Map<ReleaseId, Integer> weights = new HashMap<>();
        weights.put(candidate, step.weightBasisPoints());
        if (!step.isFull()) {
            weights.put(lkg, 10_000 - step.weightBasisPoints());
        }
        String why = index == 0 ? "canary of " + router.releaseNameAndId(candidate) + " starts at " + step.weightBasisPoints() + " bp"
                : "step " + (index - 1) + " healthy after " + baked + "; advancing to " + step.weightBasisPoints() + " bp";
        Cause cause = Cause.automatic(why);
        try {
            router.setWeights(segment, weights, cause);
        } catch (RuntimeException e) {
            pause(now, "could not set " + step.weightBasisPoints() + " bp for the candidate: " + e.getMessage());
            return;
        }
        hadTraffic = true;
        approvedMild.clear();
        stepStartedNanos = nanos;
        transition(now, new RolloutStatus(RolloutPhase.PROGRESSING, index, step.weightBasisPoints(), why), cause);
    }

    @Override
    boolean segmentOnly() {
        return !promoteRouter;
    }

    @Override
    void restartClocks(long nanos) {
        stepStartedNanos = nanos;
        progressStartedNanos = nanos;
    }

    @Override
    long createdNanos() {
        return createdNanos;
    }

    @Override
    Long stepStartedNanos() {
        return current().step() >= 0 ? stepStartedNanos : null;
    }

    @Override
    Long progressStartedNanos() {
        return current().step() >= 0 ? progressStartedNanos : null;
    }

    @Override
    void restoreClocks(long created, Long stepStarted, Long progressStarted) {
        createdNanos = created;
        if (stepStarted != null) {
            stepStartedNanos = stepStarted;
        }
        if (progressStarted != null) {
            progressStartedNanos = progressStarted;
        }
    }

    /** Builds a {@link CanaryRollout}; not thread-safe. */
    public static final class Builder {
        private ShadowGate gate;
        private Supplier<ShadowReport> shadowReport;
        private final ModelRouter<?, ?> router;
        private final ReleaseId candidate;
        private final TriggerEngine engine;
        private final CanaryPlan plan;
        private TimeSource clock = TimeSource.system();
        private Segment segment = Segment.DEFAULT;
        private boolean evaluateTriggers = true;
        private boolean promoteRouter = true;

        private Builder(ModelRouter<?, ?> router, ReleaseId candidate, TriggerEngine engine, CanaryPlan plan) {
            this.router = Objects.requireNonNull(router, "CanaryRollout.router must not be null");
            this.candidate = Objects.requireNonNull(candidate, "CanaryRollout.candidate must not be null");
            this.engine = Objects.requireNonNull(engine, "CanaryRollout.engine must not be null");
            this.plan = Objects.requireNonNull(plan, "CanaryRollout.plan must not be null");
        }

        /**
         * @param clock the router's time source (a virtual one in tests); default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder clock(TimeSource clock) {
            this.clock = Objects.requireNonNull(clock, "CanaryRollout.clock must not be null");
            return this;
        }

        /**
         * @param segment the segment whose weights the rollout sets; default {@link Segment#DEFAULT}
         *                (which also serves every segment without routing of its own)
         * @return this builder
         */
        public Builder segment(Segment segment) {
            this.segment = Objects.requireNonNull(segment, "CanaryRollout.segment must not be null");
            return this;
        }

        /**
         * @param evaluate {@code true} (default): every tick runs {@link TriggerEngine#evaluate()};
         *                 {@code false}: the engine runs on its own schedule and ticks read
         *                 {@link TriggerEngine#latest()}
         * @return this builder
         */
        public Builder evaluateTriggers(boolean evaluate) {
            this.evaluateTriggers = evaluate;
            return this;
        }

        /**
         * @param promote {@code true} (default): after the last step the candidate is promoted
         *                ({@link ModelRouter#promote}) and becomes the last-known-good of every segment;
         *                {@code false}: the rollout ends {@link RolloutPhase#PROMOTED} once its segment
         *                has served the candidate at 100 % through the last bake, and the router's
         *                last-known-good stays (a plan per segment, see {@link SegmentedRollout}, which
         *                promotes the router once every segment has). The manual operations then act
         *                on the segment only: {@link #promote} gives it all traffic, {@link #abort} rolls
         *                it back ({@link ModelRouter#rollbackSegment}) and {@link #approve} approves the
         *                pending mild breaches of its segment and those over all traffic
         * @return this builder
         */
        public Builder promoteRouter(boolean promote) {
            this.promoteRouter = promote;
            return this;
        }

        /**
         * A promotion gate over a shadow run. Before the first step and before every advance (and
         * the promotion) the gate evaluates the current shadow report: while it is
         * {@link ShadowGate.Blocked blocked} (a segment, or a segment's time of day, above its
         * mismatch threshold) or {@link ShadowGate.Inconclusive inconclusive} (too few compared
         * calls), the rollout holds in {@link RolloutPhase#BLOCKED} with the gate's evidence
         * ({@link CanaryRollout#gateDecision()}); once the gate is open it proceeds. Still held before
         * the first step when the plan's progress deadline (counted from {@code build()}) passes, it
         * ends {@link RolloutPhase#REFUSED}; held later, the progress deadline pauses it as usual.
         *
         * @param gate the gate
         * @param report the current shadow report, e.g. {@code runner::report}
         * @return this builder
         */
        public Builder shadowGate(ShadowGate gate, Supplier<ShadowReport> report) {
            this.gate = Objects.requireNonNull(gate, "CanaryRollout.shadowGate must not be null");
            this.shadowReport = Objects.requireNonNull(report, "CanaryRollout.shadowGate report must not be null");
            return this;
        }

        /**
         * @return the rollout, {@link RolloutPhase#PENDING}
         * @throws IllegalArgumentException when the candidate is unknown to the router or is its last-known-good
         */
        public CanaryRollout build() {
            return new CanaryRollout(this);
        }
    }
}
