package io.github.rollback4j.core.fleet;

import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.RouterConfig;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * N replicas of one router in one JVM on one virtual clock, sharing a {@link FleetStore}: each has
 * its own router, trigger engine (on fleet telemetry), canary and fleet member. Traffic is spread over
 * the live replicas round-robin, as a load balancer would; every virtual second the live members tick.
 */
final class FleetSim implements AutoCloseable {

    static final String ROUTER = "fleet-router";
    final VirtualTimeSource clock = VirtualTimeSource.create();
    final SplittableRandom random = new SplittableRandom(11);
    final Release v1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));
    final Release v2 = Release.of(ModelVersion.of("m", "2.0.0", "sha256:" + "02".repeat(32)));
    final Supplier<FleetStore> stores;
    final List<Replica> replicas = new ArrayList<>();
    final List<TriggerSpec> triggers;
    final CanaryPlan plan;
    final Duration failSafeAfter;
    long requests;

    /** One replica: its store handle, fleet, router, engine, canary, member, and whether it is alive. */
    final class Replica {
        final String id;
        final FleetStore store;
        final Fleet fleet;
        final ManagedModelRouter<String, String> router;
        final TriggerEngine engine;
        final CanaryRollout canary;
        final Incidents incidents;
        final FleetMember member;
        final List<RouterEvent> events = new CopyOnWriteArrayList<>();
        volatile double v2ErrorRate;
        volatile double v2LatencyMs = 100;
        boolean alive = true;

        Replica(String id, int salt) {
            this.id = id;
            this.store = stores.get();
            this.fleet = Fleet.builder(store).replicaId(id).timeSource(clock).leaseTime(Duration.ofSeconds(10))
                    .publishInterval(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(5)).failSafeAfter(failSafeAfter)
                    .build();
            this.router = ModelRouters
                    .builder(ROUTER, ReleaseSpec.builder(v1, model("v1", () -> 100, () -> 0)).sampleInputs(List.of("probe")).build())
                    .release(ReleaseSpec.builder(v2, model("v2", () -> v2LatencyMs, () -> v2ErrorRate)).sampleInputs(List.of("probe"))
                            .build())
                    .config(RouterConfig.custom().salt(salt).build())
                    .stateStore(fleet.stateStore()).timeSource(clock).probeExecutor(Runnable::run)
                    .randomBuckets(() -> random.nextInt(10_000)).build();
            router.eventPublisher().onEvent(events::add);
            this.engine = TriggerEngine.builder(router).telemetry(fleet.telemetry(router)).triggers(triggers).timeSource(clock).build();
            this.canary = CanaryRollout.builder(router, v2.id(), engine, plan).clock(clock).build();
            this.incidents = Incidents.builder(router).triggerEngine(engine).timeSource(clock)
                    .verify(TriggerSpec.builder("lkg-errors").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                            .window(Duration.ofMinutes(1)).minSamples(20).build())
                    .build();
            this.member = fleet.join(router).engine(engine).rollout(canary).incidents(incidents).build();
        }

        private Model<String, String> model(String name, java.util.function.DoubleSupplier medianMillis,
                                            java.util.function.DoubleSupplier errorRate) {
            return in -> {
                if (in.startsWith("probe")) {
                    return name;
                }
                clock.spend(Duration.ofNanos((long) (medianMillis.getAsDouble() * (0.9 + 0.2 * random.nextDouble()) * 1_000_000)));
                if (random.nextDouble() < errorRate.getAsDouble()) {
                    throw new IllegalStateException(name + " failed");
                }
                return name;
            };
        }

        /** Stops ticking and serving, like a killed process (its lease is not released). */
        void kill() {
            alive = false;
        }
    }

    FleetSim(int n, Supplier<FleetStore> stores, List<TriggerSpec> triggers, CanaryPlan plan) {
        this(n, stores, triggers, plan, Duration.ofSeconds(30));
    }

    FleetSim(int n, Supplier<FleetStore> stores, List<TriggerSpec> triggers, CanaryPlan plan, Duration failSafeAfter) {
        this.failSafeAfter = failSafeAfter;
        this.stores = stores;
        this.triggers = triggers;
        this.plan = plan;
        for (int i = 1; i <= n; i++) {
            replicas.add(new Replica("r" + i, 1000 + i));
        }
    }

    static CanaryPlan threeSteps() {
        return CanaryPlan.builder().step(1000, Duration.ofMinutes(1)).step(5000, Duration.ofMinutes(1))
                .step(10_000, Duration.ofMinutes(1)).build();
    }

    static TriggerSpec errorRate(double above, Severity severity, long minSamples) {
        return TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, above)
                .window(Duration.ofMinutes(1)).minSamples(minSamples).severity(severity).build();
    }

    Replica add(String id) {
        Replica r = new Replica(id, 5000 + replicas.size());
        replicas.add(r);
        return r;
    }

    Replica replica(String id) {
        return replicas.stream().filter(r -> r.id.equals(id)).findFirst().orElseThrow();
    }

    List<Replica> live() {
        return replicas.stream().filter(r -> r.alive).toList();
    }

    /** @return the live replica whose member leads, or null */
    Replica leader() {
        List<Replica> leaders = live().stream().filter(r -> r.member.isLeader()).toList();
        if (leaders.size() > 1) {
            throw new AssertionError("two live leaders at once: " + leaders.stream().map(r -> r.id).toList());
        }
        return leaders.isEmpty() ? null : leaders.get(0);
    }

    /** One virtual second: {@code perSecond} calls over the live replicas, then every live member ticks. */
    void second(int perSecond) {
        List<Replica> live = live();
        for (int i = 0; i < perSecond && !live.isEmpty(); i++) {
            Replica r = live.get(i % live.size());
            clock.settle();
            try {
                r.router.invoke("x", RequestContext.of("user-" + random.nextInt(1_000_000), Segment.DEFAULT));
            } catch (Exception modelFailure) {
                // counted by the router's telemetry
            }
            requests++;
        }
        clock.settle();
        clock.advance(Duration.ofSeconds(1));
        for (Replica r : live) {
            r.member.tick();
            r.incidents.evaluate();
        }
    }

    /** Drives until the condition holds after a second, or {@code maxSeconds}; returns the seconds driven. */
    int drive(int perSecond, int maxSeconds, java.util.function.BooleanSupplier until) {
        for (int s = 1; s <= maxSeconds; s++) {
            second(perSecond);
            if (until.getAsBoolean()) {
                return s;
            }
        }
        return maxSeconds;
    }

    @Override
    public void close() {
        for (Replica r : replicas) {
            r.canary.close();
            r.incidents.close();
            r.member.close();
            r.fleet.close();
            r.router.close();
            if (r.store instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
