package io.github.rollback4j.core;

import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.shadow.ShadowComparator;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The shadow report's promotion gate decides whether a canary may start. */
class CanaryShadowGateTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);

    private CanaryRollout canaryAfterShadow(String v2Output, Segment segment) throws Exception {
        ManagedModelRouter<String, String> router = Fixtures.router("gate-" + v2Output, Fixtures.spec(v1, in -> "same"), clock)
                .release(Fixtures.spec(v2, in -> v2Output)).build();
        ShadowRunner<String, String> runner = ShadowRunner.<String, String>builder(in -> v2Output)
                .comparator(ShadowComparator.exact()).sampleRate(1.0).executor(Runnable::run).timeSource(clock).build();
        router.startShadow(v2.id(), runner);
        for (int i = 0; i < 500; i++) {
            router.invoke("x", RequestContext.of("u" + i, segment));
        }
        router.stopShadow();
        TriggerEngine engine = TriggerEngine.builder(router).timeSource(clock).trigger(TriggerSpec.builder("errors")
                .metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05).build()).build();
        return CanaryRollout.builder(router, v2.id(), engine, CanaryPlan.standard(Duration.ofMinutes(5))).clock(clock)
                .shadowGate(ShadowGate.builder().defaultThreshold(0.05).build(), runner::report).build();
    }

    @Test
    void aSegmentOverItsMismatchThresholdBlocksTheCanary() throws Exception {
        CanaryRollout canary = canaryAfterShadow("different", Segment.of("eu-west"));
        assertThat(canary.tick().phase()).isEqualTo(RolloutPhase.BLOCKED);
        assertThat(canary.status().reason()).contains("blocked by the shadow gate").contains("eu-west");
    }

    @Test
    void anOpenGateLetsTheCanaryStart() throws Exception {
        CanaryRollout canary = canaryAfterShadow("same", Segment.of("eu-west"));
        assertThat(canary.tick().phase()).isEqualTo(RolloutPhase.PROGRESSING);
        assertThat(canary.status().weightBasisPoints()).isEqualTo(100);
    }
}
