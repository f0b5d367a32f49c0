package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.spec.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Fleet game days on the in-memory store: N replicas on one virtual clock, faults, who decided, when each applied. */
class FleetGameDayTest {

    private static final Path SCENARIOS = Path.of("..", "examples", "scenarios");
    private static final Scenario LEADER_KILLED = Scenarios.load(SCENARIOS.resolve("fleet-canary-leader-killed.yaml"));
    private static final Scenario BAD_REPLICA = Scenarios.load(SCENARIOS.resolve("fleet-bad-replica-brake.yaml"));

    @Test
    void whenTheLeaderIsKilledMidCanaryAnotherTakesOverAtTheSameStepAndTheFleetRollsBack() {
        GameDayResult result = GameDay.run(LEADER_KILLED);

        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(events(result, "fleet-leader")).extracting(GameDayResult.Event::t, e -> e.detail().substring(0, 11))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0.0, "replica r1 "), org.assertj.core.groups.Tuple.tuple(270.0,
                        "replica r2 "));
        GameDayResult.Event takeover = events(result, "fleet-leader").get(1);
        assertThat(takeover.detail()).contains("took over from r1").contains("rollouts default: PROGRESSING step 0");
        assertThat(result.first("replica-killed").orElseThrow().t()).as("killed at 4m, taken over a lease time (30 s) later")
                .isEqualTo(240.0);
        assertThat(result.events()).anyMatch(e -> e.type().equals("rollout") && e.t() == 270.0
                && e.detail().startsWith("r2: PENDING -> PROGRESSING(step 0, 500 bp): continued from the fleet's stored progress"));
        assertThat(result.events()).as("the canary is never started again").filteredOn(e -> e.type().equals("rollout")
                && e.detail().contains("starts at")).hasSize(1);

        GameDayResult.FleetOutcome fleet = result.fleet();
        assertThat(fleet.store()).isEqualTo("in-memory");
        assertThat(fleet.replicas()).extracting(GameDayResult.Replica::id).containsExactly("r1", "r2", "r3", "r1-2");
        assertThat(fleet.replicas().get(0).stoppedAt()).isEqualTo(240.0);
        assertThat(fleet.replicas().get(3).startedAt()).as("restarted at 7m").isEqualTo(420.0);
        assertThat(fleet.rollbacks()).singleElement().satisfies(d -> {
            assertThat(d.describe()).isEqualTo("rolled back by leader r2");
            assertThat(d.role()).isEqualTo("leader");
            assertThat(d.t()).isEqualTo(770.0);
            assertThat(d.appliedAt()).containsOnlyKeys("r2", "r3", "r1-2").containsEntry("r2", 770.0);
            assertThat(d.notApplied()).isEmpty();
            assertThat(d.propagationSeconds()).as("every replica applies it at its next round, one tick").isBetween(0.0, 10.0);
        });
        assertThat(result.events()).filteredOn(e -> e.type().equals("applied") && e.detail().contains("generation "
                + fleet.rollbacks().get(0).generation())).extracting(e -> e.detail().substring(0, e.detail().indexOf(' ')))
                .containsExactlyInAnyOrder("r3", "r1-2");
        assertThat(result.first("rolled-back").orElseThrow().detail()).endsWith("by leader r2");
        assertThat(result.routing()).isEqualTo(java.util.Map.of("default", java.util.Map.of("v1", 10_000)));
        assertThat(result.timeline()).contains("generation " + fleet.rollbacks().get(0).generation() + " rolled back by leader r2"
                + " at +00:12:50: applied by r2 +00:12:50, r3 +00:12:50, r1-2 +00:13:00");
    }

    @Test
    void aCutOffReplicaServesItsLastKnownGoodAfterTheBoundAndRejoins() {
        GameDayResult result = GameDay.run(LEADER_KILLED);

        assertThat(result.first("replica-cut-off").orElseThrow().t()).isEqualTo(300.0);
        GameDayResult.Event failSafe = result.first("fail-safe").orElseThrow();
        assertThat(failSafe.t()).as("30 s after the cut").isEqualTo(330.0);
        assertThat(failSafe.detail()).startsWith("r3 serves only its last-known-good v1").contains("unreachable");
        assertThat(result.first("replica-reconnected").orElseThrow().t()).isEqualTo(360.0);
        assertThat(result.first("fail-safe-left").orElseThrow().t()).as("its next round").isEqualTo(370.0);
        assertThat(result.first("replica-restarted").orElseThrow().detail()).contains("r1 starts again as replica r1-2");
        assertThat(result.fleet().replicas()).allSatisfy(r -> assertThat(r.failSafe()).isFalse());
    }

    @Test
    void aBadReplicasEmergencyBrakeRollsTheWholeFleetBackWithOneCommit() {
        GameDayResult result = GameDay.run(BAD_REPLICA);

        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(result.fleet().rollbacks()).singleElement().satisfies(d -> {
            assertThat(d.describe()).isEqualTo("rolled back by r2 (emergency brake)");
            assertThat(d.replica()).isEqualTo("r2");
            assertThat(d.role()).isEqualTo("emergency brake");
            assertThat(d.appliedAt()).containsOnlyKeys("r1", "r2", "r3");
            assertThat(d.appliedAt().get("r1")).as("the leader r1 ticks before r2: its next round").isEqualTo(d.t() + 10);
            assertThat(d.appliedAt().get("r3")).as("r3 ticks after r2 in the same round").isEqualTo(d.t());
        });
        assertThat(result.events()).filteredOn(e -> e.type().equals("breach"))
                .as("only r2's own data breaches; fleet-wide the error rate stays under 5 %")
                .singleElement().satisfies(e -> assertThat(e.detail()).endsWith("[r2's own data, its emergency brake]"));
        assertThat(result.first("rolled-back").orElseThrow().detail()).endsWith("by r2 (emergency brake)");
        assertThat(result.events()).anyMatch(e -> e.type().equals("rollout") && e.detail().startsWith("r1: PROGRESSING")
                && e.detail().contains("ROLLED_BACK") && e.detail().contains("error-rate"));
    }

    @Test
    void theSameSeedGivesTheSameFleetRun() {
        GameDayResult a = GameDay.run(BAD_REPLICA, 11);
        GameDayResult b = GameDay.run(BAD_REPLICA, 11);

        assertThat(b.events()).isEqualTo(a.events());
        assertThat(b.fleet()).isEqualTo(a.fleet());
        assertThat(b.detectionSeconds()).isEqualTo(a.detectionSeconds());
    }

    @Test
    void withReplicasRunsAScenarioWithoutAFleetSectionOnARoundRobinFleet() {
        Scenario single = Scenarios.load(SCENARIOS.resolve("canary-latency-regression.yaml"));
        assertThat(single.fleet()).isNull();
        assertThat(GameDay.run(single).fleet()).as("no fleet section, no --replicas: one router as before").isNull();

        GameDayResult result = GameDay.run(single.withReplicas(3));

        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(result.fleet().replicas()).extracting(GameDayResult.Replica::id).containsExactly("r1", "r2", "r3");
        assertThat(result.fleet().loadBalancer()).isEqualTo("round-robin");
        assertThat(result.fleet().rollbacks()).singleElement().satisfies(d -> {
            assertThat(d.appliedAt()).containsOnlyKeys("r1", "r2", "r3");
            assertThat(d.notApplied()).isEmpty();
        });
        assertThat(result.first("start").orElseThrow().detail()).contains("a fleet of 3 replicas [r1, r2, r3]");
        assertThat(result.detectionSeconds()).as("the leader judges fleet-wide data: all the traffic, as the single router does")
                .isCloseTo(400.0, within(60.0));
    }

    @Test
    void everyShippedCanaryAndBlueGreenScenarioReachesItsOutcomeOnThreeReplicas() throws Exception {
        try (var files = Files.list(SCENARIOS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Scenario scenario = Scenarios.load(file);
                if (scenario.strategy().shadow() != null) {
                    continue;
                }
                GameDayResult result = GameDay.run(scenario.withReplicas(3));

                assertThat(result.outcome()).as(file.toString()).isEqualTo(scenario.expect());
                assertThat(result.fleet().rollbacks()).as(file + ": one commit per rollback, applied everywhere")
                        .allSatisfy(d -> assertThat(d.notApplied()).isEmpty())
                        .hasSizeLessThanOrEqualTo(1);
                if (!scenario.strategy().perSegment()) {
                    assertThat(result.segmentOutcomes()).isEmpty();
                } else {
                    assertThat(result.segmentOutcomes()).as(file.toString()).isEqualTo(GameDay.run(scenario).segmentOutcomes());
                }
            }
        }
    }

    @Test
    void aReplicaCutOffToTheEndNeverAppliesTheRollbackAndTheResultSaysSo() {
        Scenario scenario = Scenarios.fromYaml(yaml(BAD_REPLICA_YAML).replace("  replica:\n    r2:",
                "  events:\n    - {at: 20s, cutOff: r3, for: 20m}\n  replica:\n    r2:"));

        GameDayResult result = GameDay.run(scenario);

        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(result.fleet().rollbacks()).singleElement().satisfies(d -> {
            assertThat(d.appliedAt()).containsOnlyKeys("r1", "r2");
            assertThat(d.notApplied()).containsExactly("r3 (cut off)");
        });
        assertThat(result.fleet().replicas()).filteredOn(r -> r.id().equals("r3")).singleElement()
                .satisfies(r -> assertThat(r.failSafe()).as("cut off for longer than the bound: only the last-known-good").isTrue());
        assertThat(result.timeline()).contains("never by r3 (cut off)");
    }

    @Test
    void withEvidenceOnlyTheLeaderKeepsTheIncidentOfTheBrakesRollbackAndVerifiesIt(@TempDir Path dir) {
        GameDayResult result = GameDay.run(BAD_REPLICA, BAD_REPLICA.seed(), dir);

        assertThat(result.outcome()).isEqualTo("rolled_back");
        assertThat(result.incidents()).singleElement().satisfies(i -> {
            assertThat(i.bundle()).startsWith(dir.resolve("r1")).as("the leader r1 keeps it");
            assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
            assertThat(Files.exists(i.bundle().resolve("incident.json"))).isTrue();
        });
        assertThat(result.first("incident-opened").orElseThrow().detail()).startsWith("r1 keeps inc-");
        assertThat(result.evidence().runbook()).exists();
        assertThat(result.fleet().rollbacks().get(0).replica()).isEqualTo("r2");
    }

    @Test
    void aFleetSectionThatCannotRunIsRefusedWithItsFieldPath() {
        assertRefused("""
                  replicas: 0
                """, "fleet.replicas", "must be between 1 and 16");
        assertRefused("""
                  replicas: 3
                  loadBalancer: least-connections
                """, "fleet.loadBalancer", "is not one of [round-robin, random]");
        assertRefused("""
                  replicas: 3
                  leaseTime: 20s
                """, "fleet.leaseTime", "must be at least three ticks (PT30S)");
        assertRefused("""
                  replicas: 3
                  events:
                    - {at: 1m, kill: r4}
                """, "fleet.events[0].kill", "'r4' is not a replica of this fleet; replicas are [r1, r2, r3]");
        assertRefused("""
                  replicas: 2
                  events:
                    - {at: 1m, kill: r1}
                    - {at: 2m, cutOff: r1, for: 1m}
                """, "fleet.events[1].cutOff", "replica r1 is not running at PT2M: it was killed at PT1M");
        assertRefused("""
                  replicas: 2
                  events:
                    - {at: 1m, kill: r1}
                    - {at: 2m, kill: r2}
                """, "fleet.events[1].kill", "would leave no replica running");
        assertRefused("""
                  replicas: 2
                  events:
                    - {at: 1m, cutOff: r1}
                """, "fleet.events[0].for", "");
        assertRefused("""
                  replicas: 2
                  events:
                    - {at: 1m, kill: r1, for: 1m}
                """, "fleet.events[0].for", "applies to cutOff only");
        assertRefused("""
                  replicas: 2
                  replica:
                    r2:
                      releases:
                        v3: {errorRate: 10%}
                """, "fleet.replica.r2.releases.v3", "'v3' is not a release of this scenario");
        assertRefused("""
                  replicas: 2
                  replica:
                    r2:
                      releases:
                        v2: {errorRat: 10%}
                """, "fleet.replica.r2.releases.v2.errorRat", "");
    }

    @Test
    void aShadowOrASlowTickCannotRunOnAFleet() {
        Scenario shadow = Scenarios.load(SCENARIOS.resolve("shadow-night-drift.yaml"));
        assertThatThrownBy(() -> shadow.withReplicas(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--replicas 3: a fleet game day runs canary and blueGreen strategies, not shadowThenCanary");
        assertThatThrownBy(() -> LEADER_KILLED.withReplicas(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--replicas 2: fleet.events[1] (cutOff r3 at 5m for 1m) names a replica the fleet of 2 (r1..r2) does"
                        + " not have; run with more replicas or change the scenario's fleet section");
        assertThatThrownBy(() -> LEADER_KILLED.withReplicas(17)).hasMessageContaining("--replicas must be between 1 and 16");
        assertThatThrownBy(() -> Scenarios.fromYaml(yaml(BAD_REPLICA_YAML).replace("tick: 10s", "tick: 2m")))
                .isInstanceOf(SpecException.class).hasMessageContaining("fleet")
                .hasMessageContaining("must be at most PT1M, but the scenario's tick is PT2M");
        Scenario subSecond = Scenarios.fromYaml(yaml(BAD_REPLICA_YAML).replace("tick: 10s", "tick: 500ms"));
        assertThat(subSecond.fleet().leaseTime()).as("a replica's round is at least a second, as the game day ticks")
                .isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(GameDay.run(subSecond).outcome()).isEqualTo("rolled_back");
        assertThat(LEADER_KILLED.withReplicas(5).fleet()).satisfies(f -> {
            assertThat(f.replicas()).isEqualTo(5);
            assertThat(f.events()).hasSize(3);
        });
    }

    private static void assertRefused(String fleet, String path, String message) {
        String text = yaml(BAD_REPLICA_YAML);
        String withFleet = text.substring(0, text.indexOf("fleet:\n")) + "fleet:\n" + fleet
                + text.substring(text.indexOf("incident:\n"));
        assertThatThrownBy(() -> Scenarios.fromYaml(withFleet)).as(fleet).isInstanceOf(SpecException.class)
                .satisfies(e -> assertThat(((SpecException) e).path()).isEqualTo(path))
                .hasMessageContaining(message);
    }

    private static final Path BAD_REPLICA_YAML = SCENARIOS.resolve("fleet-bad-replica-brake.yaml");

    private static String yaml(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<GameDayResult.Event> events(GameDayResult result, String type) {
        return result.events().stream().filter(e -> e.type().equals(type)).toList();
    }
}
