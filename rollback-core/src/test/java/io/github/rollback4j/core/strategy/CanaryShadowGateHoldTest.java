package io.github.rollback4j.core.strategy;

import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.shadow.ShadowComparator;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.shadow.ShadowReport;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.trigger.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A canary gated on a shadow run holds in BLOCKED, with the gate's evidence, until the gate opens. */
class CanaryShadowGateHoldTest {

    private final Sim sim = new Sim();
    private final ShadowGate gate = ShadowGate.builder().defaultThreshold(0.05).minCompared(100).build();
    private final AtomicReference<ShadowReport> shadow = new AtomicReference<>();

    @AfterEach
    void close() {
        sim.router.close();
    }

    /** A shadow report of {@code calls} compared calls in eu-west where the candidate answered {@code candidateOutput} (v1 answers "v1"). */
    private ShadowReport report(String candidateOutput, int calls) {
        try (ShadowRunner<String, String> runner = ShadowRunner.<String, String>builder(in -> candidateOutput)
                .comparator(ShadowComparator.exact()).sampleRate(1.0).executor(Runnable::run).timeSource(sim.clock).build()) {
            for (int i = 0; i < calls; i++) {
                runner.offer("x", "v1", RequestContext.of("u" + i, Segment.of("eu-west")), sim.clock.currentTimeMillis());
            }
            return runner.report();
        }
    }

    private CanaryRollout canary(CanaryPlan plan) {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        return CanaryRollout.builder(sim.router, sim.v2.id(), engine, plan).clock(sim.clock).shadowGate(gate, shadow::get).build();
    }

    private static long blockedEntries(CanaryRollout rollout) {
        return rollout.timeline().stream().filter(t -> t.to().phase() == RolloutPhase.BLOCKED).count();
    }

    @Test
    void aSegmentOverItsThresholdBlocksTheStartWithTheGatesEvidenceUntilTheGateOpens() {
        shadow.set(report("drifted", 200));
        CanaryRollout rollout = canary(CanaryPlan.standard(Duration.ofMinutes(2)));

        RolloutStatus blocked = rollout.tick();
        assertThat(blocked.phase()).isEqualTo(RolloutPhase.BLOCKED);
        assertThat(blocked.phase().isTerminal()).isFalse();
        assertThat(blocked.step()).isEqualTo(-1);
        assertThat(blocked.reason()).contains("blocked by the shadow gate: eu-west 100.00 % > 5.00 % over 200 compared calls");
        assertThat(rollout.gateDecision()).get().isInstanceOfSatisfying(ShadowGate.Blocked.class, b -> {
            assertThat(b.breaches()).anySatisfy(breach -> {
                assertThat(breach.segment()).isEqualTo("eu-west");
                assertThat(breach.timeOfDay()).isNull();
                assertThat(breach.rate()).isEqualTo(1.0);
                assertThat(breach.threshold()).isEqualTo(0.05);
                assertThat(breach.compared()).isEqualTo(200);
            });
        });
        assertThat(rollout.blockedBy()).get().asString().contains("eu-west");
        assertThat(sim.router.weights(Segment.DEFAULT)).doesNotContainKey(sim.v2.id());

        sim.drive(rollout, 50, 5, 10 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).as("it stays blocked while the gate blocks").isEqualTo(RolloutPhase.BLOCKED);
        assertThat(blockedEntries(rollout)).as("one timeline entry, not one per tick").isEqualTo(1);
        assertThat(sim.router.weights(Segment.DEFAULT)).doesNotContainKey(sim.v2.id());

        shadow.set(report("v1", 200));
        RolloutStatus started = rollout.tick();
        assertThat(started.phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(started.weightBasisPoints()).isEqualTo(100);
        assertThat(rollout.gateDecision()).get().isInstanceOf(ShadowGate.Open.class);
        assertThat(rollout.blockedBy()).isEmpty();
        assertThat(sim.router.weights(Segment.DEFAULT)).containsEntry(sim.v2.id(), 100);
    }

    @Test
    void tooFewComparedCallsBlockUntilTheShadowHasEnough() {
        shadow.set(report("v1", 20));
        CanaryRollout rollout = canary(CanaryPlan.standard(Duration.ofMinutes(2)));

        assertThat(rollout.tick().phase()).isEqualTo(RolloutPhase.BLOCKED);
        assertThat(rollout.status().reason()).contains("too few compared calls: eu-west 20 of 100");
        assertThat(rollout.gateDecision()).get().isInstanceOfSatisfying(ShadowGate.Inconclusive.class,
                i -> assertThat(i.shortfalls()).containsExactly(new ShadowGate.Shortfall("eu-west", 20, 100)));

        shadow.set(report("v1", 120));
        assertThat(rollout.tick().phase()).isEqualTo(RolloutPhase.PROGRESSING);
    }

    @Test
    void theGateIsConsultedBeforeEveryAdvanceAndHoldsTheCurrentWeight() {
        shadow.set(report("v1", 200));
        CanaryRollout rollout = canary(CanaryPlan.standard(Duration.ofMinutes(2)));
        assertThat(rollout.tick().phase()).isEqualTo(RolloutPhase.PROGRESSING);

        shadow.set(report("drifted", 200));
        sim.drive(rollout, 100, 5, 6 * 60, Sim.phase(RolloutPhase.BLOCKED));
        RolloutStatus held = rollout.status();
        assertThat(held.phase()).isEqualTo(RolloutPhase.BLOCKED);
        assertThat(held.step()).isZero();
        assertThat(held.weightBasisPoints()).isEqualTo(100);
        sim.drive(rollout, 100, 5, 5 * 60, Sim.terminal());
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.BLOCKED);
        assertThat(sim.router.weights(Segment.DEFAULT)).as("the step's weight holds").containsEntry(sim.v2.id(), 100);

        shadow.set(report("v1", 200));
        sim.drive(rollout, 100, 5, 60, s -> s.phase() == RolloutPhase.PROGRESSING);
        assertThat(rollout.status().step()).isEqualTo(1);
        assertThat(sim.router.weights(Segment.DEFAULT)).containsEntry(sim.v2.id(), 500);
    }

    @Test
    void stillBlockedAtTheProgressDeadlineTheCanaryIsRefusedWithTheEvidence() {
        shadow.set(report("drifted", 200));
        CanaryPlan plan = CanaryPlan.builder().step(100, Duration.ofMinutes(1)).step(10_000, Duration.ofMinutes(1))
                .progressDeadline(Duration.ofMinutes(5)).build();
        CanaryRollout rollout = canary(plan);
        sim.drive(rollout, 20, 5, 10 * 60, Sim.terminal());

        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.REFUSED);
        assertThat(rollout.status().reason()).contains("blocked by the shadow gate: eu-west")
                .contains("progress deadline of PT5M");
        assertThat(sim.router.weights(Segment.DEFAULT)).doesNotContainKey(sim.v2.id());
        assertThat(sim.router.state().quarantined()).isEmpty();
    }

    @Test
    void anOperatorCanAbortOrPromoteABlockedCanary() {
        shadow.set(report("drifted", 200));
        CanaryRollout aborted = canary(CanaryPlan.standard(Duration.ofMinutes(2)));
        aborted.tick();
        aborted.abort(Sim.operator("fix the night encoder first"));
        assertThat(aborted.status().phase()).isEqualTo(RolloutPhase.ABORTED);
        assertThat(aborted.status().reason()).contains("before the candidate got traffic");
        assertThat(sim.router.state().quarantined()).isEmpty();

        CanaryRollout overridden = canary(CanaryPlan.standard(Duration.ofMinutes(2)));
        overridden.tick();
        assertThat(overridden.status().phase()).isEqualTo(RolloutPhase.BLOCKED);
        overridden.promote(Sim.operator("the drift is the intended fix"));
        assertThat(overridden.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(sim.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
    }
}
