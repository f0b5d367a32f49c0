package io.github.rollback4j.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spi.OperatorRequest;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutProgress;
import io.github.rollback4j.spi.StateChange;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Two JVMs as replicas of one router on one PostgreSQL, on the system clock: the child JVM leads a
 * canary, this JVM follows; the child is killed mid-canary and this JVM continues it from the same
 * step; a rollback taken here reaches the child.
 */
class TwoJvmFleetTest {

    private static Process child(String url, String replica) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx192m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path"), FleetReplicaMain.class.getName(), url, replica)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new java.io.File("target/fleet-child-" + replica + ".log"))).start();
    }

    @Test
    void whenTheLeadingJvmIsKilledTheOtherContinuesItsCanaryFromTheSameStep() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.jdbcUrl(server.newDatabase());
        Process other = child(url, "jvm-b");
        try (PostgresRolloutStateStore probe = PostgresRolloutStateStore.builder(dataSource(url)).build()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> probe.lease(RealTimeReplica.ROUTER).heldBy("jvm-b"));
            try (RealTimeReplica here = new RealTimeReplica(url, "jvm-a").start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> step(here) >= 1);
                assertThat(here.router.state().change().replica()).as("generations committed in the other JVM").isEqualTo("jvm-b");
                assertThat(here.member.isLeader()).isFalse();
                int step = step(here);

                other.destroyForcibly().waitFor();
                long killed = System.nanoTime();
                await().atMost(Duration.ofSeconds(15)).until(here.member::isLeader);
                Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
                // lease 2 s + a round or two; 6 s leaves room for two JVMs and a database starved on a 2-core machine,
                // and still fails a takeover that waits for more than the lease to run out
                assertThat(takeover).as("within the lease time (2 s) and a few rounds").isLessThan(Duration.ofSeconds(6));
                assertThat(here.canary.status().step()).as("continues, never restarts").isGreaterThanOrEqualTo(step);
                assertThat(here.canary.timeline()).anyMatch(t -> t.reason().contains("continued from the fleet's stored progress"));

                await().atMost(Duration.ofSeconds(30)).until(() -> here.canary.status().phase() == RolloutPhase.PROMOTED);
                assertThat(here.router.lastKnownGood().id()).isEqualTo(RealTimeReplica.V2.id());
            }
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aRollbackTakenInOneJvmIsAppliedByTheOther() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String url = server.jdbcUrl(server.newDatabase());
        Process other = child(url, "jvm-b");
        try (PostgresRolloutStateStore probe = PostgresRolloutStateStore.builder(dataSource(url)).build()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> probe.lease(RealTimeReplica.ROUTER).heldBy("jvm-b"));
            try (RealTimeReplica here = new RealTimeReplica(url, "jvm-a").start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> here.router.weights(Segment.DEFAULT)
                        .containsKey(RealTimeReplica.V2.id()));

                here.member.request(OperatorRequest.Action.ABORT, null, Cause.operator("ana", "abort from the other JVM"));
                long generation = here.router.state().generation();
                assertThat(here.router.state().change().action()).isEqualTo(StateChange.ROLLED_BACK);

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    ReplicaReport b = probe.reports(RealTimeReplica.ROUTER, Map.of(), false).stream()
                            .filter(r -> r.replica().equals("jvm-b")).findFirst().orElseThrow();
                    assertThat(b.appliedGeneration()).as("the child JVM routes by the rollback").isGreaterThanOrEqualTo(generation);
                });
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    RolloutProgress p = here.router.state().rollouts().get("default");
                    assertThat(p.phase()).as("the leader in the other JVM ended its canary").isEqualTo("ROLLED_BACK");
                });
            }
        } finally {
            other.destroyForcibly();
        }
    }

    private static int step(RealTimeReplica r) {
        RolloutProgress p = r.router.state().rollouts().get("default");
        return p == null ? -1 : p.step();
    }

    private static javax.sql.DataSource dataSource(String url) {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser("postgres");
        return ds;
    }
}
