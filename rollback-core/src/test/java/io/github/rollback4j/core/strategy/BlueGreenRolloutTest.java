package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BlueGreenRolloutTest {

    private final Sim sim = new Sim();

    @AfterEach
    void close() {
        sim.router.close();
    }

    private BlueGreenRollout<String, String> blueGreen(TriggerEngine engine, BlueGreenPlan plan, String expected) {
        return BlueGreenRollout.builder(sim.router, sim.v2.id(), engine, plan).clock(sim.clock)
                .verification(sim.v2Model, List.of(VerificationCase.of("probe-1", expected), VerificationCase.of("probe-2", expected)))
                .build();
    }

    @Test
    void greenIsVerifiedFlippedAtOnceBakedAndPromotedWhileBlueStaysWarm() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 50));
        BlueGreenPlan plan = BlueGreenPlan.builder().bake(Duration.ofMinutes(5)).keepBlueWarm(Duration.ofMinutes(2)).build();
        BlueGreenRollout<String, String> rollout = blueGreen(engine, plan, "v2");

        assertThat(rollout.tick().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(rollout.status().reason()).contains("passed 2 verification case(s)");
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).as("one flip, all traffic").isEqualTo(Map.of(sim.v2.id(), 10_000));

        sim.drive(rollout, 50, 5, 4 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).as("still baking").isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(sim.router.health(sim.v1.id()).isServable()).as("blue stays warm while green bakes").isTrue();

        sim.drive(rollout, 50, 5, 5 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        RolloutTransition flip = rollout.timeline().get(0);
        RolloutTransition promoted = rollout.timeline().get(1);
        assertThat(Duration.between(flip.time(), promoted.time())).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
        assertThat(sim.router.releases()).extracting(r -> r.id()).contains(sim.v1.id());

        sim.drive(rollout, 10, 5, 150, s -> false);
        assertThat(sim.router.releases()).extracting(r -> r.id()).doesNotContain(sim.v1.id());
        assertThat(rollout.previousRetired()).isTrue();
    }

    @Test
    void aBreachDuringTheBakeFlipsBackToBlue() {
        sim.v2ErrorRate = 0.20;
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 50));
        BlueGreenRollout<String, String> rollout = blueGreen(engine, BlueGreenPlan.builder().bake(Duration.ofMinutes(10)).build(), "v2");

        int seconds = sim.drive(rollout, 50, 5, 10 * 60, Sim.terminal());

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
        assertThat(seconds).isLessThan(60);
        RolloutTransition last = rollout.timeline().get(rollout.timeline().size() - 1);
        assertThat(last.cause().trigger()).isEqualTo("error-rate");
        assertThat(last.cause().severity()).isEqualTo("SEVERE");
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v1.id());
    }

    @Test
    void aFailedVerificationRefusesTheFlip() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 50));
        BlueGreenRollout<String, String> rollout = blueGreen(engine, BlueGreenPlan.ofDefaults(), "v3");

        assertThat(rollout.tick().phase()).isEqualTo(RolloutPhase.REFUSED);
        assertThat(rollout.status().reason()).contains("verification case 0 failed: expected v3 but green returned v2");
        assertThat(sim.router.weights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v1.id(), 10_000));
        assertThat(sim.router.state().quarantined()).isEmpty();
    }

    @Test
    void aMildBreachPausesTheBakeAndFlipBackAbortsAtOnce() {
        sim.v2ErrorRate = 0.15;
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.MILD, 50));
        BlueGreenRollout<String, String> rollout = blueGreen(engine, BlueGreenPlan.builder().bake(Duration.ofMinutes(5)).build(), "v2");
        sim.drive(rollout, 50, 5, 5 * 60, Sim.phase(RolloutPhase.PAUSED));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().reason()).contains("mild breach");

        rollout.flipBack(Sim.operator("not worth the risk"));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(sim.router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(sim.v1.id(), 10_000));
    }

    @Test
    void anApprovedMildBreachLetsGreenBePromoted() {
        sim.v2ErrorRate = 0.15;
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.MILD, 50));
        BlueGreenRollout<String, String> rollout = blueGreen(engine, BlueGreenPlan.builder().bake(Duration.ofMinutes(3)).build(), "v2");
        sim.drive(rollout, 50, 5, 5 * 60, Sim.phase(RolloutPhase.PAUSED));
        rollout.approve(Sim.operator("accepted"));
        sim.drive(rollout, 50, 5, 10 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
    }
}
