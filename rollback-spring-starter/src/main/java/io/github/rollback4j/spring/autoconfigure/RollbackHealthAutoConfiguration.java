package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.actuate.RollbackHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rollback4j} health indicator (DOWN when a router's last-known-good cannot serve), when
 * spring-boot-health is on the classpath; {@code management.health.rollback4j.enabled=false} turns
 * it off.
 */
@AutoConfiguration(after = RollbackRoutersAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(RollbackRouters.class)
@ConditionalOnEnabledHealthIndicator("rollback4j")
public class RollbackHealthAutoConfiguration {

    /**
     * @param routers the routers
     * @return the indicator, contributing as {@code rollback4j}
     */
    @Bean
    @ConditionalOnMissingBean(name = "rollback4jHealthIndicator")
    public RollbackHealthIndicator rollback4jHealthIndicator(RollbackRouters routers) {
        return new RollbackHealthIndicator(routers);
    }
}
