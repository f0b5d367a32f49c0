package io.github.rollback4j.core.runbook;

import io.github.rollback4j.Release;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.incident.LogNotifier;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static io.github.rollback4j.core.runbook.RunbookFixtures.clean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Markdown of a runbook: sections, one row per trigger and check, exact renderings. */
class RunbookTest {

    private ManagedModelRouter<String, String> router;
    private Release v1;
    private Release v2;

    @BeforeEach
    void setUp() {
        router = RunbookFixtures.canary("fraud-scoring");
        v1 = RunbookFixtures.v1();
        v2 = RunbookFixtures.v2();
    }

    @AfterEach
    void tearDown() {
        router.close();
    }

    @Test
    void sectionsComeInOrderWithTheSelfCheckFirst() {
        String md = clean(router).build().toMarkdown();

        assertThat(md).startsWith("# Runbook: router `fraud-scoring`\n\nRendered by rollback4j from the live configuration"
                + " (routing table generation 3).\n\n## Self-check\n\nNo findings:");
        assertThat(md.lines().filter(l -> l.startsWith("## ") || l.startsWith("### ")))
                .containsExactly("## Self-check", "## Last-known-good", "## Candidates", "### Weights per segment",
                        "## Triggers", "## Verification after a rollback", "## Owner and communication",
                        "## Roll back by hand", "### Java", "### Actuator");
    }

    @Test
    void triggerTableHasOneRowPerTriggerSortedByNameWithThresholdsUnitsAndActions() {
        String md = clean(router).build().toMarkdown();

        assertThat(section(md, "## Triggers").lines().filter(l -> l.startsWith("| ")).skip(2))
                .containsExactly(
                        "| conversion-drop | kpi conversion (proportion) | < 0.98 × LKG (−2 %) | 30 min | 0 s | 1000 observations"
                                + " | α 0.05 (sequential) | DRY_RUN | all traffic | report only (dry run) |",
                        "| error-budget | error budget burn rate (SLO 99.9 %) | > 14.4× budget over 1 h and 5 min; or > 6× budget"
                                + " over 6 h and 30 min | 1 min | 0 s | 100 requests (short window) | — | SEVERE | per segment,"
                                + " global | automatic rollback of every segment to the LKG |",
                        "| error-rate | error rate | > 5 % | 2 min | 3 min | 200 requests | — | MILD | all traffic | pause the"
                                + " rollout, wait for an operator's approval |",
                        "| p95-latency | latency p95 | > 1.3 × LKG (+30 %) | 1 min | 5 min | 100 tail samples | — | SEVERE"
                                + " | per segment | automatic rollback of the breached segment to the LKG |");
    }

    @Test
    void everyThresholdKindRendersWithItsUnit() {
        assertThat(Formats.threshold(spec(new Metric.Latency(0.99), Threshold.Kind.ABOVE, 250))).isEqualTo("> 250 ms");
        assertThat(Formats.threshold(spec(new Metric.Latency(0.5), Threshold.Kind.INCREASE_BY, 20))).isEqualTo("> LKG + 20 ms");
        assertThat(Formats.threshold(spec(new Metric.TimeoutRate(), Threshold.Kind.INCREASE_BY, 0.01))).isEqualTo("> LKG + 1 pp");
        assertThat(Formats.threshold(spec(new Metric.ErrorRate(), Threshold.Kind.INCREASE, 0.5))).isEqualTo("> 1.5 × LKG (+50 %)");
        assertThat(Formats.threshold(spec(new Metric.Kpi("ctr", true), Threshold.Kind.BELOW, 0.02))).isEqualTo("< 2 %");
        assertThat(Formats.threshold(spec(new Metric.Kpi("revenue", false), Threshold.Kind.DROP_BY, 0.5))).isEqualTo("< LKG − 0.5");
        assertThat(Formats.threshold(spec(new Metric.InputNullRate("country"), Threshold.Kind.ABOVE, 0.001))).isEqualTo("> 0.1 %");
        assertThat(Formats.threshold(spec(new Metric.Drift("score", Metric.DriftStatistic.PSI), Threshold.Kind.ABOVE, 0.2)))
                .isEqualTo("> 0.2");
        assertThat(Formats.metric(new Metric.Drift("score", Metric.DriftStatistic.WASSERSTEIN))).isEqualTo("drift of score (Wasserstein / sd)");
        assertThat(Formats.metric(new Metric.Latency(0.999))).isEqualTo("latency p99.9");
        assertThat(Formats.duration(Duration.ofSeconds(5_430))).isEqualTo("1 h 30 min 30 s");
        assertThat(Formats.duration(Duration.ofMillis(1_500))).isEqualTo("1 s 500 ms");
    }

    @Test
    void verificationTableHasOneRowPerCheckAndTheDeadline() {
        String md = clean(router).verification(List.of(RunbookFixtures.lkgP99(), RunbookFixtures.lkgErrors()),
                Duration.ofMinutes(15)).build().toMarkdown();

        String section = section(md, "## Verification after a rollback");
        assertThat(section).contains("Within 15 min of a rollback every check must hold on the LKG; otherwise the incident"
                + " escalates (\"rollback did not restore the SLOs\").");
        assertThat(section.lines().filter(l -> l.startsWith("| ")).skip(2)).containsExactly(
                "| lkg-errors | error rate | > 1 % | 5 min | 0 s | 100 requests |",
                "| lkg-p99 | latency p99 | > 250 ms | 5 min | 1 min 30 s | 20 tail samples |");
    }

    @Test
    void lastKnownGoodShowsDigestsFeaturesConfigAndHealth() {
        String section = section(clean(router).build().toMarkdown(), "## Last-known-good");

        assertThat(section).contains("| release | `" + v1.name() + "` (`" + v1.id() + "`) |")
                .contains("| model | `fraud-model:1.3.2` `" + RunbookFixtures.digest(1) + "` |")
                .contains("| features | `categorical-encoder:v4` `" + RunbookFixtures.digest(101) + "` |")
                .contains("| config | `cfg-7` `" + RunbookFixtures.digest(201) + "` |")
                .contains("| feature flags | none |")
                .contains("| health | READY (servable), last probe 2030-01-01T00:00:00Z |");
    }

    @Test
    void candidatesShowTheirWeightsPerSegmentBesideTheLkg() {
        String md = clean(router).build().toMarkdown();

        assertThat(section(md, "## Candidates")).contains("| `" + v2.name() + "` (`" + v2.id() + "`) | `fraud-model:2.0.0` | `categorical-encoder:v5` `"
                + RunbookFixtures.digest(102) + "` | none | READY (servable), last probe 2030-01-01T00:00:00Z |");
        assertThat(section(md, "### Weights per segment").lines().filter(l -> l.startsWith("| ")).skip(2)).containsExactly(
                "| default | `" + v1.name() + "` (`" + v1.id() + "`) | LKG | 95.00 % | 95.00 % |",
                "| default | `" + v2.name() + "` (`" + v2.id() + "`) | candidate | 5.00 % | 5.00 % |",
                "| eu-west | `" + v1.name() + "` (`" + v1.id() + "`) | LKG | 80.00 % | 80.00 % |",
                "| eu-west | `" + v2.name() + "` (`" + v2.id() + "`) | candidate | 20.00 % | 20.00 % |");
    }

    @Test
    void manualRollbackShowsTheJavaCallsAndEveryActuatorOperationUnderTheBasePath() {
        String md = clean(router).actuatorBasePath("/manage/rollouts/").build().toMarkdown();

        assertThat(section(md, "### Java")).contains("router.rollbackToLastKnownGood(Cause.operator(\"<operator-id>\", \"<why>\"));")
                .contains("router.rollbackSegment(Segment.of(\"<segment>\"), Cause.operator(\"<operator-id>\", \"<why>\"));");
        String actuator = section(md, "### Actuator");
        assertThat(actuator).contains("write operations enabled");
        assertThat(actuator.lines().filter(l -> l.startsWith("| ")).skip(2).map(l -> l.substring(l.lastIndexOf("| `"))))
                .containsExactly("| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/promote` |",
                        "| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/approve` |",
                        "| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/pause` |",
                        "| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/resume` |",
                        "| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/rollback` |",
                        "| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/flip` |",
                        "| `curl -X POST http://<host>/manage/rollouts/fraud-scoring/override-quarantine` |");
    }

    @Test
    void ownerChannelAndSortedNotifiersAreListed() {
        assertThat(section(clean(router).build().toMarkdown(), "## Owner and communication"))
                .contains("- Owner: team-fraud\n- Channel: #fraud-oncall\n- Notifiers: chat, log, webhook\n");
    }

    @Test
    void renderingIsTheSameInEveryLocaleAndOnEveryCall() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.ROOT);
            String root = clean(router).build().toMarkdown();
            Locale.setDefault(Locale.GERMANY);
            Runbook runbook = clean(router).build();
            assertThat(runbook.toMarkdown()).isEqualTo(root).isEqualTo(runbook.toMarkdown()).contains("> 5 %").contains("95.00 %");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void theEnginesTriggersAreRendered() {
        TriggerEngine engine = TriggerEngine.builder(router).triggers(List.of(RunbookFixtures.p95(), RunbookFixtures.errors())).build();
        Runbook runbook = Runbook.builder(router).engine(engine).build();

        assertThat(runbook.triggers()).isEqualTo(engine.triggers());
        assertThat(section(runbook.toMarkdown(), "## Triggers")).contains("| p95-latency |").contains("| error-rate |");
    }

    @Test
    void theIncidentManagersOwnerChannelNotifiersAndVerificationAreRendered() {
        try (Incidents incidents = Incidents.builder(router).owner("team-fraud").channel("#fraud-oncall")
                .notifier(new LogNotifier()).notifier(notice -> { })
                .verify(RunbookFixtures.lkgErrors()).verificationTimeout(Duration.ofMinutes(7)).build()) {
            Runbook runbook = Runbook.builder(router).incidents(incidents).build();

            assertThat(runbook.owner()).contains("team-fraud");
            assertThat(runbook.channel()).contains("#fraud-oncall");
            assertThat(runbook.verificationChecks()).extracting(TriggerSpec::name).containsExactly("lkg-errors");
            assertThat(runbook.verificationWithin()).isEqualTo(Duration.ofMinutes(7));
            String md = runbook.toMarkdown();
            assertThat(section(md, "## Owner and communication"))
                    .contains("- Owner: team-fraud\n- Channel: #fraud-oncall\n- Notifiers: LogNotifier, custom notifier\n");
            assertThat(section(md, "## Verification after a rollback")).contains("Within 7 min of a rollback")
                    .contains("| lkg-errors | error rate | > 1 % |");
        }
    }

    @Test
    void anIncidentManagerWithoutOwnerOrChannelLeavesThemToTheSelfCheck() {
        try (Incidents incidents = Incidents.builder(router).notifier(new LogNotifier()).verify(RunbookFixtures.lkgErrors()).build()) {
            assertThat(incidents.owner()).isEmpty();
            assertThat(incidents.channel()).isEmpty();
            Runbook runbook = Runbook.builder(router).incidents(incidents).build();

            assertThat(runbook.owner()).isEmpty();
            assertThat(runbook.selfCheck()).extracting(Finding::code).contains(Finding.Code.NO_OWNER, Finding.Code.NO_CHANNEL);
        }
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndTheValue() {
        Runbook.Builder builder = Runbook.builder(router);
        assertThatThrownBy(() -> builder.owner(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Runbook.owner must not be blank, but was ' '");
        assertThatThrownBy(() -> builder.verification(List.of(), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("within must be between 1s and 24h, but was PT0S");
        assertThatThrownBy(() -> builder.actuatorBasePath("actuator rollouts")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actuatorBasePath").hasMessageContaining("'actuator rollouts'");
        assertThatThrownBy(() -> builder.triggers(List.of(RunbookFixtures.p95(), RunbookFixtures.p95())).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'p95-latency' is used twice");
    }

    private static TriggerSpec spec(Metric metric, Threshold.Kind kind, double value) {
        return TriggerSpec.builder("t").metric(metric).threshold(kind, value).build();
    }

    /** The text from a heading to the next heading of the same or a higher level. */
    static String section(String md, String heading) {
        int start = md.indexOf(heading + "\n");
        assertThat(start).as("heading " + heading).isNotNegative();
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = md.length();
        for (String stop : level.equals("### ") ? List.of("\n### ", "\n## ") : List.of("\n## ")) {
            int at = md.indexOf(stop, start + heading.length());
            if (at >= 0) {
                end = Math.min(end, at);
            }
        }
        return md.substring(start, end);
    }
}
