package io.github.rollback4j.benchmarks;

import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control path at scale: a router of {@code releases} releases with an equal share in each of
 * {@code segments} segments, every release × segment pair holding telemetry (see {@link ScaleRouter}),
 * <ul>
 *   <li>{@code snapshot}: {@code router.telemetry().snapshot(5 min)}, every pair's windows merged;</li>
 *   <li>{@code sinceStart}: {@code router.telemetry().sinceStart()}, the since-start totals;</li>
 *   <li>{@code evaluationTick}: one {@code TriggerEngine.evaluate()} with two dry-run triggers, a
 *   per-segment p95 increase over 1 min and a router-wide error rate over 5 min (the engine takes one
 *   snapshot per distinct window, since-start totals, then judges every candidate, in every segment for
 *   the per-segment trigger).</li>
 * </ul>
 * The call window keeps its 10-minute span; {@code callSubWindows} sets how many sub-windows it has
 * (60, the default, or 6: the cost of a snapshot is linear in sub-windows merged, and 10 × 1,000 pairs of
 * 60 sub-windows would need 6 GiB of heap).
 *
 * <p>Run (after {@code mvn -B -ntp -q -pl benchmarks -am package -DskipTests}):
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TelemetryScaleBenchmark -p segments=1000 -p callSubWindows=6
 * java -jar benchmarks/target/benchmarks.jar TelemetryScaleBenchmark -p segments=100 -p callSubWindows=60
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xms3g"})
public class TelemetryScaleBenchmark {

    @Param("10")
    public int releases;

    @Param("1000")
    public int segments;

    @Param("6")
    public int callSubWindows;

    private ScaleRouter scale;
    private TriggerEngine engine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        scale = new ScaleRouter("scale", releases, segments, callSubWindows);
        long calls = scale.touchEveryPair();
        int pairs = scale.pairsWithTelemetry();
        if (pairs != releases * segments) {
            throw new IllegalStateException("expected " + releases * segments + " release × segment pairs with telemetry, got " + pairs);
        }
        engine = TriggerEngine.builder(scale.router).triggers(List.of(
                TriggerSpec.builder("p95-increase").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.INCREASE, 0.3)
                        .window(Duration.ofMinutes(1)).perSegment(true).severity(Severity.DRY_RUN).build(),
                TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                        .window(Duration.ofMinutes(5)).severity(Severity.DRY_RUN).build()))
                .historyCapacity(100).build();
        System.out.printf("%nscale: %d releases × %d segments = %d pairs with telemetry after %d calls; call window %d × %s%n",
                releases, segments, pairs, calls, callSubWindows, ScaleRouter.CALL_SPAN.dividedBy(callSubWindows));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        scale.router.close();
    }

    @Benchmark
    public TelemetrySnapshot snapshot() {
        return scale.router.telemetry().snapshot(Duration.ofMinutes(5));
    }

    @Benchmark
    public TelemetrySnapshot sinceStart() {
        return scale.router.telemetry().sinceStart();
    }

    @Benchmark
    public List<Verdict> evaluationTick() {
        return engine.evaluate();
    }
}
