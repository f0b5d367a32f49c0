package io.github.rollback4j.micrometer;

import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.TriggerSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Binds one {@link ModelRouter} to a Micrometer {@link MeterRegistry}: call latency and outcomes per
 * release and segment, current weights, and rollbacks by trigger and severity. Every meter is listed in
 * {@link RollbackMeterNames} and in {@code docs/metrics.md}.
 *
 * <pre>{@code
 * RollbackMetrics metrics = RollbackMetrics.of(router);
 * metrics.bindTo(meterRegistry);
 * ...
 * metrics.close();   // unsubscribes and removes the meters
 * }</pre>
 *
 * <h2>How the meters follow the router</h2>
 * <ul>
 *   <li>Latency and outcome meters are registered when the router asks the binding for a
 *   {@link io.github.rollback4j.telemetry.CallObserver} of a release in a request segment (at
 *   {@code bindTo} for every pair the router already tracks, later for each new release and the first
 *   time a segment is seen). The request path then records into meters it already holds: no meter
 *   lookup, no tag allocation, no exception.</li>
 *   <li>Weight gauges exist for every release × every segment with routing of its own (always
 *   {@code default}); a {@code WeightsChanged} event for a new segment and a {@code ReleaseAdded} event
 *   add the missing pairs. They read {@link ModelRouter#weights} and {@link ModelRouter#servingWeights}
 *   when the registry publishes, and hold the router weakly.</li>
 *   <li>A last-known-good gauge per release (1 for {@link ModelRouter#lastKnownGood()}, 0 otherwise) is
 *   registered at {@code bindTo} and on {@code ReleaseAdded}; it is read when the registry publishes, so
 *   it follows promotions without re-registration.</li>
 *   <li>Rollback counters are registered at 0 when the binder is bound, so that {@code increase()} sees the
 *   first rollback: one for rollbacks no trigger caused ({@code trigger="none", severity="none"}) and one per
 *   trigger given to {@link #withTriggers(Collection)}. A {@code RolledBack} or {@code SegmentRolledBack}
 *   event increments the counter of its cause's trigger and severity (registering it if it was not
 *   given).</li>
 *   <li>A {@code ReleaseRetired} event removes every meter tagged with that release from the
 *   registry.</li>
 * </ul>
 *
 * <h2>Latency histogram</h2>
 * Off by default, as in Micrometer: the timer publishes count, sum and max only. With
 * {@link #withPercentileHistogram(boolean) withPercentileHistogram(true)}, or when a trigger given to
 * {@link #withTriggers(Collection)} judges latency (its Prometheus alert rule reads the buckets), it
 * publishes a percentile histogram (Prometheus {@code histogram_quantile}) with buckets from
 * {@link #MINIMUM_EXPECTED_LATENCY} to {@link #MAXIMUM_EXPECTED_LATENCY}; change them with a
 * {@link io.micrometer.core.instrument.config.MeterFilter} on {@link RollbackMeterNames#calls()}.
 *
 * <p>Tag values rollback4j sets are lower case ({@code severe}, {@code model_error}); names of routers,
 * releases, segments and triggers are shown as given.
 *
 * <p>Thread-safe. {@link #bindTo} may be called for several registries (once each; binding the same
 * registry again does nothing); bind one {@code RollbackMetrics} per router and registry. After
 * {@link #close()}, {@code bindTo} is refused.
 */
public final class RollbackMetrics implements MeterBinder, AutoCloseable {

    /** Lowest bucket boundary of the latency histogram: 100 µs (in-process models can be this fast). */
    public static final Duration MINIMUM_EXPECTED_LATENCY = Duration.ofNanos(100_000);
    /** Highest bucket boundary of the latency histogram: 60 s. */
    public static final Duration MAXIMUM_EXPECTED_LATENCY = Duration.ofSeconds(60);

    private final ModelRouter<?, ?> router;
    private final RollbackMeterNames names;
    private final Tags tags;
    private final List<TriggerSpec> triggers;
    private final boolean percentileHistogram;
    private final List<RouterMeters> bindings = new ArrayList<>();
    private boolean closed;

    private RollbackMetrics(ModelRouter<?, ?> router, RollbackMeterNames names, Tags tags, List<TriggerSpec> triggers,
                            boolean percentileHistogram) {
        this.router = router;
        this.names = names;
        this.tags = tags;
        this.triggers = triggers;
        this.percentileHistogram = percentileHistogram;
    }

    /**
     * @param routerTriggers the triggers that guard the router: their rollback counters are registered at 0
     *                       when bound, and a latency trigger turns the percentile histogram on
     * @return a binder like this one with those triggers (not bound yet)
     */
    public RollbackMetrics withTriggers(Collection<TriggerSpec> routerTriggers) {
        Objects.requireNonNull(routerTriggers, "RollbackMetrics.triggers must not be null (use List.of())");
        return new RollbackMetrics(router, names, tags, List.copyOf(routerTriggers), percentileHistogram);
    }

    /**
     * @param enabled whether the latency timer publishes a percentile histogram (default {@code false},
     *                unless a latency trigger is given)
     * @return a binder like this one (not bound yet)
     */
    public RollbackMetrics withPercentileHistogram(boolean enabled) {
        return new RollbackMetrics(router, names, tags, triggers, enabled);
    }

    /** @return whether the latency timer publishes a percentile histogram */
    public boolean percentileHistogram() {
        return percentileHistogram || triggers.stream().anyMatch(t -> t.metric() instanceof Metric.Latency);
    }

    /** Lower-case tag value, as Prometheus users expect ({@code severe}, not {@code SEVERE}). */
    static String tagValue(String value) {
        return value == null ? "none" : value.toLowerCase(Locale.ROOT);
    }

    /**
     * @param router the router to observe
     * @return a binder with the default names ({@link RollbackMeterNames#ofDefaults()}) and no extra tags
     */
    public static RollbackMetrics of(ModelRouter<?, ?> router) {
        return of(router, RollbackMeterNames.ofDefaults(), Tags.empty());
    }

    /**
     * @param router the router to observe
     * @param extraTags tags added to every meter, e.g. {@code application}; may not use the keys in
     *                  {@link RollbackMeterNames#TAG_KEYS}
     * @return a binder with the default names
     * @throws IllegalArgumentException when an extra tag uses a key rollback4j sets itself
     */
    public static RollbackMetrics of(ModelRouter<?, ?> router, Iterable<Tag> extraTags) {
        return of(router, RollbackMeterNames.ofDefaults(), extraTags);
    }

    /**
     * @param router the router to observe
     * @param names the meter names
     * @param extraTags tags added to every meter; may not use the keys in {@link RollbackMeterNames#TAG_KEYS}
     * @return a binder
     * @throws IllegalArgumentException when an extra tag uses a key rollback4j sets itself
     */
    public static RollbackMetrics of(ModelRouter<?, ?> router, RollbackMeterNames names, Iterable<Tag> extraTags) {
        Objects.requireNonNull(router, "RollbackMetrics.router must not be null");
        Objects.requireNonNull(names, "RollbackMetrics.names must not be null (use RollbackMeterNames.ofDefaults())");
        Objects.requireNonNull(extraTags, "RollbackMetrics.extraTags must not be null (use Tags.empty())");
        for (Tag tag : extraTags) {
            if (RollbackMeterNames.TAG_KEYS.contains(tag.getKey())) {
                throw new IllegalArgumentException("RollbackMetrics.extraTags must not use the key '" + tag.getKey()
                        + "', which rollback4j sets itself (reserved: " + RollbackMeterNames.TAG_KEYS
                        + "); rename the extra tag, e.g. to 'app." + tag.getKey() + "'");
            }
        }
        Tags tags = Tags.of(RollbackMeterNames.TAG_ROUTER, router.name()).and(extraTags);
        return new RollbackMetrics(router, names, tags, List.of(), false);
    }

    /** @return the meter names this binder uses */
    public RollbackMeterNames names() {
        return names;
    }

    /** @return the tags on every meter: {@code router} and the extra tags */
    public Tags tags() {
        return tags;
    }

    /**
     * Registers the router's meters in the registry and keeps them in step with the router until
     * {@link #close()}.
     *
     * @param registry the registry
     * @throws IllegalStateException when this binder was closed
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        if (closed) {
            throw new IllegalStateException("RollbackMetrics of router '" + router.name()
                    + "' was closed; create a new one with RollbackMetrics.of(router) to bind again");
        }
        for (RouterMeters binding : bindings) {
            if (binding.registry() == registry) {
                return;
            }
        }
        RouterMeters binding = new RouterMeters(router, registry, names, tags, percentileHistogram());
        binding.start(triggers);
        bindings.add(binding);
    }

    /**
     * Stops observing the router and removes every meter this binder registered from every registry it
     * was bound to. Closing twice is harmless.
     */
    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException failure = null;
        for (RouterMeters binding : bindings) {
            try {
                binding.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        bindings.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "RollbackMetrics[router=" + router.name() + ", tags=" + tags + "]";
    }
}
