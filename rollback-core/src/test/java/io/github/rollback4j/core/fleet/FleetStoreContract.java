package io.github.rollback4j.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.spi.BucketRange;
import io.github.rollback4j.spi.FleetIncident;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.Lease;
import io.github.rollback4j.spi.OperatorRequest;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutProgress;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateChange;
import io.github.rollback4j.spi.StateNotice;
import io.github.rollback4j.spi.TelemetrySlot;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** What every {@link FleetStore} must do; run against the in-memory store and against PostgreSQL. */
abstract class FleetStoreContract {

    static final ReleaseId V1 = ReleaseId.of("rel-00000000000000a1");
    static final ReleaseId V2 = ReleaseId.of("rel-00000000000000a2");
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    /** @return a store of an empty database, shared by the calls of one test */
    abstract FleetStore store();

    static RolloutState first(String router) {
        return new RolloutState(router, 1, V1, Map.of("default", List.of(new BucketRange(V1, 0, 10_000))), Set.of(), 4242,
                Map.of(), List.of(), new StateChange(StateChange.CREATED, Cause.automatic("created"), "r1", T0));
    }

    static RolloutState canary(RolloutState s, int basisPoints, String replica) {
        return s.next(V1, Map.of("default", List.of(new BucketRange(V2, 0, basisPoints), new BucketRange(V1, basisPoints, 10_000)),
                        "eu-west", List.of(new BucketRange(V1, 0, 10_000))), s.quarantined(),
                new StateChange("weights-changed", Cause.automatic("step"), replica, T0.plusSeconds(s.generation())));
    }

    @Test
    void storesAndLoadsTheWholeStateByCompareAndSetOnTheGeneration() {
        FleetStore store = store();
        assertThat(store.load("r")).isEmpty();
        assertThat(store.compareAndSet(0, first("r"))).isTrue();
        assertThat(store.compareAndSet(0, first("r"))).as("the first state exists").isFalse();
        RolloutState g1 = store.load("r").orElseThrow();
        RolloutProgress progress = new RolloutProgress("canary", V2, "default", "PROGRESSING", 1, 500, "step 0 healthy", T0,
                T0.plusSeconds(60), T0, true, Set.of("kpi"), T0.plusSeconds(61));
        RolloutState g2 = canary(g1, 500, "r1").nextProgress(Map.of("default", progress),
                List.of(new OperatorRequest(2, OperatorRequest.Action.PAUSE, null, Cause.operator("ana", "hold"), "r2", T0)),
                new StateChange(StateChange.ROLLOUT_PROGRESS, Cause.automatic("p"), "r1", T0));
        RolloutState g2fixed = new RolloutState("r", 2, g2.lastKnownGood(), g2.allocations(), Set.of(V2), g2.salt(), g2.rollouts(),
                g2.requests(), g2.change());

        assertThat(store.compareAndSet(1, g2fixed)).isTrue();
        assertThat(store.compareAndSet(1, g2fixed)).as("generation 1 is gone").isFalse();
        RolloutState loaded = store.load("r").orElseThrow();
        assertThat(loaded).isEqualTo(g2fixed);
        assertThat(loaded.salt()).isEqualTo(4242);
        assertThat(loaded.rollouts().get("default")).isEqualTo(progress);
        assertThat(loaded.requests()).hasSize(1);
        assertThat(loaded.change().replica()).isEqualTo("r1");
        assertThatIllegalArgumentException().isThrownBy(() -> store.compareAndSet(2, canary(loaded, 600, "r1").nextProgress(
                Map.of(), List.of(), loaded.change()))).withMessageContaining("expectedGeneration + 1 = 3");
    }

    @Test
    void aFencedWriteNeedsTheCurrentLeaseAndItsToken() {
        FleetStore store = store();
        store.compareAndSet(0, first("f"));
        RolloutState g1 = store.load("f").orElseThrow();
        assertThat(store.compareAndSet(1, canary(g1, 100, "r1"), "r1", 1)).as("nobody holds the lease").isEqualTo(FleetStore.Write.FENCED);

        long token = store.acquireLease("f", "r1", Lease.none("f")).orElseThrow();
        assertThat(token).isEqualTo(1);
        assertThat(store.compareAndSet(1, canary(g1, 100, "r1"), "r1", token)).isEqualTo(FleetStore.Write.STORED);
        assertThat(store.compareAndSet(1, canary(g1, 200, "r1"), "r1", token)).as("stale generation").isEqualTo(FleetStore.Write.CONFLICT);

        Lease held = store.lease("f");
        long newer = store.acquireLease("f", "r2", held).orElseThrow();
        assertThat(newer).isEqualTo(2);
        RolloutState g2 = store.load("f").orElseThrow();
        assertThat(store.compareAndSet(2, canary(g2, 300, "r1"), "r1", token)).as("stale token").isEqualTo(FleetStore.Write.FENCED);
        assertThat(store.compareAndSet(2, canary(g2, 300, "r2"), "r2", newer)).isEqualTo(FleetStore.Write.STORED);
    }

    @Test
    void theLeaseChangesOnlyFromWhatWasObserved() {
        FleetStore store = store();
        assertThat(store.lease("l")).isEqualTo(Lease.none("l"));
        long t1 = store.acquireLease("l", "r1", Lease.none("l")).orElseThrow();
        assertThat(store.acquireLease("l", "r2", Lease.none("l"))).as("r1 got there first").isEqualTo(OptionalLong.empty());
        assertThat(store.renewLease("l", "r1", t1)).isTrue();
        assertThat(store.renewLease("l", "r2", t1)).isFalse();
        Lease renewed = store.lease("l");
        assertThat(renewed).isEqualTo(new Lease("l", "r1", 1, 1));
        assertThat(store.acquireLease("l", "r2", new Lease("l", "r1", 1, 0))).as("it was renewed since").isEmpty();

        store.releaseLease("l", "r2", t1);
        assertThat(store.lease("l").holder()).as("only the holder releases").isEqualTo("r1");
        store.releaseLease("l", "r1", t1);
        Lease released = store.lease("l");
        assertThat(released.holder()).isNull();
        assertThat(store.acquireLease("l", "r2", released)).hasValue(2);
        assertThat(store.lease("l")).isEqualTo(new Lease("l", "r2", 2, 0));
    }

    @Test
    void reportsCarryOnlyTheSubWindowsAReaderHasNotSeen() {
        FleetStore store = store();
        byte[] totals = {1, 2, 3};
        store.publish(report("t", "r1", 1, List.of(slot(0, 100, 1), slot(0, 101, 1), slot(2, 7, 1)), Map.of()));
        store.publish(report("t", "r2", 1, List.of(slot(0, 101, 1)), Map.of()));
        store.publish(report("t", "r1", 2, List.of(slot(0, 101, 2), slot(0, 102, 2)), Map.of(0, 101L)));

        List<ReplicaReport> all = store.reports("t", Map.of(), true);
        assertThat(all).extracting(ReplicaReport::replica).containsExactly("r1", "r2");
        ReplicaReport r1 = all.get(0);
        assertThat(r1.seq()).isEqualTo(2);
        assertThat(r1.totals()).isEqualTo(totals);
        assertThat(r1.slots()).extracting(TelemetrySlot::slot).containsExactlyInAnyOrder(101L, 102L, 7L);
        assertThat(r1.slots()).filteredOn(s -> s.slot() == 101).singleElement().satisfies(s -> {
            assertThat(s.seq()).isEqualTo(2);
            assertThat(s.payload()).containsExactly(0, 101, 2);
        });

        List<ReplicaReport> fresh = store.reports("t", Map.of("r1", 1L, "r2", 1L), true);
        assertThat(fresh.get(0).slots()).extracting(TelemetrySlot::slot).containsExactlyInAnyOrder(101L, 102L);
        assertThat(fresh.get(1).slots()).isEmpty();
        assertThat(store.reports("t", Map.of(), false)).allSatisfy(r -> assertThat(r.slots()).isEmpty());
        assertThat(store.reports("other", Map.of(), true)).isEmpty();
    }

    static ReplicaReport report(String router, String replica, long seq, List<TelemetrySlot> slots, Map<Integer, Long> keepFrom) {
        return new ReplicaReport(router, replica, seq, 3, replica.equals("r1"), false, T0, T0.plusSeconds(seq), new byte[]{1, 2, 3},
                slots, keepFrom);
    }

    static TelemetrySlot slot(int kind, long slot, long seq) {
        return new TelemetrySlot(kind, slot, seq, new byte[]{(byte) kind, (byte) slot, (byte) seq});
    }

    @Test
    void theAuditLogKeepsEveryReplicasEntriesInOrder() {
        FleetStore store = store();
        store.appendAudit("r1", List.of(entry("a", 1), entry("b", 2)));
        store.appendAudit("r2", List.of(entry("c", 3)));
        store.appendAudit("r2", List.of(new AuditEntry(T0.plusSeconds(4), "other", "x", "ana", "why", "")));

        assertThat(store.auditLog("a-router", Instant.MIN, Instant.MAX, 100)).extracting(e -> e.entry().action())
                .containsExactly("a", "b", "c");
        assertThat(store.auditLog("a-router", Instant.MIN, Instant.MAX, 2)).extracting(e -> e.entry().action())
                .as("the newest ones").containsExactly("b", "c");
        assertThat(store.auditLog("a-router", T0.plusSeconds(2), T0.plusSeconds(2), 100)).extracting(e -> e.replica())
                .containsExactly("r1");
        assertThat(store.auditLog("a-router", Instant.MIN, Instant.MAX, 100).get(2).entry())
                .isEqualTo(entry("c", 3));
    }

    static AuditEntry entry(String action, int second) {
        return new AuditEntry(T0.plusSeconds(second), "a-router", action, "automatic", "reason " + action, "detail " + action);
    }

    @Test
    void anIncidentIsOpenedOncePerId() {
        FleetStore store = store();
        FleetIncident incident = new FleetIncident("inc-1", "i", 7, "r2", T0, "OPEN", null, "{\"a\": 1}");
        assertThat(store.openIncident(incident)).isTrue();
        assertThat(store.openIncident(new FleetIncident("inc-1", "i", 7, "r3", T0, "OPEN", null, "{}"))).isFalse();
        store.updateIncident(new FleetIncident("inc-1", "i", 7, "r2", T0, "RESOLVED", "r1", "{\"a\": 2}"));
        assertThat(store.incidents("i")).singleElement().satisfies(i -> {
            assertThat(i.openedBy()).isEqualTo("r2");
            assertThat(i.status()).isEqualTo("RESOLVED");
            assertThat(i.evidenceBy()).isEqualTo("r1");
            assertThat(i.document()).contains("2");
        });
        assertThatIllegalArgumentException().isThrownBy(() -> store.updateIncident(
                new FleetIncident("inc-9", "i", 9, "r2", T0, "OPEN", null, "{}"))).withMessageContaining("no incident 'inc-9'");
    }

    @Test
    void everyCommittedGenerationIsNoticed() {
        FleetStore store = store();
        List<StateNotice> notices = new CopyOnWriteArrayList<>();
        var registration = store.watch(notices::add);
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                // the listener may need a moment to start listening: commit until it hears
                RolloutState s = store.load("n").orElse(null);
                if (s == null) {
                    store.compareAndSet(0, first("n"));
                } else if (notices.isEmpty()) {
                    store.compareAndSet(s.generation(), canary(s, (int) (s.generation() * 10 % 10_000) + 1, "r1"));
                }
                assertThat(notices).isNotEmpty();
            });
            RolloutState s = store.load("n").orElseThrow();
            store.compareAndSet(s.generation(), canary(s, 4_000, "r1"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(notices).contains(new StateNotice("n", s.generation() + 1)));
        } finally {
            registration.close();
        }
    }

    @Test
    void racingWritersNeverLoseAnUpdate() throws Exception {
        FleetStore store = store();
        store.compareAndSet(0, first("race"));
        int threads = 4;
        int rounds = 100;
        AtomicInteger stored = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String replica = "r" + t;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        RolloutState s = store.load("race").orElseThrow();
                        if (store.compareAndSet(s.generation(), canary(s, 1 + (int) (s.generation() % 9_000), replica))) {
                            stored.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.load("race").orElseThrow().generation()).as("one generation per successful write").isEqualTo(1 + stored.get());
        assertThat(stored.get()).isGreaterThanOrEqualTo(rounds);
    }
}
