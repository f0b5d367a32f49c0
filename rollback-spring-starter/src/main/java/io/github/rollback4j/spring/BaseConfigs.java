package io.github.rollback4j.spring;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;

import java.beans.PropertyDescriptor;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lays a router's own settings over the named config its {@code base-config} chooses
 * ({@code rollback4j.configs.<name>}), as Resilience4j's {@code configs.<name>} + {@code base-config} do: a
 * setting the router leaves unset (null, or an empty list or map) takes the config's; nested groups
 * (strategy, canary, blue-green, shadow, incident and its parts) are laid over field by field; lists and
 * maps are taken whole. {@code rollback4j.defaults} apply afterwards, where neither sets a value.
 *
 * <p>The walk goes over the JavaBean properties (Spring's {@link BeanWrapper}), so a setting added to
 * {@link RollbackProperties.SharedConfig} is inherited without a change here; {@code BaseConfigsTest}
 * keeps every field of it unset by default, which inheritance relies on. Startup only; not thread-safe.
 */
final class BaseConfigs {

    private static final String ROUTERS = "rollback4j.routers.";
    private static final String CONFIGS = "rollback4j.configs.";
    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

    private BaseConfigs() {
    }

    /**
     * @param name the router's name
     * @param own the router as bound
     * @param configs {@code rollback4j.configs}
     * @return the router the assembler reads, and where its inherited settings were written
     * @throws RollbackPropertyException when {@code base-config} names no config
     */
    static Resolved resolve(String name, RollbackProperties.Router own, Map<String, RollbackProperties.SharedConfig> configs) {
        String configName = own.getBaseConfig();
        if (configName == null) {
            return new Resolved(name, own, null, Set.of());
        }
        RollbackProperties.SharedConfig base = configs.get(configName);
        if (base == null) {
            throw new RollbackPropertyException(ROUTERS + name + ".base-config", configName,
                    configs.isEmpty() ? "names a config, but rollback4j.configs defines none" : "names no config of rollback4j.configs",
                    configs.isEmpty()
                            ? "Define the shared settings under rollback4j.configs." + (configName.isBlank() ? "<name>" : configName)
                                    + ".* (strategy, triggers, shadow, incident, ...), or remove base-config"
                            : "Use one of the known configs " + configs.keySet() + ", or remove base-config");
        }
        Set<String> inherited = new LinkedHashSet<>();
        RollbackProperties.Router merged = layOver(own, base, "", inherited);
        return new Resolved(name, merged, configName, Set.copyOf(inherited));
    }

    /** A copy of {@code own} with every unset setting that {@code base} sets taken from {@code base}. */
    @SuppressWarnings("unchecked")
    private static <T> T layOver(T own, Object base, String path, Set<String> inherited) {
        BeanWrapper mine = new BeanWrapperImpl(own);
        BeanWrapper theirs = new BeanWrapperImpl(base);
        BeanWrapper merged = new BeanWrapperImpl(BeanUtils.instantiateClass(own.getClass()));
        for (PropertyDescriptor property : mine.getPropertyDescriptors()) {
            String name = property.getName();
            if (!mine.isWritableProperty(name)) {
                continue;
            }
            Object value = mine.getPropertyValue(name);
            if (theirs.isReadableProperty(name)) {      // releases, segments and base-config are the router's alone
                Object shared = theirs.getPropertyValue(name);
                String at = path + kebab(name);
                Class<?> type = property.getPropertyType();
                if (isGroup(type)) {
                    value = layOver(value != null ? value : BeanUtils.instantiateClass(type),
                            shared != null ? shared : BeanUtils.instantiateClass(type), at + ".", inherited);
                } else if (isUnset(value) && !isUnset(shared)) {
                    value = shared;
                    inherited.add(at);
                }
            }
            merged.setPropertyValue(name, value);
        }
        return (T) merged.getWrappedInstance();
    }

    /** A nested group of settings (strategy, shadow, incident, ...), laid over field by field. */
    private static boolean isGroup(Class<?> type) {
        return type.getEnclosingClass() == RollbackProperties.class && !type.isEnum();
    }

    private static boolean isUnset(Object value) {
        return value == null || value instanceof Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty();
    }

    private static String kebab(String property) {
        return CAMEL.matcher(property).replaceAll("$1-$2").toLowerCase(Locale.ROOT);
    }

    /**
     * A router after its base config was laid under it.
     *
     * @param name the router's name
     * @param router the settings to build it from
     * @param configName the base config's name, or {@code null} without one
     * @param inherited the settings taken from the config, relative to the router, e.g. {@code strategy.canary.steps}
     */
    record Resolved(String name, RollbackProperties.Router router, String configName, Set<String> inherited) {

        /**
         * The refusal of a setting the router inherited, moved to where it was written: the config's property
         * path, with a note naming the router that uses it. Anything else is returned as it is.
         */
        RollbackPropertyException relocate(RollbackPropertyException e) {
            if (configName == null) {
                return e;
            }
            String property = relocatePath(e.property());
            String problem = relocateText(e.problem());
            String fix = relocateText(e.fix());
            if (property.equals(e.property()) && problem.equals(e.problem()) && fix.equals(e.fix())) {
                return e;
            }
            RollbackPropertyException moved = new RollbackPropertyException(property, e.value(), problem
                    + " (router '" + name + "' inherits it through " + ROUTERS + name + ".base-config: " + configName + ")", fix, e.getCause());
            moved.setStackTrace(e.getStackTrace());
            return moved;
        }

        /** {@code rollback4j.routers.<name>.<inherited setting>...} as {@code rollback4j.configs.<config>....}. */
        String relocatePath(String path) {
            String prefix = ROUTERS + name + ".";
            if (!path.startsWith(prefix)) {
                return path;
            }
            String relative = path.substring(prefix.length());
            for (String setting : inherited) {
                if (relative.equals(setting) || relative.startsWith(setting + ".") || relative.startsWith(setting + "[")) {
                    return CONFIGS + configName + "." + relative;
                }
            }
            return path;
        }

        private String relocateText(String text) {
            if (text == null) {
                return null;
            }
            Matcher m = Pattern.compile(Pattern.quote(ROUTERS + name + ".") + "[A-Za-z0-9_\\-.\\[\\]]+").matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String found = m.group();
                String trailing = "";
                while (found.endsWith(".")) {       // the end of a sentence
                    found = found.substring(0, found.length() - 1);
                    trailing += ".";
                }
                m.appendReplacement(out, Matcher.quoteReplacement(relocatePath(found) + trailing));
            }
            m.appendTail(out);
            return out.toString();
        }
    }
}
