package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.spring.RollbackProperties;
import io.github.rollback4j.spring.RollbackRouters;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import java.util.Map;

/**
 * Registers one {@code ManagedModelRouter} bean named {@code <name>Router} per
 * {@code rollback4j.routers.<name>}, so that {@code @Qualifier("scorerRouter")} (or a parameter
 * named {@code scorerRouter}) injects the router. The bean is the {@link RollbackRouters} registry's
 * router; the registry owns and closes it. A bean the application already defines under that
 * name wins.
 */
final class RouterBeansRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

    /** Suffix of a router's bean name. */
    static final String BEAN_SUFFIX = "Router";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        Map<String, RollbackProperties.Router> declared;
        try {
            declared = Binder.get(environment).bind("rollback4j.routers", Bindable.mapOf(String.class, RollbackProperties.Router.class))
                    .orElse(Map.of());
        } catch (RuntimeException e) {
            // A property that does not bind is reported when RollbackProperties itself binds, with Spring's own analysis.
            return;
        }
        if (!(registry instanceof BeanFactory beanFactory)) {
            return;
        }
        for (String name : declared.keySet()) {
            String beanName = name + BEAN_SUFFIX;
            if (registry.containsBeanDefinition(beanName)) {
                continue;
            }
            RootBeanDefinition definition = new RootBeanDefinition(ManagedModelRouter.class);
            definition.setInstanceSupplier(() -> beanFactory.getBean(RollbackRouters.class).router(name));
            definition.setDestroyMethodName("");   // the registry closes its routers
            registry.registerBeanDefinition(beanName, definition);
        }
    }
}
