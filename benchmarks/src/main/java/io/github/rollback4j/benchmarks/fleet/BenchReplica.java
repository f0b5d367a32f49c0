package io.github.rollback4j.benchmarks.fleet;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.fleet.Fleet;
import io.github.rollback4j.core.fleet.FleetMember;
import io.github.rollback4j.core.fleet.PostgresRolloutStateStore;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One replica of the fleet benchmarks: its own pool, store, fleet, router (v1, v2), engine and member, on the system clock. */
final class BenchReplica implements AutoCloseable {

    static final String ROUTER = "bench-router";
    static final Release V1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));
    static final Release V2 = Release.of(ModelVersion.of("m", "2.0.0", "sha256:" + "02".repeat(32)));

    final HikariDataSource pool;
    final PostgresRolloutStateStore store;
    final Fleet fleet;
    final ManagedModelRouter<String, String> router;
    final FleetMember member;
    private final ScheduledExecutorService scheduler;

    BenchReplica(BenchPostgres postgres, String database, String id, Duration publishInterval) {
        this.pool = postgres.pool(database, 4);
        this.store = PostgresRolloutStateStore.of(pool);
        this.fleet = Fleet.builder(store).replicaId(id).publishInterval(publishInterval).build();
        Model<String, String> v1 = in -> "v1";
        Model<String, String> v2 = in -> "v2";
        this.router = ModelRouters.builder(ROUTER, ReleaseSpec.builder(V1, v1).sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.builder(V2, v2).sampleInputs(List.of("probe")).build())
                .stateStore(fleet.stateStore()).build();
        TriggerEngine engine = TriggerEngine.builder(router).telemetry(fleet.telemetry(router))
                .trigger(TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                        .window(Duration.ofMinutes(1)).build()).build();
        this.member = fleet.join(router).engine(engine).build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-" + id);
            t.setDaemon(true);
            return t;
        });
        member.start(scheduler);
    }

    void traffic(int calls) {
        for (int i = 0; i < calls; i++) {
            try {
                router.invoke("x", RequestContext.of("user-" + i, Segment.DEFAULT));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        member.close();
        fleet.close();
        router.close();
        store.close();
        pool.close();
    }
}
