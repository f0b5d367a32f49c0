package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.PropertyFailures;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class RollbackPropertyFailureAnalyzerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class);

    /** Starts the context with the scorer router and the overrides, and analyzes its startup failure. */
    private FailureAnalysis failure(String... overrides) {
        return PropertyFailures.analyze(runner, TestModels.scorer(overrides));
    }

    @Test
    void anUnknownModelBeanNamesThePropertyTheValueAndTheModelBeans() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.releases[1].model-bean=scorerV3");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.releases[1].model-bean")
                .contains("Value:    \"scorerV3\"").contains("names no bean");
        assertThat(a.getAction()).contains("io.github.rollback4j.Model").contains("scorerV1").contains("scorerV2");
    }

    @Test
    void twoLastKnownGoodsAreRefused() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.releases[1].lkg=true");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.releases[1].lkg").contains("\"true\"")
                .contains("releases[0] (v1) already has lkg: true");
        assertThat(a.getAction()).contains("exactly one release");
    }

    @Test
    void aCanaryWeightOutsideZeroToHundredPercentIsRefused() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.strategy.canary.steps[0].weight=150");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.strategy.canary.steps[0].weight")
                .contains("\"150.0\"").contains("outside (0, 100] %");
        assertThat(a.getAction()).contains("from 0.01 to 100");
        FailureAnalysis zero = failure("rollback4j.routers.scorer.strategy.canary.steps[0].weight=0");
        assertThat(zero.getDescription()).contains("steps[0].weight").contains("\"0.0\"");
    }

    @Test
    void aThresholdThatIsNotANumberIsRefusedWithTheTriggerPath() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.triggers[0].above=five percent");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.triggers[0].above")
                .contains("\"five percent\"").contains("is not a number");
        assertThat(a.getAction()).contains("as a number or percentage");
    }

    @Test
    void aThresholdOutOfRangeIsRefused() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.triggers[0].above=150%");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.triggers[0].above").contains("\"150%\"")
                .contains("between 0 and 1");
    }

    @Test
    void anUnknownMetricIsRefusedWithTheAllowedMetrics() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.triggers[0].metric=latencyy");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.triggers[0].metric")
                .contains("\"latencyy\"").contains("[latency, error_rate");
    }

    @Test
    void camelCaseLoaderFieldsAreReportedInKebabCase() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.triggers[0].min-samples=-3");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.triggers[0].min-samples").contains("\"-3\"")
                .contains("between 1 and");
    }

    @Test
    void aBadDigestAndAMissingSampleBeanAreRefused() {
        FailureAnalysis digest = failure("rollback4j.routers.scorer.releases[1].digest=latest");
        assertThat(digest.getDescription()).contains("releases[1].digest").contains("\"latest\"");
        FailureAnalysis samples = failure("rollback4j.routers.scorer.sample-inputs-bean=");
        assertThat(samples.getDescription()).contains("rollback4j.routers.scorer.sample-inputs-bean").contains("(not set)");
    }

    @Test
    void aWebhookUrlThatIsNotHttpIsRefusedWithoutShowingItsSecretPath() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.incident.notifiers.webhook.url=ftp://hooks.example.org/x/SECRET");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.incident.notifiers.webhook.url")
                .contains("\"ftp://hooks.example.org/****\"").contains("not an http or https URL").doesNotContain("SECRET");
        assertThat(a.getAction()).contains("https://");

        FailureAnalysis broken = failure("rollback4j.routers.scorer.incident.notifiers.slack.url=https://ops:hunter2@hooks example/T0");
        assertThat(broken.getDescription()).contains("Property: rollback4j.routers.scorer.incident.notifiers.slack.url")
                .contains("is not a URL").doesNotContain("hunter2").doesNotContain("T0");
        assertThat(broken.getCause()).hasMessageNotContaining("hunter2");
    }

    @Test
    void aRelativeVerificationCheckIsRefusedAtItsThreshold() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.incident.verification.checks[0].name=lkg-p95",
                "rollback4j.routers.scorer.incident.verification.checks[0].metric=latency",
                "rollback4j.routers.scorer.incident.verification.checks[0].increase=30%");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.incident.verification.checks[0].increase")
                .contains("\"30%\"").contains("must be absolute");
        assertThat(a.getAction()).contains("above or below");
        // The loader's own checks name the path of the check too.
        FailureAnalysis metric = failure("rollback4j.defaults.incident.verification.checks[0].name=lkg",
                "rollback4j.defaults.incident.verification.checks[0].metric=errors",
                "rollback4j.defaults.incident.verification.checks[0].above=1%");
        assertThat(metric.getDescription()).contains("Property: rollback4j.defaults.incident.verification.checks[0].metric")
                .contains("\"errors\"");
    }

    @Test
    void incidentNumbersAndDurationsOutOfRangeNameTheLevelTheyCameFrom() {
        FailureAnalysis samples = failure("rollback4j.routers.scorer.incident.samples.before=-1");
        assertThat(samples.getDescription()).contains("Property: rollback4j.routers.scorer.incident.samples.before")
                .contains("\"-1\"").contains("out of range");
        assertThat(samples.getAction()).contains("from 0 to 10000");
        FailureAnalysis within = failure("rollback4j.defaults.incident.verification.within=0s");
        assertThat(within.getDescription()).contains("Property: rollback4j.defaults.incident.verification.within");
        assertThat(within.getAction()).contains("from 1s to 24h");
        FailureAnalysis window = failure("rollback4j.routers.scorer.incident.verification.within=1m",
                "rollback4j.routers.scorer.incident.verification.checks[0].name=lkg-errors",
                "rollback4j.routers.scorer.incident.verification.checks[0].metric=error_rate",
                "rollback4j.routers.scorer.incident.verification.checks[0].above=1%",
                "rollback4j.routers.scorer.incident.verification.checks[0].window=5m");
        assertThat(window.getDescription()).contains("Property: rollback4j.routers.scorer.incident.verification.checks[0].window")
                .contains("does not fit in rollback4j.routers.scorer.incident.verification.within");
    }

    @Test
    void theAnalyzerIsRegisteredUnderBootsFailureAnalyzerKey() throws java.io.IOException {
        boolean registered = false;
        var resources = getClass().getClassLoader().getResources("META-INF/spring.factories");
        while (resources.hasMoreElements()) {
            java.util.Properties factories = new java.util.Properties();
            try (var in = resources.nextElement().openStream()) {
                factories.load(in);
            }
            String analyzers = factories.getProperty(FailureAnalyzer.class.getName(), "");
            registered |= java.util.Arrays.stream(analyzers.split(",")).map(String::trim)
                    .anyMatch(RollbackPropertyFailureAnalyzer.class.getName()::equals);
        }
        assertThat(registered).isTrue();
    }
}
