package io.github.rollback4j.benchmarks;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.StickyBuckets;
import io.github.rollback4j.core.TelemetryConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Recorder;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The cost of routing a call, against the direct model call and the usual wrappers around it, all
 * measured in the same run:
 * <ul>
 *   <li>{@code direct}: the model called directly (the baseline);</li>
 *   <li>{@code routerRandom}, {@code routerSticky}: {@code ModelRouter.invoke} with two releases at
 *   95/5, without and with a stickiness key, telemetry off;</li>
 *   <li>{@code telemetryRandom}, {@code telemetrySticky}: the same with telemetry on (latency window,
 *   outcome counts, distinct-key sketch; default config, no profiling) and the default call sampling
 *   (512 samples, 1 %);</li>
 *   <li>{@code samplingOffSticky}: telemetry on, call sampling off ({@code samples(0, 0)});
 *   {@code samplingAllSticky}: every call put into the sample ring ({@code samples(512, 1.0)}), the
 *   worst case of the seqlock ring;</li>
 *   <li>{@code callTimeoutSticky}: {@code telemetrySticky} with a {@code ReleaseSpec.callTimeout} (1 s) on
 *   both releases: each call is handed to the router's call executor and waited for through a
 *   Resilience4j {@code TimeLimiter}, the price of a timeout a hung model cannot ignore;</li>
 *   <li>{@code circuitBreaker}: Resilience4j {@code CircuitBreaker.decorateFunction} around the model;</li>
 *   <li>{@code micrometerTimer}: a Micrometer {@code Timer.record} around the model;</li>
 *   <li>{@code twoClockReads}: the model between two {@code System.nanoTime()} reads, the floor of any
 *   per-call latency measurement (telemetry, a timer) on this machine;</li>
 *   <li>{@code floorRandom}, {@code floorSticky}: the least any router with telemetry must do, written
 *   directly: pick one of two models from a 10,000-bucket table at 95/5 (a uniform draw, or the
 *   router's MurmurHash3 of the key), two {@code System.nanoTime()} reads around the model, one
 *   record into a per-thread HdrHistogram {@code Recorder} and one count in a shared
 *   {@code LongAdder}. Every row is reported as a ratio to these in docs/benchmarks.md.</li>
 * </ul>
 * Run (after {@code mvn -q -pl benchmarks -am -DskipTests package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RouterBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar RouterBenchmark -t 2 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    private static final int KEYS = 4096;
    private static final int FLOOR_SALT = 0x5A17;
    /** Never reached by the benchmark's model; the row measures the thread hop, not a timeout. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    /** A small, deterministic model: enough work not to be optimised away, far less than a real one. */
    static final class ScoreModel implements Model<double[], Double> {
        private final double weight;

        ScoreModel(double weight) {
            this.weight = weight;
        }

        @Override
        public Double predict(double[] input) {
            double score = 0;
            for (double x : input) {
                score = score * weight + x;
            }
            return score;
        }
    }

    private ScoreModel model;
    private ManagedModelRouter<double[], Double> router;
    private ManagedModelRouter<double[], Double> telemetryRouter;
    private ManagedModelRouter<double[], Double> samplingOffRouter;
    private ManagedModelRouter<double[], Double> samplingAllRouter;
    private ManagedModelRouter<double[], Double> callTimeoutRouter;
    private Function<double[], Double> breakerDecorated;
    private Timer timer;
    private RequestContext[] stickyContexts;
    private double[] input;

    /** Per-thread cursor over the stickiness keys, so threads do not share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /** The floor's per-thread latency recorder (1 ns..1 h, 2 significant digits, as the windows' range). */
    @State(Scope.Thread)
    public static class FloorRecorder {
        final Recorder recorder = new Recorder(1, 3_600_000_000_000L, 2);
    }

    private Model<double[], Double>[] floorOwners;
    private final LongAdder floorCalls = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        model = new ScoreModel(1.0001);
        input = new double[] {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5};
        Release v1 = Release.of(ModelVersion.of("bench", "1.0.0", "sha256:" + "a1".repeat(32)));
        Release v2 = Release.of(ModelVersion.of("bench", "2.0.0", "sha256:" + "b2".repeat(32)));
        router = router("bench", v1, v2, TelemetryConfig.disabled(), 0, 0);
        telemetryRouter = router("bench-telemetry", v1, v2, TelemetryConfig.ofDefaults(),
                ModelRouters.DEFAULT_SAMPLE_CAPACITY, ModelRouters.DEFAULT_SAMPLE_RATE);
        samplingOffRouter = router("bench-sampling-off", v1, v2, TelemetryConfig.ofDefaults(), 0, 0);
        samplingAllRouter = router("bench-sampling-all", v1, v2, TelemetryConfig.ofDefaults(), 512, 1.0);
        callTimeoutRouter = router("bench-call-timeout", v1, v2, TelemetryConfig.ofDefaults(),
                ModelRouters.DEFAULT_SAMPLE_CAPACITY, ModelRouters.DEFAULT_SAMPLE_RATE, CALL_TIMEOUT);
        CircuitBreaker breaker = CircuitBreaker.of("bench", CircuitBreakerConfig.ofDefaults());
        breakerDecorated = CircuitBreaker.decorateFunction(breaker, model::predict);
        timer = Timer.builder("bench.model").register(new SimpleMeterRegistry());
        @SuppressWarnings("unchecked")
        Model<double[], Double>[] owners = new Model[StickyBuckets.BUCKETS];
        Model<double[], Double> canary = new ScoreModel(1.0002);
        for (int b = 0; b < owners.length; b++) {
            owners[b] = b < 9_500 ? model : canary;
        }
        floorOwners = owners;
        stickyContexts = new RequestContext[KEYS];
        for (int i = 0; i < KEYS; i++) {
            stickyContexts[i] = RequestContext.of("user-" + (i * 7919));
        }
    }

    private ManagedModelRouter<double[], Double> router(String name, Release v1, Release v2, TelemetryConfig telemetry,
                                                        int sampleCapacity, double sampleRate) {
        return router(name, v1, v2, telemetry, sampleCapacity, sampleRate, null);
    }

    private ManagedModelRouter<double[], Double> router(String name, Release v1, Release v2, TelemetryConfig telemetry,
                                                        int sampleCapacity, double sampleRate, Duration callTimeout) {
        ReleaseSpec.Builder<double[], Double> lkg = ReleaseSpec.builder(v1, (Model<double[], Double>) model).sampleInputs(List.of(input));
        ReleaseSpec.Builder<double[], Double> candidate = ReleaseSpec.builder(v2, (Model<double[], Double>) new ScoreModel(1.0002))
                .sampleInputs(List.of(input));
        if (callTimeout != null) {
            lkg.callTimeout(callTimeout);
            candidate.callTimeout(callTimeout);
        }
        ManagedModelRouter<double[], Double> built = ModelRouters
                .builder(name, lkg.build())
                .release(candidate.build())
                .telemetry(telemetry)
                .samples(sampleCapacity, sampleRate)
                .build();
        built.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), Cause.automatic("benchmark 95/5"));
        return built;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        router.close();
        telemetryRouter.close();
        samplingOffRouter.close();
        samplingAllRouter.close();
        callTimeoutRouter.close();
    }

    @Benchmark
    public Double direct() {
        return model.predict(input);
    }

    @Benchmark
    public Double routerRandom() throws Exception {
        return router.invoke(input, RequestContext.EMPTY);
    }

    @Benchmark
    public Double routerSticky(Cursor cursor) throws Exception {
        RequestContext context = stickyContexts[cursor.next++ & (KEYS - 1)];
        return router.invoke(input, context);
    }

    @Benchmark
    public Double telemetryRandom() throws Exception {
        return telemetryRouter.invoke(input, RequestContext.EMPTY);
    }

    @Benchmark
    public Double telemetrySticky(Cursor cursor) throws Exception {
        RequestContext context = stickyContexts[cursor.next++ & (KEYS - 1)];
        return telemetryRouter.invoke(input, context);
    }

    @Benchmark
    public Double samplingOffSticky(Cursor cursor) throws Exception {
        RequestContext context = stickyContexts[cursor.next++ & (KEYS - 1)];
        return samplingOffRouter.invoke(input, context);
    }

    @Benchmark
    public Double samplingAllSticky(Cursor cursor) throws Exception {
        RequestContext context = stickyContexts[cursor.next++ & (KEYS - 1)];
        return samplingAllRouter.invoke(input, context);
    }

    @Benchmark
    public Double callTimeoutSticky(Cursor cursor) throws Exception {
        RequestContext context = stickyContexts[cursor.next++ & (KEYS - 1)];
        return callTimeoutRouter.invoke(input, context);
    }

    @Benchmark
    public Double circuitBreaker() {
        return breakerDecorated.apply(input);
    }

    @Benchmark
    public long twoClockReads() {
        long start = System.nanoTime();
        double score = model.predict(input);
        return (System.nanoTime() - start) + (long) score;
    }

    @Benchmark
    public Double floorRandom(FloorRecorder floor) throws Exception {
        Model<double[], Double> owner = floorOwners[ThreadLocalRandom.current().nextInt(StickyBuckets.BUCKETS)];
        long start = System.nanoTime();
        Double output = owner.predict(input);
        long end = System.nanoTime();
        floor.recorder.recordValue(end - start);
        floorCalls.increment();
        return output;
    }

    @Benchmark
    public Double floorSticky(FloorRecorder floor, Cursor cursor) throws Exception {
        RequestContext context = stickyContexts[cursor.next++ & (KEYS - 1)];
        int hash = StickyBuckets.murmur3x86_32Utf8(context.stickinessKey(), FLOOR_SALT);
        Model<double[], Double> owner = floorOwners[Integer.remainderUnsigned(hash, StickyBuckets.BUCKETS)];
        long start = System.nanoTime();
        Double output = owner.predict(input);
        long end = System.nanoTime();
        floor.recorder.recordValue(end - start);
        floorCalls.increment();
        return output;
    }

    @Benchmark
    public Double micrometerTimer() {
        return timer.record(() -> model.predict(input));
    }
}
