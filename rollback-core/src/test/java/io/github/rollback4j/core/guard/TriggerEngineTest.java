package io.github.rollback4j.core.guard;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TriggerEngineTest {

    private static final Segment[] DEFAULT = {Segment.DEFAULT};

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final SplittableRandom random = new SplittableRandom(42);
    private final Release v1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));
    private final Release v2 = Release.of(ModelVersion.of("m", "2.0.0", "sha256:" + "02".repeat(32)));
    private final List<RouterEvent.RolledBack> rollbacks = new ArrayList<>();

    private ManagedModelRouter<String, String> router(double v2LatencyMs, double v2ErrorRate, int v2Weight) {
        ManagedModelRouter<String, String> router = ModelRouters
                .builder("guarded", ReleaseSpec.builder(v1, Traffic.model(clock, random, "v1", 100, 0.01))
                        .sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.builder(v2, Traffic.model(clock, random, "v2", v2LatencyMs, v2ErrorRate))
                        .sampleInputs(List.of("probe")).build())
                .timeSource(clock).probeExecutor(Runnable::run)
                .build();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rollbacks::add);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10_000 - v2Weight, v2.id(), v2Weight), Cause.operator("t", "canary"));
        return router;
    }

    private TriggerEngine engine(ManagedModelRouter<String, String> router, TriggerSpec... triggers) {
        return TriggerEngine.builder(router).triggers(List.of(triggers)).timeSource(clock).build();
    }

    private static TriggerSpec p95PlusThirtyPercentForFiveMinutes() {
        return TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.INCREASE, 0.30)
                .window(Duration.ofMinutes(1)).sustain(Duration.ofMinutes(5)).build();
    }

    @Test
    void sustainIsMeasuredOnTheMonotonicClockWhateverTheWallClockDoes() {
        try (ManagedModelRouter<String, String> router = router(140, 0.01, 5000)) {
            TriggerEngine engine = engine(router, p95PlusThirtyPercentForFiveMinutes());
            Traffic.drive(router, engine, clock, random, 60, 100, 10, DEFAULT, null);
            assertThat(engine.latest().get(0).evidence().note()).contains("must hold");
            // forward an hour: the breach has held for seconds, not for an hour
            clock.stepWallClock(Duration.ofHours(1));
            engine.evaluate();
            assertThat(rollbacks).as("a wall-clock step forward does not complete the 5 minutes").isEmpty();
            assertThat(engine.latest().get(0).level()).isEqualTo(VerdictLevel.INCONCLUSIVE);
            // back two hours (an hour before the breach began): the 5 minutes still end on time
            clock.stepWallClock(Duration.ofHours(-2));
            Traffic.drive(router, engine, clock, random, 230, 100, 10, DEFAULT, null);
            assertThat(rollbacks).isEmpty();
            Traffic.drive(router, engine, clock, random, 70, 100, 10, DEFAULT, null);
            assertThat(rollbacks).as("rolled back after 5 minutes of breach, not an hour later").hasSize(1);
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.evidence().breachingSince()).as("timestamps keep the wall clock's view")
                    .isAfter(breach.time());
        }
    }

    @Test
    void latencyBreachRollsBackOnlyAfterHoldingForItsSustainTime() {
        try (ManagedModelRouter<String, String> router = router(140, 0.01, 5000)) {
            TriggerEngine engine = engine(router, p95PlusThirtyPercentForFiveMinutes());
            Traffic.drive(router, engine, clock, random, 60, 100, 10, DEFAULT, null);
            // The first minute fills the window; from then on every evaluation breaches.
            Verdict first = engine.latest().get(0);
            assertThat(first.level()).isEqualTo(VerdictLevel.INCONCLUSIVE);
            assertThat(first.evidence().note()).contains("must hold");
            Traffic.drive(router, engine, clock, random, 240, 100, 10, DEFAULT, null);
            assertThat(rollbacks).as("no rollback before the breach held 5 minutes").isEmpty();
            Traffic.drive(router, engine, clock, random, 70, 100, 10, DEFAULT, null);
            assertThat(rollbacks).hasSize(1);
            RouterEvent.RolledBack rolledBack = rollbacks.get(0);
            assertThat(rolledBack.cause().trigger()).isEqualTo("p95-latency");
            assertThat(rolledBack.cause().severity()).isEqualTo("SEVERE");
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.evidence().candidateValue()).isBetween(140 * 1.2, 140 * 1.8);
            assertThat(breach.evidence().baselineValue()).isBetween(100 * 1.2, 100 * 1.8);
            assertThat(breach.evidence().limit()).isCloseTo(1.3 * breach.evidence().baselineValue(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(Duration.between(breach.evidence().breachingSince(), breach.time())).isGreaterThanOrEqualTo(Duration.ofMinutes(5));
            assertThat(breach.evidence().candidateSamples()).isGreaterThan(2000);
            assertThat(breach.evidence().windowFrom()).isNotNull();
            assertThat(router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10_000));
        }
    }

    @Test
    void atFullWeightALatencyRegressionIsJudgedAgainstTheLastKnownGoodsLastFullWindow() {
        try (ManagedModelRouter<String, String> router = router(140, 0.01, 5000)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95))
                    .threshold(Threshold.Kind.INCREASE, 0.30).window(Duration.ofMinutes(1)).sustain(Duration.ofMinutes(2)).build());
            Traffic.drive(router, engine, clock, random, 60, 100, 10, DEFAULT, null);
            router.setWeights(Segment.DEFAULT, Map.of(v2.id(), 10_000), Cause.operator("t", "flip to v2"));
            Traffic.drive(router, engine, clock, random, 240, 100, 10, DEFAULT, null);
            assertThat(rollbacks).hasSize(1);
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.evidence().note()).contains("the last-known-good's last window");
        }
    }

    @Test
    void aHealthyReleaseIsNeverRolledBackAndReportsHealthy() {
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, p95PlusThirtyPercentForFiveMinutes(),
                    TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                            .sustain(Duration.ofMinutes(3)).build());
            Traffic.drive(router, engine, clock, random, 600, 100, 5, DEFAULT, null);
            assertThat(rollbacks).isEmpty();
            assertThat(engine.latest()).allSatisfy(v -> assertThat(v.level()).isEqualTo(VerdictLevel.HEALTHY));
        }
    }

    @Test
    void tooFewSamplesIsInconclusiveNeverABreach() {
        try (ManagedModelRouter<String, String> router = router(500, 0.9, 10)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                    .threshold(Threshold.Kind.ABOVE, 0.05).minSamples(1000).build());
            Traffic.drive(router, engine, clock, random, 60, 100, 10, DEFAULT, null);
            assertThat(engine.history()).allSatisfy(v -> assertThat(v.level()).isEqualTo(VerdictLevel.INCONCLUSIVE));
            assertThat(engine.latest().get(0).evidence().note()).contains("not enough requests");
            assertThat(rollbacks).isEmpty();
        }
    }

    @Test
    void aBreakInTheBreachStartsTheSustainClockOver() {
        double[] v2Errors = {0.20};
        ManagedModelRouter<String, String> router = ModelRouters
                .builder("flapping", ReleaseSpec.builder(v1, Traffic.model(clock, random, "v1", 100, 0.01))
                        .sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.builder(v2, Traffic.model(clock, random, "v2", 100, () -> v2Errors[0]))
                        .sampleInputs(List.of("probe")).build())
                .timeSource(clock).probeExecutor(Runnable::run).build();
        try (router) {
            router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rollbacks::add);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary"));
            TriggerEngine engine = engine(router, TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                    .threshold(Threshold.Kind.ABOVE, 0.05).window(Duration.ofSeconds(20)).sustain(Duration.ofMinutes(3)).build());
            // Errors for 2 minutes, healthy for 1, errors for 2 more: never 3 minutes in a row.
            Traffic.drive(router, engine, clock, random, 120, 100, 10, DEFAULT, null);
            v2Errors[0] = 0.0;
            Traffic.drive(router, engine, clock, random, 60, 100, 10, DEFAULT, null);
            assertThat(engine.latest().get(0).level()).isEqualTo(VerdictLevel.HEALTHY);
            v2Errors[0] = 0.20;
            Traffic.drive(router, engine, clock, random, 120, 100, 10, DEFAULT, null);
            assertThat(rollbacks).isEmpty();
            assertThat(engine.latest().get(0).evidence().breachingSince()).isAfter(clock.now().minus(Duration.ofMinutes(3)));
            // Held long enough now.
            Traffic.drive(router, engine, clock, random, 90, 100, 10, DEFAULT, null);
            assertThat(rollbacks).hasSize(1);
        }
    }

    @Test
    void mildBreachWaitsForApprovalInsteadOfRollingBack() {
        try (ManagedModelRouter<String, String> router = router(100, 0.10, 5000)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                    .threshold(Threshold.Kind.ABOVE, 0.05).severity(Severity.MILD).build());
            Traffic.drive(router, engine, clock, random, 90, 100, 10, DEFAULT, null);
            assertThat(rollbacks).isEmpty();
            assertThat(engine.awaitingApproval()).isTrue();
            assertThat(engine.pendingApprovals()).hasSize(1).first()
                    .satisfies(v -> assertThat(v.level()).isEqualTo(VerdictLevel.MILD_BREACH));
            assertThat(engine.approve(v1.id(), Cause.operator("ana", "wrong candidate"))).isEmpty();
            assertThat(engine.awaitingApproval()).isTrue();
            assertThat(engine.approve(v2.id(), Cause.operator("ana", "known noisy upstream"))).hasSize(1);
            assertThat(engine.awaitingApproval()).isFalse();
            assertThat(router.auditLog()).last().satisfies(entry -> {
                assertThat(entry.action()).isEqualTo("approved");
                assertThat(entry.actor()).isEqualTo("ana");
                assertThat(entry.detail()).contains("error-rate");
            });
        }
    }

    @Test
    void dryRunOnlyReports() {
        try (ManagedModelRouter<String, String> router = router(100, 0.20, 5000)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                    .threshold(Threshold.Kind.ABOVE, 0.05).severity(Severity.DRY_RUN).build());
            List<Verdict> published = new ArrayList<>();
            engine.onVerdict(published::add);
            Traffic.drive(router, engine, clock, random, 90, 100, 10, DEFAULT, null);
            assertThat(rollbacks).isEmpty();
            assertThat(engine.awaitingApproval()).isFalse();
            assertThat(published).extracting(Verdict::level).contains(VerdictLevel.DRY_RUN_BREACH);
        }
    }

    @Test
    void sequentialCountTestCatchesTripledErrorsAtAFivePercentCanary() {
        try (ManagedModelRouter<String, String> router = router(100, 0.03, 500)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("errors-vs-baseline").metric(new Metric.ErrorRate())
                    .threshold(Threshold.Kind.INCREASE, 0.0).significance(0.05).window(Duration.ofMinutes(30)).build());
            Traffic.drive(router, engine, clock, random, 1800, 200, 1, DEFAULT, null);
            assertThat(rollbacks).hasSize(1);
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.evidence().pValue()).isLessThanOrEqualTo(0.05);
            assertThat(breach.evidence().eValue()).isGreaterThanOrEqualTo(20);
            assertThat(breach.evidence().candidateValue()).isGreaterThan(breach.evidence().baselineValue());
            assertThat(breach.summary()).contains(": SEVERE_BREACH: error rate of the candidate ")
                    .contains(" against the baseline ").contains(" since the weights last changed (")
                    .contains(" is significantly above 1× the baseline's (p ").contains(" ≤ 0.05); severe: rolls back");
        }
    }

    private static TriggerSpec conversionDropTwoPercent() {
        return TriggerSpec.builder("conversion-drop").metric(new Metric.Kpi("conversion", true))
                .threshold(Threshold.Kind.DROP, 0.02).significance(0.05).window(Duration.ofMinutes(15)).build();
    }

    private io.github.rollback4j.core.guard.Traffic.KpiReporter conversions(ManagedModelRouter<String, String> router,
                                                                            double v1Rate, double v2Rate) {
        SplittableRandom kpiRandom = new SplittableRandom(99);
        return (ctx, decision) -> router.telemetry().reportKpi("conversion", decision,
                kpiRandom.nextDouble() < (decision.release().equals(v1.id()) ? v1Rate : v2Rate) ? 1 : 0);
    }

    @Test
    void aSignificantKpiDropRollsBack() {
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, conversionDropTwoPercent());
            Traffic.drive(router, engine, clock, random, 600, 100, 1, DEFAULT, conversions(router, 0.30, 0.24));
            assertThat(rollbacks).hasSize(1);
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.evidence().pValue()).isLessThanOrEqualTo(0.05);
            assertThat(breach.evidence().candidateValue()).isLessThan(breach.evidence().baselineValue());
            assertThat(breach.evidence().statistic()).contains("normal-mixture SPRT");
        }
    }

    @Test
    void equalKpisLookedAtEverySecondDoNotRollBack() {
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, conversionDropTwoPercent());
            Traffic.drive(router, engine, clock, random, 900, 100, 1, DEFAULT, conversions(router, 0.30, 0.30));
            assertThat(rollbacks).isEmpty();
            assertThat(engine.latest().get(0).level()).isIn(VerdictLevel.HEALTHY, VerdictLevel.INCONCLUSIVE);
        }
    }

    /** Reports conversions at exact rates (a success every so many decisions per arm): no sampling noise. */
    private Traffic.KpiReporter exactConversions(ManagedModelRouter<String, String> router, int v1PerThousand,
                                                 int v2PerThousand) {
        long[] served = new long[2];
        return (ctx, decision) -> {
            int arm = decision.release().equals(v1.id()) ? 0 : 1;
            long i = served[arm]++;
            int perThousand = arm == 0 ? v1PerThousand : v2PerThousand;
            router.telemetry().reportKpi("conversion", decision, (i % 1000) < perThousand ? 1 : 0);
        };
    }

    @Test
    void aKpiPastItsWindowIsHealthyWhenTheConfidenceSequenceExcludesADropOfTheThresholdEvenBelowTheBaseline() {
        // 49.5 % against 50 %: below the baseline but far from significant, and 45,000 observations per arm exclude a
        // drop of 5 %. The old rule judged the sign alone past the window (inconclusive), so such a step never passed.
        TriggerSpec drop = TriggerSpec.builder("conversion-drop").metric(new Metric.Kpi("conversion", true))
                .threshold(Threshold.Kind.DROP, 0.05).significance(0.05).window(Duration.ofMinutes(1)).build();
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, drop);
            Traffic.drive(router, engine, clock, random, 300, 300, 10, DEFAULT, exactConversions(router, 500, 495));
            Verdict v = engine.latest().get(0);
            assertThat(v.evidence().candidateValue()).isLessThan(v.evidence().baselineValue());
            assertThat(v.evidence().pValue()).isGreaterThan(0.05);
            assertThat(v.level()).as(v.summary()).isEqualTo(VerdictLevel.HEALTHY);
            assertThat(v.evidence().note()).contains("the confidence sequence excludes a drop of 5 %");
        }
        // 48 % against 50 %: a highly significant drop of 4 %, under the threshold but not yet told apart from 5 %
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, drop);
            Traffic.drive(router, engine, clock, random, 300, 300, 10, DEFAULT, exactConversions(router, 500, 480));
            Verdict v = engine.latest().get(0);
            assertThat(v.evidence().pValue()).isLessThan(1e-4);
            assertThat(v.level()).as(v.summary()).isEqualTo(VerdictLevel.INCONCLUSIVE);
            assertThat(v.evidence().note()).contains("a significant drop of ").contains(" %, below the threshold 5 %, but a drop"
                    + " of 5 % is not excluded");
            assertThat(rollbacks).isEmpty();
        }
    }

    @Test
    void aWeightChangeRestartsTheSequentialTest() {
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, conversionDropTwoPercent());
            Traffic.drive(router, engine, clock, random, 60, 100, 1, DEFAULT, conversions(router, 0.30, 0.30));
            long before = engine.latest().get(0).evidence().candidateSamples();
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 7500, v2.id(), 2500), Cause.operator("t", "step"));
            Traffic.drive(router, engine, clock, random, 5, 100, 1, DEFAULT, conversions(router, 0.30, 0.30));
            Verdict after = engine.latest().get(0);
            assertThat(after.evidence().candidateSamples()).isLessThan(before);
            assertThat(after.evidence().windowFrom()).isAfter(clock.now().minus(Duration.ofSeconds(10)));
        }
    }

    @Test
    void perSegmentTriggersJudgeEachSegmentAlone() {
        Segment eu = Segment.of("eu-west");
        Segment us = Segment.of("us-east");
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95))
                    .threshold(Threshold.Kind.INCREASE, 0.30).perSegment(true).severity(Severity.DRY_RUN).build());
            Traffic.drive(router, engine, clock, random, 120, 200, 30, new Segment[] {eu, us}, null);
            assertThat(engine.latest()).extracting(Verdict::segment).containsExactlyInAnyOrder(eu, us);
        }
    }

    @Test
    void aBreachInOneSegmentRollsBackThatSegmentOnlyUnlessTheTriggerIsGlobal() {
        Segment eu = Segment.of("eu-west");
        Segment us = Segment.of("us-east");
        for (boolean global : new boolean[] {false, true}) {
            rollbacks.clear();
            List<RouterEvent.SegmentRolledBack> segmentRollbacks = new ArrayList<>();
            SplittableRandom r = new SplittableRandom(3);
            ManagedModelRouter<String, String> router = ModelRouters
                    .builder("per-segment-" + global, ReleaseSpec.builder(v1, Traffic.model(clock, r, "v1", 100, 0.01))
                            .sampleInputs(List.of("probe")).build())
                    .release(ReleaseSpec.<String, String>builder(v2, in -> {
                        if (in.startsWith("probe")) {
                            return "v2";
                        }
                        throw new IllegalStateException("v2 fails in eu");
                    }).sampleInputs(List.of("probe")).build())
                    .timeSource(clock).probeExecutor(Runnable::run).build();
            // v2 serves eu-west (where it fails) and us-east (where it is not even called: no traffic there).
            try (router) {
                router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rollbacks::add);
                router.eventPublisher().onEvent(RouterEvent.SegmentRolledBack.class, segmentRollbacks::add);
                router.setWeights(eu, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary eu"));
                router.setWeights(us, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary us"));
                TriggerEngine engine = engine(router, TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                        .threshold(Threshold.Kind.ABOVE, 0.05).perSegment(true).global(global).build());
                Traffic.drive(router, engine, clock, r, 60, 100, 10, new Segment[] {eu}, null);
                if (global) {
                    assertThat(rollbacks).hasSize(1);
                    assertThat(router.weights(us)).doesNotContainKey(v2.id());
                } else {
                    assertThat(rollbacks).isEmpty();
                    assertThat(segmentRollbacks).hasSize(1).first().satisfies(e -> assertThat(e.segment()).isEqualTo(eu));
                    assertThat(router.weights(eu)).doesNotContainKey(v2.id());
                    assertThat(router.weights(us)).containsEntry(v2.id(), 5000);
                }
            }
        }
    }

    @Test
    void burnRateGuardFiresWhenBothWindowsBurnTooFast() {
        try (ManagedModelRouter<String, String> router = router(100, 0.05, 5000)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("budget").metric(new Metric.BurnRate(0.999,
                    List.of(new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4)))).build());
            Traffic.drive(router, engine, clock, random, 600, 50, 10, DEFAULT, null);
            assertThat(rollbacks).hasSize(1);
            assertThat(rollbacks.get(0).cause().trigger()).isEqualTo("budget");
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.summary()).contains(": SEVERE_BREACH: error budget burn rate of the candidate against the SLO 0.999: ")
                    .contains(" over 5 min and ").contains(" over 1 h, against the factor 14.4: both windows burn faster than"
                            + " the factor; severe: rolls back");
        }
    }

    @Test
    void burnRateWindowsAreMeasuredOnTheMonotonicClockWhateverTheWallClockDoes() {
        // 25 requests/s on the candidate: its 5-minute short window holds about 7,500 requests and its 1-hour long
        // window everything since the start (30 minutes, about 45,000), however the wall clock is stepped
        try (ManagedModelRouter<String, String> router = router(100, 0.005, 5000)) {
            TriggerEngine engine = engine(router, TriggerSpec.builder("budget").metric(new Metric.BurnRate(0.999,
                    List.of(new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4)))).minSamples(1000).build());
            Traffic.drive(router, engine, clock, random, 30 * 60, 50, 10, DEFAULT, null);
            Evidence before = engine.latest().get(0).evidence();
            assertThat(before.candidateSamples()).isBetween(7_000L, 8_000L);
            for (Duration step : List.of(Duration.ofHours(1), Duration.ofHours(-2))) {
                clock.stepWallClock(step);
                Traffic.drive(router, engine, clock, random, 10, 50, 10, DEFAULT, null);
                Verdict verdict = engine.latest().get(0);
                assertThat(verdict.level()).as("step %s", step).isEqualTo(VerdictLevel.HEALTHY);
                assertThat(verdict.evidence().candidateSamples()).as("short window after a wall-clock step of %s", step)
                        .isBetween(7_000L, 8_000L);
                assertThat(verdict.evidence().baselineSamples()).as("long window after a wall-clock step of %s", step)
                        .isBetween(before.baselineSamples(), before.baselineSamples() + 1_000L);
            }
            assertThat(rollbacks).isEmpty();
        }
    }

    @Test
    void dataQualityTriggersReadTheSampledInputProfile() {
        InputProfile<String> profile = InputProfile.<String>builder()
                .numeric("amount", in -> in.startsWith("null") ? null : in.length())
                .required("amount").range("amount", 0, 10)
                .build();
        SplittableRandom r = new SplittableRandom(7);
        try (ManagedModelRouter<String, String> router = ModelRouters
                .builder("quality", ReleaseSpec.<String, String>builder(v1, in -> "v1").sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.<String, String>builder(v2, in -> "v2").sampleInputs(List.of("probe")).build())
                .timeSource(clock).probeExecutor(Runnable::run)
                .telemetry(TelemetryConfig.custom().sampleRate(1.0).build())
                .inputProfile(profile)
                .build()) {
            router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rollbacks::add);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary"));
            TriggerEngine engine = engine(router,
                    TriggerSpec.builder("amount-nulls").metric(new Metric.InputNullRate("amount"))
                            .threshold(Threshold.Kind.ABOVE, 0.2).severity(Severity.DRY_RUN).build(),
                    TriggerSpec.builder("schema").metric(new Metric.SchemaViolationRate())
                            .threshold(Threshold.Kind.ABOVE, 0.2).severity(Severity.DRY_RUN).build());
            for (int i = 0; i < 2000; i++) {
                clock.settle();
                try {
                    router.decide(r.nextDouble() < 0.3 ? "null" : "ok", io.github.rollback4j.RequestContext.of("u" + i));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
            List<Verdict> verdicts = engine.evaluate();
            Verdict nulls = verdicts.stream().filter(v -> v.trigger().equals("amount-nulls")).findFirst().orElseThrow();
            assertThat(nulls.level()).isEqualTo(VerdictLevel.DRY_RUN_BREACH);
            assertThat(nulls.evidence().candidateValue()).isBetween(0.25, 0.35);
            Verdict schema = verdicts.stream().filter(v -> v.trigger().equals("schema")).findFirst().orElseThrow();
            assertThat(schema.level()).isEqualTo(VerdictLevel.DRY_RUN_BREACH);
            assertThat(nulls.summary()).contains(": DRY_RUN_BREACH: null rate of input 'amount' of the candidate ")
                    .contains(" % is above the threshold 20 % (baseline ").contains("; dry run: reported only");
            assertThat(schema.summary()).contains(": DRY_RUN_BREACH: schema violation rate of the candidate ")
                    .contains(" % is above the threshold 20 %").contains("; dry run: reported only");
        }
    }

    @Test
    void anInputQualityTriggerOnWhatTheRouterDoesNotProfileIsRefusedWhenTheEngineIsBuilt() {
        InputProfile<String> profile = InputProfile.<String>builder()
                .numeric("amount", String::length).categorical("country", in -> "de").build();
        try (ManagedModelRouter<String, String> profiled = ModelRouters
                .builder("profiled", ReleaseSpec.<String, String>builder(v1, in -> "v1").sampleInputs(List.of("probe")).build())
                .timeSource(clock).probeExecutor(Runnable::run).inputProfile(profile).build();
             ManagedModelRouter<String, String> bare = router(100, 0.01, 0)) {
            TriggerSpec ageNulls = TriggerSpec.builder("age-nulls").metric(new Metric.InputNullRate("age"))
                    .threshold(Threshold.Kind.ABOVE, 0.1).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine(profiled, ageNulls))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger 'age-nulls'")
                    .hasMessageContaining("input field 'age'").hasMessageContaining("profiles [amount, country]");
            TriggerSpec ageDrift = TriggerSpec.builder("age-drift")
                    .metric(new Metric.Drift("age", Metric.DriftStatistic.PSI)).threshold(Threshold.Kind.ABOVE, 0.25).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine(bare, ageDrift))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger 'age-drift'")
                    .hasMessageContaining("input field 'age'").hasMessageContaining("has no input profile");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine(profiled, TriggerSpec.builder("schema")
                            .metric(new Metric.SchemaViolationRate()).threshold(Threshold.Kind.ABOVE, 0.1).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger 'schema'")
                    .hasMessageContaining("declares no input schema");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine(profiled, TriggerSpec.builder("score-drift")
                            .metric(new Metric.Drift(Metric.Drift.SCORE, Metric.DriftStatistic.PSI))
                            .threshold(Threshold.Kind.ABOVE, 0.25).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger 'score-drift'")
                    .hasMessageContaining("extracts no score");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine(bare, TriggerSpec.builder("revenue")
                            .metric(new Metric.Kpi("revenue", false)).threshold(Threshold.Kind.DROP_BY, 0).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trigger 'revenue'")
                    .hasMessageContaining("dropBy of 0");
            // a field the profile has is accepted
            assertThat(engine(profiled, TriggerSpec.builder("amount-nulls").metric(new Metric.InputNullRate("amount"))
                    .threshold(Threshold.Kind.ABOVE, 0.1).build()).triggers()).hasSize(1);
        }
    }

    @Test
    void everyVerdictSaysWhatWasComparedTheThresholdAndWhyItIsThisLevel() {
        TriggerSpec errors = TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                .window(Duration.ofMinutes(1)).build();
        try (ManagedModelRouter<String, String> router = router(100, 0.0155, 5000)) {
            TriggerEngine engine = engine(router, errors, p95PlusThirtyPercentForFiveMinutes());
            Traffic.drive(router, engine, clock, random, 60, 200, 60, DEFAULT, null);
            Verdict healthy = engine.latest().stream().filter(v -> v.trigger().equals("error-rate")).findFirst().orElseThrow();
            assertThat(healthy.level()).isEqualTo(VerdictLevel.HEALTHY);
            assertThat(healthy.summary()).matches("error-rate on " + java.util.regex.Pattern.quote(v2.id().toString())
                    + ": HEALTHY: error rate of the candidate 1\\.[0-9]+ % is below the threshold 5 % \\(baseline 0?\\.?[0-9.]+ %\\)"
                    + " over the last 1 min");
            Verdict latency = engine.latest().stream().filter(v -> v.trigger().equals("p95-latency")).findFirst().orElseThrow();
            assertThat(latency.summary()).contains("HEALTHY: p95 latency of the candidate ")
                    .contains(" ms is not more than 30 % above the baseline ").contains("(limit ");
        }
        try (ManagedModelRouter<String, String> router = router(100, 0.30, 5000)) {
            TriggerEngine engine = engine(router, errors);
            Traffic.drive(router, engine, clock, random, 60, 200, 60, DEFAULT, null);
            Verdict breach = engine.history().stream().filter(v -> v.level() == VerdictLevel.SEVERE_BREACH).findFirst().orElseThrow();
            assertThat(breach.summary()).contains(": SEVERE_BREACH: error rate of the candidate ")
                    .contains("% is above the threshold 5 % (baseline ").contains("; severe: rolls back");
        }
        try (ManagedModelRouter<String, String> router = router(100, 0.01, 5000)) {
            TriggerEngine engine = engine(router, errors);
            Traffic.drive(router, engine, clock, random, 1, 10, 1, DEFAULT, null);
            Verdict inconclusive = engine.latest().get(0);
            assertThat(inconclusive.summary()).contains(": INCONCLUSIVE: error rate of the candidate against the threshold 5 %"
                    + " over the last 1 min: not enough requests to decide (");
        }
    }
}
