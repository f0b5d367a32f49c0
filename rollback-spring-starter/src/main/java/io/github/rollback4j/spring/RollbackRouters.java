package io.github.rollback4j.spring;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.incident.Notifier;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.github.rollback4j.core.fleet.Fleet;
import io.github.rollback4j.core.fleet.FleetMember;

/**
 * The routers the starter built from {@code rollback4j.routers.*}, by name, each with its trigger
 * engine, rollout and shadow runner. Every router is also a {@link ManagedModelRouter} bean named
 * {@code <name>Router}; this registry is what the Actuator endpoint, the health indicator, the
 * Micrometer binding and the event bridge read.
 *
 * <p>As a {@link SmartLifecycle} it starts, once the context is refreshed, every router's health
 * checks, shadow, and rollout (which evaluates the triggers at every tick) or, for a router with
 * triggers and no strategy, its trigger engine, and its incident manager's recovery verification, on
 * the starter's {@link RollbackScheduler}; it stops and closes all of them when the context closes.
 *
 * <p>Thread-safe; the set of routers is fixed at startup.
 */
public final class RollbackRouters implements SmartLifecycle, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RollbackRouters.class);

    private final Map<String, Entry> entries;
    private final RollbackScheduler scheduler;
    /** This replica's fleet membership ({@code rollback4j.fleet.enabled}), or {@code null}. */
    private final Fleet fleet;
    private volatile boolean running;
    private volatile boolean closed;

    /**
     * @param entries the routers, in declaration order
     * @param scheduler where health checks, triggers and rollouts run
     */
    public RollbackRouters(List<Entry> entries, RollbackScheduler scheduler) {
        this(entries, scheduler, null);
    }

    /**
     * @param entries the routers, in declaration order
     * @param scheduler where health checks, triggers and rollouts run
     * @param fleet the fleet the routers are members of, or {@code null}; closed with the registry
     */
    public RollbackRouters(List<Entry> entries, RollbackScheduler scheduler, Fleet fleet) {
        this.fleet = fleet;
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (byName.put(e.name(), e) != null) {
                throw new IllegalArgumentException("RollbackRouters: router '" + e.name() + "' is registered twice");
            }
        }
        this.entries = Collections.unmodifiableMap(byName);
        this.scheduler = scheduler;
    }

    /**
     * Builds every router declared in the properties: releases from {@code Model} beans, warmed
     * synchronously, with their triggers, strategy and shadow (started by {@link #start()}).
     *
     * @param properties the bound {@code rollback4j.*} properties
     * @param beans where {@code model-bean} and {@code sample-inputs-bean} are looked up
     * @param scheduler where health checks, triggers and rollouts run
     * @return the registry
     * @throws RollbackPropertyException naming the property, the value and the fix; routers built
     *                                   before the failure are closed
     */
    public static RollbackRouters fromProperties(RollbackProperties properties, ListableBeanFactory beans,
                                                 RollbackScheduler scheduler) {
        return fromProperties(properties, beans, scheduler, List.of());
    }

    /**
     * Builds every router declared in the properties, as {@link #fromProperties(RollbackProperties,
     * ListableBeanFactory, RollbackScheduler)} does, each with an incident manager (unless
     * {@code incident.enabled} is false) that also tells the given notifiers.
     *
     * @param properties the bound {@code rollback4j.*} properties
     * @param beans where {@code model-bean} and {@code sample-inputs-bean} are looked up
     * @param scheduler where health checks, triggers, rollouts and incident verification run
     * @param notifiers notifiers every router's incidents tell besides those of {@code incident.notifiers.*}
     * @return the registry
     * @throws RollbackPropertyException naming the property, the value and the fix; routers built
     *                                   before the failure are closed
     */
    public static RollbackRouters fromProperties(RollbackProperties properties, ListableBeanFactory beans,
                                                 RollbackScheduler scheduler, List<Notifier> notifiers) {
        Fleet fleet = FleetAssembler.fleet(properties.getFleet(), beans);
        RouterAssembler assembler = new RouterAssembler(properties, beans, notifiers, fleet);
        List<Entry> built = new ArrayList<>();
        try {
            properties.getRouters().forEach((name, router) -> built.add(assembler.build(name, router)));
        } catch (RuntimeException e) {
            built.forEach(Entry::close);
            closeFleet(fleet);
            throw e;
        }
        return new RollbackRouters(built, scheduler, fleet);
    }

    /** @return this replica's fleet membership, empty when {@code rollback4j.fleet.enabled} is off */
    public Optional<Fleet> fleet() {
        return Optional.ofNullable(fleet);
    }

    /** @return the router names, in declaration order */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** @return every router with its engine, rollout and shadow, in declaration order */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * @param name a router name
     * @return the router, its engine, rollout and shadow, if declared
     */
    public Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /**
     * @param name a router name
     * @return the router
     * @throws IllegalArgumentException when no router has that name, listing the names
     */
    public ManagedModelRouter<Object, Object> router(String name) {
        return entry(name).router();
    }

    /**
     * @param name a router name
     * @return the entry
     * @throws IllegalArgumentException when no router has that name, listing the names
     */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no rollback4j router named '" + name + "'; routers are " + entries.keySet());
        }
        return e;
    }

    @Override
    public synchronized void start() {
        if (running || closed) {
            return;
        }
        for (Entry e : entries.values()) {
            e.router().startHealthChecks(scheduler.executor());
            if (e.shadow() != null) {
                e.router().startShadow(e.shadowCandidate(), e.shadow(),
                        io.github.rollback4j.Cause.automatic("shadow enabled in rollback4j.routers." + e.name() + ".shadow"));
            }
            if (e.member() != null) {
                // Fleet mode: the member runs the rollout (or the engine) on the leader and the brake elsewhere.
                e.member().start(scheduler.executor());
            } else if (e.rollout() != null) {
                e.rollout().start(scheduler.executor(), e.tickInterval());
            } else if (e.segmented() != null) {
                e.segmented().start(scheduler.executor(), e.tickInterval());
            } else if (e.engine() != null) {
                e.engine().start(scheduler.executor());
            }
            if (e.incidents() != null) {
                e.incidents().start(scheduler.executor());
            }
            LOG.info("rollback4j router '{}' started: last-known-good {}, {}", e.name(), e.router().lastKnownGood(),
                    e.rollout() != null ? e.strategy() + " of " + e.router().releaseNameAndId(e.rollout().candidate())
                            : e.segmented() != null ? "canary of " + e.router().releaseNameAndId(e.segmented().candidate()) + " per segment "
                            + e.segmented().rollouts().keySet() : "no rollout");
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops every schedule and closes every rollout, engine, shadow runner and router. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        entries.values().forEach(Entry::close);
        closeFleet(fleet);
    }

    /** Leaves the fleet and stops the store's notice listener (the DataSource is the application's). */
    private static void closeFleet(Fleet fleet) {
        if (fleet == null) {
            return;
        }
        fleet.close();
        if (fleet.store() instanceof AutoCloseable store) {
            try {
                store.close();
            } catch (Exception e) {
                LOG.warn("closing the fleet store failed", e);
            }
        }
    }

    /**
     * One router and what runs with it.
     *
     * @param name the router's name
     * @param router the router
     * @param releases release name (as in the properties) to release id, in declaration order
     * @param engine its trigger engine, or {@code null} without triggers
     * @param rollout its rollout, or {@code null} without a strategy
     * @param strategy {@code none}, {@code canary} or {@code blue-green}
     * @param tickInterval time between rollout ticks
     * @param shadow its shadow runner, or {@code null}
     * @param shadowCandidate the release the shadow runner mirrors to, or {@code null}
     * @param incidents its incident manager (bundles, notifications, recovery verification), or {@code null}
     *                  when {@code incident.enabled} is false
     * @param segmented its per-segment rollout ({@code strategy.canary.segments}: a canary plan per segment), or
     *                  {@code null}; when set, {@code rollout} is {@code null}
     * @param member its fleet membership in fleet mode, which runs the rollout on the leader; {@code null} otherwise
     */
    public record Entry(String name, ManagedModelRouter<Object, Object> router, Map<String, ReleaseId> releases,
                        TriggerEngine engine, Rollout rollout, String strategy, Duration tickInterval,
                        ShadowRunner<Object, Object> shadow, ReleaseId shadowCandidate, Incidents incidents,
                        SegmentedRollout segmented, FleetMember member) {

        /**
         * An entry outside fleet mode.
         *
         * @param name the router's name
         * @param router the router
         * @param releases release name to release id, in declaration order
         * @param engine its trigger engine, or {@code null}
         * @param rollout its rollout, or {@code null}
         * @param strategy {@code none}, {@code canary} or {@code blue-green}
         * @param tickInterval time between rollout ticks
         * @param shadow its shadow runner, or {@code null}
         * @param shadowCandidate the release the shadow runner mirrors to, or {@code null}
         * @param incidents its incident manager, or {@code null}
         * @param segmented its per-segment rollout, or {@code null}
         */
        public Entry(String name, ManagedModelRouter<Object, Object> router, Map<String, ReleaseId> releases,
                     TriggerEngine engine, Rollout rollout, String strategy, Duration tickInterval,
                     ShadowRunner<Object, Object> shadow, ReleaseId shadowCandidate, Incidents incidents,
                     SegmentedRollout segmented) {
            this(name, router, releases, engine, rollout, strategy, tickInterval, shadow, shadowCandidate, incidents, segmented,
                    null);
        }

        /**
         * An entry without a per-segment rollout.
         *
         * @param name the router's name
         * @param router the router
         * @param releases release name to release id, in declaration order
         * @param engine its trigger engine, or {@code null}
         * @param rollout its rollout, or {@code null}
         * @param strategy {@code none}, {@code canary} or {@code blue-green}
         * @param tickInterval time between rollout ticks
         * @param shadow its shadow runner, or {@code null}
         * @param shadowCandidate the release the shadow runner mirrors to, or {@code null}
         * @param incidents its incident manager, or {@code null}
         */
        public Entry(String name, ManagedModelRouter<Object, Object> router, Map<String, ReleaseId> releases,
                     TriggerEngine engine, Rollout rollout, String strategy, Duration tickInterval,
                     ShadowRunner<Object, Object> shadow, ReleaseId shadowCandidate, Incidents incidents) {
            this(name, router, releases, engine, rollout, strategy, tickInterval, shadow, shadowCandidate, incidents, null, null);
        }

        /**
         * @param release a release name as in the properties, or a release id ({@code rel-…})
         * @return the release id
         * @throws IllegalArgumentException when neither matches, listing the releases
         */
        public ReleaseId release(String release) {
            ReleaseId byName = releases.get(release);
            if (byName != null) {
                return byName;
            }
            for (ReleaseId id : releases.values()) {
                if (id.value().equals(release)) {
                    return id;
                }
            }
            java.util.Optional<io.github.rollback4j.Release> inCode = router.releaseNamed(release);
            if (inCode.isPresent()) {
                return inCode.get().id();
            }
            throw new IllegalArgumentException("router '" + name + "' has no release '" + release + "'; releases are " + releases);
        }

        /**
         * @param id a release id
         * @return its display name: the name in the properties, or {@link io.github.rollback4j.Release#name()} of
         *         a release added in code
         */
        public String releaseName(ReleaseId id) {
            for (Map.Entry<String, ReleaseId> e : releases.entrySet()) {
                if (e.getValue().equals(id)) {
                    return e.getKey();
                }
            }
            return router.releaseName(id);
        }

        void close() {
            // First: gives the lease up so that another replica leads at once.
            safely(member, FleetMember::close);
            safely(rollout, Rollout::close);
            safely(segmented, SegmentedRollout::close);
            safely(engine, TriggerEngine::close);
            // Before the router: stops verification and waits for the bundles taken so far to be written.
            safely(incidents, Incidents::close);
            safely(router, r -> r.stopShadow(io.github.rollback4j.Cause.automatic("application context closed")));
            safely(shadow, ShadowRunner::close);
            safely(router, ManagedModelRouter::close);
        }

        private static <T> void safely(T target, java.util.function.Consumer<T> action) {
            if (target == null) {
                return;
            }
            try {
                action.accept(target);
            } catch (RuntimeException e) {
                LOG.warn("closing {} failed", target, e);
            }
        }
    }
}
