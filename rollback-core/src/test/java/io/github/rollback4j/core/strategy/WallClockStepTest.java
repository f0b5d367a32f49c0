package io.github.rollback4j.core.strategy;

import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bakes, deadlines and keep-warm times are durations: measured on the monotonic clock, they neither shrink
 * nor grow when the wall clock is stepped (NTP, a resumed VM, an operator). Wall time only stamps the timeline.
 */
class WallClockStepTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration BAKE = Duration.ofMinutes(30);

    private final Sim sim = new Sim();

    @AfterEach
    void close() {
        sim.router.close();
    }

    private TriggerEngine engine() {
        // an absolute error-rate limit decides at every weight, so the bake alone sets the pace
        return sim.engine(Sim.errorRate(Severity.SEVERE, 20));
    }

    private CanaryRollout canary(TriggerEngine engine, boolean evaluateTriggers) {
        CanaryPlan plan = CanaryPlan.builder().step(500, BAKE).step(10_000, BAKE).keepPreviousWarm(BAKE).build();
        return CanaryRollout.builder(sim.router, sim.v2.id(), engine, plan).clock(sim.clock)
                .evaluateTriggers(evaluateTriggers).build();
    }

    private long elapsedSeconds(long sinceNanos) {
        return Duration.ofNanos(sim.clock.nanoTime() - sinceNanos).toSeconds();
    }

    @Test
    void aWallClockStepForwardDoesNotSkipACanaryBake() {
        CanaryRollout rollout = canary(engine(), true);
        sim.drive(rollout, 50, 5, 60, s -> s.step() == 0);
        long stepStarted = sim.clock.nanoTime();
        sim.drive(rollout, 50, 5, 60, s -> false);
        sim.clock.stepWallClock(HOUR);
        sim.drive(rollout, 50, 5, 10, s -> false);
        assertThat(rollout.status().step()).as("an hour on the wall clock is not 30 minutes of bake").isZero();

        sim.drive(rollout, 50, 5, 40 * 60, s -> s.step() == 1);
        assertThat(rollout.status().step()).isEqualTo(1);
        assertThat(elapsedSeconds(stepStarted)).isBetween(BAKE.toSeconds(), BAKE.toSeconds() + 10);
    }

    @Test
    void aWallClockStepBackDoesNotDelayACanaryBakeOrItsPromotion() {
        CanaryRollout rollout = canary(engine(), true);
        sim.drive(rollout, 50, 5, 60, s -> s.step() == 0);
        long stepStarted = sim.clock.nanoTime();
        sim.drive(rollout, 50, 5, 60, s -> false);
        sim.clock.stepWallClock(HOUR.negated());
        sim.drive(rollout, 50, 5, 40 * 60, s -> s.step() == 1);
        assertThat(rollout.status().step()).isEqualTo(1);
        assertThat(elapsedSeconds(stepStarted)).as("30 minutes of bake, not 90").isBetween(BAKE.toSeconds(), BAKE.toSeconds() + 10);

        long fullStarted = sim.clock.nanoTime();
        sim.drive(rollout, 50, 5, 40 * 60, Sim.phase(RolloutPhase.PROMOTED));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(elapsedSeconds(fullStarted)).isBetween(BAKE.toSeconds(), BAKE.toSeconds() + 10);
        // the timeline keeps the wall-clock stamps, jump included: over an hour passed, the stamps show minutes
        List<RolloutTransition> timeline = rollout.timeline();
        assertThat(Duration.between(timeline.get(0).time(), timeline.get(timeline.size() - 1).time()))
                .isLessThan(Duration.ofMinutes(10));
    }

    @Test
    void aStepDeadlineIsMeasuredOnTheMonotonicClockBothWays() {
        Duration deadline = Duration.ofMinutes(20);
        for (Duration step : List.of(HOUR, HOUR.negated())) {
            Sim s = new Sim();
            try {
                // 5,000 requests per arm never fit a 1-minute window at 50 requests/s: the step can only time out
                TriggerEngine engine = s.engine(Sim.errorRate(Severity.SEVERE, 5_000));
                CanaryRollout rollout = CanaryRollout.builder(s.router, s.v2.id(), engine, CanaryPlan.builder()
                        .step(5000, Duration.ofMinutes(5), deadline).step(10_000, BAKE).build()).clock(s.clock).build();
                s.drive(rollout, 50, 5, 60, st -> st.step() == 0);
                long stepStarted = s.clock.nanoTime();
                s.drive(rollout, 50, 5, 60, st -> false);
                s.clock.stepWallClock(step);
                s.drive(rollout, 50, 5, 10, st -> false);
                assertThat(rollout.status().phase()).as("step %s", step).isEqualTo(RolloutPhase.PROGRESSING);
                s.drive(rollout, 50, 5, 40 * 60, Sim.phase(RolloutPhase.PAUSED));
                assertThat(rollout.status().phase()).as("step %s", step).isEqualTo(RolloutPhase.PAUSED);
                assertThat(rollout.status().reason()).contains("not healthy by its deadline");
                assertThat(Duration.ofNanos(s.clock.nanoTime() - stepStarted).toSeconds()).as("step %s", step)
                        .isBetween(deadline.toSeconds(), deadline.toSeconds() + 10);
            } finally {
                s.router.close();
            }
        }
    }

    @Test
    void keepPreviousWarmIsNotCutShortByAWallClockStepForward() {
        CanaryRollout rollout = canary(engine(), true);
        sim.drive(rollout, 50, 5, 2 * 60 * 60, Sim.phase(RolloutPhase.PROMOTED));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        long promoted = sim.clock.nanoTime();
        sim.clock.stepWallClock(HOUR);
        sim.drive(rollout, 10, 5, 60, s -> false);
        assertThat(rollout.previousRetired()).as("kept warm for 30 minutes, not retired after one").isFalse();
        sim.drive(rollout, 10, 5, 40 * 60, s -> rollout.previousRetired());
        assertThat(rollout.previousRetired()).isTrue();
        assertThat(elapsedSeconds(promoted)).isBetween(BAKE.toSeconds(), BAKE.toSeconds() + 10);
    }

    @Test
    void aRolloutReadingTheEnginesLatestVerdictsJudgesThemByWhenTheyWereEvaluatedNotByTheirWallStamp() {
        TriggerEngine engine = engine();
        CanaryRollout rollout = canary(engine, false);
        long stepStarted = -1;
        for (int s = 1; s <= 40 * 60 && rollout.status().step() < 1; s++) {
            for (int i = 0; i < 50; i++) {
                sim.clock.settle();
                try {
                    sim.router.invoke("x", RequestContext.of("user-" + sim.random.nextInt(1_000_000), Segment.DEFAULT));
                } catch (Exception modelFailure) {
                    // counted by the router's telemetry
                }
            }
            sim.clock.settle();
            sim.clock.advance(Duration.ofSeconds(1));
            engine.evaluate();
            rollout.tick();
            if (stepStarted < 0 && rollout.status().step() == 0) {
                stepStarted = sim.clock.nanoTime();
                // every verdict from now on carries a wall stamp an hour before the step began
                sim.clock.stepWallClock(HOUR.negated());
            }
        }
        assertThat(rollout.status().step()).isEqualTo(1);
        assertThat(elapsedSeconds(stepStarted)).isBetween(BAKE.toSeconds(), BAKE.toSeconds() + 5);
    }

    @Test
    void aBlueGreenBakeIsMeasuredOnTheMonotonicClockBothWays() {
        for (Duration step : List.of(HOUR, HOUR.negated())) {
            Sim s = new Sim();
            try {
                TriggerEngine engine = s.engine(Sim.errorRate(Severity.SEVERE, 20));
                BlueGreenRollout<String, String> rollout = BlueGreenRollout.builder(s.router, s.v2.id(), engine,
                        BlueGreenPlan.builder().bake(BAKE).build()).clock(s.clock).build();
                s.drive(rollout, 50, 5, 60, st -> st.phase() == RolloutPhase.PROGRESSING);
                long flipped = s.clock.nanoTime();
                s.drive(rollout, 50, 5, 60, st -> false);
                s.clock.stepWallClock(step);
                s.drive(rollout, 50, 5, 10, st -> false);
                assertThat(rollout.status().phase()).as("step %s", step).isEqualTo(RolloutPhase.PROGRESSING);
                s.drive(rollout, 50, 5, 40 * 60, Sim.phase(RolloutPhase.PROMOTED));
                assertThat(rollout.status().phase()).as("step %s", step).isEqualTo(RolloutPhase.PROMOTED);
                assertThat(Duration.ofNanos(s.clock.nanoTime() - flipped).toSeconds()).as("step %s", step)
                        .isBetween(BAKE.toSeconds(), BAKE.toSeconds() + 10);
            } finally {
                s.router.close();
            }
        }
    }
}
