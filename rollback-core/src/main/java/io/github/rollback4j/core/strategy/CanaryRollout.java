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
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Walks a candidate release through the weights of a {@link CanaryPlan} on one router, judged by
 * one {@link TriggerEngine}, and promotes it or lets it be rolled back.
 *
 * <h2>States</h2>
 * <ul>
 *   <li>{@link RolloutPhase#PENDING}: the first tick sets the first step's weight once the candidate
 *   is warm and healthy and, when the rollout has a shadow gate, the gate is open. A quarantined or
 *   unhealthy candidate, a gate that blocks (a segment's shadow mismatch above its threshold), or a
 *   candidate still cold or a gate still inconclusive when the progress deadline passes, ends
 *   {@link RolloutPhase#REFUSED}.</li>
 *   <li>{@link RolloutPhase#PROGRESSING}: every tick evaluates the triggers. The rollout advances to
 *   the next step when the step's bake time has passed and every trigger's verdict for the candidate
 *   (dry-run triggers aside) is healthy, with enough data, since the step began. At a 100 % step the
 *   baseline serves nothing, so comparative triggers cannot be decided: that step passes when no
 *   trigger is breached or breaching. After the last step the candidate is promoted
 *   ({@link ModelRouter#promote}) and becomes the new last-known-good.</li>
 *   <li>A severe breach: the engine rolls the router back itself; the rollout notices and ends
 *   {@link RolloutPhase#ROLLED_BACK}, with the trigger's cause in its timeline.</li>
 *   <li>{@link RolloutPhase#PAUSED}: on a mild breach waiting for approval, on a step still not
 *   healthy at its deadline, when the progress deadline has passed, or when a weight change fails.
 *   Triggers keep guarding a paused rollout. Leave with {@link #approve}, {@link #resume},
 *   {@link #promote} or {@link #abort}.</li>
 *   <li>{@link RolloutPhase#PROMOTED}: the previous last-known-good stays warm for the plan's
 *   {@code keepPreviousWarm}, then a tick retires it.</li>
 * </ul>
 *
 * <p>Thread-safe; see {@link Rollout}.
 */
public final class CanaryRollout extends AbstractRollout {

    private final CanaryPlan plan;
    private final ShadowGate gate;
    private final Supplier<ShadowReport> shadowReport;
    private final Instant createdAt;
    private Instant stepStartedAt;
    private Instant progressStartedAt;

    private CanaryRollout(Builder b) {
        super("canary", b.router, b.candidate, b.engine, b.clock, b.segment, b.evaluateTriggers, b.plan.keepPreviousWarm());
        this.plan = b.plan;
        this.gate = b.gate;
        this.shadowReport = b.shadowReport;
        this.createdAt = clock.now();
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

    @Override
    void advance(Instant now) {
        RolloutStatus status = current();
        if (status.phase() == RolloutPhase.PENDING) {
            begin(now);
            return;
        }
        if (observeRouter(now)) {
            return;
        }
        List<Verdict> verdicts = verdicts();
        if (observeRouter(now)) {
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
        if (!now.isBefore(progressStartedAt.plus(plan.progressDeadline()))) {
            pause(now, "progress deadline of " + plan.progressDeadline() + " passed at step " + status.step() + " ("
                    + status.weightBasisPoints() + " bp)");
            return;
        }
        CanaryStep step = plan.steps().get(status.step());
        Duration age = Duration.between(stepStartedAt, now);
        if (age.compareTo(step.bake()) < 0) {
            return;
        }
        boolean pass = step.isFull() ? noBreach(verdicts) : allHealthy(verdicts, stepStartedAt);
        if (pass) {
            next(now, status.step() + 1, age);
        } else if (step.deadline() != null && age.compareTo(step.deadline()) >= 0) {
            pause(now, "step " + status.step() + " (" + step.weightBasisPoints() + " bp) not healthy by its deadline of "
                    + step.deadline() + ": " + undecided(verdicts));
        }
    }

    private void begin(Instant now) {
        ReleaseHealth health = router.health(candidate);
        if (health.quarantined() || health.state() == ReleaseState.UNHEALTHY) {
            Cause c = Cause.automatic("candidate " + candidate + " cannot serve: " + (health.quarantined() ? "quarantined"
                    : "unhealthy (" + health.lastFailure() + ")"));
            transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
            return;
        }
        if (!health.isServable()) {
            if (!now.isBefore(createdAt.plus(plan.progressDeadline()))) {
                Cause c = Cause.automatic("candidate " + candidate + " still " + health.state() + " when the progress deadline of "
                        + plan.progressDeadline() + " passed");
                transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
            }
            return;
        }
        if (gate != null) {
            ShadowGate.Decision decision = gate.evaluate(shadowReport.get());
            if (decision instanceof ShadowGate.Blocked blocked) {
                Cause c = Cause.automatic("blocked by the shadow gate: " + blocked.breaches().stream()
                        .map(b -> b.segment() + (b.timeOfDay() == null ? "" : " at " + b.timeOfDay())
                                + String.format(" %.1f %% > %.1f %%", b.rate() * 100, b.threshold() * 100))
                        .collect(java.util.stream.Collectors.joining(", ")));
                transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
                return;
            }
            if (decision instanceof ShadowGate.Inconclusive) {
                if (!now.isBefore(createdAt.plus(plan.progressDeadline()))) {
                    Cause c = Cause.automatic("the shadow gate was still inconclusive (too few compared calls) when the progress"
                            + " deadline of " + plan.progressDeadline() + " passed");
                    transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, c.reason()), c);
                }
                return;
            }
        }
        progressStartedAt = now;
        next(now, 0, Duration.ZERO);
    }

    private void next(Instant now, int index, Duration baked) {
        if (index >= plan.steps().size()) {
            ReleaseId before = router.lastKnownGood().id();
            Cause cause = Cause.automatic("canary of " + candidate + " passed every step of its plan");
            try {
                router.promote(candidate, cause);
            } catch (RuntimeException e) {
                pause(now, "promotion refused: " + e.getMessage());
                return;
            }
            markPromoted(now, before, cause, "promoted after " + plan.steps().size() + " steps; last step healthy after " + baked);
            return;
        }
        CanaryStep step = plan.steps().get(index);
        ReleaseId lkg = router.lastKnownGood().id();
        Map<ReleaseId, Integer> weights = new HashMap<>();
        weights.put(candidate, step.weightBasisPoints());
        if (!step.isFull()) {
            weights.put(lkg, 10_000 - step.weightBasisPoints());
        }
        String why = index == 0 ? "canary of " + candidate + " starts at " + step.weightBasisPoints() + " bp"
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
        stepStartedAt = now;
        transition(now, new RolloutStatus(RolloutPhase.PROGRESSING, index, step.weightBasisPoints(), why), cause);
    }

    @Override
    void restartClocks(Instant now) {
        stepStartedAt = now;
        progressStartedAt = now;
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
         * A promotion gate: the canary starts only when the gate is open on the shadow report (no
         * segment's mismatch above its threshold), and is refused when it blocks.
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
