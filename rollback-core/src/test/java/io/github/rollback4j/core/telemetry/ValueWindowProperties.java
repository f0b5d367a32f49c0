package io.github.rollback4j.core.telemetry;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Value windows and snapshots on generated values, special values included (zeros of both signs,
 * magnitudes below and above the range, NaN and infinities).
 */
class ValueWindowProperties {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final ValueBuckets STANDARD = ValueBuckets.standard();
    private static final double ALPHA = 0.02 * (1 + 1e-9);

    @Provide
    Arbitrary<Double> values() {
        Arbitrary<Double> inRange = Combinators.combine(Arbitraries.doubles().between(-20.7, 20.7), Arbitraries.of(1.0, -1.0))
                .as((exponent, sign) -> sign * Math.exp(exponent));
        Arbitrary<Double> special = Arbitraries.of(0.0, -0.0, 1e-12, -1e-300, 1e-9, -1e-9, 1e9, 2e12, -Double.MAX_VALUE,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE);
        return Arbitraries.frequencyOf(Tuple.of(8, inRange), Tuple.of(2, special));
    }

    /** A value recorded at an offset from T0, or a missing value (value null). */
    record Record(long offsetMillis, Double value, boolean intoA) {
    }

    @Provide
    Arbitrary<List<Record>> records() {
        Arbitrary<Record> value = Combinators.combine(Arbitraries.longs().between(0, 4_999), values(), Arbitraries.of(true, false))
                .as(Record::new);
        Arbitrary<Record> missing = Combinators.combine(Arbitraries.longs().between(0, 4_999), Arbitraries.of(true, false))
                .as((offset, intoA) -> new Record(offset, null, intoA));
        return Arbitraries.frequencyOf(Tuple.of(9, value), Tuple.of(1, missing)).list().ofMaxSize(200);
    }

    private static void record(ValueWindow window, Record r) {
        if (r.value() == null) {
            window.recordMissing(T0 + r.offsetMillis());
        } else {
            window.record(T0 + r.offsetMillis(), r.value());
        }
    }

    @Property(tries = 200, seed = "31337")
    void mergeOfTwoWindowsEqualsOneWindowThatSawEverything(@ForAll("records") List<Record> records) {
        SlidingWindowConfig config = SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(1)).subWindowCount(5).build();
        ValueWindow a = ValueWindow.of(config);
        ValueWindow b = ValueWindow.of(config);
        ValueWindow all = ValueWindow.of(config);
        for (Record r : records) {
            record(r.intoA() ? a : b, r);
            record(all, r);
        }
        for (int k = 1; k <= 5; k++) {
            long now = T0 + 4_999;
            assertThat(a.snapshot(now, k).merge(b.snapshot(now, k))).isEqualTo(all.snapshot(now, k));
        }
    }

    @Property(tries = 300, seed = "271828")
    void everyQuantileIsWithinTwoPercentOfTheExactOne(@ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = -20.7, max = 20.7) Double> exponents,
                                                     @ForAll @DoubleRange(min = 0, max = 1) double q) {
        List<Double> values = new ArrayList<>();
        ValueWindow window = ValueWindow.ofDefaults();
        for (int i = 0; i < exponents.size(); i++) {
            double v = (i % 3 == 0 ? -1 : 1) * Math.exp(exponents.get(i));
            values.add(v);
            window.record(T0, v);
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double rounded = Math.round(q * 10_000) / 10_000.0;
        double exact = ValueSamples.exactQuantile(sorted, rounded);

        double estimate = window.snapshot(T0).quantile(rounded);

        assertThat(Math.abs(estimate - exact)).isLessThanOrEqualTo(ALPHA * Math.abs(exact));
    }

    @Property(tries = 2_000, seed = "42")
    void representativeIsWithinTwoPercentOfEveryValueInRange(@ForAll @DoubleRange(min = -20.7, max = 20.7) double exponent,
                                                            @ForAll boolean negative) {
        double magnitude = Math.exp(exponent);
        double value = negative ? -magnitude : magnitude;
        int bucket = STANDARD.bucketOf(value);

        assertThat(Math.abs(STANDARD.representative(bucket) - value)).isLessThanOrEqualTo(ALPHA * magnitude);
        assertThat(value).isBetween(STANDARD.lowerBound(bucket), STANDARD.upperBound(bucket));
        assertThat(STANDARD.lastBucketAtOrBelow(STANDARD.representative(bucket))).isEqualTo(bucket);
    }
}
