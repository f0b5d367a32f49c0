package io.github.rollback4j.core.fleet;

import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.trigger.Severity;
import org.postgresql.ds.PGSimpleDataSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One replica on the system clock against a PostgreSQL database: router (v1 last-known-good, v2
 * candidate), trigger engine on fleet telemetry, a canary of three 2-second steps, a member ticking
 * every 200 ms, and a thread sending it traffic. The same class runs in the test JVM and, through
 * {@link FleetReplicaMain}, in a child JVM.
 */
final class RealTimeReplica implements AutoCloseable {

    static final String ROUTER = "jvm-router";
    static final Release V1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));
    static final Release V2 = Release.of(ModelVersion.of("m", "2.0.0", "sha256:" + "02".repeat(32)));

    final PostgresRolloutStateStore store;
    final Fleet fleet;
    final ManagedModelRouter<String, String> router;
    final TriggerEngine engine;
    final CanaryRollout canary;
    final FleetMember member;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "replica-tick");
        t.setDaemon(true);
        return t;
    });

    RealTimeReplica(String jdbcUrl, String replicaId) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        ds.setUser("postgres");
        this.store = PostgresRolloutStateStore.builder(ds).listenRetry(Duration.ofMillis(100)).build();
        this.fleet = Fleet.builder(store).replicaId(replicaId).leaseTime(Duration.ofSeconds(2))
                .publishInterval(Duration.ofMillis(200)).pollInterval(Duration.ofSeconds(1)).failSafeAfter(Duration.ofSeconds(10))
                .build();
        Model<String, String> v1 = in -> "v1";
        Model<String, String> v2 = in -> "v2";
        this.router = ModelRouters.builder(ROUTER, ReleaseSpec.builder(V1, v1).sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.builder(V2, v2).sampleInputs(List.of("probe")).build())
                .stateStore(fleet.stateStore()).build();
        this.engine = TriggerEngine.builder(router).telemetry(fleet.telemetry(router))
                .trigger(FleetSim.errorRate(0.05, Severity.SEVERE, 20)).build();
        this.canary = CanaryRollout.builder(router, V2.id(), engine, CanaryPlan.builder().step(1000, Duration.ofSeconds(2))
                .step(5000, Duration.ofSeconds(2)).step(10_000, Duration.ofSeconds(2)).build()).build();
        this.member = fleet.join(router).engine(engine).rollout(canary).build();
    }

    /** Starts ticking and serving 200 calls a second. */
    RealTimeReplica start() {
        member.start(scheduler);
        scheduler.scheduleAtFixedRate(() -> {
            for (int i = 0; i < 20; i++) {
                try {
                    router.invoke("x", RequestContext.of("user-" + ThreadLocalRandom.current().nextInt(100_000), Segment.DEFAULT));
                } catch (Exception e) {
                    // counted by telemetry
                }
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        canary.close();
        member.close();
        fleet.close();
        router.close();
        store.close();
    }
}
