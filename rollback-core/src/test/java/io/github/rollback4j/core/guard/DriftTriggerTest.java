package io.github.rollback4j.core.guard;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.spec.ReferenceProfiles;
import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriftTriggerTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final SplittableRandom random = new SplittableRandom(5);
    private final Release v1 = Release.of(ModelVersion.of("d", "1.0.0", "sha256:" + "0a".repeat(32)));
    private final Release v2 = Release.of(ModelVersion.of("d", "2.0.0", "sha256:" + "0b".repeat(32)));

    private ManagedModelRouter<double[], Double> router(double v2Shift) {
        ManagedModelRouter<double[], Double> router = ModelRouters
                .builder("drift", ReleaseSpec.<double[], Double>builder(v1, in -> in[0] / 100).sampleInputs(List.of(new double[] {1, 1})).build())
                .release(ReleaseSpec.<double[], Double>builder(v2, in -> in[0] / 100 + v2Shift).sampleInputs(List.of(new double[] {1, 1})).build())
                .timeSource(clock).probeExecutor(Runnable::run)
                .telemetry(TelemetryConfig.custom().sampleRate(1.0).build())
                .scoreExtractor(score -> score)
                .inputProfile(InputProfile.<double[]>builder().numeric("amount", in -> in[0])
                        .categorical("country", in -> in[1] < 0.5 ? "DE" : "FR").build())
                .build();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary"));
        return router;
    }

    private void send(ManagedModelRouter<double[], Double> router, int n, double mean, double germanShare) throws Exception {
        for (int i = 0; i < n; i++) {
            double amount = mean + 10 * Traffic.gaussian(random);
            router.invoke(new double[] {amount, random.nextDouble() < germanShare ? 0 : 1}, RequestContext.of("u" + random.nextInt(100_000)));
        }
    }

    @Test
    void shiftedPredictionScoresBreachPsiAgainstTheLastKnownGood() throws Exception {
        try (ManagedModelRouter<double[], Double> router = router(0.15)) {
            TriggerEngine engine = TriggerEngine.builder(router).timeSource(clock).trigger(TriggerSpec.builder("score-psi")
                    .metric(new Metric.Drift(Metric.Drift.SCORE, Metric.DriftStatistic.PSI)).threshold(Threshold.Kind.ABOVE, 0.25)
                    .window(Duration.ofMinutes(10)).severity(Severity.DRY_RUN).build()).build();
            send(router, 4000, 50, 0.5);
            Verdict verdict = engine.evaluate().get(0);
            assertThat(verdict.level()).isEqualTo(VerdictLevel.DRY_RUN_BREACH);
            assertThat(verdict.evidence().statisticValue()).isGreaterThan(0.25);
            assertThat(verdict.evidence().statistic()).contains("psi").contains("last-known-good");
            assertThat(verdict.summary()).contains(": DRY_RUN_BREACH: ").contains(" is above the threshold 0.25")
                    .contains(" over the last 10 min").contains("; dry run: reported only");
        }
    }

    @Test
    void identicalReleasesShowNoScoreDrift() throws Exception {
        try (ManagedModelRouter<double[], Double> router = router(0.0)) {
            TriggerEngine engine = TriggerEngine.builder(router).timeSource(clock).trigger(TriggerSpec.builder("score-psi")
                    .metric(new Metric.Drift(Metric.Drift.SCORE, Metric.DriftStatistic.PSI)).threshold(Threshold.Kind.ABOVE, 0.25)
                    .window(Duration.ofMinutes(10)).build()).build();
            send(router, 4000, 50, 0.5);
            assertThat(engine.evaluate().get(0).level()).isEqualTo(VerdictLevel.HEALTHY);
        }
    }

    @Test
    void inputDriftAgainstACapturedAndSavedReference(@TempDir Path dir) throws Exception {
        try (ManagedModelRouter<double[], Double> router = router(0.0)) {
            TriggerEngine capture = TriggerEngine.builder(router).timeSource(clock).trigger(TriggerSpec.builder("x")
                    .metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.5).build()).build();
            send(router, 3000, 50, 0.5);
            List<ReferenceProfile> captured = capture.captureReferences(Duration.ofMinutes(10));
            assertThat(captured).extracting(ReferenceProfile::field).containsExactlyInAnyOrder("amount", "country", "score");
            Path file = dir.resolve("references.json");
            ReferenceProfiles.write(file, captured);
            List<ReferenceProfile> loaded = ReferenceProfiles.read(file);
            assertThat(loaded).isEqualTo(captured);

            clock.advance(Duration.ofHours(1));
            send(router, 3000, 70, 0.9);
            TriggerEngine engine = TriggerEngine.builder(router).timeSource(clock).references(loaded)
                    .trigger(TriggerSpec.builder("amount-psi").metric(new Metric.Drift("amount", Metric.DriftStatistic.PSI))
                            .threshold(Threshold.Kind.ABOVE, 0.25).window(Duration.ofMinutes(10)).severity(Severity.DRY_RUN).build())
                    .trigger(TriggerSpec.builder("amount-wasserstein").metric(new Metric.Drift("amount", Metric.DriftStatistic.WASSERSTEIN))
                            .threshold(Threshold.Kind.ABOVE, 0.5).window(Duration.ofMinutes(10)).severity(Severity.DRY_RUN).build())
                    .trigger(TriggerSpec.builder("country-js").metric(new Metric.Drift("country", Metric.DriftStatistic.JENSEN_SHANNON))
                            .threshold(Threshold.Kind.ABOVE, 0.2).window(Duration.ofMinutes(10)).severity(Severity.DRY_RUN).build())
                    .build();
            List<Verdict> verdicts = engine.evaluate();
            assertThat(verdicts).allSatisfy(v -> assertThat(v.level()).as(v.summary()).isEqualTo(VerdictLevel.DRY_RUN_BREACH));
            assertThat(verdicts.get(1).evidence().statisticValue()).as("shift of 2 sd").isBetween(1.5, 2.5);
            assertThat(verdicts.get(0).evidence().statistic()).contains("reference profile of 'amount'");
        }
    }

    @Test
    void nullRateSpikesAgainstTheCapturedReference() throws Exception {
        try (ManagedModelRouter<double[], Double> router = ModelRouters
                .builder("nulls", ReleaseSpec.<double[], Double>builder(v1, in -> in[0]).sampleInputs(List.of(new double[] {1, 1})).build())
                .release(ReleaseSpec.<double[], Double>builder(v2, in -> in[0]).sampleInputs(List.of(new double[] {1, 1})).build())
                .timeSource(clock).probeExecutor(Runnable::run)
                .telemetry(TelemetryConfig.custom().sampleRate(1.0).build())
                .inputProfile(InputProfile.<double[]>builder().numeric("amount", in -> in[1] > 0.5 ? null : in[0]).build())
                .build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary"));
            for (int i = 0; i < 2000; i++) {
                router.invoke(new double[] {i, random.nextDouble() < 0.02 ? 1 : 0}, RequestContext.of("u" + i));
            }
            TriggerEngine engine = TriggerEngine.builder(router).timeSource(clock).trigger(TriggerSpec.builder("amount-nulls")
                    .metric(new Metric.InputNullRate("amount")).threshold(Threshold.Kind.INCREASE, 1.0)
                    .window(Duration.ofMinutes(10)).severity(Severity.DRY_RUN).build()).build();
            engine.captureReferences(Duration.ofMinutes(10));
            clock.advance(Duration.ofHours(1));
            for (int i = 0; i < 2000; i++) {
                router.invoke(new double[] {i, random.nextDouble() < 0.10 ? 1 : 0}, RequestContext.of("u" + i));
            }
            Verdict verdict = engine.evaluate().get(0);
            assertThat(verdict.level()).isEqualTo(VerdictLevel.DRY_RUN_BREACH);
            assertThat(verdict.evidence().metric()).contains("reference profile");
            assertThat(verdict.evidence().baselineValue()).isBetween(0.01, 0.03);
            assertThat(verdict.evidence().candidateValue()).isBetween(0.07, 0.13);
        }
    }

    @Test
    void aBrokenReferenceFileIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "[{\"field\": \"amount\", \"kind\": \"NUMERIC\", \"capturedAtEpochMillis\": 0, \"missing\": 0,"
                + " \"nonFinite\": 0, \"values\": [2.0, 1.0], \"counts\": [1, 1], \"categories\": {}}]");
        assertThatThrownBy(() -> ReferenceProfiles.read(file)).isInstanceOf(SpecException.class)
                .hasMessageContaining("bad.json").hasMessageContaining("strictly ascending");
    }
}
