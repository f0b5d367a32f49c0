package io.github.rollback4j.spring;

import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;

import java.beans.PropertyDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BaseConfigsTest {

    /**
     * Inheritance takes the config's value where the router's is unset: a field with a default of its own
     * (a primitive, or a non-null initial value) would always hide the config's value.
     */
    @Test
    void everySharedSettingIsUnsetByDefaultSoThatItCanBeInherited() {
        List<String> withDefaults = new ArrayList<>();
        List<String> leaves = new ArrayList<>();
        walk(new RollbackProperties.Router(), "", withDefaults, leaves);
        assertThat(withDefaults).as("settings with a default of their own").isEmpty();
        assertThat(leaves).contains("strategy.type", "strategy.canary.steps", "strategy.blue-green.bake", "triggers", "shadow.enabled",
                "shadow.sample-rate", "incident.owner", "incident.verification.checks", "incident.notifiers.webhook.url",
                "evaluation-interval", "trigger-severity", "sample-inputs-bean");
    }

    private static void walk(Object bean, String path, List<String> withDefaults, List<String> leaves) {
        BeanWrapper w = new BeanWrapperImpl(bean);
        for (PropertyDescriptor d : w.getPropertyDescriptors()) {
            if (!w.isWritableProperty(d.getName())) {
                continue;
            }
            String at = path + d.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            Object value = w.getPropertyValue(d.getName());
            if (d.getPropertyType().getEnclosingClass() == RollbackProperties.class) {
                walk(value, at + ".", withDefaults, leaves);
                continue;
            }
            leaves.add(at);
            if (d.getPropertyType().isPrimitive() || value != null && !(value instanceof Collection<?> c && c.isEmpty())
                    && !(value instanceof Map<?, ?> m && m.isEmpty())) {
                withDefaults.add(at + " = " + value);
            }
        }
    }

    @Test
    void theRouterWinsAndNestedGroupsAreLaidOverFieldByField() {
        RollbackProperties.SharedConfig config = new RollbackProperties.SharedConfig();
        config.setEvaluationInterval(Duration.ofSeconds(5));
        config.setProbeTimeout(Duration.ofSeconds(3));
        config.getStrategy().setType("canary");
        config.getStrategy().getCanary().setProgressDeadline(Duration.ofHours(6));
        config.getTriggers().add(trigger("error-rate"));
        config.getIncident().getNotifiers().getWebhook().setUrl("https://hooks.example.org/a");
        RollbackProperties.Router router = new RollbackProperties.Router();
        router.setBaseConfig("shared");
        router.setEvaluationInterval(Duration.ofSeconds(1));
        router.getStrategy().setCandidate("v2");
        router.getIncident().getNotifiers().getWebhook().setMaxAttempts(5);

        BaseConfigs.Resolved resolved = BaseConfigs.resolve("scorer", router, Map.of("shared", config));

        RollbackProperties.Router r = resolved.router();
        assertThat(r.getEvaluationInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.getProbeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.getStrategy().getType()).isEqualTo("canary");
        assertThat(r.getStrategy().getCandidate()).isEqualTo("v2");
        assertThat(r.getStrategy().getCanary().getProgressDeadline()).isEqualTo(Duration.ofHours(6));
        assertThat(r.getTriggers()).extracting(RollbackProperties.Trigger::getName).containsExactly("error-rate");
        assertThat(r.getIncident().getNotifiers().getWebhook().getUrl()).isEqualTo("https://hooks.example.org/a");
        assertThat(r.getIncident().getNotifiers().getWebhook().getMaxAttempts()).isEqualTo(5);
        assertThat(resolved.inherited()).containsExactlyInAnyOrder("probe-timeout", "strategy.type", "strategy.canary.progress-deadline",
                "triggers", "incident.notifiers.webhook.url");
        // Neither the router nor the config was changed.
        assertThat(router.getStrategy().getType()).isNull();
        assertThat(config.getStrategy().getCandidate()).isNull();

        assertThat(resolved.relocatePath("rollback4j.routers.scorer.triggers[0].above"))
                .isEqualTo("rollback4j.configs.shared.triggers[0].above");
        assertThat(resolved.relocatePath("rollback4j.routers.scorer.strategy.candidate")).isEqualTo("rollback4j.routers.scorer.strategy.candidate");
        assertThat(resolved.relocatePath("rollback4j.routers.scorer.probe-timeout")).isEqualTo("rollback4j.configs.shared.probe-timeout");
        assertThat(resolved.relocatePath("rollback4j.defaults.probe-timeout")).isEqualTo("rollback4j.defaults.probe-timeout");
        RollbackPropertyException moved = resolved.relocate(new RollbackPropertyException("rollback4j.routers.scorer.triggers[0].window",
                "5m", "does not fit in rollback4j.routers.scorer.probe-timeout.", "Shorten rollback4j.routers.scorer.evaluation-interval."));
        assertThat(moved.property()).isEqualTo("rollback4j.configs.shared.triggers[0].window");
        assertThat(moved.problem()).startsWith("does not fit in rollback4j.configs.shared.probe-timeout. (router 'scorer' inherits it through"
                + " rollback4j.routers.scorer.base-config: shared)");
        assertThat(moved.fix()).isEqualTo("Shorten rollback4j.routers.scorer.evaluation-interval.");
    }

    @Test
    void withoutABaseConfigTheRouterIsReadAsItIs() {
        RollbackProperties.Router router = new RollbackProperties.Router();
        BaseConfigs.Resolved resolved = BaseConfigs.resolve("scorer", router, Map.of());
        assertThat(resolved.router()).isSameAs(router);
        RollbackPropertyException e = new RollbackPropertyException("rollback4j.routers.scorer.probe-timeout", "0s", "is out of range", "Use 1ms..10m");
        assertThat(resolved.relocate(e)).isSameAs(e);
    }

    @Test
    void aBlankBaseConfigIsRefused() {
        RollbackProperties.Router router = new RollbackProperties.Router();
        router.setBaseConfig("");
        assertThatThrownBy(() -> BaseConfigs.resolve("scorer", router, Map.of("shared", new RollbackProperties.SharedConfig())))
                .isInstanceOfSatisfying(RollbackPropertyException.class, e -> {
                    assertThat(e.property()).isEqualTo("rollback4j.routers.scorer.base-config");
                    assertThat(e.fix()).contains("[shared]");
                });
    }

    private static RollbackProperties.Trigger trigger(String name) {
        RollbackProperties.Trigger t = new RollbackProperties.Trigger();
        t.setName(name);
        return t;
    }
}
