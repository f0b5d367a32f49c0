package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.micrometer.RollbackMetrics;
import io.github.rollback4j.spring.RollbackMetricsBinding;
import io.github.rollback4j.spring.RollbackRouters;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Binds every router to the application's {@link MeterRegistry} when Micrometer and
 * rollback-micrometer are on the classpath and a registry bean exists
 * ({@code rollback4j.metrics.enabled=false} turns it off).
 */
@AutoConfiguration(after = RollbackRoutersAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, RollbackMetrics.class})
@ConditionalOnBean({MeterRegistry.class, RollbackRouters.class})
@ConditionalOnProperty(prefix = "rollback4j.metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
public class RollbackMetricsAutoConfiguration {

    /**
     * @param routers the routers
     * @param registry the application's (primary) registry
     * @return the binding, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public RollbackMetricsBinding rollbackMetricsBinding(RollbackRouters routers, MeterRegistry registry) {
        return new RollbackMetricsBinding(routers, registry);
    }
}
