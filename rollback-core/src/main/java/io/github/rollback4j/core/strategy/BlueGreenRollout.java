package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Blue/green on one router: blue is the last-known-good, green the candidate. Green is verified
 * before it gets any traffic, then takes all traffic in one {@link ModelRouter#setWeights} (the flip,
 * instant), bakes under the triggers, and is promoted — or flipped back to blue.
 *
 * <h2>States</h2>
 * <ul>
 *   <li>{@link RolloutPhase#PENDING}: each tick checks that blue can serve (else a flip back would be
 *   refused) and waits until green is warm and healthy ({@link ModelRouter#health}), up to the plan's
 *   {@code warmupTimeout}. Then it runs the verification cases against green through the function
 *   given to {@link Builder#verification}; every output must match. Any failure ends
 *   {@link RolloutPhase#REFUSED} and the routing is never touched. Otherwise it flips.</li>
 *   <li>{@link RolloutPhase#PROGRESSING} (step 0, 10000 bp): green bakes. Each tick evaluates the
 *   triggers; once the bake time has passed with no trigger breached or breaching, green is promoted
 *   ({@link ModelRouter#promote}). Because blue serves nothing after the flip, comparative triggers
 *   lose their baseline once their window has passed; absolute thresholds keep judging.</li>
 *   <li>A severe breach: the engine flips back ({@link ModelRouter#rollbackToLastKnownGood}); the
 *   rollout notices and ends {@link RolloutPhase#ROLLED_BACK}.</li>
 *   <li>{@link RolloutPhase#PAUSED}: on a mild breach waiting for approval, or when the bake deadline
 *   passes with a breach still building up.</li>
 *   <li>{@link RolloutPhase#PROMOTED}: blue stays registered, warm and probed for the plan's
 *   {@code keepBlueWarm}, then a tick retires it. Until promotion it is never retired.</li>
 * </ul>
 *
 * <p>Thread-safe; see {@link Rollout}.
 *
 * @param <I> the model input type
 * @param <O> the model output type
 */
public final class BlueGreenRollout<I, O> extends AbstractRollout {

    private final BlueGreenPlan plan;
    private final Model<? super I, ? extends O> verifier;
    private final List<VerificationCase<I, O>> cases;
    private final BiPredicate<? super O, ? super O> matcher;
    private long createdNanos;
    /** When the bake began (the flip, an approve or resume), on the monotonic clock: bake and bake deadline. */
    private long bakeStartedNanos;

    private BlueGreenRollout(Builder<I, O> b) {
        super("blue/green", b.router, b.green, b.engine, b.clock, b.segment, b.evaluateTriggers, b.plan.keepBlueWarm());
        this.plan = b.plan;
        this.verifier = b.verifier;
        this.cases = b.cases;
        this.matcher = b.matcher;
        this.createdNanos = clock.nanoTime();
    }

    /**
     * @param router the router; green must be registered with it
     * @param green the candidate; not the last-known-good
     * @param engine the trigger engine of this router
     * @param plan the time limits
     * @param <I> the model input type
     * @param <O> the model output type
     * @return a builder
     */
    public static <I, O> Builder<I, O> builder(ModelRouter<I, O> router, ReleaseId green, TriggerEngine engine, BlueGreenPlan plan) {
        return new Builder<>(router, green, engine, plan);
    }

    /** @return the plan */
    public BlueGreenPlan plan() {
        return plan;
    }

    /**
     * Flips all traffic back to blue now, skipping analysis; the same as {@link #abort(Cause)}.
     *
     * @param cause the operator and why
     */
    public void flipBack(Cause cause) {
        abort(cause);
    }

    @Override
    void advance(Instant now, long nanos) {
        RolloutStatus status = current();
        if (status.phase() == RolloutPhase.PENDING) {
            verifyAndFlip(now, nanos);
            return;
        }
        if (observeRouter(now, nanos)) {
            return;
        }
        List<Verdict> verdicts = verdicts(bakeStartedNanos);
        if (observeRouter(now, nanos) || status.phase() == RolloutPhase.PAUSED) {
            return;
        }
        String hold = holdReason(verdicts);
        if (hold != null) {
            pause(now, hold);
            return;
        }
        Duration age = Duration.ofNanos(nanos - bakeStartedNanos);
        reportStarvation(now, bakeStartedNanos, nanos, plan.bake(), "the flip to green " + candidate);
        // The same gate as a canary step at full weight: inconclusive holds until the bake deadline.
        if (age.compareTo(plan.bake()) >= 0 && stepHealthy(verdicts, true)) {
            ReleaseId blue = router.lastKnownGood().id();
            Cause cause = Cause.automatic("green " + router.releaseNameAndId(candidate) + " baked for " + age + " with no breach");
            try {
                router.promote(candidate, cause);
            } catch (RuntimeException e) {
                pause(now, "promotion refused: " + e.getMessage());
                return;
            }
            markPromoted(now, nanos, blue, cause, cause.reason() + "; promoted, blue " + blue + " stays warm for " + plan.keepBlueWarm());
        } else if (age.compareTo(plan.bakeDeadline()) >= 0) {
            pause(now, "green " + candidate + " not healthy by its bake deadline of " + plan.bakeDeadline() + ": "
                    + undecided(verdicts));
        }
    }

    private void verifyAndFlip(Instant now, long nanos) {
        ReleaseHealth blue = router.lastKnownGoodHealth();
        if (!blue.isServable()) {
            refuse(now, "blue " + blue.release() + " cannot serve (" + blue.state() + (blue.quarantined() ? ", quarantined" : "")
                    + "), so a flip back would be refused");
            return;
        }
        ReleaseHealth green = router.health(candidate);
        if (green.quarantined() || green.state() == ReleaseState.UNHEALTHY) {
            refuse(now, "green " + router.releaseNameAndId(candidate) + " cannot serve: " + (green.quarantined() ? "quarantined"
                    : "unhealthy (" + green.lastFailure() + ")"));
            return;
        }
        if (!green.isServable()) {
            if (nanos - createdNanos >= plan.warmupTimeout().toNanos()) {
                refuse(now, "green " + router.releaseNameAndId(candidate) + " still " + green.state() + " after the warm-up timeout of " + plan.warmupTimeout());
            }
            return;
        }
        for (int i = 0; i < cases.size(); i++) {
            VerificationCase<I, O> c = cases.get(i);
            O actual;
            try {
                actual = verifier.predict(c.input());
            } catch (Exception e) {
                refuse(now, "verification case " + i + " failed: green threw " + e);
                return;
            }
            boolean ok;
            try {
                ok = matcher.test(c.expected(), actual);
            } catch (RuntimeException e) {
                refuse(now, "verification case " + i + " failed: the matcher threw " + e);
                return;
            }
            if (!ok) {
                refuse(now, "verification case " + i + " failed: expected " + c.expected() + " but green returned " + actual);
                return;
            }
        }
        Cause cause = Cause.automatic("green " + router.releaseNameAndId(candidate) + " is warm, healthy and passed " + cases.size()
                + " verification case(s); flipping all traffic to green");
        try {
            router.setWeights(segment, Map.of(candidate, 10_000), cause);
        } catch (RuntimeException e) {
            refuse(now, "the router refused the flip: " + e.getMessage());
            return;
        }
        hadTraffic = true;
        bakeStartedNanos = nanos;
        transition(now, new RolloutStatus(RolloutPhase.PROGRESSING, 0, 10_000, cause.reason()), cause);
    }

    private void refuse(Instant now, String reason) {
        transition(now, new RolloutStatus(RolloutPhase.REFUSED, -1, 0, reason), Cause.automatic(reason));
    }

    @Override
    long createdNanos() {
        return createdNanos;
    }

    @Override
    Long stepStartedNanos() {
        return status().step() >= 0 ? bakeStartedNanos : null;
    }

    @Override
    Long progressStartedNanos() {
        return null;
    }

    @Override
    void restoreClocks(long created, Long stepStarted, Long progressStarted) {
        createdNanos = created;
        if (stepStarted != null) {
            bakeStartedNanos = stepStarted;
        }
    }

    @Override
    void restartClocks(long nanos) {
        bakeStartedNanos = nanos;
    }

    /**
     * Builds a {@link BlueGreenRollout}; not thread-safe.
     *
     * @param <I> the model input type
     * @param <O> the model output type
     */
    public static final class Builder<I, O> {
        private final ModelRouter<I, O> router;
        private final ReleaseId green;
        private final TriggerEngine engine;
        private final BlueGreenPlan plan;
        private TimeSource clock = TimeSource.system();
        private Segment segment = Segment.DEFAULT;
        private boolean evaluateTriggers = true;
        private Model<? super I, ? extends O> verifier = in -> null;
        private List<VerificationCase<I, O>> cases = List.of();
        private BiPredicate<? super O, ? super O> matcher = Objects::equals;

        private Builder(ModelRouter<I, O> router, ReleaseId green, TriggerEngine engine, BlueGreenPlan plan) {
            this.router = Objects.requireNonNull(router, "BlueGreenRollout.router must not be null");
            this.green = Objects.requireNonNull(green, "BlueGreenRollout.green must not be null");
            this.engine = Objects.requireNonNull(engine, "BlueGreenRollout.engine must not be null");
            this.plan = Objects.requireNonNull(plan, "BlueGreenRollout.plan must not be null");
        }

        /**
         * @param clock the router's time source (a virtual one in tests); default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder<I, O> clock(TimeSource clock) {
            this.clock = Objects.requireNonNull(clock, "BlueGreenRollout.clock must not be null");
            return this;
        }

        /**
         * @param segment the segment that flips; default {@link Segment#DEFAULT}
         * @return this builder
         */
        public Builder<I, O> segment(Segment segment) {
            this.segment = Objects.requireNonNull(segment, "BlueGreenRollout.segment must not be null");
            return this;
        }

        /**
         * @param evaluate {@code true} (default): every tick runs {@link TriggerEngine#evaluate()};
         *                 {@code false}: ticks read {@link TriggerEngine#latest()}
         * @return this builder
         */
        public Builder<I, O> evaluateTriggers(boolean evaluate) {
            this.evaluateTriggers = evaluate;
            return this;
        }

        /**
         * Verification before the flip (default none): each case's input is sent to green through
         * {@code green}, called on the ticking thread, and its output must match the expected output.
         *
         * @param green calls green directly (e.g. its loaded {@link Model}), bypassing the router
         * @param cases 0..10000 inputs with expected outputs
         * @return this builder
         */
        public Builder<I, O> verification(Model<? super I, ? extends O> green, List<VerificationCase<I, O>> cases) {
            this.verifier = Objects.requireNonNull(green, "BlueGreenRollout.verification green must not be null");
            Objects.requireNonNull(cases, "BlueGreenRollout.verification cases must not be null");
            if (cases.size() > 10_000) {
                throw new IllegalArgumentException("BlueGreenRollout.verification cases must be between 0 and 10000, but were "
                        + cases.size());
            }
            this.cases = List.copyOf(cases);
            return this;
        }

        /**
         * @param matcher (expected, actual) → whether green's output is acceptable; default {@link Objects#equals}
         * @return this builder
         */
        public Builder<I, O> matcher(BiPredicate<? super O, ? super O> matcher) {
            this.matcher = Objects.requireNonNull(matcher, "BlueGreenRollout.matcher must not be null");
            return this;
        }

        /**
         * @return the rollout, {@link RolloutPhase#PENDING}
         * @throws IllegalArgumentException when green is unknown to the router or is its last-known-good
         */
        public BlueGreenRollout<I, O> build() {
            return new BlueGreenRollout<>(this);
        }
    }
}
