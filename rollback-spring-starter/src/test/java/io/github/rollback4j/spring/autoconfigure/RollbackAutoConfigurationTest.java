package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.Cause;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.micrometer.RollbackMetrics;
import io.github.rollback4j.spring.RollbackEventBridge;
import io.github.rollback4j.spring.RollbackMetricsBinding;
import io.github.rollback4j.spring.RollbackRouterEvent;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RollbackScheduler;
import io.github.rollback4j.spring.RolloutTransitionEvent;
import io.github.rollback4j.spring.TestModels;
import io.github.rollback4j.spring.actuate.RollbackHealthIndicator;
import io.github.rollback4j.spring.actuate.RolloutsEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RollbackAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class)
            .withPropertyValues(TestModels.scorer());

    @Test
    void buildsTheDeclaredRouterAsABeanNamedAfterItAndStartsItsCanary() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RollbackRouters.class).hasSingleBean(RollbackScheduler.class)
                    .hasBean("scorerRouter");
            RollbackRouters routers = context.getBean(RollbackRouters.class);
            ManagedModelRouter<?, ?> router = (ManagedModelRouter<?, ?>) context.getBean("scorerRouter");
            assertThat(router).isSameAs(routers.router("scorer"));
            RollbackRouters.Entry scorer = routers.entry("scorer");
            assertThat(router.lastKnownGood().id()).isEqualTo(scorer.release("v1"));
            assertThat(router.lastKnownGood().model().digest()).isEqualTo(TestModels.V1_DIGEST);
            assertThat(scorer.rollout()).isInstanceOf(CanaryRollout.class);
            assertThat(scorer.rollout().candidate()).isEqualTo(scorer.release("v2"));
            assertThat(scorer.engine().triggers()).extracting(t -> t.name()).containsExactly("error-rate");
            assertThat(scorer.engine().triggers().get(0).minSamples()).isEqualTo(20);

            // The lifecycle started the rollout on the starter's scheduler: the first step sets 10 %.
            await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
            assertThat(router.weights(Segment.DEFAULT)).isEqualTo(Map.of(scorer.release("v1"), 9_000, scorer.release("v2"), 1_000));
        });
    }

    @Test
    void routerOverridesWinOverSharedDefaults() {
        runner.withPropertyValues("rollback4j.defaults.trigger-window=5m", "rollback4j.defaults.trigger-severity=mild",
                        "rollback4j.routers.scorer.trigger-severity=dry_run", "rollback4j.routers.scorer.triggers[0].window=",
                        "rollback4j.routers.scorer.strategy.type=none")
                .run(context -> {
                    RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
                    assertThat(scorer.rollout()).isNull();
                    assertThat(scorer.engine().triggers().get(0).window()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(scorer.engine().triggers().get(0).severity().name()).isEqualTo("DRY_RUN");
                });
    }

    @Test
    void userDefinedBeansBackOffTheAutoConfiguration() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(RollbackScheduler.class)).isSameAs(context.getBean(OwnBeans.class).scheduler);
            assertThat(context.getBean(RollbackRouters.class).names()).isEmpty();
            assertThat(context.getBean("scorerRouter")).isEqualTo("my own bean");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        final RollbackScheduler scheduler = new RollbackScheduler(1);

        @Bean
        RollbackScheduler myScheduler() {
            return scheduler;
        }

        @Bean
        RollbackRouters myRouters() {
            return new RollbackRouters(List.of(), scheduler);
        }

        @Bean
        String scorerRouter() {
            return "my own bean";
        }
    }

    @Test
    void withoutAMeterRegistryNothingIsBound() {
        runner.run(context -> assertThat(context).doesNotHaveBean(RollbackMetricsBinding.class));
    }

    @Test
    void withAMeterRegistryEveryRouterIsBoundAndCallsAreCounted() {
        runner.withBean(SimpleMeterRegistry.class).run(context -> {
            assertThat(context).hasSingleBean(RollbackMetricsBinding.class);
            ManagedModelRouter<Object, Object> router = context.getBean(RollbackRouters.class).router("scorer");
            for (int i = 0; i < 10; i++) {
                router.invoke(1.0);
            }
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            double requests = registry.find("rollback4j.requests").tag("router", "scorer").tag("outcome", "success")
                    .counters().stream().mapToDouble(c -> c.count()).sum();
            assertThat(requests).isEqualTo(10.0);
        });
    }

    @Test
    void micrometerOrTheBindingModuleAbsentMeansNoBinding() {
        runner.withBean(SimpleMeterRegistry.class).withClassLoader(new FilteredClassLoader(RollbackMetrics.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RollbackMetricsBinding.class));
        runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RollbackMetricsBinding.class));
        runner.withBean(SimpleMeterRegistry.class).withPropertyValues("rollback4j.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(RollbackMetricsBinding.class));
    }

    @Test
    void actuatorOrHealthAbsentMeansNoEndpointOrIndicatorButRoutersStillRun() {
        runner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RolloutsEndpoint.class).hasSingleBean(RollbackRouters.class);
        });
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RollbackHealthIndicator.class).hasSingleBean(RolloutsEndpoint.class);
        });
        runner.withPropertyValues("management.endpoints.web.exposure.include=health")
                .run(context -> assertThat(context).doesNotHaveBean(RolloutsEndpoint.class));
    }

    @Test
    void anEventListenerReceivesTheRollbackAndTheRolloutsTransition() {
        runner.withUserConfiguration(Listener.class).run(context -> {
            assertThat(context).hasSingleBean(RollbackEventBridge.class);
            RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
            await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);

            scorer.router().rollbackToLastKnownGood(Cause.operator("ana", "customer complaints"));

            Listener listener = context.getBean(Listener.class);
            assertThat(listener.routerEvents).anySatisfy(e -> {
                assertThat(e.getRouter()).isEqualTo("scorer");
                assertThat(e.getRouterEvent()).isInstanceOfSatisfying(RouterEvent.RolledBack.class, rb -> {
                    assertThat(rb.rolledBack()).containsExactly(scorer.release("v2"));
                    assertThat(rb.cause().actor()).isEqualTo("ana");
                });
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(listener.transitions)
                    .anySatisfy(t -> assertThat(t.getTransition().to().phase()).isEqualTo(RolloutPhase.ROLLED_BACK)));
        });
        runner.withUserConfiguration(Listener.class).withPropertyValues("rollback4j.events.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(RollbackEventBridge.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class Listener {
        final List<RollbackRouterEvent> routerEvents = new CopyOnWriteArrayList<>();
        final List<RolloutTransitionEvent> transitions = new CopyOnWriteArrayList<>();

        @EventListener
        void on(RollbackRouterEvent event) {
            routerEvents.add(event);
        }

        @EventListener
        void on(RolloutTransitionEvent event) {
            transitions.add(event);
        }
    }

    @Test
    void closingTheContextClosesTheRoutersAndTheScheduler() {
        RollbackScheduler[] scheduler = new RollbackScheduler[1];
        RollbackRouters[] routers = new RollbackRouters[1];
        runner.run(context -> {
            scheduler[0] = context.getBean(RollbackScheduler.class);
            routers[0] = context.getBean(RollbackRouters.class);
            assertThat(routers[0].isRunning()).isTrue();
        });
        assertThat(routers[0].isRunning()).isFalse();
        assertThat(scheduler[0].executor().isShutdown()).isTrue();
    }
}
