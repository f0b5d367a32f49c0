package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.RollbackEventBridge;
import io.github.rollback4j.spring.RollbackRouters;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Republishes router events and rollout transitions as Spring application events
 * ({@link io.github.rollback4j.spring.RollbackRouterEvent},
 * {@link io.github.rollback4j.spring.RolloutTransitionEvent}); {@code rollback4j.events.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = RollbackRoutersAutoConfiguration.class)
@ConditionalOnBean(RollbackRouters.class)
@ConditionalOnProperty(prefix = "rollback4j.events", name = "enabled", havingValue = "true", matchIfMissing = true)
public class RollbackEventsAutoConfiguration {

    /**
     * @param routers the routers
     * @param publisher the application context
     * @return the bridge, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RollbackEventBridge rollbackEventBridge(RollbackRouters routers, ApplicationEventPublisher publisher) {
        return new RollbackEventBridge(routers, publisher);
    }
}
