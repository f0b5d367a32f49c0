package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.FieldProfile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The category window against a model that learns the first {@code cap} categories and remembers every
 * record with its slot: a query over the last k sub-windows holds exactly the model's counts.
 */
class CategoryWindowProperties {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long SUB_WINDOW_MILLIS = 1_000;
    private static final int SUB_WINDOWS = 4;

    /** Advance the clock, then record a category (null: missing) when record is set, or query k sub-windows. */
    record Step(long advanceMillis, boolean record, String category, int k) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> category = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.integers().between(0, 11).map(i -> "c" + i)),
                Tuple.of(1, Arbitraries.just(FieldProfile.OTHER)),
                Tuple.of(2, Arbitraries.just((String) null)));
        Arbitrary<Step> record = Combinators.combine(Arbitraries.longs().between(0, 600), category)
                .as((advance, c) -> new Step(advance, true, c, 0));
        Arbitrary<Step> jump = Arbitraries.longs().between(1_000, 7_000).map(advance -> new Step(advance, false, null, 0));
        Arbitrary<Step> query = Arbitraries.integers().between(1, SUB_WINDOWS).map(k -> new Step(0, false, null, k));
        return Arbitraries.frequencyOf(Tuple.of(10, record), Tuple.of(1, jump), Tuple.of(3, query)).list().ofMaxSize(150);
    }

    @Property(tries = 300, seed = "1618")
    void queryHoldsExactlyTheModelsCounts(@ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 1, max = 14) int cap) {
        CategoryWindow window = CategoryWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(SUB_WINDOW_MILLIS)).subWindowCount(SUB_WINDOWS).build(), cap);
        List<String> learnt = new ArrayList<>();
        Map<Long, Map<String, Long>> model = new HashMap<>();
        String missing = "\u0000missing";
        long now = T0;
        for (Step step : steps) {
            now += step.advanceMillis();
            long slot = Math.floorDiv(now, SUB_WINDOW_MILLIS);
            if (step.record()) {
                window.record(now, step.category());
                String key;
                if (step.category() == null) {
                    key = missing;
                } else if (learnt.contains(step.category())) {
                    key = step.category();
                } else if (learnt.size() < cap && !step.category().equals(FieldProfile.OTHER)) {
                    learnt.add(step.category());
                    key = step.category();
                } else {
                    key = FieldProfile.OTHER;
                }
                model.computeIfAbsent(slot, s -> new HashMap<>()).merge(key, 1L, Long::sum);
            }
            if (step.k() > 0) {
                Map<String, Long> expected = new HashMap<>();
                for (long s = slot - step.k() + 1; s <= slot; s++) {
                    model.getOrDefault(s, Map.of()).forEach((c, n) -> expected.merge(c, n, Long::sum));
                }
                long expectedMissing = expected.getOrDefault(missing, 0L);
                expected.remove(missing);

                CategorySnapshot actual = window.snapshot(now, step.k());

                assertThat(actual.counts()).isEqualTo(expected);
                assertThat(actual.missing()).isEqualTo(expectedMissing);
            }
        }
        assertThat(window.knownCategories()).isEqualTo(learnt);
        assertThat(window.droppedRecords()).isZero();
    }
}
