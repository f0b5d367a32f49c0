package io.github.rollback4j.core.telemetry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The ring's stripes: a thread writes its home stripe once that stripe exists, a stripe is created
 * only when threads collide, every stripe keeps the lap-stamp rules on its own, and a query adds them.
 */
class StampedCounterRingStripesTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** A not yet started thread running {@code body} whose home stripe in {@code ring} is {@code home}. */
    private static Thread threadWithHome(StampedCounterRing ring, int home, Runnable body) {
        for (int attempt = 0; attempt < 64; attempt++) {
            Thread thread = new Thread(body, "stripe-" + home);
            if (ring.homeStripe(thread) == home) {
                return thread;
            }
        }
        throw new AssertionError("no thread with home stripe " + home + " among 64 new threads");
    }

    private static void runOn(StampedCounterRing ring, int home, Runnable body) throws InterruptedException {
        Thread thread = threadWithHome(ring, home, body);
        thread.start();
        thread.join();
    }

    @Test
    void aRingNobodyContendsKeepsOneStripe() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 4, 3, 4);
        for (int i = 0; i < 100_000; i++) {
            ring.add(T0 + i / 50, i % 3);
        }

        assertThat(ring.stripes()).isEqualTo(1);
        assertThat(ring.maxStripes()).isEqualTo(4);
        assertThat(ring.estimatedFootprintBytes()).isEqualTo(StampedCounterRing.footprintBytes(4, 3, 4, 1));
        assertThat(ring.sums(T0 + 1_999, 2)).containsExactly(33_334, 33_333, 33_333);
    }

    @Test
    void eachStripeKeepsItsOwnStampsAndQueriesAddTheStripes() throws InterruptedException {
        StampedCounterRing ring = new StampedCounterRing(1_000, 3, 2, 2);
        ring.stripe(1);
        runOn(ring, 1, () -> ring.add(T0, 0, 5));
        runOn(ring, 0, () -> ring.add(T0, 0, 3));

        assertThat(ring.stripes()).isEqualTo(2);
        assertThat(ring.sum(T0, 1, 0)).as("both stripes' counts of the same word").isEqualTo(8);

        // A lap later, only stripe 0 writes that ring position again.
        runOn(ring, 0, () -> ring.add(T0 + 3_000, 0));

        assertThat(ring.sum(T0 + 3_000, 1, 0)).as("stripe 1's word of the older lap reads as zero").isEqualTo(1);
        assertThat(ring.sums(T0 + 3_000, 3)).containsExactly(1, 0);
        assertThat(ring.sum(T0, 1, 0)).as("stripe 1 still holds its count of the older period").isEqualTo(5);
        assertThat(ring.dropped()).isZero();
    }

    @Test
    void aLateWriterIsJudgedByTheWordOfItsOwnStripe() throws InterruptedException {
        StampedCounterRing ring = new StampedCounterRing(1_000, 2, 1, 2);
        ring.stripe(1);
        runOn(ring, 1, () -> {
            ring.add(T0 + 2_000, 0, 4);
            ring.add(T0, 0, 9); // a whole lap late on a word stripe 1 already uses for the newer lap: dropped
        });
        runOn(ring, 0, () -> ring.add(T0, 0, 2)); // stripe 0's word never saw the newer lap: kept

        assertThat(ring.dropped()).isEqualTo(9);
        assertThat(ring.sum(T0 + 2_000, 1, 0)).isEqualTo(4);
        assertThat(ring.sum(T0, 1, 0)).isEqualTo(2);
    }

    @Test
    void aRingOfOneStripeIgnoresStripeRequests() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 2, 1);
        assertThat(ring.stripe(0)).isSameAs(ring.stripe(0));
        assertThat(ring.maxStripes()).isEqualTo(1);
        assertThat(ring.stripes()).isEqualTo(1);
    }

    @Test
    void collidingThreadsCreateTheirStripesAndNoCountIsLost() throws Exception {
        assumeThat(Runtime.getRuntime().availableProcessors()).as("threads only collide when they run at once").isGreaterThan(1);
        StampedCounterRing ring = new StampedCounterRing(1_000, 4, 2, 2);
        AtomicBoolean stop = new AtomicBoolean();
        long[][] counted = new long[4][1];
        List<Thread> writers = new ArrayList<>();
        Set<Integer> homes = new HashSet<>();
        for (int w = 0; w < counted.length; w++) {
            long[] mine = counted[w];
            int home = w % 2;
            writers.add(threadWithHome(ring, home, () -> {
                while (!stop.get()) {
                    ring.add(T0, 1); // all on one word: the worst case
                    mine[0]++;
                }
            }));
            homes.add(home);
        }
        writers.forEach(Thread::start);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ring.stripes() == homes.size());
        } finally {
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
        }

        long total = 0;
        for (long[] c : counted) {
            total += c[0];
        }
        assertThat(ring.stripes()).isEqualTo(2);
        assertThat(ring.sum(T0, 1, 1)).isEqualTo(total);
        assertThat(ring.sums(T0, 4)).containsExactly(0, total);
        assertThat(ring.dropped()).isZero();
        assertThat(ring.estimatedFootprintBytes()).isEqualTo(StampedCounterRing.maxFootprintBytes(4, 2, 2));
    }

    @Test
    void requestPathWindowsAreStripedUpToTheirBoundAndTheProcessors() {
        int processors = Runtime.getRuntime().availableProcessors();
        int expected = processors == 1 ? 1 : Integer.highestOneBit(processors - 1) << 1;
        assertThat(SlidingWindow.ofDefaults().maxStripes()).isEqualTo(Math.min(2, expected));
        assertThat(OutcomeWindow.ofDefaults().maxStripes()).isEqualTo(Math.min(8, expected));
        assertThat(StampedCounterRing.stripesFor(1)).isEqualTo(1);
    }
}
