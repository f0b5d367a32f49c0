package io.github.rollback4j.benchmarks;

import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.shadow.ShadowReport;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.telemetry.Outcome;
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
import org.openjdk.jmh.infra.Blackhole;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What shadow traffic costs the primary call: the latency distribution ({@link Mode#SampleTime},
 * so JMH reports p50, p90, p99, p99.9 ...) of {@code ModelRouter.invoke} served by the last-known-good,
 * <ul>
 *   <li>{@code shadowOff}: no shadow runner bound to the router;</li>
 *   <li>{@code shadowOn}: {@code startShadow(candidate, runner)} with a runner that samples 10 % of
 *   the calls onto its own bounded workers ({@code maxConcurrentCalls} threads polling a pre-allocated
 *   ring, no executor injected: the runner's default path; drops when full).</li>
 * </ul>
 * The primary model burns {@code primaryTokens} of {@link Blackhole#consumeCPU} (10,500 tokens is about
 * 20 µs on the reference machine); the shadow (candidate) model burns ten times as many, so it is
 * 10× slower ({@code shadowFactor}). Both routers have telemetry on (default config), so drops are counted as
 * {@code SHADOW_DROPPED}. The teardown prints how many calls were sampled, handed over and dropped.
 *
 * <p>Run (after {@code mvn -B -q -pl benchmarks -am -Dmaven.test.skip=true package}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ShadowBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 * {@code shadowOffTwin} repeats {@code shadowOff} on an identical router: the A/A spread of the run.
 * {@code benchmarks/scripts/shadow-p99-rounds.sh} runs the three arms in alternating single-fork rounds.
 * Variants for analysis: {@code -p sampleRate=0.0} (runner bound, nothing sampled: the cost of the
 * wiring alone), {@code -p shadowFactor=1} (hand-off cost without a CPU-hungry shadow model),
 * {@code -p executor=polling} (the runner's injected-executor path, with an executor that never wakes a
 * parked thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ShadowBenchmark {

    /** Blackhole.consumeCPU tokens of the primary model; the shadow model takes ten times as many. */
    @Param("10500")
    public int primaryTokens;

    /** Shadow calls running at once (the runner's bulkhead and pool size). */
    @Param("1")
    public int maxConcurrentCalls;

    /** How many times slower the shadow model is than the primary (10 for the target; 1 isolates the hand-off). */
    @Param("10")
    public int shadowFactor;

    /**
     * The shadow executor: {@code pool}, the runner's default path (no executor injected: its own
     * worker threads poll a pre-allocated ring, so handing over allocates nothing and wakes no thread);
     * or {@code polling}, for analysis only: an injected executor (the runner's executor path, one task
     * and one time-limiter timeout per call) whose single daemon thread polls a lock-free queue and
     * parks 50 µs when it is empty.
     */
    @Param("pool")
    public String executor;

    /**
     * How the shadow model spends its time: {@code cpu} burns {@code shadowFactor} times the primary's
     * CPU tokens on the shadow worker (a CPU-bound candidate sharing the machine's cores with the caller),
     * {@code wait} parks the shadow worker for {@code shadowFactor} times the primary's measured duration
     * (a candidate that is slow because it waits: a remote model server, a GPU queue), so the run measures
     * the hand-off and the runner's threads without the candidate's own CPU demand.
     */
    @Param("cpu")
    public String shadowWork;

    /** The runner's CPU budget per worker ({@code ShadowRunner.Builder#maxBusyShare}); 1.0 = none (the default). */
    @Param("1.0")
    public double maxBusyShare;

    /** The runner's sample rate (0.10 for the target; 0.0 measures the router's wiring alone). */
    @Param("0.10")
    public double sampleRate;

    /** A model that burns CPU for a fixed number of tokens and returns a value derived from its input. */
    static final class BurnModel implements Model<Long, Long> {
        private final long tokens;

        BurnModel(long tokens) {
            this.tokens = tokens;
        }

        @Override
        public Long predict(Long input) {
            Blackhole.consumeCPU(tokens);
            return input * 31 + 7;
        }
    }

    /** A model that waits (parks its thread) for a fixed time and returns a value derived from its input. */
    static final class WaitModel implements Model<Long, Long> {
        private final long nanos;

        WaitModel(long nanos) {
            this.nanos = nanos;
        }

        @Override
        public Long predict(Long input) {
            long deadline = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            return input * 31 + 7;
        }
    }

    /** Nanoseconds one primary call's CPU burn takes on this machine (median of 2,000 timed calls). */
    private static long primaryNanos(BurnModel primary) {
        long[] times = new long[2_000];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            primary.predict(1L);
            times[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(times);
        return times[times.length / 2];
    }

    private ManagedModelRouter<Long, Long> plain;
    private ManagedModelRouter<Long, Long> plainTwin;
    private ManagedModelRouter<Long, Long> shadowed;
    private ShadowRunner<Long, Long> runner;
    private Release candidate;
    private final Long input = 42L;

    @Setup(Level.Trial)
    public void setUp() {
        Release lkg = Release.of(ModelVersion.of("bench", "1.0.0", "sha256:" + "a1".repeat(32)));
        candidate = Release.of(ModelVersion.of("bench", "2.0.0", "sha256:" + "b2".repeat(32)));
        BurnModel primary = new BurnModel(primaryTokens);
        Model<Long, Long> shadow;
        if (shadowWork.equals("cpu")) {
            shadow = new BurnModel((long) shadowFactor * primaryTokens);
        } else if (shadowWork.equals("wait")) {
            shadow = new WaitModel(shadowFactor * primaryNanos(primary));
        } else {
            throw new IllegalArgumentException("shadowWork must be 'cpu' or 'wait', but was '" + shadowWork + "'");
        }
        plain = router("shadow-off", lkg, primary, shadow);
        plainTwin = router("shadow-off-twin", lkg, primary, shadow);
        shadowed = router("shadow-on", lkg, primary, shadow);
        ShadowRunner.Builder<Long, Long> builder = ShadowRunner.builder(shadow).name("bench")
                .sampleRate(sampleRate).maxConcurrentCalls(maxConcurrentCalls).maxBusyShare(maxBusyShare).timeout(Duration.ofSeconds(1));
        if (executor.equals("polling")) {
            builder.executor(pollingExecutor());
        } else if (!executor.equals("pool")) {
            throw new IllegalArgumentException("executor must be 'pool' or 'polling', but was '" + executor + "'");
        }
        runner = builder.build();
        shadowed.startShadow(candidate.id(), runner);
    }

    /** A single polling thread: the caller only enqueues (never unparks); the bulkhead bounds the queue. */
    private static Executor pollingExecutor() {
        ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        Thread worker = new Thread(() -> {
            while (true) {
                Runnable task = queue.poll();
                if (task == null) {
                    LockSupport.parkNanos(50_000);
                } else {
                    task.run();
                }
            }
        }, "shadow-bench-polling");
        worker.setDaemon(true);
        worker.start();
        return queue::add;
    }

    private ManagedModelRouter<Long, Long> router(String name, Release lkg, BurnModel primary, Model<Long, Long> shadow) {
        return ModelRouters
                .builder(name, ReleaseSpec.builder(lkg, (Model<Long, Long>) primary).sampleInputs(List.of(1L)).build())
                .release(ReleaseSpec.builder(candidate, shadow).sampleInputs(List.of(1L)).build())
                .telemetry(TelemetryConfig.ofDefaults())
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ShadowReport report = runner.report();
        long dropped = shadowed.telemetry().sinceStart().total(candidate.id())
                .map(t -> t.count(Outcome.SHADOW_DROPPED)).orElse(0L);
        if (report.offered() > 0) {
            System.out.printf("%nshadow: offered %d, sampled %d, handed over %d, compared %d, dropped %d"
                            + " (router SHADOW_DROPPED %d), timeouts %d%n", report.offered(), report.sampled(),
                    report.sampled() - runner.dropped(), runner.compared(), runner.dropped(), dropped, runner.timeouts());
        }
        shadowed.stopShadow();
        runner.close();
        plain.close();
        plainTwin.close();
        shadowed.close();
    }

    @Benchmark
    public Long shadowOff() throws Exception {
        return plain.invoke(input, RequestContext.EMPTY);
    }

    /**
     * The same as {@link #shadowOff()} on a second, identical router: the difference between the two is
     * the run's noise floor (an A/A comparison), against which the shadow's cost is judged.
     */
    @Benchmark
    public Long shadowOffTwin() throws Exception {
        return plainTwin.invoke(input, RequestContext.EMPTY);
    }

    @Benchmark
    public Long shadowOn() throws Exception {
        return shadowed.invoke(input, RequestContext.EMPTY);
    }
}
