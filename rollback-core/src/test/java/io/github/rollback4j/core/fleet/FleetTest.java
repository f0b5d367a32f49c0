package io.github.rollback4j.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rollback4j.Cause;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InMemoryRolloutStateStore;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.OperatorRequest;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateChange;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Fleet mode on the in-memory store: several routers of one JVM on one virtual clock. */
class FleetTest {

    private static FleetSim sim(int n, double errorAbove, long minSamples) {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        return new FleetSim(n, () -> store, List.of(FleetSim.errorRate(errorAbove, Severity.SEVERE, minSamples)),
                FleetSim.threeSteps());
    }

    @Test
    void oneLeaderRunsTheCanaryAndEveryReplicaRoutesByItsCommits() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            int seconds = sim.drive(300, 600, () -> sim.replicas.stream().allMatch(r -> r.router.lastKnownGood().id().equals(sim.v2.id())));

            assertThat(seconds).isLessThan(600);
            FleetSim.Replica leader = sim.leader();
            assertThat(leader).isNotNull();
            assertThat(leader.canary.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
            for (FleetSim.Replica r : sim.replicas) {
                assertThat(r.router.state().generation()).isEqualTo(leader.router.state().generation());
                if (r != leader) {
                    assertThat(r.canary.status().phase()).as("a follower's rollout never runs").isEqualTo(RolloutPhase.PENDING);
                }
            }
            assertThat(leader.router.state().rollouts().get("default").phase()).isEqualTo("PROMOTED");
        }
    }

    @Test
    void theLeaderJudgesFleetWideDataAndSaysWhoseDataItRead() {
        // 300 calls/s over 3 replicas at a 10 % canary: 10 candidate calls per replica and second; a 1-minute
        // window holds about 600 candidate calls on each replica, 1,800 fleet-wide.
        try (FleetSim sim = sim(3, 0.05, 1_500)) {
            sim.drive(300, 90, () -> false);
            FleetSim.Replica leader = sim.leader();
            Verdict verdict = leader.engine.latest().stream().filter(v -> v.candidate().equals(sim.v2.id())).findFirst().orElseThrow();

            assertThat(verdict.evidence().candidateSamples()).as("every replica's candidate calls").isGreaterThan(1_500);
            assertThat(verdict.evidence().note()).contains("fleet-wide data of 3 replicas");
            assertThat(leader.canary.status().step()).as("the fleet-wide data is enough to pass the first step").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void whenTheLeaderDiesAnotherTakesOverWithinTheLeaseTimeAndContinuesFromTheSameStep() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            sim.drive(300, 300, () -> sim.leader() != null && sim.leader().canary.status().step() == 1);
            FleetSim.Replica first = sim.leader();
            int step = first.canary.status().step();
            long generation = first.router.state().generation();
            first.kill();

            int takeover = sim.drive(300, 60, () -> sim.leader() != null);
            FleetSim.Replica next = sim.leader();

            assertThat(next).isNotSameAs(first);
            assertThat(takeover).as("seconds until another replica leads").isLessThanOrEqualTo(10 + 2);
            assertThat(next.canary.status().step()).as("continues at the same step").isEqualTo(step);
            assertThat(next.canary.timeline()).anyMatch(t -> t.reason().contains("continued from the fleet's stored progress"));
            assertThat(next.router.auditLog()).anyMatch(e -> e.action().equals("fleet-leader") && e.reason().contains("took over from "
                    + first.id));
            assertThat(next.router.state().generation()).isGreaterThanOrEqualTo(generation);

            sim.drive(300, 600, () -> next.canary.status().phase() == RolloutPhase.PROMOTED);
            assertThat(next.canary.status().phase()).isEqualTo(RolloutPhase.PROMOTED);
            assertThat(next.canary.timeline()).noneMatch(t -> t.to().step() == 0 && t.from().step() < 0
                    && t.time().isAfter(first.canary.timeline().get(0).time())
                    && t.reason().contains("starts at"));
        }
    }

    @Test
    void aFollowersEmergencyBrakeRollsTheWholeFleetBackWithOneCommit() {
        // Only r3's candidate fails (40 %): fleet-wide about 13 %, under the 20 % threshold; on r3 it is breached.
        try (FleetSim sim = sim(3, 0.20, 30)) {
            sim.drive(300, 60, () -> sim.leader() != null && sim.leader().canary.status().step() == 0);
            FleetSim.Replica leader = sim.leader();
            FleetSim.Replica bad = sim.replicas.stream().filter(r -> r != leader).reduce((a, b) -> b).orElseThrow();
            bad.v2ErrorRate = 0.4;

            sim.drive(300, 120, () -> sim.replicas.stream().allMatch(r -> r.router.state().quarantined().contains(sim.v2.id())));

            RolloutState state = leader.router.state();
            assertThat(state.change().action()).isIn(StateChange.ROLLED_BACK, StateChange.ROLLOUT_PROGRESS);
            for (FleetSim.Replica r : sim.replicas) {
                assertThat(r.router.servingWeights(Segment.DEFAULT)).containsOnlyKeys(sim.v1.id());
            }
            assertThat(sim.replicas.stream().mapToLong(r -> r.events.stream().filter(e -> e instanceof RouterEvent.RolledBack).count())
                    .sum()).as("one rollback commit in the fleet").isEqualTo(1);
            assertThat(bad.events).anyMatch(e -> e instanceof RouterEvent.RolledBack rb && rb.cause().trigger().equals("error-rate"));
            assertThat(leader.events).anyMatch(e -> e instanceof RouterEvent.StateApplied a && a.quarantined().contains(sim.v2.id())
                    && a.change().replica().equals(bad.id));
            sim.second(300);
            assertThat(leader.canary.status().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
            assertThat(leader.canary.status().reason()).contains("error-rate");
        }
    }

    @Test
    void oneIncidentPerRollbackOpenedByTheCommittingReplicaWithTheEvidenceKeptByTheLeader() {
        try (FleetSim sim = sim(3, 0.20, 30)) {
            sim.drive(300, 60, () -> sim.leader() != null && sim.leader().canary.status().step() == 0);
            FleetSim.Replica leader = sim.leader();
            FleetSim.Replica bad = sim.replicas.stream().filter(r -> r != leader).reduce((a, b) -> b).orElseThrow();
            bad.v2ErrorRate = 0.4;
            sim.drive(300, 120, () -> sim.replicas.stream().allMatch(r -> r.router.state().quarantined().contains(sim.v2.id())));
            sim.drive(300, 3, () -> false);

            var rows = bad.store.incidents(FleetSim.ROUTER);
            assertThat(rows).singleElement().satisfies(row -> {
                assertThat(row.openedBy()).isEqualTo(bad.id);
                assertThat(row.evidenceBy()).isEqualTo(leader.id);
                assertThat(row.document()).contains("error-rate").contains("evidenceIncident");
            });
            assertThat(leader.incidents.incidents()).singleElement().satisfies(i -> {
                assertThat(i.cause().trigger()).isEqualTo("error-rate");
                assertThat(i.timeline()).anyMatch(e -> e.event().contains("committed by replica " + bad.id));
                assertThat(i.impact()).isNotEmpty();
            });
            for (FleetSim.Replica r : sim.replicas) {
                if (r != leader) {
                    assertThat(r.incidents.incidents()).as("only the leader keeps evidence").isEmpty();
                }
            }

            sim.drive(300, 600, () -> "RESOLVED".equals(bad.store.incidents(FleetSim.ROUTER).get(0).status()));
            assertThat(bad.store.incidents(FleetSim.ROUTER).get(0).status()).as("verified on the leader, status in the store")
                    .isEqualTo("RESOLVED");
        }
    }

    @Test
    void aReplicaRestartedUnderTheSameIdNeverMakesTheFleetTotalsGoDown() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            sim.drive(300, 30, () -> false);
            FleetSim.Replica leader = sim.leader();
            FleetSim.Replica old = sim.replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();
            long oldReports = old.member.telemetry().replicas().get(0).reports();
            old.kill();
            sim.second(300);
            long before = requests(leader, sim);
            FleetSim.Replica restarted = sim.add(old.id);
            sim.drive(300, 2, () -> false);

            assertThat(requests(leader, sim)).as("the old process's totals are kept beside the new one's").isGreaterThan(before);
            assertThat(restarted.member.telemetry().replicas().get(0).reports())
                    .as("the new process continues the old one's report numbers, so readers take its sub-windows")
                    .isGreaterThan(oldReports);

            sim.drive(300, 80, () -> false); // the old process's sub-windows leave the 1-minute window
            Duration minute = Duration.ofMinutes(1);
            long merged = leader.member.telemetry().snapshot(minute).totals().stream().mapToLong(t -> t.requests()).sum();
            long live = sim.live().stream().mapToLong(r -> r.router.telemetry().snapshot(minute).totals().stream()
                    .mapToLong(t -> t.requests()).sum()).sum();
            assertThat(merged).as("every live replica's window, the restarted process's included (up to its last report)")
                    .isBetween(live - 600, live);
        }
    }

    private static long requests(FleetSim.Replica leader, FleetSim sim) {
        return leader.member.telemetry().sinceStart().totals().stream().mapToLong(t -> t.requests()).sum();
    }

    @Test
    void aReplicaWithAStaleFencingTokenIsRefused() {
        try (FleetSim sim = sim(2, 0.05, 50)) {
            sim.drive(100, 5, () -> sim.leader() != null);
            FleetSim.Replica old = sim.leader();
            long oldToken = old.member.fencingToken();
            old.kill();
            sim.drive(100, 30, () -> sim.leader() != null);
            FleetSim.Replica now = sim.leader();
            assertThat(now.member.fencingToken()).isGreaterThan(oldToken);

            RolloutState s = now.router.state();
            RolloutState next = s.nextProgress(s.rollouts(), s.requests(),
                    new StateChange(StateChange.ROLLOUT_PROGRESS, Cause.automatic("stale"), old.id, Instant.EPOCH));
            assertThat(old.store.compareAndSet(s.generation(), next, old.id, oldToken)).isEqualTo(FleetStore.Write.FENCED);
            // The old leader's own rollout is refused as well: its lease has lapsed on its monotonic clock.
            assertThatThrownBy(() -> old.router.setWeights(Segment.DEFAULT, Map.of(sim.v1.id(), 5_000, sim.v2.id(), 5_000),
                    Cause.automatic("old leader's step")))
                    .isInstanceOf(FencedWriteException.class)
                    .hasMessageContaining("does not lead")
                    .hasMessageContaining("its lease lapsed");
            assertThat(now.router.state().generation()).isEqualTo(s.generation());
        }
    }

    @Test
    void operatorRequestsOnAFollowerReachTheLeadersRollout() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            sim.drive(300, 60, () -> sim.leader() != null && sim.leader().canary.status().step() == 0);
            FleetSim.Replica leader = sim.leader();
            FleetSim.Replica follower = sim.replicas.stream().filter(r -> r != leader).findFirst().orElseThrow();

            String answer = follower.member.request(OperatorRequest.Action.PAUSE, null, Cause.operator("ana", "hold for the game"));
            assertThat(answer).contains("stored for the leader (" + leader.id + ")");
            sim.second(300);
            assertThat(leader.canary.status().phase()).isEqualTo(RolloutPhase.PAUSED);
            assertThat(follower.router.state().rollouts().get("default").phase()).isEqualTo("PAUSED");
            assertThat(leader.router.state().requests()).isEmpty();

            follower.member.request(OperatorRequest.Action.RESUME, null, Cause.operator("ana", "game over"));
            sim.second(300);
            assertThat(leader.canary.status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
            assertThat(leader.router.auditLog()).anyMatch(e -> e.action().equals("rollout-paused") && e.actor().equals("ana"));
        }
    }

    @Test
    void anAbortOnAFollowerRollsBackAtOnceWithoutWaitingForTheLeader() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            sim.drive(300, 60, () -> sim.leader() != null && sim.leader().canary.status().step() == 0);
            FleetSim.Replica follower = sim.replicas.stream().filter(r -> r != sim.leader()).findFirst().orElseThrow();

            follower.member.request(OperatorRequest.Action.ABORT, null, Cause.operator("ana", "abort"));

            assertThat(follower.router.servingWeights(Segment.DEFAULT)).as("at once, on the replica that took it")
                    .containsOnlyKeys(sim.v1.id());
            sim.second(300);
            for (FleetSim.Replica r : sim.replicas) {
                assertThat(r.router.servingWeights(Segment.DEFAULT)).as("every replica at its next round").containsOnlyKeys(sim.v1.id());
            }
            assertThat(sim.leader().canary.status().phase()).isEqualTo(RolloutPhase.ROLLED_BACK);
            assertThat(sim.leader().canary.status().reason()).contains("ana");
        }
    }

    @Test
    void stickyKeysLandOnTheSameReleaseOnEveryReplicaWhateverTheirConfiguredSalt() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            sim.drive(300, 60, () -> sim.leader() != null && sim.leader().canary.status().step() == 0);
            FleetSim.Replica late = sim.add("r9");
            for (int k = 0; k < 2_000; k++) {
                RequestContext ctx = RequestContext.of("key-" + k, Segment.DEFAULT);
                String expected = null;
                for (FleetSim.Replica r : sim.replicas) {
                    String served;
                    try {
                        served = r.router.invoke("probe-" + k, ctx);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    if (expected == null) {
                        expected = served;
                    }
                    assertThat(served).as("key-" + k + " on " + r.id).isEqualTo(expected);
                }
            }
            assertThat(late.router.state().generation()).as("a replica that starts mid-rollout reads the state first")
                    .isEqualTo(sim.leader().router.state().generation());
            assertThat(late.router.weights(Segment.DEFAULT)).containsEntry(sim.v2.id(), 1000);
        }
    }

    @Test
    void theAuditLogIsFleetWide() {
        try (FleetSim sim = sim(3, 0.05, 50)) {
            sim.drive(300, 60, () -> sim.leader() != null && sim.leader().canary.status().step() == 0);
            sim.second(300);
            FleetStore store = sim.replicas.get(0).store;
            var log = store.auditLog(FleetSim.ROUTER, Instant.MIN, Instant.MAX, 1000);
            assertThat(log).anyMatch(e -> e.entry().action().equals("fleet-leader"));
            assertThat(log).anyMatch(e -> e.entry().action().equals("weights-changed"));
            assertThat(log.stream().map(e -> e.replica()).distinct().count()).as("entries of every replica").isEqualTo(3);
        }
    }

    @Test
    void aLeaderThatLeavesGivesTheLeaseUpSoAnotherTakesOverAtOnce() {
        try (FleetSim sim = sim(2, 0.05, 50)) {
            sim.drive(100, 5, () -> sim.leader() != null);
            FleetSim.Replica first = sim.leader();
            first.member.close();
            first.alive = false;
            int seconds = sim.drive(100, 30, () -> sim.leader() != null);
            assertThat(seconds).isEqualTo(1);
            assertThat(sim.leader().router.auditLog()).anyMatch(e -> e.action().equals("fleet-leader")
                    && e.reason().contains("the previous holder released it"));
        }
    }

    @Test
    void fleetSettingsThatDoNotFitTogetherAreRefusedWithTheirNames() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        assertThatThrownBy(() -> Fleet.builder(store).leaseTime(Duration.ofSeconds(2)).publishInterval(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Fleet.publishInterval must be at most a third of leaseTime");
        assertThatThrownBy(() -> Fleet.builder(store).replicaId("has space"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Fleet.replicaId");
        assertThatThrownBy(() -> Fleet.builder(store).failSafeAfter(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Fleet.failSafeAfter must be between");
    }
}
