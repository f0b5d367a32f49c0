package io.github.rollback4j.core.runbook;

import io.github.rollback4j.Cause;
import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.runbook.Finding.Code;
import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.rollback4j.core.runbook.RunbookFixtures.clean;
import static io.github.rollback4j.core.runbook.RunbookFixtures.digest;
import static io.github.rollback4j.core.runbook.RunbookFixtures.model;
import static io.github.rollback4j.core.runbook.RunbookFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

/** Each self-check finding, made to happen; and a clean configuration with none. */
class SelfCheckTest {

    private final List<AutoCloseable> routers = new ArrayList<>();

    @AfterEach
    void closeRouters() throws Exception {
        for (AutoCloseable r : routers) {
            r.close();
        }
    }

    private ManagedModelRouter<String, String> canary() {
        ManagedModelRouter<String, String> router = RunbookFixtures.canary("fraud-scoring");
        routers.add(router);
        return router;
    }

    @Test
    void aCleanConfigurationHasNoFindings() {
        Runbook runbook = clean(canary()).build();

        assertThat(runbook.selfCheck()).isEmpty();
        assertThat(runbook.toMarkdown()).contains("## Self-check\n\nNo findings:");
    }

    @Test
    void missingOwnerChannelNotifiersTriggersAndVerificationAreReportedAtTheTopOfTheRunbook() {
        Runbook runbook = Runbook.builder(canary()).build();

        assertThat(runbook.selfCheck()).extracting(Finding::severity, Finding::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Finding.Severity.ERROR, Code.NO_OWNER),
                org.assertj.core.groups.Tuple.tuple(Finding.Severity.ERROR, Code.NO_CHANNEL),
                org.assertj.core.groups.Tuple.tuple(Finding.Severity.ERROR, Code.NO_TRIGGERS),
                org.assertj.core.groups.Tuple.tuple(Finding.Severity.ERROR, Code.NO_VERIFICATION),
                org.assertj.core.groups.Tuple.tuple(Finding.Severity.WARNING, Code.NO_NOTIFIERS));
        assertThat(runbook.selfCheck().get(0).message()).contains("owner(\"team-fraud\")");
        String md = runbook.toMarkdown();
        String top = RunbookTest.section(md, "## Self-check");
        assertThat(top).contains("5 findings: 4 errors, 1 warning.")
                .contains("| ERROR | NO_OWNER | No owner: name the team or person who answers for router 'fraud-scoring'")
                .contains("| WARNING | NO_NOTIFIERS | ");
        assertThat(md.indexOf("## Self-check")).isLessThan(md.indexOf("## Last-known-good"));
    }

    @Test
    void onlyOwnerMissing() {
        ModelRouter<?, ?> router = canary();
        Runbook runbook = Runbook.builder(router).triggers(clean(router).build().triggers())
                .verification(List.of(RunbookFixtures.lkgErrors())).channel("#c").notifiers(List.of("log")).build();

        assertThat(runbook.selfCheck()).extracting(Finding::code).containsExactly(Code.NO_OWNER);
    }

    @Test
    void onlyDryRunTriggersTakeNoAction() {
        TriggerSpec dry = TriggerSpec.builder("p95-dry").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.INCREASE, 0.3)
                .severity(Severity.DRY_RUN).build();
        ModelRouter<?, ?> router = canary();
        Runbook runbook = Runbook.builder(router).triggers(List.of(dry, RunbookFixtures.conversion()))
                .verification(List.of(RunbookFixtures.lkgErrors())).owner("o").channel("c").notifiers(List.of("log")).build();

        assertThat(runbook.selfCheck()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(Code.NO_AUTOMATIC_ACTION);
            assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(f.message()).contains("[conversion-drop, p95-dry]").contains("SEVERE");
        });
    }

    @Test
    void thresholdsTheMetricCanNeverCrossAreReported() {
        TriggerSpec burn = TriggerSpec.builder("burn-90").metric(new Metric.BurnRate(0.9,
                List.of(new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4)))).build();
        TriggerSpec errors = TriggerSpec.builder("errors-plus-100pp").metric(new Metric.ErrorRate())
                .threshold(Threshold.Kind.INCREASE_BY, 1).build();
        TriggerSpec ctr = TriggerSpec.builder("ctr-below-zero").metric(new Metric.Kpi("ctr", true))
                .threshold(Threshold.Kind.BELOW, 0).build();
        TriggerSpec js = TriggerSpec.builder("country-js").metric(new Metric.Drift("country", Metric.DriftStatistic.JENSEN_SHANNON))
                .threshold(Threshold.Kind.ABOVE, 1).build();
        TriggerSpec ctrDrop = TriggerSpec.builder("ctr-drop-by-100pp").metric(new Metric.Kpi("ctr", true))
                .threshold(Threshold.Kind.DROP_BY, 1).build();
        TriggerSpec okBurn = TriggerSpec.builder("burn-999").metric(new Metric.BurnRate(0.999,
                List.of(new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4)))).build();
        ModelRouter<?, ?> router = canary();
        Runbook runbook = clean(router).triggers(List.of(burn, errors, ctr, ctrDrop, js, okBurn))
                .verification(List.of(TriggerSpec.builder("lkg-score-js").metric(new Metric.Drift("score",
                        Metric.DriftStatistic.JENSEN_SHANNON)).threshold(Threshold.Kind.ABOVE, 1.5).build())).build();

        List<Finding> findings = runbook.selfCheck();

        assertThat(findings).extracting(Finding::code).containsOnly(Code.THRESHOLD_CANNOT_BREACH).hasSize(6);
        assertThat(findings).extracting(Finding::message).anySatisfy(m -> assertThat(m)
                        .startsWith("trigger 'burn-90' (error budget burn rate (SLO 90 %)) cannot breach on the window pair 1 h/5 min")
                        .contains("factor 14.4 is at or above 10,").contains("below 10"))
                .anySatisfy(m -> assertThat(m).startsWith("trigger 'errors-plus-100pp'").contains("set increaseBy below 1"))
                .anySatisfy(m -> assertThat(m).startsWith("trigger 'ctr-below-zero'").contains("never below 0"))
                .anySatisfy(m -> assertThat(m).startsWith("trigger 'country-js'").contains("Jensen-Shannon distance is at most 1"))
                .anySatisfy(m -> assertThat(m).startsWith("trigger 'ctr-drop-by-100pp'").contains("set dropBy below 1"))
                .anySatisfy(m -> assertThat(m).startsWith("verification check 'lkg-score-js'").contains("never be above 1.5"))
                .noneSatisfy(m -> assertThat(m).contains("burn-999"));
    }

    @Test
    void aColdLastKnownGoodIsAnError() {
        ManagedModelRouter<String, String> router = canary();
        ReleaseHealth cold = new ReleaseHealth(router.lastKnownGood().id(), ReleaseState.COLD, false, null, 0, null);
        Runbook runbook = clean(RunbookFixtures.withLkgHealth(router, cold)).build();

        assertThat(runbook.selfCheck()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(Code.LKG_COLD);
            assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(f.message()).contains(router.lastKnownGood().id().value()).contains("COLD").contains("warmUp(");
        });
        assertThat(runbook.toMarkdown()).contains("| ERROR | LKG_COLD | The last-known-good ");
    }

    @Test
    void anUnhealthyLastKnownGoodIsAnError() {
        AtomicBoolean sick = new AtomicBoolean();
        ManagedModelRouter<String, String> router = RunbookFixtures.router("sick-lkg", RunbookFixtures.v1(), sick)
                .release(spec(RunbookFixtures.v2(), model("v2", new AtomicBoolean()))).build();
        routers.add(router);
        sick.set(true);
        router.checkHealth();

        assertThat(clean(router).build().selfCheck()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(Code.LKG_UNHEALTHY);
            assertThat(f.message()).contains("UNHEALTHY").contains("v1 weights file truncated").contains("checkHealth()");
        });
        assertThat(clean(router).build().toMarkdown()).contains("| health | UNHEALTHY (not servable)");
    }

    @Test
    void aReleaseWithoutFeatureVersionsBesidePairedReleasesIsUnpaired() {
        Release bare = Release.of(ModelVersion.of("fraud-model", "3.0.0", digest(3)));
        ManagedModelRouter<String, String> router = RunbookFixtures.router("unpaired", RunbookFixtures.v1(), new AtomicBoolean())
                .release(spec(bare, model("v3", new AtomicBoolean()))).build();
        routers.add(router);

        assertThat(clean(router).build().selfCheck()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(Code.UNPAIRED_RELEASE);
            assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
            assertThat(f.message()).contains(bare.id().value()).contains("[categorical-encoder]").contains("compatibleWith");
        });
    }

    @Test
    void oneFeatureVersionWithTwoDigestsIsAConflict() {
        ModelVersion model = ModelVersion.builder("fraud-model").version("2.1.0").digest(digest(4))
                .compatibleWith("categorical-encoder", "v4").build();
        Release rebuiltEncoder = Release.builder(model).feature(FeatureVersion.of("categorical-encoder", "v4", digest(999))).build();
        ManagedModelRouter<String, String> router = RunbookFixtures.router("conflict", RunbookFixtures.v1(), new AtomicBoolean())
                .release(spec(rebuiltEncoder, model("v4", new AtomicBoolean()))).build();
        routers.add(router);

        assertThat(clean(router).build().selfCheck()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(Code.VERSION_DIGEST_CONFLICT);
            assertThat(f.severity()).isEqualTo(Finding.Severity.ERROR);
            assertThat(f.message()).contains("feature categorical-encoder:v4").contains(digest(101)).contains(digest(999))
                    .contains(rebuiltEncoder.id().value()).contains(RunbookFixtures.v1().id().value());
        });
    }

    @Test
    void verificationChecksMustBeAbsolute() {
        TriggerSpec relative = TriggerSpec.builder("lkg-p95-vs-baseline").metric(new Metric.Latency(0.95))
                .threshold(Threshold.Kind.INCREASE, 0.1).build();
        Runbook runbook = clean(canary()).verification(List.of(relative)).build();

        assertThat(runbook.selfCheck()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo(Code.VERIFICATION_NOT_ABSOLUTE);
            assertThat(f.message()).contains("'lkg-p95-vs-baseline' uses increase").contains("above or below");
        });
    }

    @Test
    void theSelfCheckReadsTheRouterAtEachCall() {
        ManagedModelRouter<String, String> router = canary();
        Runbook runbook = clean(router).build();
        Release v1 = RunbookFixtures.v1();

        router.rollbackToLastKnownGood(Cause.operator("ana", "drill"));

        assertThat(runbook.selfCheck()).isEmpty();
        assertThat(RunbookTest.section(runbook.toMarkdown(), "### Weights per segment"))
                .contains("| default | `" + v1.name() + "` (`" + v1.id() + "`) | LKG | 100.00 % | 100.00 % |")
                .contains("| eu-west | `" + v1.name() + "` (`" + v1.id() + "`) | LKG | 100.00 % | 100.00 % |");
        assertThat(router.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10_000));
    }
}
