package io.github.rollback4j.benchmarks;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.TelemetryConfig;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput at 1 and 2 threads with a model that does about a microsecond of work, closer to a real
 * model than {@link RouterBenchmark}'s few nanoseconds. With a few-nanosecond model every thread
 * hits the same latency bucket and outcome counter of the telemetry window at once, which is the
 * worst case for any shared counter; here the contention is what a fast real model would see.
 * Run (after {@code mvn -q -pl benchmarks -am -DskipTests package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RouterScalingBenchmark -t 1
 * java -jar benchmarks/target/benchmarks.jar RouterScalingBenchmark -t 2
 * </pre>
 * and compare each benchmark's 2-thread throughput with its 1-thread throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterScalingBenchmark {

    private static final int KEYS = 4096;
    /** {@link Blackhole#consumeCPU} tokens of the model: about 1 µs on the machine of docs/benchmarks.md. */
    private static final long MODEL_WORK_TOKENS = 400;

    private Model<double[], Double> model;
    private ManagedModelRouter<double[], Double> router;
    private ManagedModelRouter<double[], Double> telemetryRouter;
    private RequestContext[] contexts;
    private double[] input;

    /** Per-thread cursor over the stickiness keys. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() {
        input = new double[] {0.5, 1.5, 2.5, 3.5};
        model = in -> {
            Blackhole.consumeCPU(MODEL_WORK_TOKENS);
            return in[0] + in[3];
        };
        Release v1 = Release.of(ModelVersion.of("scale", "1.0.0", "sha256:" + "c3".repeat(32)));
        Release v2 = Release.of(ModelVersion.of("scale", "2.0.0", "sha256:" + "d4".repeat(32)));
        router = router("scale", v1, v2, TelemetryConfig.disabled());
        telemetryRouter = router("scale-telemetry", v1, v2, TelemetryConfig.ofDefaults());
        contexts = new RequestContext[KEYS];
        for (int i = 0; i < KEYS; i++) {
            contexts[i] = RequestContext.of("user-" + (i * 7919));
        }
    }

    private ManagedModelRouter<double[], Double> router(String name, Release v1, Release v2, TelemetryConfig telemetry) {
        ManagedModelRouter<double[], Double> built = ModelRouters
                .builder(name, ReleaseSpec.builder(v1, model).sampleInputs(List.of(input)).warmupCalls(0).build())
                .release(ReleaseSpec.builder(v2, model).sampleInputs(List.of(input)).warmupCalls(0).build())
                .telemetry(telemetry)
                .build();
        built.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), Cause.automatic("benchmark 95/5"));
        return built;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        telemetryRouter.close();
    }

    @Benchmark
    public Double direct() throws Exception {
        return model.predict(input);
    }

    @Benchmark
    public Double routerSticky(Cursor cursor) throws Exception {
        return router.invoke(input, contexts[cursor.next++ & (KEYS - 1)]);
    }

    @Benchmark
    public Double telemetrySticky(Cursor cursor) throws Exception {
        return telemetryRouter.invoke(input, contexts[cursor.next++ & (KEYS - 1)]);
    }
}
