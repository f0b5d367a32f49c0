package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.PropertyFailures;
import io.github.rollback4j.core.strategy.BlueGreenRollout;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.CanaryStep;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import io.github.rollback4j.trigger.TriggerSpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rollback4j.configs.<name>} shared by several routers through {@code base-config}. */
class NamedConfigsTest {

    private static final String CONFIG = "rollback4j.configs.guarded-canary.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class);

    /** A router with releases v1 (LKG) and v2 of the test models, and nothing else. */
    private static List<String> router(String name) {
        String p = "rollback4j.routers." + name + ".";
        return List.of(
                p + "sample-inputs-bean=scorerSamples",
                p + "releases[0].name=v1", p + "releases[0].model-bean=scorerV1", p + "releases[0].version=1.0.0",
                p + "releases[0].digest=" + TestModels.V1_DIGEST, p + "releases[0].lkg=true",
                p + "releases[1].name=v2", p + "releases[1].model-bean=scorerV2", p + "releases[1].version=2.0.0",
                p + "releases[1].digest=" + TestModels.V2_DIGEST);
    }

    /** Two routers on one config: a canary plan, a trigger, an incident owner and channel, evaluation and trigger settings. */
    private static String[] twoRoutersOnOneConfig(String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "rollback4j.defaults.warm-up-calls=2",
                "rollback4j.defaults.evaluation-interval=50ms",
                "rollback4j.defaults.trigger-min-samples=20",
                "rollback4j.defaults.trigger-window=10s",
                CONFIG + "evaluation-interval=200ms",
                CONFIG + "trigger-window=30s",
                CONFIG + "strategy.type=canary",
                CONFIG + "strategy.canary.steps[0].weight=5", CONFIG + "strategy.canary.steps[0].bake=1h",
                CONFIG + "strategy.canary.steps[1].weight=100", CONFIG + "strategy.canary.steps[1].bake=1h",
                CONFIG + "strategy.canary.progress-deadline=6h",
                CONFIG + "triggers[0].name=error-rate", CONFIG + "triggers[0].metric=error_rate", CONFIG + "triggers[0].above=5%",
                CONFIG + "incident.owner=team-fraud",
                CONFIG + "incident.channel=#fraud-oncall",
                "rollback4j.routers.scorer.base-config=guarded-canary",
                "rollback4j.routers.ranker.base-config=guarded-canary",
                // ranker's own settings win over the config's
                "rollback4j.routers.ranker.evaluation-interval=1s",
                "rollback4j.routers.ranker.strategy.candidate=v2",
                "rollback4j.routers.ranker.incident.owner=team-ranking",
                "rollback4j.routers.ranker.triggers[0].name=p95-latency", "rollback4j.routers.ranker.triggers[0].metric=latency",
                "rollback4j.routers.ranker.triggers[0].increase=30%"));
        all.addAll(router("scorer"));
        all.addAll(router("ranker"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void routersShareTheConfigsStrategyTriggersAndIncidentAndTheirOwnSettingsWin() {
        runner.withPropertyValues(twoRoutersOnOneConfig()).run(context -> {
            assertThat(context).hasNotFailed();
            RollbackRouters routers = context.getBean(RollbackRouters.class);
            for (String name : List.of("scorer", "ranker")) {
                RollbackRouters.Entry entry = routers.entry(name);
                assertThat(entry.strategy()).as(name).isEqualTo("canary");
                CanaryRollout canary = (CanaryRollout) entry.rollout();
                assertThat(canary.candidate()).isEqualTo(entry.release("v2"));
                assertThat(canary.plan().steps()).extracting(CanaryStep::weightBasisPoints).containsExactly(500, 10_000);
                assertThat(canary.plan().progressDeadline()).isEqualTo(Duration.ofHours(6));
                assertThat(entry.incidents().channel()).contains("#fraud-oncall");
            }
            RollbackRouters.Entry scorer = routers.entry("scorer");
            RollbackRouters.Entry ranker = routers.entry("ranker");

            // scorer sets nothing: the config wins over rollback4j.defaults, the defaults fill what neither sets.
            assertThat(scorer.tickInterval()).isEqualTo(Duration.ofMillis(200));
            assertThat(scorer.engine().triggers()).extracting(TriggerSpec::name).containsExactly("error-rate");
            TriggerSpec errors = scorer.engine().triggers().get(0);
            assertThat(errors.window()).as("config's trigger-window").isEqualTo(Duration.ofSeconds(30));
            assertThat(errors.minSamples()).as("defaults' trigger-min-samples").isEqualTo(20);
            assertThat(scorer.incidents().owner()).contains("team-fraud");

            // ranker's own values win; its trigger list replaces the config's whole.
            assertThat(ranker.tickInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(ranker.engine().triggers()).extracting(TriggerSpec::name).containsExactly("p95-latency");
            assertThat(ranker.engine().triggers().get(0).window()).isEqualTo(Duration.ofSeconds(30));
            assertThat(ranker.incidents().owner()).contains("team-ranking");
        });
    }

    @Test
    void aRouterSettingPartOfTheStrategyKeepsTheRestFromTheConfig() {
        runner.withPropertyValues(twoRoutersOnOneConfig(
                        "rollback4j.routers.ranker.strategy.type=blue-green",
                        CONFIG + "strategy.blue-green.bake=15m",
                        "rollback4j.routers.scorer.strategy.canary.progress-deadline=3h"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    RollbackRouters routers = context.getBean(RollbackRouters.class);
                    assertThat(routers.entry("ranker").rollout()).isInstanceOf(BlueGreenRollout.class);
                    CanaryRollout scorer = (CanaryRollout) routers.entry("scorer").rollout();
                    assertThat(scorer.plan().progressDeadline()).isEqualTo(Duration.ofHours(3));
                    assertThat(scorer.plan().steps()).hasSize(2);   // steps still the config's
                });
    }

    @Test
    void anUnknownBaseConfigIsRefusedNamingThePropertyTheValueAndTheKnownConfigs() {
        FailureAnalysis a = failure(twoRoutersOnOneConfig("rollback4j.routers.ranker.base-config=guarded-canery",
                "rollback4j.configs.blue-green.strategy.type=blue-green"));
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.ranker.base-config")
                .contains("Value:    \"guarded-canery\"").contains("names no config of rollback4j.configs");
        assertThat(a.getAction()).contains("[guarded-canary, blue-green]");

        List<String> noConfigs = new ArrayList<>(router("scorer"));
        noConfigs.add("rollback4j.routers.scorer.base-config=shared");
        FailureAnalysis none = failure(noConfigs.toArray(String[]::new));
        assertThat(none.getDescription()).contains("Property: rollback4j.routers.scorer.base-config").contains("\"shared\"")
                .contains("rollback4j.configs defines none");
        assertThat(none.getAction()).contains("rollback4j.configs.shared.");
    }

    @Test
    void aBadValueInTheConfigIsReportedWhereItWasWrittenNamingTheRouter() {
        FailureAnalysis weight = failure(twoRoutersOnOneConfig(CONFIG + "strategy.canary.steps[0].weight=150"));
        assertThat(weight.getDescription()).contains("Property: rollback4j.configs.guarded-canary.strategy.canary.steps[0].weight")
                .contains("\"150.0\"");
        assertThat(weight.getDescription()).containsPattern("router '(scorer|ranker)' inherits it through rollback4j\\.routers\\.\\1\\.base-config: guarded-canary");
        assertThat(weight.getAction()).contains("Update rollback4j.configs.guarded-canary.strategy.canary.steps[0].weight");

        FailureAnalysis threshold = failure(twoRoutersOnOneConfig(CONFIG + "triggers[0].above=five percent"));
        assertThat(threshold.getDescription()).contains("Property: rollback4j.configs.guarded-canary.triggers[0].above")
                .contains("is not a number");

        FailureAnalysis interval = failure(twoRoutersOnOneConfig(CONFIG + "evaluation-interval=0s"));
        assertThat(interval.getDescription()).contains("Property: rollback4j.configs.guarded-canary.evaluation-interval");

        // The router's own bad value stays at the router's path, and ranker's own trigger list is its own.
        FailureAnalysis own = failure(twoRoutersOnOneConfig("rollback4j.routers.ranker.triggers[0].increase=lots"));
        assertThat(own.getDescription()).contains("Property: rollback4j.routers.ranker.triggers[0].increase")
                .doesNotContain("inherits it");

        // Neither sets it: the default's path, as without a config.
        FailureAnalysis defaults = failure(twoRoutersOnOneConfig("rollback4j.defaults.health-check-interval=1ms"));
        assertThat(defaults.getDescription()).contains("Property: rollback4j.defaults.health-check-interval");
    }

    private FailureAnalysis failure(String... properties) {
        return PropertyFailures.analyze(runner, properties);
    }
}
