package io.github.rollback4j.spring.autoconfigure;

import io.github.rollback4j.core.incident.MaskedUrls;
import io.github.rollback4j.core.spec.Suggestions;
import io.github.rollback4j.spring.RollbackPropertyException;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.beans.PropertyDescriptor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Refuses property names under the prefix of a {@code @ConfigurationProperties} class that name no
 * property of it, so that {@code severty: dry_run} or {@code sustian: 5m} fails startup instead of
 * silently leaving the default. The failure names the key, where it was written, the closest known
 * key and the keys allowed there.
 *
 * <p>The known keys are read off the properties classes by reflection, the way Spring's binder sees
 * them: every bean property with a getter or a setter, or a record's components; a class of the root
 * class's package (or below) is a nested group, a {@code Map} takes any key and a {@code List} any
 * index before its value's own keys, and everything else (strings, numbers, durations, enums, maps of
 * such values) is a value with nothing below it. A property added to the classes is known without a
 * list to maintain. Names are compared in Spring's relaxed form ({@code evidence-dir},
 * {@code evidenceDir} and {@code EVIDENCE_DIR} alike). Every enumerable property source is read,
 * environment variables included (where {@code _} may also stand for a dash, as Spring's binder
 * allows).
 *
 * <p>Runs as a {@link BeanFactoryPostProcessor}: after the property sources are final and before any
 * bean (a router among them) is created. Written here because Spring's binder ignores unknown keys by
 * default, and {@code @ConfigurationProperties(ignoreUnknownFields = false)} would refuse them without
 * naming the closest known key.
 */
final class UnknownPropertiesCheck implements BeanFactoryPostProcessor, EnvironmentAware {

    /** How many unknown keys one failure lists besides the first. */
    private static final int LISTED = 10;

    private final ConfigurationPropertyName prefix;
    private final Node root;
    private Environment environment;

    /**
     * @param properties a class annotated {@code @ConfigurationProperties("prefix")}
     */
    UnknownPropertiesCheck(Class<?> properties) {
        this(prefixOf(properties), properties);
    }

    /**
     * @param prefix the prefix the class binds to
     * @param properties the JavaBean bound there
     */
    UnknownPropertiesCheck(String prefix, Class<?> properties) {
        this.prefix = ConfigurationPropertyName.of(prefix);
        this.root = new Model(properties.getPackageName()).node(ResolvableType.forClass(properties));
    }

    private static String prefixOf(Class<?> properties) {
        ConfigurationProperties annotation = AnnotatedElementUtils.findMergedAnnotation(properties, ConfigurationProperties.class);
        if (annotation == null || annotation.prefix().isEmpty()) {
            throw new IllegalArgumentException(properties.getName() + " is not annotated @ConfigurationProperties with a prefix");
        }
        return annotation.prefix();
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check(environment);
    }

    /**
     * @param environment the environment whose property names are checked
     * @throws RollbackPropertyException naming the first unknown key (and listing the others)
     */
    void check(Environment environment) {
        Objects.requireNonNull(environment, "environment");
        Map<String, Unknown> unknown = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            // ROLLBACK4J_SCHEDULER_THREADS binds scheduler-threads (Spring's legacy form): '_' may stand for a dash.
            boolean environmentVariables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
            iterable.stream().filter(prefix::isAncestorOf).forEach(name -> {
                Unknown u = find(name, environmentVariables);
                if (u != null) {
                    unknown.putIfAbsent(u.key(), u.withProperty(source.getConfigurationProperty(name), u.key().equals(name.toString())));
                }
            });
        }
        if (unknown.isEmpty()) {
            return;
        }
        List<Unknown> all = new ArrayList<>(unknown.values());
        Unknown first = all.get(0);
        String others = all.size() == 1 ? "" : "; also unknown: " + all.subList(1, Math.min(all.size(), LISTED + 1)).stream()
                .map(Unknown::key).collect(Collectors.joining(", ")) + (all.size() > LISTED + 1 ? " and " + (all.size() - LISTED - 1)
                + " more" : "");
        throw new RollbackPropertyException(first.key(), first.value(), first.problem() + others, first.fix());
    }

    /**
     * @param joinable whether elements may be joined to one key (environment variables split dashed keys)
     * @return the unknown part of the name, or {@code null} when every element names a property
     */
    private Unknown find(ConfigurationPropertyName name, boolean joinable) {
        Node node = root;
        for (int i = prefix.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
            String element = name.getElement(i, ConfigurationPropertyName.Form.UNIFORM);
            if (node instanceof Node.Anything) {
                return null;
            }
            if (node instanceof Node.Value) {
                String parent = name.chop(i).toString();
                return new Unknown(name.chop(i + 1).toString(), "is not a property: " + parent + " is a value and has no keys below it",
                        "Remove it, or give " + parent + " its value directly");
            }
            if (node instanceof Node.Keyed keyed) {
                node = keyed.value();
            } else if (node instanceof Node.Indexed indexed) {
                if (!element.chars().allMatch(Character::isDigit)) {
                    String parent = name.chop(i).toString();
                    return new Unknown(name.chop(i + 1).toString(), "is not a property: " + parent + " is a list",
                            "Write the list's items with an index, " + parent + "[0], " + parent + "[1], ...");
                }
                node = indexed.element();
            } else {
                Node.Group group = (Node.Group) node;
                Node child = group.children().get(element);
                StringBuilder joined = new StringBuilder(element);
                for (int j = i + 1; child == null && joinable && j < name.getNumberOfElements(); j++) {
                    joined.append(name.getElement(j, ConfigurationPropertyName.Form.UNIFORM));
                    child = group.children().get(joined.toString());
                    if (child != null) {
                        i = j;
                    }
                }
                if (child == null) {
                    String parent = name.chop(i).toString();
                    Collection<String> known = group.names().values();
                    String closest = Suggestions.closest(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL), known);
                    StringBuilder together = new StringBuilder(element);
                    for (int j = i + 1; closest == null && joinable && j < name.getNumberOfElements(); j++) {
                        closest = Suggestions.closest(together.append(name.getElement(j, ConfigurationPropertyName.Form.UNIFORM))
                                .toString(), known);
                    }
                    return new Unknown(name.chop(i + 1).toString(), "is not a known property of " + parent,
                            (closest == null ? "Remove it or use a key of " + parent : "Did you mean " + parent + "." + closest
                                    + "? Keys of " + parent + " are") + ": " + String.join(", ", known));
                }
                node = child;
            }
        }
        return null;
    }

    /** An unknown key, what is wrong and what to write instead; the value and origin once its source is known. */
    private record Unknown(String key, String problem, String fix, Object value) {

        Unknown(String key, String problem, String fix) {
            this(key, problem, fix, null);
        }

        /**
         * @param property where the name was found
         * @param ownValue whether the value is this key's own (not that of a key below it)
         */
        Unknown withProperty(ConfigurationProperty property, boolean ownValue) {
            if (property == null) {
                return this;
            }
            // The value is shown masked: a misspelt webhook-url still carries its secret path.
            Object shown = !ownValue || property.getValue() == null ? null : MaskedUrls.in(String.valueOf(property.getValue()));
            return new Unknown(key, problem + (property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")"), fix, shown);
        }
    }

    /** The shape of a properties class as the binder sees it. */
    private sealed interface Node {
        /** A JavaBean: its properties by relaxed (uniform) name, and their names as documented (dashed). */
        record Group(Map<String, Node> children, Map<String, String> names) implements Node {
        }

        /** A map of groups: any one key, then the group. */
        record Keyed(Node value) implements Node {
        }

        /** A list: an index, then its element. */
        record Indexed(Node element) implements Node {
        }

        /** A value: nothing may follow. */
        record Value() implements Node {
        }

        /** Anything may follow: a map of values (whose keys may hold dots) or an untyped object. */
        record Anything() implements Node {
        }
    }

    /** Builds nodes by reflection, each class once (a class may nest in several places). */
    private static final class Model {
        private final String beanPackage;
        private final Map<Class<?>, Node.Group> groups = new HashMap<>();

        Model(String beanPackage) {
            this.beanPackage = beanPackage;
        }

        Node node(ResolvableType type) {
            Class<?> raw = type.resolve(Object.class);
            if (Map.class.isAssignableFrom(raw)) {
                Node value = node(type.asMap().getGeneric(1));
                return value instanceof Node.Group || value instanceof Node.Keyed ? new Node.Keyed(value) : new Node.Anything();
            }
            if (Collection.class.isAssignableFrom(raw)) {
                return new Node.Indexed(node(type.asCollection().getGeneric(0)));
            }
            if (raw.isArray()) {
                return new Node.Indexed(node(type.getComponentType()));
            }
            if (raw == Object.class) {
                return new Node.Anything();
            }
            if (raw.isEnum() || raw.isPrimitive() || !(raw.getPackageName() + ".").startsWith(beanPackage + ".")) {
                return new Node.Value();
            }
            Node.Group known = groups.get(raw);
            if (known != null) {
                return known;
            }
            Node.Group group = new Node.Group(new LinkedHashMap<>(), new LinkedHashMap<>());
            groups.put(raw, group); // before the properties, so a class that nests itself ends
            if (raw.isRecord()) { // bound through its constructor: the components are the keys
                for (RecordComponent component : raw.getRecordComponents()) {
                    add(group, component.getName(), ResolvableType.forMethodReturnType(component.getAccessor(), raw));
                }
                return group;
            }
            for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(raw)) {
                if (property.getName().equals("class")) {
                    continue;
                }
                if (property.getReadMethod() != null) {
                    add(group, property.getName(), ResolvableType.forMethodReturnType(property.getReadMethod(), raw));
                } else if (property.getWriteMethod() != null) {
                    add(group, property.getName(), ResolvableType.forMethodParameter(property.getWriteMethod(), 0, raw));
                }
            }
            return group;
        }

        private void add(Node.Group group, String name, ResolvableType type) {
            String uniform = name.toLowerCase(Locale.ROOT);
            group.children().put(uniform, node(type));
            group.names().put(uniform, dashed(name));
        }

        private static String dashed(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        }
    }
}
