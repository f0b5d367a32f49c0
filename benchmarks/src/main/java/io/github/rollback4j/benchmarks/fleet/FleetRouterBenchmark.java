package io.github.rollback4j.benchmarks.fleet;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InMemoryRolloutStateStore;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.fleet.Fleet;
import io.github.rollback4j.core.fleet.FleetMember;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fleet mode on the request path and its per-round cost, in one run:
 * <ul>
 *   <li>{@code standalone}: a router with telemetry on (two releases at 95/5, sticky keys), no fleet;</li>
 *   <li>{@code fleetMember}: the same router built on a fleet's state store and joined to it, its member
 *   ticking every second (the default publish interval) in the background (lease, state re-read, telemetry published to and read from the
 *   in-memory fleet store): the request path must cost the same and allocate nothing more;</li>
 *   <li>{@code publishRound}: eight calls and one member round with a report (lease, re-read, the changed
 *   sub-windows of two releases in four segments and the totals encoded, handed to the in-memory store
 *   and read back): the CPU a replica spends per publish interval, without the database's own time.</li>
 * </ul>
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FleetRouterBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FleetRouterBenchmark {

    private static final Release V1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));
    private static final Release V2 = Release.of(ModelVersion.of("m", "2.0.0", "sha256:" + "02".repeat(32)));
    private static final Double SCORE = 0.5;

    private ManagedModelRouter<String, Double> standalone;
    private ManagedModelRouter<String, Double> fleetRouter;
    private ManagedModelRouter<String, Double> publishing;
    private Fleet fleet;
    private Fleet publishFleet;
    private FleetMember publisher;
    private ScheduledExecutorService scheduler;
    private RequestContext[] contexts;
    private int next;
    private final VirtualTimeSource rounds = VirtualTimeSource.create();

    private static ModelRouters.Builder<String, Double> router(String name) {
        Model<String, Double> model = in -> SCORE;
        return ModelRouters.builder(name, ReleaseSpec.builder(V1, model).sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.builder(V2, model).sampleInputs(List.of("probe")).build());
    }

    private static void canary(ManagedModelRouter<String, Double> router) {
        router.setWeights(Segment.DEFAULT, Map.of(V1.id(), 9500, V2.id(), 500), Cause.operator("bench", "5 %"));
    }

    private static TriggerEngine engine(ManagedModelRouter<String, Double> router, Fleet fleet) {
        return TriggerEngine.builder(router).telemetry(fleet.telemetry(router))
                .trigger(TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                        .window(Duration.ofMinutes(1)).build()).build();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        contexts = new RequestContext[1024];
        String[] segments = {"default", "eu-west", "us-east", "ap-south"};
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = RequestContext.of("user-" + i, Segment.of(segments[i % segments.length]));
        }
        standalone = router("standalone").build();
        canary(standalone);

        scheduler = Executors.newSingleThreadScheduledExecutor();
        fleet = Fleet.builder(new InMemoryRolloutStateStore()).replicaId("bench").build();
        fleetRouter = router("fleet").stateStore(fleet.stateStore()).build();
        FleetMember member = fleet.join(fleetRouter).engine(engine(fleetRouter, fleet)).build();
        member.tick();
        canary(fleetRouter);
        member.start(scheduler);

        // The publisher's rounds run on a clock the benchmark moves one publish interval per round.
        publishFleet = Fleet.builder(new InMemoryRolloutStateStore()).replicaId("publisher").timeSource(rounds).build();
        publishing = router("publishing").stateStore(publishFleet.stateStore()).build();
        publisher = publishFleet.join(publishing).engine(engine(publishing, publishFleet)).build();
        for (RequestContext ctx : contexts) {
            publishing.invoke("x", ctx);
        }
    }

    @Benchmark
    public Double standalone() throws Exception {
        return standalone.invoke("x", contexts[next++ & 1023]);
    }

    @Benchmark
    public Double fleetMember() throws Exception {
        return fleetRouter.invoke("x", contexts[next++ & 1023]);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void publishRound() throws Exception {
        // a few calls so the current sub-windows changed, then a round whose publish interval has passed
        for (int i = 0; i < 8; i++) {
            publishing.invoke("x", contexts[next++ & 1023]);
        }
        rounds.advance(Duration.ofSeconds(1));
        publisher.tick();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
        fleet.close();
        publishFleet.close();
        standalone.close();
        fleetRouter.close();
        publishing.close();
    }
}
