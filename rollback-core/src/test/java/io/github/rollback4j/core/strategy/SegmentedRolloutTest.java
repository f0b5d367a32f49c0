package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentedRolloutTest {

    private static final Segment EU = Segment.of("eu-west");
    private static final Segment US = Segment.of("us-east");

    private final Sim sim = new Sim();

    @AfterEach
    void close() {
        sim.router.close();
    }

    private static TriggerSpec p95PerSegment(boolean global) {
        return TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.INCREASE, 0.30)
                .window(Duration.ofMinutes(1)).sustain(Duration.ofMinutes(1)).minSamples(3).perSegment(true).global(global).build();
    }

    private static CanaryPlan plan(Duration keepPreviousWarm) {
        return CanaryPlan.builder().step(1000, Duration.ofMinutes(2)).step(5000, Duration.ofMinutes(2))
                .step(10_000, Duration.ofMinutes(2)).keepPreviousWarm(keepPreviousWarm).build();
    }

    private SegmentedRollout rollout(TriggerEngine engine) {
        return SegmentedRollout.builder(sim.router, sim.v2.id(), engine).clock(sim.clock)
                .segment(EU, plan(Duration.ofMinutes(3))).segment(US, plan(Duration.ofMinutes(1))).build();
    }

    private void driveUntilOver(SegmentedRollout rollout) {
        sim.driveSegments(List.of(EU, US), 100, 5, 30 * 60, () -> {
            rollout.tick();
            return rollout.isOver();
        });
    }

    @Test
    void everySegmentWalksItsOwnPlanAndTheRouterPromotesOnceAllHave() {
        SegmentedRollout rollout = rollout(sim.engine(p95PerSegment(false), Sim.errorRate(Severity.SEVERE, 20)));
        assertThat(rollout.phase()).isEqualTo(RolloutPhase.PENDING);
        rollout.tick();
        assertThat(sim.router.weights(EU)).containsEntry(sim.v2.id(), 1000);
        assertThat(sim.router.weights(US)).containsEntry(sim.v2.id(), 1000);
        assertThat(sim.router.weights(Segment.DEFAULT)).as("segments without a plan are untouched")
                .isEqualTo(Map.of(sim.v1.id(), 10_000));

        driveUntilOver(rollout);

        assertThat(rollout.statuses().values()).extracting(RolloutStatus::phase).containsOnly(RolloutPhase.PROMOTED);
        assertThat(rollout.rollouts().get(EU).timeline()).filteredOn(t -> t.to().phase() == RolloutPhase.PROGRESSING)
                .extracting(t -> t.to().weightBasisPoints()).containsExactly(1000, 5000, 10_000);
        assertThat(rollout.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(rollout.routerPromoted()).isTrue();
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
        assertThat(sim.router.releases()).extracting(r -> r.id()).contains(sim.v1.id());

        // The previous last-known-good stays warm for the longest keepPreviousWarm of the plans (3 min).
        sim.driveSegments(List.of(EU, US), 10, 5, 150, () -> {
            rollout.tick();
            return false;
        });
        assertThat(rollout.previousRetired()).isFalse();
        sim.driveSegments(List.of(EU, US), 10, 5, 60, () -> {
            rollout.tick();
            return false;
        });
        assertThat(rollout.previousRetired()).isTrue();
        assertThat(sim.router.releases()).extracting(r -> r.id()).doesNotContain(sim.v1.id());
    }

    @Test
    void aBreachInOneSegmentRollsBackThatSegmentOnlyAndTheOthersGoOn() {
        sim.v2EuWestLatencyMs = 140;
        SegmentedRollout rollout = rollout(sim.engine(p95PerSegment(false)));
        driveUntilOver(rollout);

        RolloutStatus eu = rollout.statuses().get(EU);
        assertThat(eu.phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(eu.reason()).contains("rolled back in segment eu-west by trigger 'p95-latency' (SEVERE)");
        assertThat(rollout.statuses().get(US).phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(rollout.phase()).as("a segment rolled back: the whole rollout counts as rolled back")
                .isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(rollout.routerPromoted()).isFalse();
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v1.id());
        assertThat(sim.router.weights(EU)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.weights(US)).isEqualTo(Map.of(sim.v2.id(), 10_000));
        assertThat(sim.router.state().quarantined()).as("us-east still serves v2").isEmpty();
    }

    @Test
    void aGlobalPerSegmentTriggerRollsBackEverySegment() {
        sim.v2EuWestLatencyMs = 140;
        SegmentedRollout rollout = rollout(sim.engine(p95PerSegment(true)));
        driveUntilOver(rollout);

        assertThat(rollout.statuses().values()).extracting(RolloutStatus::phase).containsOnly(RolloutPhase.ROLLED_BACK);
        assertThat(rollout.statuses().get(US).reason()).contains("by trigger 'p95-latency' (SEVERE)")
                .doesNotContain("in segment");
        assertThat(sim.router.state().quarantined()).contains(sim.v2.id());
        assertThat(sim.router.weights(US)).isEqualTo(Map.of(sim.v1.id(), 10_000));
    }

    @Test
    void abortRollsBackEverySegmentStillRollingOut() {
        SegmentedRollout rollout = rollout(sim.engine(Sim.errorRate(Severity.SEVERE, 20)));
        sim.driveSegments(List.of(EU, US), 50, 5, 60, () -> {
            rollout.tick();
            return false;
        });
        rollout.abort(Sim.operator("pager fired"));
        assertThat(rollout.statuses().values()).extracting(RolloutStatus::phase).containsOnly(RolloutPhase.ABORTED);
        assertThat(rollout.phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rollout.isOver()).isTrue();
        assertThat(sim.router.weights(EU)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.weights(US)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThatThrownBy(() -> rollout.abort(Sim.operator("again"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already over");
    }

    @Test
    void theBuilderNamesWhatIsWrong() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        assertThatThrownBy(() -> SegmentedRollout.builder(sim.router, sim.v2.id(), engine).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must hold 1 to 100 plans, but held 0");
        assertThatThrownBy(() -> SegmentedRollout.builder(sim.router, sim.v2.id(), engine).segment(EU, plan(Duration.ZERO))
                .segment(EU, plan(Duration.ZERO))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 'eu-west' already has a plan");
    }

    private void drive(SegmentedRollout rollout, int seconds) {
        sim.driveSegments(List.of(EU, US), 50, 5, seconds, () -> {
            rollout.tick();
            return false;
        });
    }

    @Test
    void pauseResumeAbortAndPromoteOfOneSegmentLeaveTheOtherSegmentAlone() {
        SegmentedRollout rollout = rollout(sim.engine(Sim.errorRate(Severity.SEVERE, 20)));
        drive(rollout, 30);
        assertThat(rollout.statuses().values()).extracting(RolloutStatus::weightBasisPoints).containsOnly(1000);

        rollout.pause(EU, Sim.operator("eu change freeze"));
        drive(rollout, 150);
        assertThat(rollout.statuses().get(EU)).extracting(RolloutStatus::phase, RolloutStatus::weightBasisPoints)
                .containsExactly(RolloutPhase.PAUSED, 1000);
        assertThat(rollout.statuses().get(US)).extracting(RolloutStatus::phase, RolloutStatus::weightBasisPoints)
                .containsExactly(RolloutPhase.PROGRESSING, 5000);

        rollout.resume(EU, Sim.operator("freeze over"));
        assertThat(rollout.statuses().get(EU).phase()).isEqualTo(RolloutPhase.PROGRESSING);

        rollout.abort(US, Sim.operator("us-east pager"));
        assertThat(rollout.statuses().get(US).phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(rollout.statuses().get(US).reason()).contains("all of segment us-east back to the last-known-good");
        assertThat(sim.router.weights(US)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.weights(EU)).containsEntry(sim.v2.id(), 1000);
        assertThat(sim.router.state().quarantined()).as("eu-west still serves v2").isEmpty();

        rollout.promote(EU, Sim.operator("eu looks fine"));
        assertThat(rollout.statuses().get(EU).phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(sim.router.weights(EU)).isEqualTo(Map.of(sim.v2.id(), 10_000));
        assertThat(rollout.routerPromoted()).as("us-east was aborted, so the router keeps its last-known-good").isFalse();
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v1.id());
        assertThatThrownBy(() -> rollout.pause(US, Sim.operator("late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not progressing");
    }

    @Test
    void promotingTheLastSegmentByHandPromotesTheRouterAtOnce() {
        SegmentedRollout rollout = rollout(sim.engine(Sim.errorRate(Severity.SEVERE, 20)));
        drive(rollout, 30);
        rollout.promote(EU, Sim.operator("eu done"));
        assertThat(rollout.routerPromoted()).isFalse();
        rollout.promote(US, Sim.operator("us done"));
        assertThat(rollout.routerPromoted()).isTrue();
        assertThat(rollout.phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
    }

    @Test
    void promoteWithoutASegmentPromotesTheRouterAndRetiresThePreviousLastKnownGoodLater() {
        SegmentedRollout rollout = rollout(sim.engine(Sim.errorRate(Severity.SEVERE, 20)));
        drive(rollout, 30);
        rollout.promote(Sim.operator("ship it"));
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
        assertThat(rollout.statuses().values()).extracting(RolloutStatus::phase).containsOnly(RolloutPhase.PROMOTED);
        assertThat(rollout.isOver()).isTrue();
        assertThatThrownBy(() -> rollout.promote(Sim.operator("again"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already the last-known-good");
        drive(rollout, 240);
        assertThat(rollout.previousRetired()).isTrue();
        assertThat(sim.router.releases()).extracting(r -> r.id()).doesNotContain(sim.v1.id());
    }

    @Test
    void approvingOneSegmentLeavesTheOtherSegmentsMildBreachPending() {
        sim.v2LatencyMs = 150;
        TriggerSpec mild = TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95))
                .threshold(Threshold.Kind.INCREASE, 0.30).window(Duration.ofMinutes(1)).sustain(Duration.ofSeconds(30))
                .minSamples(3).perSegment(true).severity(Severity.MILD).build();
        TriggerEngine engine = sim.engine(mild);
        SegmentedRollout rollout = rollout(engine);
        sim.driveSegments(List.of(EU, US), 50, 5, 600, () -> {
            rollout.tick();
            return rollout.statuses().values().stream().allMatch(st -> st.phase() == RolloutPhase.PAUSED);
        });
        assertThat(rollout.statuses().values()).extracting(RolloutStatus::phase).containsOnly(RolloutPhase.PAUSED);
        assertThat(engine.pendingApprovals()).extracting(v -> v.segment()).containsExactlyInAnyOrder(EU, US);

        rollout.approve(EU, Sim.operator("eu latency accepted"));

        assertThat(rollout.statuses().get(EU).phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(rollout.statuses().get(US).phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(engine.pendingApprovals()).extracting(v -> v.segment()).containsExactly(US);

        assertThat(rollout.approve(Sim.operator("us too"))).containsExactly(US);
        assertThat(engine.pendingApprovals()).isEmpty();
        assertThatThrownBy(() -> rollout.resume(Sim.operator("nothing paused"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no segment's rollout");
    }

    @Test
    void aSegmentWithoutAPlanIsNamedWithThoseThatHaveOne() {
        SegmentedRollout rollout = rollout(sim.engine(Sim.errorRate(Severity.SEVERE, 20)));
        assertThatThrownBy(() -> rollout.pause(Segment.of("ap-south"), Sim.operator("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 'ap-south' has no plan").hasMessageContaining("[eu-west, us-east]");
    }
}
