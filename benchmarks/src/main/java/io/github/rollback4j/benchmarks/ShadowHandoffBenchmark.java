package io.github.rollback4j.benchmarks;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.telemetry.CallWindow;
import io.github.rollback4j.telemetry.Outcome;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The time a request thread spends handing a served call to the shadow, per call, as a distribution:
 * every measured call is timed with two {@code System.nanoTime()} reads and recorded in a per-thread
 * HdrHistogram (1 ns resolution), and the teardown prints count, p50, p90, p99, p99.9, p99.99 and max
 * in nanoseconds (lines starting with {@code handoff:}). JMH's own score is the average time of one
 * whole operation (pacing work included) and is not the figure. The same line gives the bytes the
 * request thread itself allocated during measurement ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}),
 * per call and per sampled call; {@code -prof gc} adds the allocation of every thread (the runner's
 * workers and sweeper included) per operation.
 *
 * <p>Between two calls the thread burns {@code primaryTokens} of {@link Blackhole#consumeCPU} (about
 * 2 µs, the primary model's work, outside the timed region), so the shadow sees a realistic rate of
 * offers rather than one every few nanoseconds.
 *
 * <ul>
 *   <li>{@code handOff}: exactly what {@code DefaultModelRouter} does on the caller's thread after the
 *   last-known-good served a call: {@code ShadowRunner.tryOffer(input, output, context, now)} (the
 *   sampling draw; for a sampled call the bulkhead permit and the ring slot, or the drop counted in the
 *   runner's report), and for a drop the router's accounting, {@code SHADOW_DROPPED} counted in the
 *   candidate's call window and its since-start total. {@code now} is derived from the clock reading
 *   that starts the timed region, as the router derives it from the call's end.</li>
 *   <li>{@code invoke}: the whole {@code ModelRouter.invoke} of a router with telemetry on whose
 *   last-known-good model returns at once, so the timed region is routing + telemetry + hand-off: an
 *   upper bound of the hand-off through the real call path ({@code state=off}: no shadow bound).</li>
 * </ul>
 * {@code state}: {@code off} (no shadow; for {@code handOff} the timed region is empty, which measures
 * the two clock reads themselves), {@code notSampled} (runner bound, sample rate 0: every offer is
 * {@code NOT_SAMPLED}), {@code unsaturated} (sample rate 0.1, a candidate as fast as the primary, 4
 * workers: the runner has the capacity on average, and most sampled calls are handed over; the rest
 * are dropped in bursts that arrive while the workers are parked), {@code saturated} (sample rate 0.1,
 * a candidate that waits 50 ms, one worker: nearly every sampled call finds the bulkhead full and is
 * dropped).
 *
 * <p>Run (after {@code mvn -B -ntp -q -pl benchmarks -am package -DskipTests}), one thread, 10
 * measurement iterations of 5 s, over 10 M measured calls per state:
 * <pre>
 * benchmarks/scripts/jmh.sh ShadowHandoffBenchmark -t 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 10, time = 5)
@Fork(1)
public class ShadowHandoffBenchmark {

    /** Blackhole.consumeCPU tokens between two calls (the primary's work, untimed): about 2 µs. */
    @Param("1000")
    public int primaryTokens;

    /** {@code off}, {@code notSampled}, {@code unsaturated} or {@code saturated}; see the class comment. */
    @Param({"off", "notSampled", "unsaturated", "saturated"})
    public String state;

    /** Every measured call of the trial (JMH forks one JVM per benchmark and parameter set, so one trial per JVM). */
    private static final Histogram MEASURED = new Histogram(1, TimeUnit.HOURS.toNanos(1), 3);

    /** Bytes the benchmark threads allocated during measurement iterations (their own threads only). */
    private static final AtomicLong CALLER_BYTES = new AtomicLong();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Per-thread histogram of the timed region and the thread's own allocation, filled during
     * measurement iterations only. {@code -prof gc} counts every thread of the JVM (the runner's
     * workers and sweeper too); this counts the request thread alone, which is what the caller pays.
     */
    @State(Scope.Thread)
    public static class Timings {
        final Histogram nanos = new Histogram(1, TimeUnit.HOURS.toNanos(1), 3);
        boolean measuring;
        long allocatedAtStart;

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
            allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
        }

        @TearDown(Level.Iteration)
        public void collect() {
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedAtStart;
            if (measuring) {
                CALLER_BYTES.addAndGet(allocated);
                synchronized (MEASURED) {
                    MEASURED.add(nanos);
                }
            }
            nanos.reset();
        }
    }

    /** A candidate that burns CPU (unsaturated) or waits (saturated), returning what the primary returns. */
    static final class Candidate implements Model<Long, Long> {
        private final long tokens;
        private final long waitNanos;

        Candidate(long tokens, long waitNanos) {
            this.tokens = tokens;
            this.waitNanos = waitNanos;
        }

        @Override
        public Long predict(Long input) {
            if (waitNanos > 0) {
                LockSupport.parkNanos(waitNanos);
            } else {
                Blackhole.consumeCPU(tokens);
            }
            return input + 1;
        }
    }

    private ShadowRunner<Long, Long> runner;
    private ManagedModelRouter<Long, Long> router;
    private CallWindow candidateWindow;
    private io.github.rollback4j.ReleaseId candidateId;
    private final LongAdder candidateDropped = new LongAdder();
    private final RequestContext context = RequestContext.EMPTY;
    private final Long input = 41L;
    private final Long output = 42L;
    private long anchorMillis;
    private long anchorNanos;
    private String benchmark;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        String name = params.getBenchmark();
        benchmark = name.substring(name.lastIndexOf('.') + 1);
        synchronized (MEASURED) {
            MEASURED.reset();
        }
        CALLER_BYTES.set(0);
        Release lkg = Release.of(ModelVersion.of("handoff", "1.0.0", "sha256:" + "e5".repeat(32)));
        Release candidate = Release.of(ModelVersion.of("handoff", "2.0.0", "sha256:" + "f6".repeat(32)));
        Model<Long, Long> primary = in -> in + 1;
        Candidate shadow;
        ShadowRunner.Builder<Long, Long> builder;
        switch (state) {
            case "off" -> {
                shadow = new Candidate(primaryTokens, 0);
                builder = null;
            }
            case "notSampled" -> {
                shadow = new Candidate(primaryTokens, 0);
                builder = ShadowRunner.builder((Model<Long, Long>) shadow).sampleRate(0.0);
            }
            case "unsaturated" -> {
                shadow = new Candidate(primaryTokens, 0);
                builder = ShadowRunner.builder((Model<Long, Long>) shadow).sampleRate(0.1).maxConcurrentCalls(4);
            }
            case "saturated" -> {
                shadow = new Candidate(0, TimeUnit.MILLISECONDS.toNanos(50));
                builder = ShadowRunner.builder((Model<Long, Long>) shadow).sampleRate(0.1).maxConcurrentCalls(1);
            }
            default -> throw new IllegalArgumentException("state must be off, notSampled, unsaturated or saturated, but was '"
                    + state + "'");
        }
        runner = builder == null ? null : builder.name("handoff-" + state).timeout(Duration.ofSeconds(1)).build();
        router = ModelRouters.builder("handoff-" + state, ReleaseSpec.builder(lkg, primary).sampleInputs(List.of(1L)).build())
                .release(ReleaseSpec.builder(candidate, (Model<Long, Long>) shadow).sampleInputs(List.of(1L)).build())
                .telemetry(TelemetryConfig.ofDefaults())
                .build();
        if (runner != null) {
            router.startShadow(candidate.id(), runner, Cause.automatic("hand-off benchmark"));
        }
        candidateWindow = CallWindow.of(TelemetryConfig.ofDefaults().callWindow());
        candidateId = candidate.id();
        anchorMillis = System.currentTimeMillis();
        anchorNanos = System.nanoTime();
    }

    @Benchmark
    public void handOff(Timings timings) {
        Blackhole.consumeCPU(primaryTokens);
        long start = System.nanoTime();
        if (runner != null) {
            long now = anchorMillis + Math.floorDiv(start - anchorNanos, 1_000_000L);
            ShadowRunner.Offer offer = runner.tryOffer(input, output, context, now);
            if (offer == ShadowRunner.Offer.DROPPED || offer == ShadowRunner.Offer.FAILED) {
                candidateWindow.recordOutcome(now, Outcome.SHADOW_DROPPED);
                candidateDropped.increment();
            }
        }
        long end = System.nanoTime();
        if (timings.measuring) {
            timings.nanos.recordValue(end - start);
        }
    }

    @Benchmark
    public Long invoke(Timings timings) throws Exception {
        Blackhole.consumeCPU(primaryTokens);
        long start = System.nanoTime();
        Long result = router.invoke(input, context);
        long end = System.nanoTime();
        if (timings.measuring) {
            timings.nanos.recordValue(end - start);
        }
        return result;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        String counts = "";
        long sampled = 0;
        if (runner != null) {
            sampled = runner.report().sampled();
            counts = String.format(Locale.ROOT, "; runner: offered %d, sampled %d, handed over %d, dropped %d",
                    runner.report().offered(), sampled, sampled - runner.dropped(), runner.dropped());
        }
        long dropped = benchmark.equals("invoke")
                ? router.telemetry().sinceStart().total(candidateId).map(t -> t.count(Outcome.SHADOW_DROPPED)).orElse(0L)
                : candidateDropped.sum();
        Histogram all;
        synchronized (MEASURED) {
            all = MEASURED.copy();
        }
        long calls = all.getTotalCount();
        long bytes = CALLER_BYTES.get();
        // The runner's counts cover warm-up too; the share sampled is the same in both, so scale it to the measured calls.
        double sampledMeasured = runner == null || runner.report().offered() == 0 ? 0
                : calls * (double) sampled / runner.report().offered();
        System.out.printf(Locale.ROOT, "%nhandoff: %s state=%s calls=%d p50=%d p90=%d p99=%d p99.9=%d p99.99=%d max=%d ns"
                        + "; caller thread allocated %d B = %.4f B/call, %s B per sampled call"
                        + " (candidate SHADOW_DROPPED counted %d)%s%n",
                benchmark, state, calls, all.getValueAtPercentile(50), all.getValueAtPercentile(90),
                all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), all.getValueAtPercentile(99.99),
                all.getMaxValue(), bytes, calls == 0 ? 0.0 : bytes / (double) calls,
                sampledMeasured == 0 ? "–" : String.format(Locale.ROOT, "%.2f", bytes / sampledMeasured), dropped, counts);
        if (runner != null) {
            router.stopShadow();
            runner.close();
        }
        router.close();
    }
}
