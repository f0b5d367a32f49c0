package io.github.rollback4j.benchmarks;

import io.github.rollback4j.core.StickyBuckets;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.telemetry.CallWindow;
import io.github.rollback4j.core.telemetry.OutcomeWindow;
import io.github.rollback4j.core.telemetry.SlidingWindow;
import io.github.rollback4j.telemetry.Outcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the time of {@code RouterBenchmark.telemetry*} goes: each part of the request path with
 * telemetry on, alone, in one run:
 * <ul>
 *   <li>{@code nanoTime}: one {@code System.nanoTime()} (the request path reads it twice);</li>
 *   <li>{@code callWindow}: {@code CallWindow.record} (one slot lookup, the latency bucket and the
 *   outcome counter), the window write of every call; {@code latencyOnly} and {@code outcomeOnly}
 *   are its two halves recorded separately;</li>
 *   <li>{@code sinceStartTotal}: the {@code LongAdder} increment of the since-start outcome total;</li>
 *   <li>{@code randomDraw}: one {@code ThreadLocalRandom.nextInt(10_000)} (the random bucket, and the
 *   call-sampling draw);</li>
 *   <li>{@code stickyHash}: MurmurHash3 of a 10-character stickiness key, as the sticky pick computes it.</li>
 * </ul>
 * Run (after {@code mvn -B -ntp -q -pl benchmarks -am package -DskipTests}):
 * <pre>
 * benchmarks/scripts/jmh.sh TelemetryPartsBenchmark -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TelemetryPartsBenchmark {

    private final CallWindow calls = CallWindow.of(TelemetryConfig.ofDefaults().callWindow());
    private final SlidingWindow latency = SlidingWindow.of(TelemetryConfig.ofDefaults().callWindow());
    private final OutcomeWindow outcomes = OutcomeWindow.of(TelemetryConfig.ofDefaults().callWindow());
    private final LongAdder total = new LongAdder();
    /** A fixed time and latency: the sub-window stays the same, as it does for 10 s of real calls. */
    private final long now = System.currentTimeMillis();
    private final long nanos = 5_000;
    private final String key = "user-" + 7919 * 77;

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public void callWindow() {
        calls.record(now, nanos, Outcome.SUCCESS);
    }

    @Benchmark
    public void latencyOnly() {
        latency.record(now, nanos);
    }

    @Benchmark
    public void outcomeOnly() {
        outcomes.record(now, Outcome.SUCCESS);
    }

    @Benchmark
    public void sinceStartTotal() {
        total.increment();
    }

    @Benchmark
    public int randomDraw() {
        return ThreadLocalRandom.current().nextInt(StickyBuckets.BUCKETS);
    }

    @Benchmark
    public int stickyHash() {
        return StickyBuckets.murmur3x86_32Utf8(key, 0x5A17);
    }
}
