package io.github.rollback4j.core.gameday;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A release of a game day with synthetic behaviour: lognormal latency, an error rate, a KPI rate,
 * output distortion and noise, the input fields its feature pipeline emits, how its health probe and
 * warm-up behave, and changes of all of these at given times.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the release's name in the scenario, e.g. {@code v2}
 * @param model the model's name
 * @param version the model's immutable version
 * @param features feature name → version the release ships (e.g. {@code categorical-encoder: v5})
 * @param requires feature name → the versions the model version is compatible with
 *                 ({@link io.github.rollback4j.ModelVersion.Builder#compatibleWith}); the release must pair the model
 *                 with one of them for every feature, and with no other feature
 * @param flags feature flags the release turns on
 * @param lastKnownGood whether this is the release serving before the rollout
 * @param probe how the router warms and probes this release
 * @param behaviour how it behaves from the start
 * @param changes behaviour changes (and restarts) at given times, in time order
 * @param bySegment request segment → the behaviour in that segment (with its own changes), overriding {@code behaviour}
 *                  and {@code changes} there (a regression in one region only)
 */
public record SyntheticRelease(String name, String model, String version, Map<String, String> features,
                               Map<String, List<String>> requires, List<String> flags, boolean lastKnownGood, Probe probe,
                               Behaviour behaviour, List<Change> changes, Map<String, SegmentBehaviour> bySegment) {

    /**
     * The behaviour of a release in one segment.
     *
     * @param behaviour how it behaves there from the start
     * @param changes its changes there at given times, in time order ({@code restart} is refused here: an instance
     *                serves every segment)
     */
    public record SegmentBehaviour(Behaviour behaviour, List<Change> changes) {
    }

    /**
     * How the router warms and probes the release ({@link io.github.rollback4j.core.ReleaseSpec}).
     *
     * @param timeout longest probe call, 1 ms..10 min (default 2 s); a slower probe fails
     * @param unhealthyAfter consecutive failed probes that take the release out of traffic, 1..100 (default 3)
     * @param warmupCalls calls before the release may serve, 0..100000 (default 5)
     */
    public record Probe(Duration timeout, int unhealthyAfter, int warmupCalls) {
        /** The defaults: 2 s timeout, unhealthy after 3 failures, 5 warm-up calls. */
        public static final Probe DEFAULT = new Probe(Duration.ofSeconds(2), 3, 5);
    }

    /**
     * @param medianLatency median latency
     * @param latencySigma sigma of the lognormal latency (0.25: P95 ≈ 1.5 × median)
     * @param errorRate share of calls that throw, 0..1
     * @param kpiRate probability that a served request converts (the KPI), 0..1
     * @param distortion where and how much the prediction score is shifted
     * @param noise standard deviation of gaussian noise added to every prediction score (a nondeterministic model),
     *              &gt;= 0
     * @param health how the release's health probe and warm-up behave
     * @param inputs input field → the values this release's feature pipeline emits for it (every field of
     *               {@code traffic.inputs}; empty when the scenario declares none)
     */
    public record Behaviour(Duration medianLatency, double latencySigma, double errorRate, double kpiRate, Distortion distortion,
                            double noise, Health health, Map<String, FieldValues> inputs) {
    }

    /**
     * An output distortion: the score is shifted by {@code outputShift} for requests it applies to.
     *
     * @param outputShift added to the prediction score where the distortion applies (0: none)
     * @param segments segment → hours of day (UTC, {@code [from, to)}, wrapping past midnight); empty: every segment,
     *                 every hour
     * @param attributes request attribute → the values it applies to (e.g. {@code device: [android]}); empty: every
     *                   request; with several attributes, a request matching any of them
     */
    public record Distortion(double outputShift, Map<String, int[]> segments, Map<String, Set<String>> attributes) {
        /** No distortion. */
        public static final Distortion NONE = new Distortion(0.0, Map.of(), Map.of());

        /**
         * @param segment the request's segment
         * @param hourOfDay the request's hour of day, UTC
         * @param requestAttributes the request's context attributes
         * @return whether the score of such a request is shifted
         */
        public boolean appliesTo(String segment, int hourOfDay, Map<String, String> requestAttributes) {
            if (outputShift == 0.0) {
                return false;
            }
            if (!segments.isEmpty()) {
                int[] hours = segments.get(segment);
                if (hours == null || !inHours(hourOfDay, hours)) {
                    return false;
                }
            }
            if (attributes.isEmpty()) {
                return true;
            }
            for (Map.Entry<String, Set<String>> a : attributes.entrySet()) {
                String value = requestAttributes.get(a.getKey());
                if (value != null && a.getValue().contains(value)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean inHours(int hour, int[] range) {
            return range[0] <= range[1] ? hour >= range[0] && hour < range[1] : hour >= range[0] || hour < range[1];
        }
    }

    /**
     * How the release's health probe and warm-up behave (the router probes every {@code healthChecks.interval} and
     * warms a release at the start and after a {@code restart}).
     *
     * @param probeFails every probe call throws
     * @param probeLatency how long one probe (and warm-up) call takes; longer than the probe timeout fails the probe
     * @param warmupFails every warm-up call throws, so the warm-up fails and the release is out of traffic at once
     */
    public record Health(boolean probeFails, Duration probeLatency, boolean warmupFails) {
        /** A healthy release: probes and warm-up pass at once. */
        public static final Health HEALTHY = new Health(false, Duration.ZERO, false);
    }

    /**
     * The values a feature pipeline emits for one input field.
     *
     * @param distribution a numeric field's distribution ({@code null} for a categorical field)
     * @param categories a categorical field's category → share (shares sum to 1; empty for a numeric field)
     * @param shift added to every numeric value (a unit or offset bug), default 0
     * @param nullRate share of requests where the field is missing, 0..1
     * @param violationRate share of requests whose value breaks the field's schema rule (a numeric value above its
     *                      {@code range}, a category outside {@code allowed}), 0..1
     */
    public record FieldValues(Distribution distribution, Map<String, Double> categories, double shift, double nullRate,
                              double violationRate) {
    }

    /**
     * A numeric distribution.
     *
     * @param kind {@code normal} (a = mean, b = standard deviation), {@code lognormal} (a = median, b = sigma) or
     *             {@code uniform} (a = min, b = max)
     * @param a the first parameter
     * @param b the second parameter
     */
    public record Distribution(String kind, double a, double b) {
    }

    /**
     * @param at when the change happens, from the start of the run
     * @param behaviour the behaviour from then on
     * @param restart whether the release's instance restarts cold at that time: the router warms it again
     *                ({@link io.github.rollback4j.core.ManagedModelRouter#warmUp}), which fails when its
     *                {@code health.warmup} fails
     */
    public record Change(Duration at, Behaviour behaviour, boolean restart) {
    }

    /**
     * @param elapsed time since the start of the run
     * @param segment the request's segment, or {@code null}
     * @return the behaviour in force for a request of that segment
     */
    public Behaviour behaviourAt(Duration elapsed, String segment) {
        SegmentBehaviour own = segment == null ? null : bySegment.get(segment);
        return own != null ? at(own.behaviour(), own.changes(), elapsed) : behaviourAt(elapsed);
    }

    /**
     * @param elapsed time since the start of the run
     * @return the behaviour in force outside the segments of {@link #bySegment()}
     */
    public Behaviour behaviourAt(Duration elapsed) {
        return at(behaviour, changes, elapsed);
    }

    private static Behaviour at(Behaviour base, List<Change> changes, Duration elapsed) {
        Behaviour current = base;
        for (Change change : changes) {
            if (elapsed.compareTo(change.at()) >= 0) {
                current = change.behaviour();
            }
        }
        return current;
    }
}
