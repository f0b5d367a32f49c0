package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real threads record outcomes, values and categories into shared windows while their (shared, virtual)
 * clock advances under them. Each writer reads the clock before each record and keeps its own tally per
 * slot; at the end every slot of every window holds exactly what was recorded in it: no count is lost,
 * none lands in another slot, and categories learnt concurrently near the cap are counted in one place.
 */
class TelemetryWindowsConcurrencyTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long SUB_WINDOW_MILLIS = 100;
    private static final int WRITERS = 4;
    private static final int RECORDS_PER_WRITER = 100_000;
    private static final int CATEGORIES = 100;
    private static final int CAP = 64;
    private static final Outcome[] OUTCOMES = Outcome.values();

    /** What one writer recorded, per slot. */
    private static final class Tally {
        final long[][] outcomes;
        final long[] values;
        final long[] nonFinite;
        final long[][] categories;
        final long[] missing;
        final double[] recordedValues = new double[RECORDS_PER_WRITER];
        int recordedCount;

        Tally(int slots) {
            outcomes = new long[slots][OUTCOMES.length];
            values = new long[slots];
            nonFinite = new long[slots];
            categories = new long[slots][CATEGORIES];
            missing = new long[slots];
        }
    }

    @Test
    void noCountIsLostWhileTimeAdvancesUnderConcurrentWriters() throws Exception {
        int subWindows = 64;
        SlidingWindowConfig config = SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(SUB_WINDOW_MILLIS)).subWindowCount(subWindows).build();
        OutcomeWindow outcomes = OutcomeWindow.of(config);
        ValueWindow values = ValueWindow.of(config);
        CategoryWindow categories = CategoryWindow.of(config, CAP);
        ValueWindow reference = ValueWindow.of(config);
        AtomicLong clock = new AtomicLong(T0);
        List<Tally> tallies = new ArrayList<>();
        for (int t = 0; t < WRITERS; t++) {
            tallies.add(new Tally(subWindows));
        }

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                Tally tally = tallies.get(t);
                SplittableRandom random = new SplittableRandom(1_000L + t);
                done.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < RECORDS_PER_WRITER; i++) {
                        long now = clock.get();
                        int slot = (int) ((now - T0) / SUB_WINDOW_MILLIS);
                        Outcome outcome = OUTCOMES[random.nextInt(OUTCOMES.length)];
                        outcomes.record(now, outcome);
                        tally.outcomes[slot][outcome.ordinal()]++;

                        double value = i % 1_000 == 0 ? Double.NaN : random.nextDouble(-1_000, 1_000);
                        values.record(now, value);
                        if (Double.isNaN(value)) {
                            tally.nonFinite[slot]++;
                        } else {
                            tally.values[slot]++;
                            tally.recordedValues[tally.recordedCount++] = value;
                        }

                        int c = random.nextInt(CATEGORIES + 1);
                        if (c == CATEGORIES) {
                            categories.record(now, null);
                            tally.missing[slot]++;
                        } else {
                            // A new String each time: lookups must compare by value.
                            categories.record(now, new String("category-" + c));
                            tally.categories[slot][c]++;
                        }
                        if ((i + 1) % 10_000 == 0) {
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
        long end = clock.get();
        int lastSlot = (int) ((end - T0) / SUB_WINDOW_MILLIS);
        assertThat(lastSlot).as("time really advanced: 4 writers × 10 advances, within the ring").isEqualTo(40);

        long totalOutcomes = 0;
        int slotsUsed = 0;
        for (int s = 0; s <= lastSlot; s++) {
            long slotMillis = T0 + s * SUB_WINDOW_MILLIS;
            Map<Outcome, Long> expected = new HashMap<>();
            long expectedValues = 0;
            long expectedNonFinite = 0;
            long expectedMissing = 0;
            long[] expectedCategories = new long[CATEGORIES];
            for (Tally tally : tallies) {
                for (Outcome o : OUTCOMES) {
                    expected.merge(o, tally.outcomes[s][o.ordinal()], Long::sum);
                }
                expectedValues += tally.values[s];
                expectedNonFinite += tally.nonFinite[s];
                expectedMissing += tally.missing[s];
                for (int c = 0; c < CATEGORIES; c++) {
                    expectedCategories[c] += tally.categories[s][c];
                }
            }
            assertThat(outcomes.counts(slotMillis, 1)).as("outcomes, slot %d", s).isEqualTo(expected);
            ValueSnapshot slotValues = values.snapshot(slotMillis, 1);
            assertThat(slotValues.count()).as("values, slot %d", s).isEqualTo(expectedValues);
            assertThat(slotValues.nonFiniteCount()).isEqualTo(expectedNonFinite);
            CategorySnapshot slotCategories = categories.snapshot(slotMillis, 1);
            assertThat(slotCategories.missing()).as("missing, slot %d", s).isEqualTo(expectedMissing);
            long expectedOther = 0;
            for (int c = 0; c < CATEGORIES; c++) {
                String name = "category-" + c;
                if (categories.knownCategories().contains(name)) {
                    assertThat(slotCategories.count(name)).as("%s, slot %d", name, s).isEqualTo(expectedCategories[c]);
                } else {
                    expectedOther += expectedCategories[c];
                }
            }
            assertThat(slotCategories.count(FieldProfile.OTHER)).as("OTHER, slot %d", s).isEqualTo(expectedOther);
            long slotTotal = expected.values().stream().mapToLong(Long::longValue).sum();
            totalOutcomes += slotTotal;
            slotsUsed += slotTotal > 0 ? 1 : 0;
        }
        assertThat(totalOutcomes).isEqualTo((long) WRITERS * RECORDS_PER_WRITER);
        assertThat(slotsUsed).as("records were spread over many slots").isGreaterThan(10);
        long totalInWindow = 0;
        for (long c : outcomes.counts(end, subWindows).values()) {
            totalInWindow += c;
        }
        assertThat(totalInWindow).isEqualTo((long) WRITERS * RECORDS_PER_WRITER);

        // The whole window's histogram holds exactly the buckets of every finite value recorded.
        for (Tally tally : tallies) {
            for (int i = 0; i < tally.recordedCount; i++) {
                reference.record(T0, tally.recordedValues[i]);
            }
        }
        assertThat(values.snapshot(end, subWindows).bucketCounts()).isEqualTo(reference.snapshot(T0, 1).bucketCounts());
        CategorySnapshot all = categories.snapshot(end, subWindows);
        assertThat(all.observed()).isEqualTo((long) WRITERS * RECORDS_PER_WRITER);
        assertThat(categories.knownCategories()).as("the cap was reached while writers raced to learn").hasSize(CAP);
        assertThat(outcomes.droppedRecords()).isZero();
        assertThat(values.droppedRecords()).isZero();
        assertThat(categories.droppedRecords()).isZero();
    }
}
