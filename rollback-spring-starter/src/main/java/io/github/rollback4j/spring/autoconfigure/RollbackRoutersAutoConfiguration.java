package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.spring.RollbackProperties;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RollbackScheduler;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Builds the routers declared under {@code rollback4j.routers.*}: a {@link RollbackRouters}
 * registry bean, one {@code ManagedModelRouter} bean named {@code <name>Router} per router, and
 * the {@link RollbackScheduler} they run on. Each backs off when the application defines a bean
 * of the same type (or, for a router, the same name).
 */
@AutoConfiguration
@ConditionalOnClass(ManagedModelRouter.class)
@EnableConfigurationProperties(RollbackProperties.class)
@Import(RouterBeansRegistrar.class)
public class RollbackRoutersAutoConfiguration {

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
     * @return the routers, started once the context is refreshed
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RollbackRouters rollbackRouters(RollbackProperties properties, ListableBeanFactory beans, RollbackScheduler scheduler) {
        return RollbackRouters.fromProperties(properties, beans, scheduler);
    }
}
