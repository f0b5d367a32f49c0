package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.core.telemetry.LatencySamples.Distribution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real threads record into one window while its (shared, virtual) clock advances under them. Each
 * writer reads the clock before each record, keeps its own tally per slot, and moves the clock
 * forward by one sub-window every so many records, so slots change, and the ring wraps, while the
 * other writers are mid-record.
 */
class SlidingWindowConcurrencyTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long SUB_WINDOW_MILLIS = 100;
    private static final int WRITERS = 4;
    private static final int RECORDS_PER_WRITER = 100_000;

    /** Per-slot tallies of what the writers recorded, indexed by slot - slot(T0). */
    private static final class Run {
        final long[] perSlot;
        final LatencyEstimator reference = LatencyEstimator.create();
        final long endMillis;

        Run(long[] perSlot, long endMillis) {
            this.perSlot = perSlot;
            this.endMillis = endMillis;
        }
    }

    private static Run recordConcurrently(SlidingWindow window, int advanceEvery, int maxSlots) throws Exception {
        AtomicLong clock = new AtomicLong(T0);
        List<long[]> inputs = new ArrayList<>();
        List<long[]> tallies = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            inputs.add(Distribution.LOGNORMAL.samples(RECORDS_PER_WRITER, 100L + t));
            tallies.add(new long[maxSlots]);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                long[] samples = inputs.get(t);
                long[] tally = tallies.get(t);
                done.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < samples.length; i++) {
                        long now = clock.get();
                        window.record(now, samples[i]);
                        tally[(int) ((now - T0) / SUB_WINDOW_MILLIS)]++;
                        if ((i + 1) % advanceEvery == 0) {
                            clock.addAndGet(SUB_WINDOW_MILLIS);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<Void> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long[] perSlot = new long[maxSlots];
        for (long[] tally : tallies) {
            for (int s = 0; s < maxSlots; s++) {
                perSlot[s] += tally[s];
            }
        }
        Run run = new Run(perSlot, clock.get());
        for (long[] samples : inputs) {
            for (long sample : samples) {
                run.reference.record(sample);
            }
        }
        return run;
    }

    @Test
    void noSampleIsLostWhileTimeAdvancesUnderConcurrentWriters() throws Exception {
        int subWindows = 64;
        SlidingWindow window = SlidingWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(SUB_WINDOW_MILLIS)).subWindowCount(subWindows).build());
        // 4 writers × 100,000 records / 10,000 = 40 advances: time moves, the ring (64) does not wrap.
        Run run = recordConcurrently(window, 10_000, subWindows);

        LatencyEstimator all = window.snapshot(run.endMillis, subWindows);

        assertThat(window.droppedSamples()).isZero();
        assertThat(all.count()).isEqualTo((long) WRITERS * RECORDS_PER_WRITER);
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            assertThat(((DDSketchLatencyEstimator) all).bucketCount(b))
                    .as("bucket %d", b).isEqualTo(((DDSketchLatencyEstimator) run.reference).bucketCount(b));
        }
        int slotsUsed = 0;
        for (int s = 0; s < subWindows; s++) {
            long slotMillis = T0 + s * SUB_WINDOW_MILLIS;
            assertThat(window.snapshot(slotMillis, 1).count()).as("slot %d", s).isEqualTo(run.perSlot[s]);
            slotsUsed += run.perSlot[s] > 0 ? 1 : 0;
        }
        assertThat(slotsUsed).as("time really advanced during the run").isGreaterThan(10);
    }

    @Test
    void afterManyWrapAroundsUnderConcurrentWritersEachSlotHoldsExactlyItsOwnPeriod() throws Exception {
        int subWindows = 4;
        SlidingWindow window = SlidingWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(SUB_WINDOW_MILLIS)).subWindowCount(subWindows).build());
        // 4 writers × 100,000 records / 2,000 = 200 advances: the ring of 4 wraps 50 times mid-run.
        int maxSlots = 256;
        Run run = recordConcurrently(window, 2_000, maxSlots);

        int lastSlot = (int) ((run.endMillis - T0) / SUB_WINDOW_MILLIS);
        assertThat(lastSlot).isEqualTo(200);
        long inRing = 0;
        for (int s = lastSlot - subWindows + 1; s <= lastSlot; s++) {
            long slotMillis = T0 + s * SUB_WINDOW_MILLIS;
            // A sample of a slot still in the ring can only be dropped if a later lap wrote its word,
            // which would need a time beyond the end of the run: so these counts are exact.
            assertThat(window.snapshot(slotMillis, 1).count()).as("slot %d", s).isEqualTo(run.perSlot[s]);
            inRing += run.perSlot[s];
        }
        assertThat(window.snapshot(run.endMillis, subWindows).count()).isEqualTo(inRing);
        // No slot, in the ring or already overwritten, ever holds more than was recorded in its period:
        // nothing stale is carried over into a reused position and nothing lands in another slot.
        for (int s = 0; s <= lastSlot; s++) {
            assertThat(window.snapshot(T0 + s * SUB_WINDOW_MILLIS, 1).count()).as("slot %d", s)
                    .isLessThanOrEqualTo(run.perSlot[s]);
        }
    }
}
