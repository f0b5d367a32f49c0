package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rollback is one atomic swap: several threads call the router while another rolls back; every
 * call that starts after {@code rollbackToLastKnownGood()} returned must be served by the
 * last-known-good.
 */
class AtomicRollbackTest {

    private static final int THREADS = 4;
    private static final int CALLS_AFTER_ROLLBACK = 20_000;

    @RepeatedTest(10)
    void noCallStartedAfterTheRollbackReturnedReachesTheBadRelease() throws Exception {
        Release v1 = Fixtures.release("m", "1.0.0", 1);
        Release v2 = Fixtures.release("m", "2.0.0", 2);
        AtomicLong badCalls = new AtomicLong();
        AtomicBoolean rolledBack = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try (ManagedModelRouter<String, String> router = Fixtures.router("atomic", Fixtures.spec(v1, in -> "good"),
                        VirtualTimeSource.create())
                .release(Fixtures.spec(v2, in -> {
                    badCalls.incrementAndGet();
                    return "bad";
                })).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("test", "canary"));
            badCalls.set(0);
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(callers.submit(() -> {
                    long violations = 0;
                    long after = 0;
                    long i = 0;
                    while (!stop.get() || after < CALLS_AFTER_ROLLBACK) {
                        boolean startedAfterRollback = rolledBack.get();
                        Decision<String> decision = router.decide("x", RequestContext.of("t" + thread + "-" + (i++ % 5000)));
                        if (startedAfterRollback) {
                            after++;
                            if (decision.release().equals(v2.id()) || decision.output().equals("bad")) {
                                violations++;
                            }
                        }
                    }
                    return new long[] {violations, after};
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> badCalls.get() > 1000);
            router.rollbackToLastKnownGood(Cause.automatic("P95 +40 % for 6 min"));
            rolledBack.set(true);
            stop.set(true);
            long violations = 0;
            long after = 0;
            for (Future<long[]> result : results) {
                long[] r = result.get();
                violations += r[0];
                after += r[1];
            }
            assertThat(after).isGreaterThanOrEqualTo((long) THREADS * CALLS_AFTER_ROLLBACK);
            assertThat(violations).isZero();
            assertThat(router.servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10_000));
        } finally {
            callers.shutdownNow();
        }
    }
}
