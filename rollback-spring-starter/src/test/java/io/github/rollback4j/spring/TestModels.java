package io.github.rollback4j.spring;

import io.github.rollback4j.Model;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** Two toy models, switchable to fail, and their sample inputs, for the starter's context tests. */
@Configuration(proxyBeanMethods = false)
public class TestModels {

    /** Every auto-configuration of the starter. */
    public static final org.springframework.boot.autoconfigure.AutoConfigurations ALL =
            org.springframework.boot.autoconfigure.AutoConfigurations.of(
                    io.github.rollback4j.spring.autoconfigure.RollbackRoutersAutoConfiguration.class,
                    io.github.rollback4j.spring.autoconfigure.RollbackMetricsAutoConfiguration.class,
                    io.github.rollback4j.spring.autoconfigure.RollbackEventsAutoConfiguration.class,
                    io.github.rollback4j.spring.autoconfigure.RolloutsEndpointAutoConfiguration.class,
                    io.github.rollback4j.spring.autoconfigure.RollbackHealthAutoConfiguration.class);

    /** Digest of v1's model artifact in the test properties. */
    public static final String V1_DIGEST = "sha256:" + "a1".repeat(32);
    /** Digest of v2's model artifact in the test properties. */
    public static final String V2_DIGEST = "sha256:" + "b2".repeat(32);

    /** A model that doubles its input, or throws while {@link #failing} is set. */
    public static final class SwitchableModel implements Model<Double, Double> {
        /** When {@code true}, every call throws. */
        public volatile boolean failing;

        @Override
        public Double predict(Double input) {
            if (failing) {
                throw new IllegalStateException("switched to failing");
            }
            return input * 2;
        }
    }

    @Bean
    SwitchableModel scorerV1() {
        return new SwitchableModel();
    }

    @Bean
    SwitchableModel scorerV2() {
        return new SwitchableModel();
    }

    @Bean
    List<Double> scorerSamples() {
        return List.of(1.0, 2.0, 3.0);
    }

    /**
     * @param extra further properties, later ones win
     * @return a canary router {@code scorer} with v1 (LKG) and v2, an error-rate trigger, and a fast tick
     */
    public static String[] scorer(String... extra) {
        List<String> base = new java.util.ArrayList<>(List.of(
                "rollback4j.defaults.warm-up-calls=2",
                "rollback4j.defaults.evaluation-interval=50ms",
                "rollback4j.routers.scorer.sample-inputs-bean=scorerSamples",
                "rollback4j.routers.scorer.releases[0].name=v1",
                "rollback4j.routers.scorer.releases[0].model-bean=scorerV1",
                "rollback4j.routers.scorer.releases[0].version=1.0.0",
                "rollback4j.routers.scorer.releases[0].digest=" + V1_DIGEST,
                "rollback4j.routers.scorer.releases[0].lkg=true",
                "rollback4j.routers.scorer.releases[1].name=v2",
                "rollback4j.routers.scorer.releases[1].model-bean=scorerV2",
                "rollback4j.routers.scorer.releases[1].version=2.0.0",
                "rollback4j.routers.scorer.releases[1].digest=" + V2_DIGEST,
                "rollback4j.routers.scorer.strategy.type=canary",
                "rollback4j.routers.scorer.strategy.canary.steps[0].weight=10",
                "rollback4j.routers.scorer.strategy.canary.steps[0].bake=1h",
                "rollback4j.routers.scorer.strategy.canary.steps[1].weight=100",
                "rollback4j.routers.scorer.strategy.canary.steps[1].bake=1h",
                "rollback4j.routers.scorer.triggers[0].name=error-rate",
                "rollback4j.routers.scorer.triggers[0].metric=error_rate",
                "rollback4j.routers.scorer.triggers[0].above=5%",
                "rollback4j.routers.scorer.triggers[0].window=10s",
                "rollback4j.routers.scorer.triggers[0].min-samples=20",
                "management.endpoints.web.exposure.include=health,rollouts"));
        base.addAll(List.of(extra));
        return base.toArray(String[]::new);
    }
}
