package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.PropertyFailures;
import io.github.rollback4j.spring.RollbackProperties;
import io.github.rollback4j.spring.RollbackPropertyException;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Misspelt keys under rollback4j.* fail startup with the key, where it was written and the closest known key. */
class UnknownPropertiesCheckTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class);

    private FailureAnalysis failure(String... overrides) {
        return PropertyFailures.analyze(runner, TestModels.scorer(overrides));
    }

    @Test
    void aMisspeltSeverityFailsStartupNamingTheKeyAndTheClosestKnownOne() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.triggers[0].severty=dry_run");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.triggers[0].severty")
                .contains("Value:    \"dry_run\"").contains("is not a known property of rollback4j.routers.scorer.triggers[0]");
        assertThat(a.getAction()).contains("Did you mean rollback4j.routers.scorer.triggers[0].severity?")
                .contains("min-samples").contains("per-segment");
    }

    @Test
    void aMisspeltSustainFailsStartupToo() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.triggers[0].sustian=5m");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.triggers[0].sustian");
        assertThat(a.getAction()).contains("Did you mean rollback4j.routers.scorer.triggers[0].sustain?");
    }

    @Test
    void misspellingsAreFoundAtEveryLevelWithTheOthersListed() {
        FailureAnalysis top = failure("rollback4j.defualts.evaluation-interval=1s", "rollback4j.scheduler-thread=3",
                "rollback4j.routers.scorer.incident.notifiers.webhok.url=https://hooks.example.org/T0/SECRET");
        assertThat(top.getDescription()).contains("Property: rollback4j.defualts\n")
                .contains("\"rollback4j.defualts.evaluation-interval\" from property source")
                .contains("also unknown: rollback4j.scheduler-thread, rollback4j.routers.scorer.incident.notifiers.webhok")
                .doesNotContain("SECRET");
        assertThat(top.getAction()).contains("Did you mean rollback4j.defaults?");

        FailureAnalysis release = failure("rollback4j.routers.scorer.releases[1].model-been=scorerV2");
        assertThat(release.getAction()).contains("Did you mean rollback4j.routers.scorer.releases[1].model-bean?");

        FailureAnalysis step = failure("rollback4j.routers.scorer.strategy.canary.steps[0].wieght=10");
        assertThat(step.getAction()).contains("rollback4j.routers.scorer.strategy.canary.steps[0].weight?");
    }

    @Test
    void aMisspeltSecretValueIsShownMasked() {
        FailureAnalysis a = failure("rollback4j.routers.scorer.incident.notifiers.slack.ur=https://hooks.slack.com/services/T0/B0/SECRET");
        assertThat(a.getDescription()).contains("Property: rollback4j.routers.scorer.incident.notifiers.slack.ur")
                .contains("\"https://hooks.slack.com/****\"").doesNotContain("SECRET");
        assertThat(a.getAction()).contains("Did you mean rollback4j.routers.scorer.incident.notifiers.slack.url?");
    }

    @Test
    void keysBelowAValueOrAListWithoutAnIndexAreRefused() {
        FailureAnalysis value = failure("rollback4j.scheduler-threads.max=3");
        assertThat(value.getDescription()).contains("Property: rollback4j.scheduler-threads.max")
                .contains("rollback4j.scheduler-threads is a value");
        FailureAnalysis list = failure("rollback4j.routers.scorer.triggers.name=x");
        assertThat(list.getDescription()).contains("Property: rollback4j.routers.scorer.triggers.name")
                .contains("rollback4j.routers.scorer.triggers is a list");
        assertThat(list.getAction()).contains("rollback4j.routers.scorer.triggers[0]");
    }

    @Test
    void relaxedNamesMapKeysAndEnvironmentVariablesAreAccepted() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("rollback4j.routers.scorer.releases[0].modelBean", "scorerV1");
        properties.put("rollback4j.routers.scorer.releases[1].feature_flags[0]", "new-ranking");
        properties.put("rollback4j.routers.scorer.releases[1].compatible-with.encoder[0]", "v5");
        properties.put("rollback4j.routers.scorer.segments.eu-west.weights.v1", "100");
        properties.put("rollback4j.routers.scorer.segments[eu.central].weights.v1", "100");
        properties.put("rollback4j.routers.scorer.strategy.canary.segments.eu-west.steps[0].weight", "100");
        properties.put("rollback4j.routers.scorer.triggers[0].windows[0].long-window", "1h");
        properties.put("rollback4j.defaults.incident.verification.checks[0].name", "lkg-errors");
        properties.put("ROLLBACK4J_ACTUATOR_WRITE_ENABLED", "true"); // a property name in environment-variable form
        assertThatCode(() -> check(properties, Map.of("ROLLBACK4J_SCHEDULER_THREADS", "3", "ROLLBACK4J_DEFAULTS_TRIGGERMINSAMPLES", "50",
                "ROLLBACK4J_ROUTERS_SCORER_RELEASES_0_MODEL_BEAN", "scorerV1"))).doesNotThrowAnyException();

        RollbackPropertyException variable = catchThrowableOfType(RollbackPropertyException.class,
                () -> check(Map.of(), Map.of("ROLLBACK4J_SCHEDULER_THREADZ", "3")));
        assertThat(variable.property()).isEqualTo("rollback4j.scheduler");
        assertThat(variable.fix()).contains("Did you mean rollback4j.scheduler-threads?");

        runner.withPropertyValues(TestModels.scorer("rollback4j.routers.scorer.releases[0].modelBean=scorerV1",
                "rollback4j.defaults.warm_up_calls=2", "rollback4j.defaults.evaluationInterval=50ms"))
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void everyDocumentedPropertyIsKnown() throws Exception {
        List<String> names = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            for (JsonNode p : JsonMapper.shared().readTree(in).get("properties")) {
                names.add(p.get("name").asString());
            }
        }
        Map<String, Object> all = new LinkedHashMap<>();
        names.stream().filter(n -> n.startsWith("rollback4j.")).forEach(n -> all.put(n, "x"));
        assertThat(all).as("rollback4j.* in %s", names).hasSizeGreaterThan(30);
        assertThatCode(() -> check(all, Map.of())).doesNotThrowAnyException();
    }

    /**
     * A properties class the check has never seen, bound at {@code demo}: its keys are read off it, with no list to
     * maintain. (Not annotated, so the configuration processor writes no metadata for the tests.)
     */
    public static class DemoProperties {
        private Duration timeout;
        private Map<String, Item> items = new LinkedHashMap<>();
        private List<Item> list = new ArrayList<>();
        private Map<String, Double> weights = new LinkedHashMap<>();
        private Item nested = new Item();
        private List<Window> windows = new ArrayList<>();

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Map<String, Item> getItems() {
            return items;
        }

        public List<Item> getList() {
            return list;
        }

        public Map<String, Double> getWeights() {
            return weights;
        }

        public Item getNested() {
            return nested;
        }

        public List<Window> getWindows() {
            return windows;
        }

        public void setWindows(List<Window> windows) {
            this.windows = windows;
        }

        /** A write-only property: bound through its setter alone. */
        public void setLabel(String label) {
        }
    }

    /** Bound through its constructor: the components are the keys. */
    public record Window(Duration longWindow, String factor) {
    }

    public static class Item {
        private String baseConfig;
        private Item child;

        public String getBaseConfig() {
            return baseConfig;
        }

        public void setBaseConfig(String baseConfig) {
            this.baseConfig = baseConfig;
        }

        public Item getChild() {
            return child;
        }

        public void setChild(Item child) {
            this.child = child;
        }
    }

    @Test
    void theKnownKeysAreReadOffThePropertiesClasses() {
        UnknownPropertiesCheck demo = new UnknownPropertiesCheck("demo", DemoProperties.class);
        assertThatCode(() -> demo.check(environment(Map.of("demo.timeout", "1s", "demo.items.first.base-config", "a",
                "demo.items.first.child.child.baseConfig", "b", "demo.list[3].base-config", "c", "demo.weights.eu.west", "1",
                "demo.nested.base-config", "d", "demo.windows[0].long-window", "1h", "demo.label", "l"), Map.of())))
                .doesNotThrowAnyException();
        assertThat(catchThrowableOfType(RollbackPropertyException.class,
                () -> demo.check(environment(Map.of("demo.windows[0].factr", "2"), Map.of()))).fix())
                .contains("Did you mean demo.windows[0].factor?");
        RollbackPropertyException e = catchThrowableOfType(RollbackPropertyException.class,
                () -> demo.check(environment(Map.of("demo.items.first.base-conifg", "a"), Map.of())));
        assertThat(e.property()).isEqualTo("demo.items.first.base-conifg");
        assertThat(e.fix()).contains("Did you mean demo.items.first.base-config?");
        assertThat(catchThrowableOfType(RollbackPropertyException.class,
                () -> demo.check(environment(Map.of("demo.timeout.unit", "s"), Map.of()))).property()).isEqualTo("demo.timeout.unit");
        assertThat(catchThrowableOfType(RollbackPropertyException.class,
                () -> demo.check(environment(Map.of("demo.nested.size", "1"), Map.of()))).fix())
                .contains("Remove it or use a key of demo.nested: base-config, child");
    }

    private static void check(Map<String, Object> properties, Map<String, Object> variables) {
        new UnknownPropertiesCheck(RollbackProperties.class).check(environment(properties, variables));
    }

    private static StandardEnvironment environment(Map<String, Object> properties, Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        environment.getPropertySources().addLast(new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return environment;
    }
}
