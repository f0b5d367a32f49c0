package io.github.rollback4j.micrometer;

import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.telemetry.CallObserver;
import io.github.rollback4j.telemetry.CallObserverFactory;
import io.github.rollback4j.telemetry.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one router in one registry, and the subscriptions that keep them in step with the
 * router's releases and segments.
 *
 * <p>Concurrency: {@link #create} may run on a control thread or, the first time a segment is seen, on
 * a request thread; events arrive on control threads. Every change of the bookkeeping runs under
 * {@link #lock}, which is never held while calling the router (the router may call {@link #create}
 * while holding a lock of its own), and gauge functions (called while scraping) read the router only,
 * so locks cannot be taken in a cycle.
 */
final class RouterMeters implements CallObserverFactory {

    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final String[] OUTCOME_TAGS = new String[OUTCOMES.length];

    static {
        for (Outcome outcome : OUTCOMES) {
            OUTCOME_TAGS[outcome.ordinal()] = outcome.name().toLowerCase(Locale.ROOT);
        }
    }

    private final ModelRouter<?, ?> router;
    private final MeterRegistry registry;
    private final RollbackMeterNames names;
    private final Tags routerTags;

    private final Object lock = new Object();
    /** Meters that follow one release, removed when it is retired. Guarded by {@link #lock}. */
    private final Map<ReleaseId, Map<Meter.Id, Meter>> byRelease = new HashMap<>();
    /** Meters of the whole router (rollback counters). Guarded by {@link #lock}. */
    private final Map<Meter.Id, Meter> routerWide = new LinkedHashMap<>();
    /** The observer of each release and request segment, handed out again when the router asks twice. Guarded by {@link #lock}. */
    private final Map<ReleaseId, Map<Segment, CallMeters>> observers = new HashMap<>();
    /** Segments each release has weight gauges in; registering a gauge twice makes Micrometer warn. Guarded by {@link #lock}. */
    private final Map<ReleaseId, Set<Segment>> gaugedSegments = new HashMap<>();
    /** Releases that have their last-known-good gauge. Guarded by {@link #lock}. */
    private final Set<ReleaseId> lastKnownGoodGauged = new HashSet<>();
    /** Releases retired and not added again: a late {@link #create} for them registers nothing. */
    private final Set<ReleaseId> retired = new HashSet<>();
    private boolean closed;
    private RouterEventPublisher.Registration eventRegistration;
    private RouterEventPublisher.Registration observerRegistration;

    private final boolean percentileHistogram;

    RouterMeters(ModelRouter<?, ?> router, MeterRegistry registry, RollbackMeterNames names, Tags routerTags) {
        this(router, registry, names, routerTags, false);
    }

    RouterMeters(ModelRouter<?, ?> router, MeterRegistry registry, RollbackMeterNames names, Tags routerTags,
                 boolean percentileHistogram) {
        this.router = router;
        this.registry = registry;
        this.names = names;
        this.routerTags = routerTags;
        this.percentileHistogram = percentileHistogram;
    }

    /** Subscribes to events first, so no change between the first gauges and the subscription is missed. */
    void start() {
        start(List.of());
    }

    /**
     * Subscribes, registers the gauges and the rollback counters at 0 (for rollbacks without a trigger
     * and for each trigger), so {@code increase()} sees the first rollback.
     */
    void start(List<io.github.rollback4j.trigger.TriggerSpec> triggers) {
        synchronized (lock) {
            rollbackCounter(io.github.rollback4j.Cause.NONE, io.github.rollback4j.Cause.NONE);
            for (io.github.rollback4j.trigger.TriggerSpec t : triggers) {
                rollbackCounter(t.name(), t.severity().name());
            }
        }
        RouterEventPublisher.Registration onEvents = router.eventPublisher().onEvent(this::onEvent);
        RouterEventPublisher.Registration onCalls;
        try {
            onCalls = router.telemetry().addCallObserver(this);
        } catch (RuntimeException e) {
            onEvents.close();
            throw e;
        }
        Set<ReleaseId> releases = knownReleases();
        List<Segment> segments = routedSegments();
        synchronized (lock) {
            eventRegistration = onEvents;
            observerRegistration = onCalls;
            releases.forEach(this::registerLastKnownGoodGauge);
            for (Segment segment : segments) {
                for (ReleaseId release : releases) {
                    registerWeightGauges(segment, release);
                }
            }
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    // ---- request-path observers (created on first sight of a release and segment) ----

    @Override
    public CallObserver create(String routerName, ReleaseId release, Segment segment) {
        synchronized (lock) {
            if (closed || retired.contains(release)) {
                return CallObserver.NOOP;
            }
            Map<Segment, CallMeters> bySegment = observers.computeIfAbsent(release, r -> new HashMap<>());
            CallMeters known = bySegment.get(segment);
            if (known != null) {
                return known;
            }
            Tags tags = releaseTags(release).and(RollbackMeterNames.TAG_SEGMENT, segment.name());
            Timer latency = track(release, Timer.builder(names.calls())
                    .description("Latency of the calls a release ran in a request segment, whatever their outcome")
                    .tags(tags)
                    .publishPercentileHistogram(percentileHistogram)
                    .minimumExpectedValue(RollbackMetrics.MINIMUM_EXPECTED_LATENCY)
                    .maximumExpectedValue(RollbackMetrics.MAXIMUM_EXPECTED_LATENCY)
                    .register(registry));
            Counter[] byOutcome = new Counter[OUTCOMES.length];
            for (Outcome outcome : OUTCOMES) {
                byOutcome[outcome.ordinal()] = track(release, Counter.builder(names.requests())
                        .description("Calls routed to a release in a request segment, by outcome")
                        .tags(tags)
                        .tag(RollbackMeterNames.TAG_OUTCOME, OUTCOME_TAGS[outcome.ordinal()])
                        .register(registry));
            }
            CallMeters created = new CallMeters(latency, byOutcome);
            bySegment.put(segment, created);
            return created;
        }
    }

    // ---- control path: events ----

    void onEvent(RouterEvent event) {
        if (event instanceof RouterEvent.WeightsChanged changed) {
            Set<ReleaseId> releases = knownReleases();
            releases.addAll(changed.after().keySet());
            synchronized (lock) {
                for (ReleaseId release : releases) {
                    registerWeightGauges(changed.segment(), release);
                }
            }
        } else if (event instanceof RouterEvent.ReleaseAdded added) {
            List<Segment> segments = routedSegments();
            synchronized (lock) {
                retired.remove(added.release());
                registerLastKnownGoodGauge(added.release());
                for (Segment segment : segments) {
                    registerWeightGauges(segment, added.release());
                }
            }
        } else if (event instanceof RouterEvent.ReleaseRetired gone) {
            synchronized (lock) {
                retired.add(gone.release());
                gaugedSegments.remove(gone.release());
                lastKnownGoodGauged.remove(gone.release());
                observers.remove(gone.release());
                Map<Meter.Id, Meter> meters = byRelease.remove(gone.release());
                if (meters != null) {
                    meters.values().forEach(registry::remove);
                }
            }
        } else if (event instanceof RouterEvent.RolledBack rolledBack) {
            countRollback(rolledBack.cause());
        } else if (event instanceof RouterEvent.SegmentRolledBack segmentRolledBack) {
            countRollback(segmentRolledBack.cause());
        }
    }

    /** A full or a one-segment rollback, counted by the trigger and severity of its cause. */
    private void countRollback(io.github.rollback4j.Cause cause) {
        Counter rollbacks;
        synchronized (lock) {
            if (closed) {
                return;
            }
            rollbacks = rollbackCounter(cause.trigger(), cause.severity());
        }
        rollbacks.increment();
    }

    /** Caller holds {@link #lock}. Registering an existing counter returns it. */
    private Counter rollbackCounter(String trigger, String severity) {
        Counter rollbacks = Counter.builder(names.rollbacks())
                .description("Rollbacks to the last-known-good (of every segment, or of one), by the trigger and"
                        + " severity that caused them")
                .tags(routerTags)
                .tag(RollbackMeterNames.TAG_TRIGGER, trigger)
                .tag(RollbackMeterNames.TAG_SEVERITY, RollbackMetrics.tagValue(severity))
                .register(registry);
        routerWide.put(rollbacks.getId(), rollbacks);
        return rollbacks;
    }

    // ---- weight gauges ----

    /** Caller holds {@link #lock}. Does nothing for a pair that has its gauges. */
    private void registerWeightGauges(Segment segment, ReleaseId release) {
        if (closed || retired.contains(release)
                || !gaugedSegments.computeIfAbsent(release, r -> new HashSet<>()).add(segment)) {
            return;
        }
        Tags tags = releaseTags(release).and(RollbackMeterNames.TAG_SEGMENT, segment.name());
        track(release, weightGauge(names.weightConfigured(), tags,
                "Weight the rollout asks for, per segment and release (10000 = all traffic)",
                r -> r.weights(segment), release));
        track(release, weightGauge(names.weightServing(), tags,
                "Weight that actually serves, per segment and release: the configured weight with the share of"
                        + " releases that are not warm and healthy moved to the last-known-good (10000 = all traffic)",
                r -> r.servingWeights(segment), release));
    }

    /**
     * Caller holds {@link #lock}. 1 while the release is the last-known-good, read at scrape time, so a
     * promotion or a new LKG needs no re-registration; PromQL joins on it to tell the LKG from candidates.
     */
    private void registerLastKnownGoodGauge(ReleaseId release) {
        if (closed || retired.contains(release) || !lastKnownGoodGauged.add(release)) {
            return;
        }
        ToDoubleFunction<ModelRouter<?, ?>> isLkg = r -> release.equals(r.lastKnownGood().id()) ? 1 : 0;
        track(release, Gauge.builder(names.lastKnownGood(), router, isLkg)
                .description("1 for the router's last-known-good release, 0 for every other release")
                .tags(releaseTags(release))
                .register(registry));
    }

    /** The gauge holds the router weakly (Micrometer's default); the function captures no router. */
    private Gauge weightGauge(String name, Tags tags, String description,
                              Function<ModelRouter<?, ?>, Map<ReleaseId, Integer>> weights, ReleaseId release) {
        ToDoubleFunction<ModelRouter<?, ?>> basisPoints = r -> weights.apply(r).getOrDefault(release, 0);
        return Gauge.builder(name, router, basisPoints)
                .description(description)
                .tags(tags)
                .baseUnit(RollbackMeterNames.WEIGHT_UNIT)
                .register(registry);
    }

    /** {@code release} is the display name people read; {@code release_id} the id beside it, for joins with JSON and audit. */
    private Tags releaseTags(ReleaseId release) {
        return routerTags.and(RollbackMeterNames.TAG_RELEASE, router.releaseName(release),
                RollbackMeterNames.TAG_RELEASE_ID, release.value());
    }

    private Set<ReleaseId> knownReleases() {
        Set<ReleaseId> releases = new LinkedHashSet<>();
        for (Release release : router.releases()) {
            releases.add(release.id());
        }
        return releases;
    }

    private List<Segment> routedSegments() {
        List<Segment> segments = new ArrayList<>();
        segments.add(Segment.DEFAULT);
        for (String name : router.state().allocations().keySet()) {
            Segment segment = Segment.of(name);
            if (!segments.contains(segment)) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private <M extends Meter> M track(ReleaseId release, M meter) {
        byRelease.computeIfAbsent(release, r -> new LinkedHashMap<>()).put(meter.getId(), meter);
        return meter;
    }

    // ---- closing ----

    /** Unsubscribes and removes every meter this binding registered. Closing twice is harmless. */
    void close() {
        RouterEventPublisher.Registration onEvents;
        RouterEventPublisher.Registration onCalls;
        List<Meter> meters = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            onEvents = eventRegistration;
            onCalls = observerRegistration;
            byRelease.values().forEach(m -> meters.addAll(m.values()));
            meters.addAll(routerWide.values());
            byRelease.clear();
            routerWide.clear();
            gaugedSegments.clear();
            lastKnownGoodGauged.clear();
            observers.clear();
        }
        // Unsubscribe outside the lock: the router may hold its own lock while it calls create().
        try {
            if (onCalls != null) {
                onCalls.close();
            }
        } finally {
            if (onEvents != null) {
                onEvents.close();
            }
            meters.forEach(registry::remove);
        }
    }
}
