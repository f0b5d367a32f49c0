package io.github.rollback4j.core.telemetry;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ring against a model that remembers every add with its slot: under time that only moves forward,
 * a query over the last k sub-windows sums exactly the adds of those k slots, counter by counter,
 * whatever the pattern of adds, gaps and wrap-arounds.
 */
class StampedCounterRingProperties {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long SUB_WINDOW_MILLIS = 1_000;
    private static final int SUB_WINDOWS = 4;
    private static final int COUNTERS = 3;

    /** Advance the clock, then add delta to a counter (delta >= 0) or query k sub-windows (k > 0). */
    record Step(long advanceMillis, int counter, long delta, int k) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> add = Combinators.combine(Arbitraries.longs().between(0, 600), Arbitraries.integers().between(0, COUNTERS - 1),
                Arbitraries.longs().between(0, 1_000)).as((advance, counter, delta) -> new Step(advance, counter, delta, 0));
        Arbitrary<Step> jump = Arbitraries.longs().between(1_000, 9_000).map(advance -> new Step(advance, 0, -1, 0));
        Arbitrary<Step> query = Arbitraries.integers().between(1, SUB_WINDOWS).map(k -> new Step(0, 0, -1, k));
        return Arbitraries.frequencyOf(Tuple.of(10, add), Tuple.of(1, jump), Tuple.of(3, query)).list().ofMaxSize(120);
    }

    @Property(tries = 300, seed = "20260101")
    void queryHoldsExactlyTheAddsOfTheLastKSlots(@ForAll("steps") List<Step> steps) {
        StampedCounterRing ring = new StampedCounterRing(SUB_WINDOW_MILLIS, SUB_WINDOWS, COUNTERS);
        Map<Long, long[]> model = new HashMap<>();
        long now = T0;
        for (Step step : steps) {
            now += step.advanceMillis();
            long slot = Math.floorDiv(now, SUB_WINDOW_MILLIS);
            if (step.delta() >= 0) {
                ring.add(now, step.counter(), step.delta());
                model.computeIfAbsent(slot, s -> new long[COUNTERS])[step.counter()] += step.delta();
            }
            if (step.k() > 0) {
                long[] expected = new long[COUNTERS];
                for (long s = slot - step.k() + 1; s <= slot; s++) {
                    long[] counts = model.getOrDefault(s, new long[COUNTERS]);
                    for (int c = 0; c < COUNTERS; c++) {
                        expected[c] += counts[c];
                    }
                }
                assertThat(ring.sums(now, step.k())).isEqualTo(expected);
                for (int c = 0; c < COUNTERS; c++) {
                    assertThat(ring.sum(now, step.k(), c)).isEqualTo(expected[c]);
                }
            }
        }
        assertThat(ring.dropped()).isZero();
    }
}
