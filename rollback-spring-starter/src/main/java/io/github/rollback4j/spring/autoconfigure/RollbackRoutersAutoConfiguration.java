package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.incident.Notifier;
import io.github.rollback4j.spring.RollbackIncidentEvent;
import io.github.rollback4j.spring.RollbackProperties;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RollbackScheduler;
import io.github.rollback4j.spring.SpringEventNotifier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the routers declared under {@code rollback4j.routers.*}: a {@link RollbackRouters}
 * registry bean, one {@code ManagedModelRouter} bean named {@code <name>Router} per router (each with
 * its incident manager), and the {@link RollbackScheduler} they run on. Each backs off when the application defines a bean
 * of the same type (or, for a router, the same name).
 */
@AutoConfiguration
@ConditionalOnClass(ManagedModelRouter.class)
@EnableConfigurationProperties(RollbackProperties.class)
@Import(RouterBeansRegistrar.class)
public class RollbackRoutersAutoConfiguration {

    /**
     * Refuses a key under {@code rollback4j.*} that names no property (a misspelling such as
     * {@code severty}) before any router is built, naming the key and the closest known one.
     * Static: it runs as a bean factory post-processor.
     *
     * @return the check over the environment's property names
     */
    @Bean
    static UnknownPropertiesCheck rollbackUnknownPropertiesCheck() {
        return new UnknownPropertiesCheck(RollbackProperties.class);
    }

    /**
     * @param properties {@code rollback4j.*}
     * @return the scheduler of health checks, trigger evaluations and rollout ticks
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RollbackScheduler rollbackScheduler(RollbackProperties properties) {
        return new RollbackScheduler(properties.getSchedulerThreads());
    }

    /**
     * @param properties {@code rollback4j.*}
     * @param beans where model and sample-input beans are looked up
     * @param scheduler the starter's scheduler
     * @param notifiers the application's incident {@link Notifier} beans, told of every router's incidents
     * @param publisher the application context: incident notices become {@link RollbackIncidentEvent}s
     *                  unless {@code rollback4j.events.enabled=false}
     * @return the routers, started once the context is refreshed
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RollbackRouters rollbackRouters(RollbackProperties properties, ListableBeanFactory beans, RollbackScheduler scheduler,
                                           ObjectProvider<Notifier> notifiers, ApplicationEventPublisher publisher) {
        List<Notifier> extra = new ArrayList<>(notifiers.orderedStream().toList());
        if (properties.getEvents().isEnabled()) {
            extra.add(new SpringEventNotifier(publisher));
        }
        return RollbackRouters.fromProperties(properties, beans, scheduler, extra);
    }
}
