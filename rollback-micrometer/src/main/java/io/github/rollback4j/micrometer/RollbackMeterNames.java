package io.github.rollback4j.micrometer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names of every meter {@link RollbackMetrics} registers, and of the tags it puts on them: the one
 * place they are kept. {@code docs/metrics.md} lists the same meters.
 *
 * <table>
 *   <caption>Meters (default names)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>unit</th><th>meaning</th></tr>
 *   <tr><td>{@value #CALLS}</td><td>Timer, percentile histogram</td><td>router, release, segment</td>
 *       <td>seconds (the registry's base time unit)</td>
 *       <td>latency of the calls a release ran in a request segment, whatever their outcome (a
 *       {@code shadow_dropped} call, or a {@code fallback} refused by an open circuit breaker, did not
 *       run and is not timed)</td></tr>
 *   <tr><td>{@value #REQUESTS}</td><td>Counter</td><td>router, release, segment, outcome</td><td>calls</td>
 *       <td>calls routed to a release in a request segment, by outcome</td></tr>
 *   <tr><td>{@value #WEIGHT_CONFIGURED}</td><td>Gauge</td><td>router, release, segment</td><td>basis points</td>
 *       <td>the weight the rollout asks for ({@code ModelRouter.weights})</td></tr>
 *   <tr><td>{@value #WEIGHT_SERVING}</td><td>Gauge</td><td>router, release, segment</td><td>basis points</td>
 *       <td>the weight that actually serves ({@code ModelRouter.servingWeights})</td></tr>
 *   <tr><td>{@value #LAST_KNOWN_GOOD}</td><td>Gauge</td><td>router, release</td><td>1 or 0</td>
 *       <td>1 for the router's current last-known-good, 0 for every other release: lets PromQL tell the
 *       baseline from the candidates (e.g. to compare a candidate's P95 with the LKG's)</td></tr>
 *   <tr><td>{@value #ROLLBACKS}</td><td>Counter</td><td>router, trigger, severity</td><td>rollbacks</td>
 *       <td>rollbacks to the last-known-good</td></tr>
 *   <tr><td>{@value #SHADOW_MISMATCHES}</td><td>Counter</td><td>router, release, segment</td><td>calls</td>
 *       <td>reserved: shadow calls whose output disagreed with the baseline; registered when shadow
 *       traffic runs</td></tr>
 * </table>
 *
 * <p>Tag values: {@value #TAG_ROUTER} is the router's name, {@value #TAG_RELEASE} the release's display
 * name ({@code v2}; default {@code model:version}) and {@value #TAG_RELEASE_ID} its id ({@code rel-…}), {@value #TAG_SEGMENT} the segment name, {@value #TAG_OUTCOME} the lower-case name of
 * an {@link io.github.rollback4j.telemetry.Outcome} ({@code success}, {@code model_error},
 * {@code timeout}, {@code fallback}, {@code shadow_dropped}), {@value #TAG_TRIGGER} and
 * {@value #TAG_SEVERITY} the rollback's {@link io.github.rollback4j.Cause#trigger()} and
 * {@link io.github.rollback4j.Cause#severity()} as given ({@code none} when no trigger caused it).
 *
 * <p>The constants are the defaults ({@link #ofDefaults()}). {@link #custom()} renames meters, e.g. to
 * fit an existing dashboard; tag keys are fixed. Names must be lower-case and dotted, as Micrometer
 * expects; each registry's naming convention turns them into its own form (Prometheus:
 * {@code rollback4j_calls_seconds}, {@code rollback4j_requests_total}, …).
 *
 * <p>Immutable and thread-safe.
 */
public final class RollbackMeterNames {

    /** Prefix of every default name. */
    public static final String PREFIX = "rollback4j.";

    /** Timer: latency per router, release and segment. */
    public static final String CALLS = PREFIX + "calls";
    /** Counter: calls per router, release, segment and outcome. */
    public static final String REQUESTS = PREFIX + "requests";
    /** Gauge: configured weight per router, segment and release, in basis points. */
    public static final String WEIGHT_CONFIGURED = PREFIX + "weight.configured";
    /** Gauge: serving weight per router, segment and release, in basis points. */
    public static final String WEIGHT_SERVING = PREFIX + "weight.serving";
    /** Gauge: 1 for the router's last-known-good release, 0 for the others; per router and release. */
    public static final String LAST_KNOWN_GOOD = PREFIX + "release.last.known.good";
    /** Counter: rollbacks per router, trigger and severity. */
    public static final String ROLLBACKS = PREFIX + "rollbacks";
    /**
     * Counter, reserved for shadow traffic (per router, release and segment): shadow calls whose output
     * the comparator judged different. Nothing registers it until shadow traffic runs.
     */
    public static final String SHADOW_MISMATCHES = PREFIX + "shadow.mismatches";

    /** Tag: the router's name. */
    public static final String TAG_ROUTER = "router";
    /** Tag: the release's display name ({@code Release.name()}, e.g. {@code v2}), unique within a router. */
    public static final String TAG_RELEASE = "release";
    /** Tag: the release id, {@code rel-} and 16 hex characters, beside the name for joins with JSON and audit. */
    public static final String TAG_RELEASE_ID = "release_id";
    /** Tag: the segment name ({@code default} for requests that name none). */
    public static final String TAG_SEGMENT = "segment";
    /** Tag: the lower-case {@link io.github.rollback4j.telemetry.Outcome} name. */
    public static final String TAG_OUTCOME = "outcome";
    /** Tag: the trigger that caused a rollback, or {@code none}. */
    public static final String TAG_TRIGGER = "trigger";
    /** Tag: the severity of the trigger that caused a rollback, or {@code none}. */
    public static final String TAG_SEVERITY = "severity";

    /** Every tag key rollback4j sets; extra tags may not use them. */
    public static final List<String> TAG_KEYS =
            List.of(TAG_ROUTER, TAG_RELEASE, TAG_RELEASE_ID, TAG_SEGMENT, TAG_OUTCOME, TAG_TRIGGER, TAG_SEVERITY);

    /**
     * Base unit of the weight gauges: basis points, 1/100 of a percent (10000 = all traffic).
     * Prometheus appends it to the name: {@code rollback4j_weight_serving_basis_points}.
     */
    public static final String WEIGHT_UNIT = "basis_points";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");
    private static final RollbackMeterNames DEFAULTS = custom().build();

    private final String calls;
    private final String requests;
    private final String weightConfigured;
    private final String weightServing;
    private final String lastKnownGood;
    private final String rollbacks;
    private final String shadowMismatches;

    private RollbackMeterNames(Builder b) {
        this.calls = b.calls;
        this.requests = b.requests;
        this.weightConfigured = b.weightConfigured;
        this.weightServing = b.weightServing;
        this.lastKnownGood = b.lastKnownGood;
        this.rollbacks = b.rollbacks;
        this.shadowMismatches = b.shadowMismatches;
    }

    /** @return the default names, the constants of this class */
    public static RollbackMeterNames ofDefaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the default names */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the latency timer's name; default {@value #CALLS} */
    public String calls() {
        return calls;
    }

    /** @return the outcome counter's name; default {@value #REQUESTS} */
    public String requests() {
        return requests;
    }

    /** @return the configured-weight gauge's name; default {@value #WEIGHT_CONFIGURED} */
    public String weightConfigured() {
        return weightConfigured;
    }

    /** @return the serving-weight gauge's name; default {@value #WEIGHT_SERVING} */
    public String weightServing() {
        return weightServing;
    }

    /** @return the last-known-good gauge's name; default {@value #LAST_KNOWN_GOOD} */
    public String lastKnownGood() {
        return lastKnownGood;
    }

    /** @return the rollback counter's name; default {@value #ROLLBACKS} */
    public String rollbacks() {
        return rollbacks;
    }

    /** @return the reserved shadow-mismatch counter's name; default {@value #SHADOW_MISMATCHES} */
    public String shadowMismatches() {
        return shadowMismatches;
    }

    /** @return every meter name, in the order of the table above */
    public List<String> all() {
        return List.of(calls, requests, weightConfigured, weightServing, lastKnownGood, rollbacks, shadowMismatches);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof RollbackMeterNames other && all().equals(other.all()));
    }

    @Override
    public int hashCode() {
        return all().hashCode();
    }

    @Override
    public String toString() {
        return "RollbackMeterNames" + all();
    }

    /** Builds {@link RollbackMeterNames}, starting from the defaults; not thread-safe. */
    public static final class Builder {
        private String calls = CALLS;
        private String requests = REQUESTS;
        private String weightConfigured = WEIGHT_CONFIGURED;
        private String weightServing = WEIGHT_SERVING;
        private String lastKnownGood = LAST_KNOWN_GOOD;
        private String rollbacks = ROLLBACKS;
        private String shadowMismatches = SHADOW_MISMATCHES;

        private Builder() {
        }

        /**
         * @param name the latency timer's name; default {@value #CALLS}
         * @return this builder
         */
        public Builder calls(String name) {
            this.calls = name;
            return this;
        }

        /**
         * @param name the outcome counter's name; default {@value #REQUESTS}
         * @return this builder
         */
        public Builder requests(String name) {
            this.requests = name;
            return this;
        }

        /**
         * @param name the configured-weight gauge's name; default {@value #WEIGHT_CONFIGURED}
         * @return this builder
         */
        public Builder weightConfigured(String name) {
            this.weightConfigured = name;
            return this;
        }

        /**
         * @param name the serving-weight gauge's name; default {@value #WEIGHT_SERVING}
         * @return this builder
         */
        public Builder weightServing(String name) {
            this.weightServing = name;
            return this;
        }

        /**
         * @param name the last-known-good gauge's name; default {@value #LAST_KNOWN_GOOD}
         * @return this builder
         */
        public Builder lastKnownGood(String name) {
            this.lastKnownGood = name;
            return this;
        }

        /**
         * @param name the rollback counter's name; default {@value #ROLLBACKS}
         * @return this builder
         */
        public Builder rollbacks(String name) {
            this.rollbacks = name;
            return this;
        }

        /**
         * @param name the reserved shadow-mismatch counter's name; default {@value #SHADOW_MISMATCHES}
         * @return this builder
         */
        public Builder shadowMismatches(String name) {
            this.shadowMismatches = name;
            return this;
        }

        /**
         * @return the names
         * @throws IllegalArgumentException when a name is not lower-case and dotted, or two meters share a name
         */
        public RollbackMeterNames build() {
            Map<String, String> byField = new LinkedHashMap<>();
            byField.put("calls", calls);
            byField.put("requests", requests);
            byField.put("weightConfigured", weightConfigured);
            byField.put("weightServing", weightServing);
            byField.put("lastKnownGood", lastKnownGood);
            byField.put("rollbacks", rollbacks);
            byField.put("shadowMismatches", shadowMismatches);
            Map<String, String> fieldByName = new LinkedHashMap<>();
            byField.forEach((field, name) -> {
                if (name == null || !NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("RollbackMeterNames." + field + " must be lower-case and dotted"
                            + " (letters, digits and '_' between dots, e.g. '" + PREFIX + "calls'), but was '" + name + "'");
                }
                String taken = fieldByName.putIfAbsent(name, field);
                if (taken != null) {
                    throw new IllegalArgumentException("RollbackMeterNames." + field + " must differ from RollbackMeterNames."
                            + taken + ", but both were '" + name + "'");
                }
            });
            return new RollbackMeterNames(this);
        }
    }
}
