package io.github.rollback4j.micrometer;

import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.rollback4j.micrometer.TestRouters.model;
import static io.github.rollback4j.micrometer.TestRouters.release;
import static io.github.rollback4j.micrometer.TestRouters.spec;
import static org.assertj.core.api.Assertions.assertThat;

/** Rollout phase, step and canary weight, and each trigger's verdict level, follow the state machines. */
class RolloutMetricsTest {

    @Test
    void phaseStepWeightAndVerdictLevelFollowACanaryToItsRollback() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = release("fraud", "1", 1);
        Release v2 = release("fraud", "2", 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ManagedModelRouter<String, String> router = TestRouters.router("fraud", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .release(spec(v2, model(clock, "v2", new AtomicBoolean()))).build();
             TriggerEngine engine = TriggerEngine.builder(router).timeSource(clock)
                     .trigger(TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                             .threshold(Threshold.Kind.ABOVE, 0.05).window(Duration.ofSeconds(10)).minSamples(20).build())
                     .build();
             CanaryRollout canary = CanaryRollout.builder(router, v2.id(), engine,
                     CanaryPlan.builder().step(2_000, Duration.ofMinutes(1)).step(10_000, Duration.ofMinutes(1)).build())
                     .clock(clock).build();
             RolloutMetrics metrics = RolloutMetrics.of(router, canary, engine)) {
            metrics.bindTo(registry);
            assertThat(phase(registry, "pending")).isEqualTo(1);
            assertThat(registry.get(RolloutMetrics.VERDICT).tags("trigger", "error-rate", "level", "healthy").gauge().value()).isZero();

            canary.tick();
            assertThat(phase(registry, "progressing")).isEqualTo(1);
            assertThat(phase(registry, "pending")).isZero();
            assertThat(registry.get(RolloutMetrics.CANARY_WEIGHT).tag("release", v2.name()).gauge().value()).isEqualTo(2_000);
            assertThat(registry.get(RolloutMetrics.STEP).gauge().value()).isZero();

            for (int i = 0; i < 400; i++) {
                try {
                    router.invoke(i % 4 == 0 ? "boom" : "fast", RequestContext.of("user-" + i));
                } catch (IllegalArgumentException expected) {
                    // v1 and v2 both fail on "boom": the candidate's error rate is 25 %, above 5 %
                }
            }
            clock.advance(Duration.ofSeconds(1));
            canary.tick();

            assertThat(phase(registry, "rolled_back")).as(canary.status().toString()).isEqualTo(1);
            assertThat(registry.get(RolloutMetrics.VERDICT).tags("trigger", "error-rate", "level", "severe_breach").gauge().value())
                    .isEqualTo(1);
            assertThat(registry.get(RolloutMetrics.CANARY_WEIGHT).gauge().value()).isZero();
        }
        assertThat(registry.find(RolloutMetrics.PHASE).gauges()).as("closing removes the gauges").isEmpty();
    }

    private static double phase(SimpleMeterRegistry registry, String phase) {
        return registry.get(RolloutMetrics.PHASE).tags("router", "fraud", "segment", "default", "phase", phase).gauge().value();
    }
}
