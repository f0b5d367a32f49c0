package io.github.rollback4j.core;

import io.github.rollback4j.spi.FeatureFlags;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded {@link FeatureFlags}: a map in this JVM. Unknown flags read as disabled.
 *
 * <p>Thread-safe.
 */
public final class InMemoryFeatureFlags implements FeatureFlags {

    private final ConcurrentHashMap<String, Boolean> flags = new ConcurrentHashMap<>();

    @Override
    public void set(String flag, boolean on) {
        flags.put(flag, on);
    }

    @Override
    public boolean isEnabled(String flag) {
        return flags.getOrDefault(flag, Boolean.FALSE);
    }

    /** @return every flag ever set, sorted by name, with its current value */
    public Map<String, Boolean> snapshot() {
        return new TreeMap<>(flags);
    }
}
