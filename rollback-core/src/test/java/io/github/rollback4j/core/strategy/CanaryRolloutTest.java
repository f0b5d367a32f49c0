package io.github.rollback4j.core.strategy;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Severity;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanaryRolloutTest {

    private final Sim sim = new Sim();

    @AfterEach
    void close() {
        sim.router.close();
    }

    private CanaryRollout canary(TriggerEngine engine, CanaryPlan plan) {
        return CanaryRollout.builder(sim.router, sim.v2.id(), engine, plan).clock(sim.clock).build();
    }

    private static List<RolloutTransition> progressing(CanaryRollout rollout) {
        // step changes only: a note in the same step (e.g. a starved trigger) is not a step
        return rollout.timeline().stream().filter(t -> t.to().phase() == RolloutPhase.PROGRESSING
                && (t.from().phase() != RolloutPhase.PROGRESSING || t.from().step() != t.to().step())).toList();
    }

    @Test
    void aHealthyCanaryWalksEveryStepRespectingBakeTimesAndIsPromoted() {
        TriggerEngine engine = sim.engine(Sim.p95Latency(Duration.ZERO), Sim.errorRate(Severity.SEVERE, 20));
        CanaryPlan plan = CanaryPlan.builder().step(100, Duration.ofMinutes(2)).step(500, Duration.ofMinutes(2))
                .step(2500, Duration.ofMinutes(2)).step(5000, Duration.ofMinutes(2)).step(10_000, Duration.ofMinutes(2))
                .keepPreviousWarm(Duration.ofMinutes(3)).build();
        CanaryRollout rollout = canary(engine, plan);
        List<RolloutTransition> published = new ArrayList<>();
        rollout.onTransition(published::add);

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PENDING);
        int seconds = sim.drive(rollout, 100, 5, 20 * 60, Sim.phase(RolloutPhase.PROMOTED));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        List<RolloutTransition> steps = progressing(rollout);
        assertThat(steps).extracting(t -> t.to().weightBasisPoints()).containsExactly(100, 500, 2500, 5000, 10_000);
        assertThat(steps).extracting(t -> t.to().step()).containsExactly(0, 1, 2, 3, 4);
        for (int i = 1; i < steps.size(); i++) {
            assertThat(Duration.between(steps.get(i - 1).time(), steps.get(i).time()))
                    .as("step %d baked its 2 minutes", i - 1).isGreaterThanOrEqualTo(Duration.ofMinutes(2))
                    .isLessThan(Duration.ofMinutes(4));
        }
        assertThat(seconds).isGreaterThanOrEqualTo(10 * 60);
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v2.id(), 10_000));
        assertThat(published).isEqualTo(rollout.timeline());
        assertThat(rollout.timeline().get(rollout.timeline().size() - 1).from().phase()).isEqualTo(RolloutPhase.PROGRESSING);

        // The previous last-known-good stays registered for keepPreviousWarm, then is retired.
        assertThat(sim.router.releases()).extracting(r -> r.id()).contains(sim.v1.id());
        sim.drive(rollout, 10, 5, 120, s -> false);
        assertThat(rollout.previousRetired()).isFalse();
        assertThat(sim.router.releases()).extracting(r -> r.id()).contains(sim.v1.id());
        sim.drive(rollout, 10, 5, 90, s -> false);
        assertThat(rollout.previousRetired()).isTrue();
        assertThat(sim.router.releases()).extracting(r -> r.id()).doesNotContain(sim.v1.id());
        assertThat(rollout.timeline().get(rollout.timeline().size() - 1).reason()).contains("retired the previous last-known-good");
    }

    @Test
    void aLatencyRegressionAtFivePercentRollsBackAndReportsTheTriggersCause() {
        TriggerEngine engine = sim.engine(Sim.p95Latency(Duration.ofMinutes(1)));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(3)));
        // v2 becomes 40 % slower once it reaches 5 %.
        rollout.onTransition(t -> {
            if (t.to().weightBasisPoints() == 500) {
                sim.v2LatencyMs = 140;
            }
        });
        sim.drive(rollout, 100, 5, 15 * 60, Sim.terminal());

        RolloutStatus status = rollout.status();
        assertThat(status.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(status.step()).isEqualTo(1);
        RolloutTransition last = rollout.timeline().get(rollout.timeline().size() - 1);
        assertThat(last.from().weightBasisPoints()).isEqualTo(500);
        assertThat(last.cause().trigger()).isEqualTo("p95-latency");
        assertThat(last.cause().severity()).isEqualTo("SEVERE");
        assertThat(last.reason()).contains("trigger 'p95-latency' (SEVERE)");
        RolloutTransition atFive = progressing(rollout).get(1);
        assertThat(Duration.between(atFive.time(), last.time())).isLessThan(Duration.ofMinutes(3));
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.state().quarantined()).contains(sim.v2.id());
        assertThatThrownBy(() -> rollout.promote(Sim.operator("too late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already over");
    }

    @Test
    void aMildBreachPausesAndApproveResumesUntilTheNextStepJudgesAgain() {
        sim.v2ErrorRate = 0.15;
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.MILD, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(2)));
        sim.drive(rollout, 100, 5, 10 * 60, Sim.phase(RolloutPhase.PAUSED));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().step()).isEqualTo(0);
        assertThat(rollout.status().reason()).contains("mild breach awaiting approval").contains("error-rate");
        assertThat(sim.router.weights(Segment.DEFAULT)).containsEntry(sim.v2.id(), 100);
        // Paused: the weight holds however long it waits.
        sim.drive(rollout, 100, 5, 5 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        rollout.resume(Sim.operator("try again"));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        sim.drive(rollout, 100, 5, 60, Sim.phase(RolloutPhase.PAUSED));
        assertThat(rollout.status().phase()).as("resume does not approve the breach").isEqualTo(RolloutPhase.PAUSED);

        rollout.approve(Sim.operator("known noisy upstream"));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(rollout.timeline().get(rollout.timeline().size() - 1).cause().actor()).isEqualTo("ana");
        assertThat(engine.awaitingApproval()).isFalse();
        sim.drive(rollout, 100, 5, 10 * 60, s -> s.step() == 1 && s.phase() == RolloutPhase.PAUSED);
        assertThat(progressing(rollout)).extracting(t -> t.to().weightBasisPoints()).contains(500);
        assertThat(rollout.status().phase()).as("the next step judges the breach again").isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().step()).isEqualTo(1);
        // Every pause, resume and approval is in the router's audit log, with who did it.
        assertThat(sim.router.auditLog()).extracting(a -> a.action() + " by " + a.actor()).containsSubsequence(
                "rollout-paused by automatic", "rollout-resumed by ana", "rollout-paused by automatic", "approved by ana",
                "rollout-resumed by ana", "weights-changed by automatic", "rollout-paused by automatic");
    }

    @Test
    void inconclusivePastTheStepDeadlinePauses() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 1_000_000));
        CanaryPlan plan = CanaryPlan.builder().step(100, Duration.ofMinutes(1), Duration.ofMinutes(3)).step(10_000, Duration.ofMinutes(1))
                .build();
        CanaryRollout rollout = canary(engine, plan);
        sim.drive(rollout, 50, 5, 10 * 60, Sim.phase(RolloutPhase.PAUSED));

        RolloutTransition pause = rollout.timeline().get(rollout.timeline().size() - 1);
        assertThat(pause.to().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(pause.reason()).contains("not healthy by its deadline of PT3M").contains("not enough requests");
        assertThat(Duration.between(rollout.timeline().get(0).time(), pause.time()))
                .isGreaterThanOrEqualTo(Duration.ofMinutes(3)).isLessThan(Duration.ofMinutes(3).plusSeconds(10));

        rollout.resume(Sim.operator("give it more time"));
        Instant resumed = sim.clock.now();
        sim.drive(rollout, 50, 5, 10 * 60, Sim.phase(RolloutPhase.PAUSED));
        assertThat(Duration.between(resumed, sim.clock.now())).as("resume restarts the step's deadline")
                .isGreaterThanOrEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void aManualPauseHoldsTheStepUntilResumedAndIsAudited() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(1)));
        sim.drive(rollout, 100, 5, 10, Sim.terminal());
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        int step = rollout.status().step();

        rollout.pause(Sim.operator("holding for the release meeting"));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().reason()).contains("paused by ana").contains("release meeting");
        assertThat(sim.router.auditLog().get(sim.router.auditLog().size() - 1).action()).isEqualTo("rollout-paused");
        sim.drive(rollout, 100, 5, 5 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).as("a healthy paused canary does not advance by itself").isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().step()).isEqualTo(step);
        assertThatThrownBy(() -> rollout.pause(Sim.operator("again"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not progressing");

        rollout.resume(Sim.operator("go on"));
        sim.drive(rollout, 100, 5, 3 * 60, s -> s.step() > step);
        assertThat(rollout.status().step()).isGreaterThan(step);
    }

    @Test
    void abortRollsBackAtOnceWithoutAnalysis() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(5)));
        sim.drive(rollout, 100, 5, 60, Sim.terminal());
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROGRESSING);

        rollout.abort(Sim.operator("customer complaint"));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rollout.status().reason()).contains("aborted by ana").contains("customer complaint");
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.state().quarantined()).contains(sim.v2.id());
        assertThat(sim.router.auditLog().get(sim.router.auditLog().size() - 1).toString()).contains("customer complaint");
        assertThat(sim.router.auditLog()).extracting(a -> a.action() + " by " + a.actor())
                .endsWith("rolled-back by ana", "rollout-aborted by ana");
        sim.drive(rollout, 100, 5, 60, Sim.terminal());
        assertThat(rollout.status().phase()).as("a later tick does not turn an abort into a rollback").isEqualTo(RolloutPhase.ABORTED);
        assertThatThrownBy(() -> rollout.abort(Sim.operator("again"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void abortFromAPauseRollsBackAtOnceWithoutAnotherEvaluation() {
        sim.v2ErrorRate = 0.15;
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.MILD, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(2)));
        sim.drive(rollout, 100, 5, 10 * 60, Sim.phase(RolloutPhase.PAUSED));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        List<io.github.rollback4j.trigger.Verdict> before = engine.latest();
        Instant now = sim.clock.now();

        rollout.abort(Sim.operator("stop the bleeding"));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rollout.timeline().get(rollout.timeline().size() - 1).time()).as("no waiting for analysis").isEqualTo(now);
        assertThat(engine.latest()).as("no trigger was evaluated to abort").isEqualTo(before);
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.state().quarantined()).contains(sim.v2.id());
    }

    @Test
    void abortBeforeTheFirstStepLeavesTheRouterAlone() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(2)));
        long generation = sim.router.state().generation();

        rollout.abort(Sim.operator("changed my mind"));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rollout.status().reason()).contains("before the candidate got traffic");
        assertThat(sim.router.state().generation()).isEqualTo(generation);
        assertThat(sim.router.state().quarantined()).isEmpty();
        assertThat(rollout.tick().phase()).isEqualTo(RolloutPhase.ABORTED);
    }

    @Test
    void withNoKeepWarmTimeThePreviousLastKnownGoodIsRetiredAtPromotion() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryPlan plan = CanaryPlan.builder().step(500, Duration.ofMinutes(1)).step(10_000, Duration.ofMinutes(1))
                .keepPreviousWarm(Duration.ZERO).build();
        CanaryRollout rollout = canary(engine, plan);
        sim.drive(rollout, 100, 5, 10 * 60, Sim.phase(RolloutPhase.PROMOTED));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(rollout.previousRetired()).isTrue();
        assertThat(sim.router.releases()).extracting(r -> r.id()).containsExactly(sim.v2.id());
        List<RolloutTransition> timeline = rollout.timeline();
        assertThat(timeline.get(timeline.size() - 1).time()).as("retired on the promoting tick")
                .isEqualTo(timeline.get(timeline.size() - 2).time());
    }

    @Test
    void theProgressDeadlinePausesAndAManualPromoteFinishes() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryPlan plan = CanaryPlan.builder().step(100, Duration.ofMinutes(2)).step(500, Duration.ofMinutes(2))
                .step(2500, Duration.ofMinutes(2)).step(10_000, Duration.ofMinutes(2)).progressDeadline(Duration.ofMinutes(5)).build();
        CanaryRollout rollout = canary(engine, plan);
        sim.drive(rollout, 100, 5, 10 * 60, Sim.phase(RolloutPhase.PAUSED));

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().reason()).contains("progress deadline of PT5M passed at step 2");
        assertThat(rollout.status().weightBasisPoints()).isEqualTo(2500);

        rollout.promote(Sim.operator("looks fine, ship it"));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
        assertThat(rollout.timeline().get(rollout.timeline().size() - 1).cause().actor()).isEqualTo("ana");
    }

    @Test
    void aRollbackOutsideTheRolloutIsNoticed() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(5)));
        sim.drive(rollout, 100, 5, 30, Sim.terminal());
        sim.router.rollbackToLastKnownGood(Sim.operator("pager fired"));
        rollout.tick();
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(rollout.status().reason()).contains("rolled back by ana: pager fired");
    }

    @Test
    void startTicksOnASchedulerUntilTheRolloutIsOver() throws InterruptedException {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryRollout rollout = canary(engine, CanaryPlan.standard(Duration.ofMinutes(5)));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            rollout.start(scheduler, Duration.ofMillis(10));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> rollout.status().phase() == RolloutPhase.PROGRESSING);
            rollout.abort(Sim.operator("stop"));
            assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ABORTED);
            assertThatThrownBy(() -> rollout.start(scheduler, Duration.ZERO)).hasMessageContaining("between 10ms and 1h");
        } finally {
            rollout.close();
            scheduler.shutdownNow();
        }
    }

    @Test
    void aCandidateThatIsTheLastKnownGoodOrUnknownIsRejected() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryPlan plan = CanaryPlan.standard(Duration.ofMinutes(1));
        assertThatThrownBy(() -> CanaryRollout.builder(sim.router, sim.v1.id(), engine, plan).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already the last-known-good");
        assertThatThrownBy(() -> CanaryRollout.builder(sim.router, new ReleaseId("rel-0123456789abcdef"), engine, plan).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
