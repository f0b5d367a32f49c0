package io.github.rollback4j.core.strategy;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlansTest {

    @Test
    void theStandardPlanHasFiveStepsAndTheDefaults() {
        CanaryPlan plan = CanaryPlan.standard(Duration.ofMinutes(10));
        assertThat(plan.steps()).extracting(CanaryStep::weightBasisPoints).containsExactly(100, 500, 2500, 5000, 10_000);
        assertThat(plan.progressDeadline()).isEqualTo(CanaryPlan.DEFAULT_PROGRESS_DEADLINE);
        assertThat(plan.keepPreviousWarm()).isEqualTo(CanaryPlan.DEFAULT_KEEP_PREVIOUS_WARM);
        assertThat(plan.toString()).contains("1.0% bake PT10M -> 5.0%");
    }

    @Test
    void canaryPlanErrorsNameTheFieldTheValueAndTheRange() {
        assertThatThrownBy(() -> CanaryPlan.builder().build()).hasMessageContaining("CanaryPlan.steps must hold 1 to 100 steps, but held 0");
        assertThatThrownBy(() -> CanaryPlan.builder().step(500, Duration.ZERO).step(100, Duration.ZERO).build())
                .hasMessageContaining("steps[1].weightBasisPoints must be greater than the step before (500)").hasMessageContaining("was 100");
        assertThatThrownBy(() -> CanaryPlan.builder().step(100, Duration.ZERO).step(5000, Duration.ZERO).build())
                .hasMessageContaining("steps[1].weightBasisPoints must be 10000").hasMessageContaining("was 5000");
        assertThatThrownBy(() -> CanaryPlan.builder().step(10_000, Duration.ZERO).progressDeadline(Duration.ZERO).build())
                .hasMessageContaining("progressDeadline must be between 1s and 7d, but was PT0S");
        assertThatThrownBy(() -> CanaryPlan.builder().step(10_000, Duration.ZERO).keepPreviousWarm(Duration.ofDays(8)).build())
                .hasMessageContaining("keepPreviousWarm must be between 0s and 7d, but was PT192H");
        assertThatThrownBy(() -> CanaryStep.of(0, Duration.ZERO)).hasMessageContaining("weightBasisPoints must be between 1 and 10000")
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> CanaryStep.of(100, Duration.ofHours(25))).hasMessageContaining("bake must be between 0s and 24h, but was PT25H");
        assertThatThrownBy(() -> new CanaryStep(100, Duration.ofMinutes(5), Duration.ofMinutes(1)))
                .hasMessageContaining("deadline must be between the bake time (PT5M) and 24h, but was PT1M");
    }

    @Test
    void blueGreenPlanErrorsNameTheFieldTheValueAndTheRange() {
        BlueGreenPlan plan = BlueGreenPlan.ofDefaults();
        assertThat(plan.bake()).isEqualTo(BlueGreenPlan.DEFAULT_BAKE);
        assertThat(plan.warmupTimeout()).isEqualTo(BlueGreenPlan.DEFAULT_WARMUP_TIMEOUT);
        assertThatThrownBy(() -> BlueGreenPlan.builder().bake(Duration.ofHours(3)).build())
                .hasMessageContaining("bakeDeadline must be between the bake time (PT3H) and 7d, but was PT2H");
        assertThatThrownBy(() -> BlueGreenPlan.builder().warmupTimeout(Duration.ZERO).build())
                .hasMessageContaining("warmupTimeout must be between 1s and 24h, but was PT0S");
        assertThatThrownBy(() -> BlueGreenPlan.builder().bake(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("bake must be between 0s and 24h, but was PT-1S");
        assertThatThrownBy(() -> BlueGreenPlan.builder().keepBlueWarm(null).build())
                .hasMessageContaining("keepBlueWarm must be between 0s and 7d, but was null");
    }
}
