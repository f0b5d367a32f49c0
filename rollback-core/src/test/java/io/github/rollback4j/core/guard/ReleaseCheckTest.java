package io.github.rollback4j.core.guard;

import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseCheckTest {

    private static final Segment[] DEFAULT = {Segment.DEFAULT};

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final SplittableRandom random = new SplittableRandom(11);
    private final Release v1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));

    private ManagedModelRouter<String, String> router(double latencyMs, double errorRate) {
        return ModelRouters.builder("checked", ReleaseSpec.builder(v1, Traffic.model(clock, random, "v1", latencyMs, errorRate))
                        .sampleInputs(List.of("probe")).build())
                .timeSource(clock).probeExecutor(Runnable::run).build();
    }

    private static TriggerSpec p95Above(double millis) {
        return TriggerSpec.builder("p95").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.ABOVE, millis)
                .window(Duration.ofMinutes(1)).minSamples(20).build();
    }

    @Test
    void aReleaseWithinItsSloIsHealthyAndOneOutsideIsBreachedWithEvidence() {
        ManagedModelRouter<String, String> fast = router(50, 0);
        Traffic.drive(fast, null, clock, random, 60, 50, 0, DEFAULT, null);
        Verdict healthy = ReleaseCheck.of(p95Above(250)).evaluate(fast, v1.id(), null, clock.now());
        ManagedModelRouter<String, String> slow = router(400, 0);
        Traffic.drive(slow, null, clock, random, 60, 50, 0, DEFAULT, null);
        Verdict breached = ReleaseCheck.of(p95Above(250)).evaluate(slow, v1.id(), null, clock.now());

        assertThat(healthy.level()).isEqualTo(VerdictLevel.HEALTHY);
        assertThat(healthy.evidence().candidateValue()).isBetween(40.0, 90.0);
        assertThat(breached.level()).isEqualTo(VerdictLevel.SEVERE_BREACH);
        assertThat(breached.evidence().candidateValue()).isGreaterThan(250.0);
        assertThat(breached.evidence().limit()).isEqualTo(250.0);
        assertThat(breached.candidate()).isEqualTo(v1.id());
    }

    @Test
    void tooFewSamplesIsInconclusiveNeverAPass() {
        ManagedModelRouter<String, String> router = router(50, 0);
        Traffic.drive(router, null, clock, random, 5, 10, 0, DEFAULT, null);

        Verdict verdict = ReleaseCheck.of(p95Above(250)).evaluate(router, v1.id(), null, clock.now());

        assertThat(verdict.level()).isEqualTo(VerdictLevel.INCONCLUSIVE);
        assertThat(verdict.evidence().note()).contains("not enough tail samples");
    }

    @Test
    void checksThatNeedABaselineAreRefused() {
        assertThatThrownBy(() -> ReleaseCheck.of(TriggerSpec.builder("drop").metric(new Metric.Kpi("ctr", true))
                .threshold(Threshold.Kind.DROP, 0.02).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check 'drop'.threshold must be absolute");
        assertThatThrownBy(() -> ReleaseCheck.of(TriggerSpec.builder("drift")
                .metric(new Metric.Drift("score", Metric.DriftStatistic.PSI)).threshold(Threshold.Kind.ABOVE, 0.2).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("check 'drift'.metric must not be drift");
    }
}
