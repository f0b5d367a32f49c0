package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races every control operation against the others for real: several threads promote, change
 * weights, probe, retire and re-add, roll back and lift quarantines on one router while another
 * calls it, for many rounds. A losing operation may be refused ({@link IllegalArgumentException} or
 * {@link IllegalStateException} with a message), never fail otherwise; after each round the router
 * routes by a state whose releases are all registered, and every rollback left one audit entry and
 * one event. {@link ControlRaceReproductionTest} holds the deterministic reproductions of the races
 * this found.
 *
 * <p>CI runs {@value #CI_ROUNDS} rounds; {@code -Drollback4j.test.scale=N} runs N times as many.
 */
class ControlPathRaceTest {

    private static final int CI_ROUNDS = 60;
    private static final int OPS_PER_THREAD = 40;
    private static final int CONTROL_THREADS = 5;

    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);
    private final Release v3 = Fixtures.release("m", "3.0.0", 3);
    private final List<Release> all = List.of(v1, v2, v3);

    @Test
    void controlOperationsRacingEachOtherNeverBreakTheRouter() throws Exception {
        int rounds = TestScale.rounds(CI_ROUNDS);
        ExecutorService threads = Executors.newFixedThreadPool(CONTROL_THREADS + 1);
        try {
            for (int round = 0; round < rounds; round++) {
                race(threads, round);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private void race(ExecutorService threads, int round) throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Map<ReleaseId, ReleaseSpec<String, String>> specs = all.stream().collect(Collectors.toMap(Release::id,
                r -> Fixtures.spec(r, in -> r.model().version())));
        try (ManagedModelRouter<String, String> router = Fixtures.router("race-" + round, specs.get(v1.id()), clock)
                .release(specs.get(v2.id())).release(specs.get(v3.id())).build()) {
            AtomicInteger rollbacks = new AtomicInteger();
            AtomicInteger rolledBackEvents = new AtomicInteger();
            router.eventPublisher().onEvent(RouterEvent.RolledBack.class, e -> rolledBackEvents.incrementAndGet());
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            CyclicBarrier start = new CyclicBarrier(CONTROL_THREADS + 1);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < CONTROL_THREADS; t++) {
                int role = t;
                SplittableRandom random = new SplittableRandom(31L * round + t);
                running.add(threads.submit(() -> {
                    start.await();
                    for (int op = 0; op < OPS_PER_THREAD; op++) {
                        try {
                            control(router, role, random, specs, rollbacks);
                        } catch (IllegalArgumentException | IllegalStateException refused) {
                            if (refused.getMessage() == null || refused.getMessage().contains("not registered with this router")) {
                                unexpected.add(refused);
                            }
                        } catch (Throwable t2) {
                            unexpected.add(t2);
                        }
                    }
                    return null;
                }));
            }
            running.add(threads.submit(() -> {
                start.await();
                for (int call = 0; call < OPS_PER_THREAD * 20; call++) {
                    try {
                        router.decide("x", RequestContext.of("user-" + call));
                    } catch (Throwable t2) {
                        unexpected.add(t2);
                    }
                }
                return null;
            }));
            for (Future<?> future : running) {
                future.get(60, TimeUnit.SECONDS);
            }

            assertThat(unexpected).as("round %d: failures other than a refusal with a message", round).isEmpty();
            Set<ReleaseId> registered = router.releases().stream().map(Release::id).collect(Collectors.toSet());
            assertThat(registered).as("round %d: the last-known-good is registered", round).contains(router.state().lastKnownGood());
            router.state().allocations().values().forEach(ranges -> ranges.forEach(range ->
                    assertThat(registered).as("round %d: every release with traffic is registered", round).contains(range.release())));
            assertThat(router.auditLog().stream().filter(e -> e.action().equals("rolled-back")).count())
                    .as("round %d: one audit entry per rollback", round).isEqualTo(rollbacks.get());
            assertThat(rolledBackEvents.get()).as("round %d: one event per rollback", round).isEqualTo(rollbacks.get());
            stillWorks(router, specs, round);
        }
    }

    /** One control operation; the thread's role picks which. */
    private void control(ManagedModelRouter<String, String> router, int role, SplittableRandom random,
                         Map<ReleaseId, ReleaseSpec<String, String>> specs, AtomicInteger rollbacks) {
        ReleaseId pick = all.get(random.nextInt(all.size())).id();
        Cause cause = Cause.operator("racer-" + role, "race");
        switch (role) {
            case 0 -> router.promote(pick, cause);
            case 1 -> {
                ReleaseId lkg = router.state().lastKnownGood();
                if (pick.equals(lkg)) {
                    router.setWeights(Segment.DEFAULT, Map.of(lkg, 10_000), cause);
                } else {
                    int canary = 1 + random.nextInt(5_000);
                    router.setWeights(Segment.DEFAULT, Map.of(lkg, 10_000 - canary, pick, canary), cause);
                }
            }
            case 2 -> router.checkHealth();
            case 3 -> {
                if (random.nextBoolean()) {
                    router.retire(pick, cause);
                } else if (router.releases().stream().noneMatch(r -> r.id().equals(pick))) {
                    router.addRelease(specs.get(pick));
                }
            }
            default -> {
                if (random.nextInt(3) == 0) {
                    router.overrideQuarantine(pick, cause);
                } else {
                    router.rollbackToLastKnownGood(Cause.automatic("race"));
                    rollbacks.incrementAndGet();
                }
            }
        }
    }

    /** After the race, the router takes a weight change and a rollback as on the first day. */
    private void stillWorks(ManagedModelRouter<String, String> router, Map<ReleaseId, ReleaseSpec<String, String>> specs,
                            int round) {
        ReleaseId lkg = router.state().lastKnownGood();
        Set<ReleaseId> registered = router.releases().stream().map(Release::id).collect(Collectors.toSet());
        for (Release release : all) {
            if (!registered.contains(release.id())) {
                router.addRelease(specs.get(release.id()));
            }
        }
        ReleaseId candidate = all.stream().map(Release::id).filter(id -> !id.equals(lkg)
                && !router.state().quarantined().contains(id)).findFirst().orElse(null);
        if (candidate == null) {
            candidate = all.stream().map(Release::id).filter(id -> !id.equals(lkg)).findFirst().orElseThrow();
            router.overrideQuarantine(candidate, Cause.operator("ana", "after the race"));
        }
        router.setWeights(Segment.DEFAULT, Map.of(lkg, 9_000, candidate, 1_000), Cause.operator("ana", "canary after the race"));
        long before = router.auditLog().stream().map(AuditEntry::action).filter("rolled-back"::equals).count();
        router.rollbackToLastKnownGood(Cause.automatic("after the race"));
        assertThat(router.weights(Segment.DEFAULT)).as("round %d", round).containsOnlyKeys(lkg);
        assertThat(router.auditLog().stream().map(AuditEntry::action).filter("rolled-back"::equals).count()).isEqualTo(before + 1);
    }
}
