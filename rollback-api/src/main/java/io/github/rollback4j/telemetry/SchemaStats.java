package io.github.rollback4j.telemetry;

import java.util.Map;

/**
 * How the sampled inputs of one release fared against the router's declared input schema over a
 * window.
 *
 * <p>Immutable and thread-safe.
 *
 * @param checked sampled inputs checked against the schema
 * @param violations those that broke at least one rule
 * @param violationsByField per field, how many checked inputs broke its rule (required, type, range, category)
 */
public record SchemaStats(long checked, long violations, Map<String, Long> violationsByField) {

    /** No input checked. */
    public static final SchemaStats NONE = new SchemaStats(0, 0, Map.of());

    /** @return violations / checked, or {@code NaN} when nothing was checked */
    public double violationRate() {
        return checked == 0 ? Double.NaN : (double) violations / checked;
    }

    /**
     * @param other statistics of the same schema
     * @return both together
     */
    public SchemaStats plus(SchemaStats other) {
        Map<String, Long> byField = new java.util.LinkedHashMap<>(violationsByField);
        other.violationsByField.forEach((f, n) -> byField.merge(f, n, Long::sum));
        return new SchemaStats(checked + other.checked, violations + other.violations, Map.copyOf(byField));
    }
}
