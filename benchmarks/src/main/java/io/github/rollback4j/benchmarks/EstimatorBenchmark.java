package io.github.rollback4j.benchmarks;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.tdunning.math.stats.MergingDigest;
import io.github.rollback4j.core.telemetry.LatencyEstimator;
import io.github.rollback4j.core.telemetry.SlidingWindow;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of recording one latency, for rollback4j's estimators and the libraries they were chosen
 * among, all measured in the same run:
 * <ul>
 *   <li>{@code latencyOnly}: reading the next latency from a pre-generated array, the cost every other
 *   benchmark includes;</li>
 *   <li>{@code hdrRecorder}: a raw HdrHistogram {@code Recorder} (1 ns..1 h, 2 digits), the reference
 *   that {@code docs/benchmarks.md} states ratios against;</li>
 *   <li>{@code hdrAtomicHistogram}, {@code hdrConcurrentHistogram}: the raw thread-safe HdrHistogram
 *   variants (same range and precision);</li>
 *   <li>{@code rollback4jDDSketch} (the default {@code LatencyEstimator}), {@code rollback4jHdrHistogram}:
 *   rollback4j's estimators, one shared instance;</li>
 *   <li>{@code rollback4jSlidingWindow}: {@code SlidingWindow.record} with the default config (time is
 *   passed in; reading a clock is not included);</li>
 *   <li>{@code ddSketchSynchronized}: {@code DDSketches.unboundedDense(0.01)} shared and guarded by a
 *   lock, the simple way to make DDSketch thread-safe;</li>
 *   <li>{@code ddSketchPerThread}, {@code tDigestPerThread}: {@code DDSketches.unboundedDense(0.01)} and
 *   t-digest {@code MergingDigest(100)} with one instance per thread, because they are not thread-safe.</li>
 * </ul>
 * Latencies are lognormal (median 2 ms, sigma 2.5, 1 µs..60 s), 4096 per thread, seeded.
 *
 * <p>Run (after {@code mvn -B -q -pl rollback-core,benchmarks -am -DskipTests package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EstimatorBenchmark -t 1 -prof gc
 * java -jar benchmarks/target/benchmarks.jar EstimatorBenchmark -t 2 -prof gc
 * </pre>
 * A quick run: add {@code -f 1 -wi 2 -i 3 -w 1s -r 1s}. The accuracy table comes from
 * {@link EstimatorAccuracy}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EstimatorBenchmark {

    static final long MAX_NANOS = LatencyEstimator.MAX_TRACKABLE_NANOS;
    /** A fixed wall-clock time for the window: the caller passes time in. */
    static final long NOW_MILLIS = 1_767_225_600_000L;

    private Recorder hdrRecorder;
    private AtomicHistogram hdrAtomicHistogram;
    private ConcurrentHistogram hdrConcurrentHistogram;
    private LatencyEstimator rollback4jDDSketch;
    private LatencyEstimator rollback4jHdrHistogram;
    private SlidingWindow rollback4jSlidingWindow;
    private DDSketch ddSketchShared;

    /** Pre-generated latencies, one array per thread, so generating them costs one array read. */
    @State(Scope.Thread)
    public static class Latencies {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private static final int MASK = 4095;
        private final long[] values = new long[MASK + 1];
        private int next;

        @Setup
        public void setUp() {
            SplittableRandom random = new SplittableRandom(42L + THREADS.getAndIncrement());
            int i = 0;
            while (i < values.length) {
                double u1 = 1.0 - random.nextDouble();
                double u2 = random.nextDouble();
                double gaussian = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
                double v = Math.exp(Math.log(2_000_000.0) + 2.5 * gaussian);
                if (v >= 1_000 && v <= 60_000_000_000.0) {
                    values[i++] = Math.round(v);
                }
            }
        }

        long next() {
            return values[next++ & MASK];
        }
    }

    /** Sketches that are not thread-safe: one per thread. */
    @State(Scope.Thread)
    public static class PerThreadSketches {
        final DDSketch ddSketch = DDSketches.unboundedDense(0.01);
        final MergingDigest tDigest = new MergingDigest(100);
    }

    @Setup
    public void setUp() {
        hdrRecorder = new Recorder(1, MAX_NANOS, 2);
        hdrAtomicHistogram = new AtomicHistogram(1, MAX_NANOS, 2);
        hdrConcurrentHistogram = new ConcurrentHistogram(1, MAX_NANOS, 2);
        rollback4jDDSketch = LatencyEstimator.ddSketch();
        rollback4jHdrHistogram = LatencyEstimator.hdrHistogram();
        rollback4jSlidingWindow = SlidingWindow.ofDefaults();
        ddSketchShared = DDSketches.unboundedDense(0.01);
    }

    @Benchmark
    public long latencyOnly(Latencies latencies) {
        return latencies.next();
    }

    @Benchmark
    public void hdrRecorder(Latencies latencies) {
        hdrRecorder.recordValue(latencies.next());
    }

    @Benchmark
    public void hdrAtomicHistogram(Latencies latencies) {
        hdrAtomicHistogram.recordValue(latencies.next());
    }

    @Benchmark
    public void hdrConcurrentHistogram(Latencies latencies) {
        hdrConcurrentHistogram.recordValue(latencies.next());
    }

    @Benchmark
    public void rollback4jDDSketch(Latencies latencies) {
        rollback4jDDSketch.record(latencies.next());
    }

    @Benchmark
    public void rollback4jHdrHistogram(Latencies latencies) {
        rollback4jHdrHistogram.record(latencies.next());
    }

    @Benchmark
    public void rollback4jSlidingWindow(Latencies latencies) {
        rollback4jSlidingWindow.record(NOW_MILLIS, latencies.next());
    }

    @Benchmark
    public void ddSketchSynchronized(Latencies latencies) {
        long latency = latencies.next();
        synchronized (ddSketchShared) {
            ddSketchShared.accept(latency);
        }
    }

    @Benchmark
    public void ddSketchPerThread(Latencies latencies, PerThreadSketches sketches) {
        sketches.ddSketch.accept(latencies.next());
    }

    @Benchmark
    public void tDigestPerThread(Latencies latencies, PerThreadSketches sketches) {
        sketches.tDigest.add(latencies.next());
    }
}
