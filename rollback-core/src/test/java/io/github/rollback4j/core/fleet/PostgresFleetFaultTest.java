package io.github.rollback4j.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.rollback4j.Cause;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.trigger.Severity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fleet mode against faults of a real PostgreSQL: the leader killed mid-canary, every connection
 * dropped, the server restarted, a replica cut off, conflicting proposals at once. Each replica has its
 * own store and connection pool, as separate processes would. The rollout runs on a virtual clock;
 * the database and its connections are real.
 */
class PostgresFleetFaultTest {

    private final List<SwitchableDataSource> links = new ArrayList<>();
    private String database;
    private FleetSim sim;

    private FleetSim sim(int n, Duration failSafeAfter) {
        PostgresServer server = PostgresServer.shared();
        database = server.newDatabase();
        sim = new FleetSim(n, () -> {
            SwitchableDataSource link = new SwitchableDataSource(server.pool(database, 4));
            links.add(link);
            return PostgresRolloutStateStore.builder(link).listenRetry(Duration.ofMillis(100)).build();
        }, List.of(FleetSim.errorRate(0.05, Severity.SEVERE, 50)), FleetSim.threeSteps(), failSafeAfter);
        return sim;
    }

    @AfterEach
    void close() throws Exception {
        PostgresServer.shared().start();
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void whenTheLeaderIsKilledMidCanaryAnotherContinuesTheSameStep() {
        FleetSim sim = sim(3, Duration.ofSeconds(30));
        sim.drive(300, 300, () -> sim.leader() != null && sim.leader().canary.status().step() == 1);
        FleetSim.Replica first = sim.leader();
        first.kill();

        int seconds = sim.drive(300, 60, () -> sim.leader() != null);
        FleetSim.Replica next = sim.leader();
        assertThat(next).isNotSameAs(first);
        assertThat(seconds).isLessThanOrEqualTo(12);
        assertThat(next.canary.status().step()).isEqualTo(1);

        sim.drive(300, 600, () -> next.canary.status().phase() == RolloutPhase.PROMOTED);
        assertThat(next.canary.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        sim.drive(300, 6, () -> false);
        for (FleetSim.Replica r : sim.live()) {
            assertThat(r.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
        }
    }

    @Test
    void droppingEveryConnectionDoesNotStopTheRollout() {
        FleetSim sim = sim(3, Duration.ofSeconds(30));
        sim.drive(300, 300, () -> sim.leader() != null && sim.leader().canary.status().step() == 1);
        int dropped = PostgresServer.shared().dropConnections(database);
        assertThat(dropped).as("pooled and LISTEN connections").isGreaterThanOrEqualTo(3);

        sim.drive(300, 600, () -> sim.leader() != null && sim.leader().canary.status().phase() == RolloutPhase.PROMOTED);
        assertThat(sim.leader().canary.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
        sim.drive(300, 6, () -> false);
        for (FleetSim.Replica r : sim.replicas) {
            assertThat(r.router.lastKnownGood().id()).isEqualTo(sim.v2.id());
            assertThat(r.events).noneMatch(e -> e instanceof RouterEvent.FailSafeEntered);
        }
    }

    @Test
    void whilePostgresIsDownPastTheBoundEveryReplicaServesItsLastKnownGoodAndRejoinsWhenItIsBack() throws Exception {
        FleetSim sim = sim(3, Duration.ofSeconds(4));
        sim.drive(300, 300, () -> sim.leader() != null && sim.leader().canary.status().step() == 1);
        long generation = sim.leader().router.state().generation();

        PostgresServer.shared().stop();
        sim.drive(300, 6, () -> false);
        for (FleetSim.Replica r : sim.replicas) {
            assertThat(r.router.failSafe()).isPresent();
            assertThat(r.router.servingWeights(Segment.DEFAULT)).containsOnlyKeys(sim.v1.id());
            assertThat(r.member.status().lastStoreError()).contains("the fleet's PostgreSQL store");
        }

        PostgresServer.shared().start();
        // The pools reconnect on their own threads, in real time: drive virtual seconds until every replica is back.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            sim.second(300);
            return sim.replicas.stream().allMatch(r -> r.router.failSafe().isEmpty());
        });
        for (FleetSim.Replica r : sim.replicas) {
            assertThat(r.router.failSafe()).isEmpty();
            assertThat(r.router.state().generation()).isGreaterThanOrEqualTo(generation);
            assertThat(r.events).anyMatch(e -> e instanceof RouterEvent.FailSafeLeft);
        }
        sim.drive(300, 600, () -> sim.leader() != null && sim.leader().canary.status().phase() == RolloutPhase.PROMOTED);
        assertThat(sim.leader().canary.status().phase()).as("the rollout went on after the restart").isEqualTo(RolloutPhase.PROMOTED);
    }

    @Test
    void aReplicaCutOffFromTheStoreFallsBackToItsLastKnownGoodAfterTheBoundAndRejoins() {
        FleetSim sim = sim(3, Duration.ofSeconds(4));
        sim.drive(300, 300, () -> sim.leader() != null && sim.leader().canary.status().step() == 1);
        FleetSim.Replica cut = sim.replicas.stream().filter(r -> r != sim.leader()).findFirst().orElseThrow();
        SwitchableDataSource link = links.get(sim.replicas.indexOf(cut));

        link.cut();
        sim.drive(300, 3, () -> false);
        assertThat(cut.router.failSafe()).as("within the bound it keeps routing").isEmpty();
        sim.drive(300, 3, () -> false);
        assertThat(cut.router.failSafe()).isPresent();
        assertThat(cut.router.servingWeights(Segment.DEFAULT)).containsOnlyKeys(sim.v1.id());
        assertThat(cut.events).anyMatch(e -> e instanceof RouterEvent.FailSafeEntered f && f.reason().contains("unreachable"));
        FleetSim.Replica other = sim.replicas.stream().filter(r -> r != cut).findFirst().orElseThrow();
        assertThat(other.router.failSafe()).as("the others are not affected").isEmpty();

        link.mend();
        sim.drive(300, 3, () -> cut.router.failSafe().isEmpty());
        assertThat(cut.router.failSafe()).isEmpty();
        assertThat(cut.router.state().generation()).isEqualTo(sim.leader().router.state().generation());
        assertThat(cut.router.servingWeights(Segment.DEFAULT)).containsKey(sim.v2.id());
    }

    @Test
    void twoReplicasProposingConflictingChangesAtOnceExactlyOneWins() throws Exception {
        FleetSim sim = sim(2, Duration.ofSeconds(30));
        sim.second(10);
        FleetSim.Replica a = sim.replicas.get(0);
        FleetSim.Replica b = sim.replicas.get(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30; round++) {
                a.router.reloadState();
                b.router.reloadState();
                long before = a.router.state().generation();
                CyclicBarrier barrier = new CyclicBarrier(2);
                int split = 100 + round;
                Future<Boolean> fromA = pool.submit(() -> propose(barrier, a, Map.of(sim.v1.id(), 10_000 - split, sim.v2.id(), split)));
                Future<Boolean> fromB = pool.submit(() -> propose(barrier, b, Map.of(sim.v1.id(), 10_000)));
                boolean aWon = fromA.get(30, TimeUnit.SECONDS);
                boolean bWon = fromB.get(30, TimeUnit.SECONDS);
                assertThat(aWon ^ bWon).as("round " + round + ": exactly one wins").isTrue();
                FleetSim.Replica loser = aWon ? b : a;
                assertThat(loser.router.state().generation()).as("the loser re-read the winner's state").isEqualTo(before + 1);
                assertThat(a.store.load(FleetSim.ROUTER).orElseThrow().generation()).isEqualTo(before + 1);
            }
        } finally {
            pool.shutdownNow();
        }
        FleetSim.Replica follower = a.member.isLeader() ? b : a;
        assertThatThrownBy(() -> follower.router.setWeights(Segment.DEFAULT, Map.of(sim.v1.id(), 10_000), Cause.automatic("not the leader")))
                .isInstanceOf(FencedWriteException.class);
    }

    private static boolean propose(CyclicBarrier barrier, FleetSim.Replica r, Map<io.github.rollback4j.ReleaseId, Integer> weights)
            throws Exception {
        barrier.await(10, TimeUnit.SECONDS);
        try {
            r.router.setWeights(Segment.DEFAULT, weights, Cause.operator("ana", "conflicting proposal"));
            return true;
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("changed concurrently");
            return false;
        }
    }
}
