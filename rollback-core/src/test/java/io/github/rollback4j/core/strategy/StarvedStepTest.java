package io.github.rollback4j.core.strategy;

import io.github.rollback4j.core.guard.SampleShortfall;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.runbook.Finding;
import io.github.rollback4j.core.runbook.Runbook;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A step whose trigger can never collect its minimum samples within the bake is said, with the numbers (rate,
 * samples needed, time needed): a timeline entry, and a finding of the runbook's self-check. Before, it stayed
 * inconclusive with nothing said and a game day ended "running".
 */
class StarvedStepTest {

    private final Sim sim = new Sim();

    @AfterEach
    void close() {
        sim.router.close();
    }

    private static List<RolloutTransition> starved(Rollout rollout) {
        return rollout.timeline().stream().filter(t -> t.reason().contains("cannot reach its minimum samples")).toList();
    }

    @Test
    void aOnePercentCanaryAtLowTrafficWhoseWindowCanNeverHoldTheMinimumSamplesIsSaidWithTheNumbers() {
        // 20 requests/s, 1 % of them on the candidate: about 12 in a 1-minute window, 500 needed
        TriggerEngine engine = sim.engine(TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                .threshold(Threshold.Kind.ABOVE, 0.05).window(Duration.ofMinutes(1)).minSamples(500).build());
        CanaryRollout rollout = CanaryRollout.builder(sim.router, sim.v2.id(), engine,
                CanaryPlan.builder().step(100, Duration.ofMinutes(10)).step(10_000, Duration.ofMinutes(10)).build())
                .clock(sim.clock).build();
        sim.drive(rollout, 20, 5, 5 * 60, s -> false);

        List<RolloutTransition> starved = starved(rollout);
        assertThat(starved).hasSize(1);
        RolloutTransition entry = starved.get(0);
        assertThat(entry.from().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(entry.to().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(entry.to().step()).isZero();
        assertThat(entry.reason()).contains("trigger 'error-rate' cannot reach its minimum samples within the bake of 10 min"
                + " of step 0 (100 bp)").contains("samples/s on the candidate").contains("500 needed")
                .contains("its window of 1 min holds about").contains("so it never decides");
        assertThat(rollout.status().reason()).isEqualTo(entry.reason());

        SampleShortfall shortfall = engine.shortfalls().get(0);
        assertThat(shortfall.ratePerSecond()).isBetween(0.1, 0.4);
        assertThat(shortfall.timeNeeded()).isNull();
        assertThat(shortfall.window()).isEqualTo(Duration.ofMinutes(1));

        List<Finding> findings = Runbook.builder(sim.router).engine(engine).owner("team").channel("#oncall").build().selfCheck();
        assertThat(findings).filteredOn(f -> f.code() == Finding.Code.TRIGGER_STARVED).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("trigger 'error-rate'").contains("500 needed")
                        .contains("samples/s").contains("Raise the step's weight or bake"));
    }

    @Test
    void aSequentialTriggerThatNeedsLongerThanTheBakeAtTheObservedRateIsSaidWithTheTimeItNeeds() {
        // 50 requests/s, 1 %: 0.5/s on the candidate, 1000 needed: about 33 minutes against a 10-minute bake
        TriggerEngine engine = sim.engine(TriggerSpec.builder("errors-vs-lkg").metric(new Metric.ErrorRate())
                .threshold(Threshold.Kind.INCREASE, 0.0).significance(0.05).minSamples(1000).build());
        CanaryRollout rollout = CanaryRollout.builder(sim.router, sim.v2.id(), engine,
                CanaryPlan.builder().step(100, Duration.ofMinutes(10)).step(10_000, Duration.ofMinutes(10)).build())
                .clock(sim.clock).build();
        sim.drive(rollout, 50, 5, 3 * 60, s -> false);

        RolloutTransition entry = starved(rollout).get(0);
        assertThat(entry.reason()).contains("trigger 'errors-vs-lkg' cannot reach its minimum samples within the bake of 10 min")
                .contains("samples/s on the candidate").contains("1000 needed").contains("at this rate").contains("about ");
        SampleShortfall shortfall = engine.shortfalls().get(0);
        assertThat(shortfall.window()).isNull();
        assertThat(shortfall.timeNeeded()).isBetween(Duration.ofMinutes(20), Duration.ofMinutes(60));
        assertThat(engine.starvedTriggers()).singleElement().asString().contains("canary of " + sim.v2.id());
    }

    @Test
    void aWindowTooShortForItsTailQuantileIsSaid() {
        // p99 with 20 tail samples per arm needs 2,000 calls in the 1-minute window; 5 % of 100 requests/s is 300
        TriggerEngine engine = sim.engine(TriggerSpec.builder("p99-latency").metric(new Metric.Latency(0.99))
                .threshold(Threshold.Kind.INCREASE, 0.3).window(Duration.ofMinutes(1)).minSamples(20).build());
        CanaryRollout rollout = CanaryRollout.builder(sim.router, sim.v2.id(), engine,
                CanaryPlan.builder().step(500, Duration.ofMinutes(5)).step(10_000, Duration.ofMinutes(5)).build())
                .clock(sim.clock).build();
        sim.drive(rollout, 100, 5, 3 * 60, s -> false);
        assertThat(starved(rollout)).singleElement().satisfies(t -> assertThat(t.reason())
                .contains("trigger 'p99-latency' cannot reach its minimum samples within the bake of 5 min of step 0 (500 bp)")
                .contains("samples/s on the candidate").contains("20 needed").contains("its window of 1 min holds about"));
    }

    @Test
    void aBlueGreenBakeThatCanNeverDecideIsSaidTooAndPausesAtItsDeadline() {
        // 20 requests/s all on green after the flip: about 1,200 in the 1-minute window, 5,000 needed
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 5_000));
        BlueGreenRollout<String, String> rollout = BlueGreenRollout.builder(sim.router, sim.v2.id(), engine,
                BlueGreenPlan.builder().bake(Duration.ofMinutes(10)).bakeDeadline(Duration.ofMinutes(20)).build())
                .clock(sim.clock).build();
        sim.drive(rollout, 20, 5, 30 * 60, Sim.phase(RolloutPhase.PAUSED));
        assertThat(starved(rollout)).singleElement().satisfies(t -> assertThat(t.reason())
                .contains("trigger 'error-rate' cannot reach its minimum samples within the bake of 10 min of the flip to green "
                        + sim.v2.id()).contains("5000 needed").contains("its window of 1 min holds about"));
        assertThat(rollout.status().phase()).as("inconclusive holds until the bake deadline, then pauses")
                .isEqualTo(RolloutPhase.PAUSED);
        assertThat(rollout.status().reason()).contains("not healthy by its bake deadline").contains("not enough requests");
    }

    @Test
    void aStepWithEnoughTrafficSaysNothingAndTheFindingGoesWithTheStep() {
        TriggerEngine engine = sim.engine(Sim.errorRate(Severity.SEVERE, 20));
        CanaryRollout rollout = CanaryRollout.builder(sim.router, sim.v2.id(), engine,
                CanaryPlan.builder().step(500, Duration.ofMinutes(2)).step(10_000, Duration.ofMinutes(2)).build())
                .clock(sim.clock).build();
        sim.drive(rollout, 100, 5, 10 * 60, Sim.phase(RolloutPhase.PROMOTED));
        assertThat(rollout.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        assertThat(starved(rollout)).isEmpty();
        assertThat(engine.starvedTriggers()).isEmpty();
    }
}
