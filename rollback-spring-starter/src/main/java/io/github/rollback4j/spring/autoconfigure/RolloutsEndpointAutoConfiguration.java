package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.spring.RollbackProperties;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RolloutIncidentsSource;
import io.github.rollback4j.spring.actuate.AlertRulesExporter;
import io.github.rollback4j.spring.actuate.PrometheusAlertRulesExporter;
import io.github.rollback4j.spring.actuate.RouterIncidentsSource;
import io.github.rollback4j.spring.actuate.RolloutsEndpoint;
import io.github.rollback4j.spring.actuate.RolloutsWriteAccess;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

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

    /** Class whose presence means rollback-micrometer is on the classpath. */
    static final String PROMETHEUS_ALERT_RULES = "io.github.rollback4j.micrometer.PrometheusAlertRules";

    /** Class whose presence means Spring Security is on the classpath. */
    static final String SPRING_SECURITY = "org.springframework.security.core.Authentication";

    /**
     * @param routers the routers
     * @param access who may write
     * @param incidents the incidents source (the starter's, or the application's own)
     * @param alertRules the alert-rules exporter, present with rollback-micrometer
     * @param paths where Actuator maps its endpoints, read at request time
     * @param environment the server and management paths
     * @param properties {@code rollback4j.*}
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    public RolloutsEndpoint rolloutsEndpoint(RollbackRouters routers, RolloutsWriteAccess access,
                                             ObjectProvider<RolloutIncidentsSource> incidents,
                                             ObjectProvider<AlertRulesExporter> alertRules, ObjectProvider<PathMappedEndpoints> paths,
                                             Environment environment, RollbackProperties properties) {
        // Looked up per request: PathMappedEndpoints is built from the discovered endpoints, this one included.
        return new RolloutsEndpoint(routers, access, incidents, alertRules, () -> basePath(paths.getIfAvailable(), environment),
                properties.getActuator().getAuditEntries());
    }

    /**
     * The endpoint's path as a client reaches it: the servlet context path (or, on a separate management
     * port, {@code management.server.base-path}), then Actuator's base path and the endpoint's mapping.
     */
    static String basePath(PathMappedEndpoints paths, Environment environment) {
        String path = paths == null ? null : paths.getPath(EndpointId.of(RolloutsEndpoint.ID));
        if (path == null) {
            path = environment.getProperty("management.endpoints.web.base-path", "/actuator") + "/" + RolloutsEndpoint.ID;
        }
        String managementPort = environment.getProperty("management.server.port");
        boolean separatePort = managementPort != null && !managementPort.equals(environment.getProperty("server.port", "8080"));
        String prefix = separatePort ? environment.getProperty("management.server.base-path", "")
                : environment.getProperty("server.servlet.context-path", "");
        String full = (prefix + "/" + path).replaceAll("/{2,}", "/");
        return full.length() > 1 && full.endsWith("/") ? full.substring(0, full.length() - 1) : full;
    }

    /**
     * @param routers the routers
     * @return the {@code incidents} section, read from each router's incident manager
     */
    @Bean
    @ConditionalOnMissingBean
    public RolloutIncidentsSource rolloutIncidentsSource(RollbackRouters routers) {
        return new RouterIncidentsSource(routers);
    }

    /** With rollback-micrometer: {@code GET …/{router}/alert-rules} exports the triggers as Prometheus rules. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = PROMETHEUS_ALERT_RULES)
    static class AlertRules {

        @Bean
        @ConditionalOnMissingBean
        AlertRulesExporter alertRulesExporter() {
            return new PrometheusAlertRulesExporter();
        }
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
