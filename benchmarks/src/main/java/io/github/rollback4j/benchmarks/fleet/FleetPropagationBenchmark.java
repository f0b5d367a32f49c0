package io.github.rollback4j.benchmarks.fleet;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Segment;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How long a rollback takes to reach the whole fleet: {@code replicas} replicas of one router in this
 * JVM, each with its own connection pool and {@code PostgresRolloutStateStore} on one real PostgreSQL 15
 * (loopback), started as in production (notices applied on each fleet's applier thread, rounds every
 * publish interval). One invocation: replica r1 rolls back (local swap, compare-and-set, {@code NOTIFY}
 * in the commit) and the benchmark spins until every other replica routes by the rollback's generation,
 * i.e. serves only the last-known-good. The time measured is an upper bound of "commit to the last
 * replica serving only the LKG" (it includes r1's own commit). Between invocations (not measured) r1
 * puts 10 % back on the candidate and every replica applies it. {@code rollbackCommitOnly} measures r1's
 * rollback call alone (local swap, compare-and-set, {@code NOTIFY}, durable commit), so the difference of
 * the two is the propagation after the commit.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FleetPropagationBenchmark
 * </pre>
 * SampleTime mode: JMH prints p50, p99, p99.9 and max over every rollback (at least 100).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 1, time = 30)
public class FleetPropagationBenchmark {

    @Param("4")
    public int replicas;

    private BenchPostgres postgres;
    private final List<BenchReplica> fleet = new ArrayList<>();
    private long generation;

    @Setup(Level.Trial)
    public void start() throws Exception {
        postgres = new BenchPostgres();
        String db = postgres.database("propagation");
        for (int i = 1; i <= replicas; i++) {
            fleet.add(new BenchReplica(postgres, db, "r" + i, Duration.ofSeconds(1)));
        }
    }

    @Setup(Level.Invocation)
    public void canary() {
        BenchReplica r1 = fleet.get(0);
        Cause ops = Cause.operator("bench", "canary again");
        if (!r1.router.state().quarantined().isEmpty()) {
            r1.router.overrideQuarantine(BenchReplica.V2.id(), ops);
        }
        r1.router.setWeights(Segment.DEFAULT, Map.of(BenchReplica.V1.id(), 9000, BenchReplica.V2.id(), 1000), ops);
        awaitGeneration(r1.router.state().generation());
    }

    @Benchmark
    public long rollbackReachesEveryReplica() {
        BenchReplica r1 = fleet.get(0);
        r1.router.rollbackToLastKnownGood(Cause.operator("bench", "rollback"));
        generation = r1.router.state().generation();
        awaitGeneration(generation);
        return generation;
    }

    /** Only r1's rollback: the local swap and the durable commit (with the NOTIFY), for the split of the figure above. */
    @Benchmark
    public long rollbackCommitOnly() {
        BenchReplica r1 = fleet.get(0);
        r1.router.rollbackToLastKnownGood(Cause.operator("bench", "rollback"));
        return r1.router.state().generation();
    }

    private void awaitGeneration(long g) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (BenchReplica r : fleet) {
            while (r.router.state().generation() < g) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replica " + r.member.status().replica() + " did not apply generation " + g
                            + " within 10 s");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000); // not a spin: the replicas need the CPU (2 cores)
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        fleet.forEach(BenchReplica::close);
        postgres.close();
    }
}
