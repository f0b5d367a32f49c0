package io.github.rollback4j.core.telemetry;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window against a model that simply remembers every latency with its slot: under time that only
 * moves forward, a query over the last k sub-windows holds exactly the latencies recorded in those k
 * slots, whatever the pattern of writes, gaps and wrap-arounds.
 */
class SlidingWindowProperties {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long SUB_WINDOW_MILLIS = 1_000;
    private static final int SUB_WINDOWS = 5;

    /** Advance the clock, then either record a latency (latencyNanos >= 0) or query k sub-windows (k > 0). */
    record Step(long advanceMillis, long latencyNanos, int k) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Long> latency = Arbitraries.doubles().between(3.0, 28.3).ofScale(4).map(x -> (long) Math.exp(x));
        Arbitrary<Step> record = Combinators.combine(Arbitraries.longs().between(0, 700), latency)
                .as((advance, nanos) -> new Step(advance, nanos, 0));
        Arbitrary<Step> jump = Arbitraries.longs().between(1_000, 12_000).map(advance -> new Step(advance, -1, 0));
        Arbitrary<Step> query = Arbitraries.integers().between(1, SUB_WINDOWS).map(k -> new Step(0, -1, k));
        return Arbitraries.frequencyOf(Tuple.of(10, record), Tuple.of(1, jump), Tuple.of(3, query)).list().ofMaxSize(150);
    }

    @Property(tries = 300, seed = "20261127")
    void queryHoldsExactlyTheLatenciesOfTheLastKSlots(@ForAll("steps") List<Step> steps) {
        SlidingWindow window = SlidingWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(SUB_WINDOW_MILLIS)).subWindowCount(SUB_WINDOWS).build());
        Map<Long, List<Long>> model = new TreeMap<>();
        long now = T0;
        for (Step step : steps) {
            now += step.advanceMillis();
            long slot = Math.floorDiv(now, SUB_WINDOW_MILLIS);
            if (step.latencyNanos() >= 0) {
                window.record(now, step.latencyNanos());
                model.computeIfAbsent(slot, s -> new ArrayList<>()).add(step.latencyNanos());
            }
            if (step.k() > 0) {
                DDSketchLatencyEstimator expected = new DDSketchLatencyEstimator();
                for (long s = slot - step.k() + 1; s <= slot; s++) {
                    for (long latency : model.getOrDefault(s, List.of())) {
                        expected.record(latency);
                    }
                }
                DDSketchLatencyEstimator actual = (DDSketchLatencyEstimator) window.snapshot(now, step.k());
                assertThat(actual.count()).isEqualTo(expected.count());
                for (int b = 0; b < LatencyBuckets.COUNT; b++) {
                    assertThat(actual.bucketCount(b)).as("bucket %d", b).isEqualTo(expected.bucketCount(b));
                }
            }
        }
        assertThat(window.droppedSamples()).isZero();
    }

    @Property(tries = 2_000, seed = "20261128")
    void nearestRankIsCeilingOfQTimesNInDecimal(@ForAll @DoubleRange(min = 0, max = 1) double rawQ,
                                               @ForAll @LongRange(min = 1, max = 10_000_000) long n) {
        // Quantiles are written with a few decimals (0.999, 0.07): those are where binary error bites.
        double q = BigDecimal.valueOf(rawQ).setScale(4, RoundingMode.HALF_UP).doubleValue();
        long expected = Math.max(1, BigDecimal.valueOf(q).multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.CEILING).longValueExact());

        assertThat(Ranks.nearestRank(q, n)).isEqualTo(Math.min(n, expected));
    }
}
