package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.RollbackProperties;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RolloutIncidentsSource;
import io.github.rollback4j.spring.actuate.RolloutsEndpoint;
import io.github.rollback4j.spring.actuate.RolloutsWriteAccess;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code rollouts} Actuator endpoint, when Actuator is on the classpath and the endpoint is
 * available (exposed, e.g. {@code management.endpoints.web.exposure.include=health,rollouts}).
 * Write operations: refused unless {@code rollback4j.actuator.write-enabled=true}; then, with Spring
 * Security on the classpath, only for an authenticated principal with
 * {@code rollback4j.actuator.write-role} (default {@code ROLLOUT_ADMIN}).
 */
@AutoConfiguration(after = RollbackRoutersAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(RollbackRouters.class)
@ConditionalOnAvailableEndpoint(RolloutsEndpoint.class)
public class RolloutsEndpointAutoConfiguration {

    /** Class whose presence means Spring Security is on the classpath. */
    static final String SPRING_SECURITY = "org.springframework.security.core.Authentication";

    /**
     * @param routers the routers
     * @param access who may write
     * @param incidents the incidents source, if the application defines one
     * @param properties {@code rollback4j.*}
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    public RolloutsEndpoint rolloutsEndpoint(RollbackRouters routers, RolloutsWriteAccess access,
                                             ObjectProvider<RolloutIncidentsSource> incidents, RollbackProperties properties) {
        return new RolloutsEndpoint(routers, access, incidents, properties.getActuator().getAuditEntries());
    }

    /** With Spring Security: writes need the role. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = SPRING_SECURITY)
    static class SecuredWrites {

        @Bean
        @ConditionalOnMissingBean
        RolloutsWriteAccess rolloutsWriteAccess(RollbackProperties properties) {
            RollbackProperties.Actuator a = properties.getActuator();
            return a.isWriteEnabled() ? RolloutsWriteAccess.role(a.getWriteRole()) : RolloutsWriteAccess.disabled();
        }
    }

    /** Without Spring Security: writes, once enabled, are open; the operator is the principal if any. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(SPRING_SECURITY)
    static class OpenWrites {

        @Bean
        @ConditionalOnMissingBean
        RolloutsWriteAccess rolloutsWriteAccess(RollbackProperties properties) {
            RollbackProperties.Actuator a = properties.getActuator();
            return a.isWriteEnabled() ? RolloutsWriteAccess.anyone(a.getAnonymousOperator()) : RolloutsWriteAccess.disabled();
        }
    }
}
