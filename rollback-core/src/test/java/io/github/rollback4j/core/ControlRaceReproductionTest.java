package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.RolloutStateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deterministic reproductions of the control-path races {@link ControlPathRaceTest} hunts for at
 * random: {@code retire} overtaking {@code promote}, {@code setWeights} or {@code checkHealth}
 * between their lookup of a release and their use of it, and a rollback that must finish its audit
 * entry, event and incident once it has swapped the table.
 *
 * <p>The interleaving is forced with the router's own lock: a listener of a first control operation
 * holds it; the racing operations queue on it in a known order (a queued thread is woken first in,
 * first out), and the listener lets go.
 */
class ControlRaceReproductionTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);
    private final Release v3 = Fixtures.release("m", "3.0.0", 3);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private ManagedModelRouter<String, String> router(RolloutStateStore store, io.github.rollback4j.Model<String, String> lkg) {
        ManagedModelRouter<String, String> router = Fixtures.router("race", Fixtures.spec(v1, lkg), clock)
                .release(Fixtures.spec(v2, in -> "v2")).release(Fixtures.spec(v3, in -> "v3")).stateStore(store).build();
        closing.add(router);
        return router;
    }

    private ManagedModelRouter<String, String> router() {
        return router(new InMemoryRolloutStateStore(), in -> "v1");
    }

    /** Runs {@code action} on a new thread; the outcome (null or the exception) lands in the returned reference. */
    private static Thread start(String name, Runnable action, AtomicReference<Throwable> outcome) {
        Thread thread = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void awaitQueuedOnLock(Thread thread) {
        await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.WAITING
                && LockSupport.getBlocker(thread) != null
                && LockSupport.getBlocker(thread).getClass().getEnclosingClass() == ReentrantLock.class);
    }

    /**
     * Holds the router's control lock (from inside a weight change's listener) while {@code first}
     * and then {@code second} queue on it, then lets go: {@code first} runs before {@code second}.
     */
    private void raceInOrder(ManagedModelRouter<String, String> router, Runnable first, AtomicReference<Throwable> firstOutcome,
                             Runnable second, AtomicReference<Throwable> secondOutcome) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean armed = new AtomicBoolean(true);
        try (var registration = router.eventPublisher().onEvent(RouterEvent.WeightsChanged.class, e -> {
            if (armed.getAndSet(false)) {
                holding.countDown();
                try {
                    letGo.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        })) {
            AtomicReference<Throwable> holderOutcome = new AtomicReference<>();
            Thread holder = start("holder", () -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10_000),
                    Cause.operator("ana", "hold the lock")), holderOutcome);
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Thread a = start("first", first, firstOutcome);
            awaitQueuedOnLock(a);
            Thread b = start("second", second, secondOutcome);
            awaitQueuedOnLock(b);
            letGo.countDown();
            holder.join(10_000);
            a.join(10_000);
            b.join(10_000);
            assertThat(holderOutcome.get()).isNull();
        }
    }

    private static void assertNoNullPointer(AtomicReference<Throwable> outcome) {
        assertThat(outcome.get()).as("the operation that lost the race fails with a clear message, never an NPE")
                .isNotInstanceOf(NullPointerException.class);
    }

    /** The router still works: weights change, and a rollback audits, publishes and opens an incident. */
    private void assertRouterStillWorks(ManagedModelRouter<String, String> router, ReleaseId candidate) {
        Incidents incidents = Incidents.builder(router).timeSource(clock).build();
        closing.add(incidents);
        List<RouterEvent.RolledBack> rolledBack = new CopyOnWriteArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rolledBack::add);
        ReleaseId lkg = router.lastKnownGood().id();
        router.setWeights(Segment.DEFAULT, Map.of(lkg, 9_000, candidate, 1_000), Cause.operator("ana", "canary 10 %"));
        router.rollbackToLastKnownGood(Cause.automatic("errors"));
        assertThat(router.weights(Segment.DEFAULT)).containsOnlyKeys(lkg);
        assertThat(router.auditLog()).extracting(AuditEntry::action).contains("rolled-back");
        assertThat(rolledBack).hasSize(1);
        assertThat(incidents.incidents()).hasSize(1);
    }

    @Test
    void retireThatOvertakesAPromoteLeavesTheLastKnownGoodInPlace() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        ManagedModelRouter<String, String> router = router(store, in -> "v1");
        AtomicReference<Throwable> retired = new AtomicReference<>();
        AtomicReference<Throwable> promoted = new AtomicReference<>();

        raceInOrder(router, () -> router.retire(v2.id(), Cause.operator("ana", "unload v2")), retired,
                () -> router.promote(v2.id(), Cause.operator("bob", "promote v2")), promoted);

        assertThat(retired.get()).isNull();
        assertNoNullPointer(promoted);
        assertThat(promoted.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no release " + v2.id());
        assertThat(router.state().lastKnownGood()).isEqualTo(v1.id());
        assertThat(store.load("race").orElseThrow().lastKnownGood()).as("the stored state never names the retired release")
                .isEqualTo(v1.id());
        assertRouterStillWorks(router, v3.id());
    }

    @Test
    void retireThatOvertakesAWeightChangeIsRefusedByNameNotWithANullPointer() throws Exception {
        ManagedModelRouter<String, String> router = router();
        AtomicReference<Throwable> retired = new AtomicReference<>();
        AtomicReference<Throwable> weighted = new AtomicReference<>();

        raceInOrder(router, () -> router.retire(v2.id(), Cause.operator("ana", "unload v2")), retired,
                () -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("bob", "canary")),
                weighted);

        assertThat(retired.get()).isNull();
        assertNoNullPointer(weighted);
        assertThat(weighted.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no such release");
        assertThat(router.weights(Segment.DEFAULT)).containsOnlyKeys(v1.id());
        assertRouterStillWorks(router, v3.id());
    }

    @Test
    void retireDuringAHealthRoundDoesNotBreakTheRound() throws Exception {
        CountDownLatch inProbe = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean blockNextProbe = new AtomicBoolean();
        ManagedModelRouter<String, String> router = router(new InMemoryRolloutStateStore(), in -> {
            if (blockNextProbe.getAndSet(false)) {
                inProbe.countDown();
                resume.await(10, TimeUnit.SECONDS);
            }
            return "v1";
        });
        blockNextProbe.set(true);
        AtomicReference<Throwable> round = new AtomicReference<>();
        Thread probing = start("health-round", router::checkHealth, round);
        assertThat(inProbe.await(10, TimeUnit.SECONDS)).isTrue();
        // The round probes v1 (first in order) and has v2 and v3 still to go when v3 is retired.
        router.retire(v3.id(), Cause.operator("ana", "unload v3"));
        resume.countDown();
        probing.join(10_000);

        assertThat(round.get()).as("the health round").isNull();
        assertThat(router.releases()).extracting(Release::id).containsExactly(v1.id(), v2.id());
        assertRouterStillWorks(router, v2.id());
    }

    /** A store that refuses, with an exception, every write after the first {@code accepted}. */
    private static final class FailingStore implements RolloutStateStore {
        private final InMemoryRolloutStateStore delegate = new InMemoryRolloutStateStore();
        private volatile boolean failing;

        @Override
        public Optional<RolloutState> load(String router) {
            return delegate.load(router);
        }

        @Override
        public boolean compareAndSet(long expectedGeneration, RolloutState next) {
            if (failing) {
                throw new IllegalStateException("state store unreachable: connection refused");
            }
            return delegate.compareAndSet(expectedGeneration, next);
        }
    }

    @Test
    void rollbackThatSwappedCompletesAuditEventAndIncidentWhenTheStoreFails() {
        FailingStore store = new FailingStore();
        ManagedModelRouter<String, String> router = router(store, in -> "v1");
        Incidents incidents = Incidents.builder(router).timeSource(clock).build();
        closing.add(incidents);
        List<RouterEvent.RolledBack> rolledBack = new CopyOnWriteArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rolledBack::add);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "canary 10 %"));
        store.failing = true;

        router.rollbackToLastKnownGood(Cause.automatic("errors"));

        assertThat(router.weights(Segment.DEFAULT)).containsOnlyKeys(v1.id());
        assertThat(router.auditLog()).filteredOn(e -> e.action().equals("rolled-back")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("not stored").contains("connection refused"));
        assertThat(rolledBack).singleElement().satisfies(e -> assertThat(e.rolledBack()).containsExactly(v2.id()));
        assertThat(incidents.incidents()).hasSize(1);
    }

    @Test
    void segmentRollbackThatSwappedCompletesAuditAndEventWhenTheStoreFails() {
        FailingStore store = new FailingStore();
        ManagedModelRouter<String, String> router = router(store, in -> "v1");
        List<RouterEvent.SegmentRolledBack> rolledBack = new CopyOnWriteArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.SegmentRolledBack.class, rolledBack::add);
        Segment eu = Segment.of("eu-west");
        router.setWeights(eu, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "canary 10 % in eu-west"));
        store.failing = true;

        router.rollbackSegment(eu, Cause.automatic("errors in eu-west"));

        assertThat(router.weights(eu)).containsOnlyKeys(v1.id());
        assertThat(router.auditLog()).extracting(AuditEntry::action).contains("segment-rolled-back");
        assertThat(rolledBack).hasSize(1);
    }
}
