package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.core.telemetry.ValueSamples.Shape;
import io.github.rollback4j.telemetry.Distribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** The value window against exact statistics of seeded samples, and its windowing on virtual time. */
class ValueWindowTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final int N = 200_000;
    /** 2 %, with room for the mapping's own floating-point rounding (0.02000000000000002). */
    private static final double ALPHA = 0.02 * (1 + 1e-9);
    private static final double MIN_MAGNITUDE = 1e-9;
    private static final double[] QUANTILES = {0.0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0};

    private static ValueWindow window(long subWindowMillis, int count) {
        return ValueWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(subWindowMillis)).subWindowCount(count).build());
    }

    /** Records the samples over the window's 30 default sub-windows (10 s each) and snapshots them all. */
    private static ValueSnapshot recordAll(double[] samples) {
        ValueWindow window = ValueWindow.ofDefaults();
        for (int i = 0; i < samples.length; i++) {
            window.record(T0 + (long) i * 299_999 / samples.length, samples[i]);
        }
        return window.snapshot(T0 + 299_999);
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void quantilesAreWithinTwoPercentOfTheExactNearestRankQuantiles(Shape shape) {
        double[] samples = shape.samples(N, 7L + shape.ordinal());
        double[] sorted = ValueSamples.sortedCopy(samples);

        ValueSnapshot snapshot = recordAll(samples);

        assertThat(snapshot.count()).isEqualTo(N);
        for (double q : QUANTILES) {
            double exact = ValueSamples.exactQuantile(sorted, q);
            assertThat(Math.abs(snapshot.quantile(q) - exact)).as("%s q=%s exact=%s estimate=%s", shape, q, exact, snapshot.quantile(q))
                    .isLessThanOrEqualTo(ALPHA * Math.abs(exact) + MIN_MAGNITUDE);
        }
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void fractionAtOrBelowIsTheExactCdfWithinBucketResolution(Shape shape) {
        double[] samples = shape.samples(N, 17L + shape.ordinal());
        double[] sorted = ValueSamples.sortedCopy(samples);

        ValueSnapshot snapshot = recordAll(samples);

        for (int i = 0; i <= 200; i++) {
            // Probe at sample values, which are where the CDF jumps, and between them.
            double v = i % 2 == 0 ? sorted[Math.min(N - 1, i * N / 200)] : (sorted[i * N / 200 - 1] + sorted[i * N / 200]) / 2;
            double a = v / (1 + ALPHA);
            double b = v / (1 - ALPHA);
            double lo = ValueSamples.exactFractionAtOrBelow(sorted, Math.min(a, b) - MIN_MAGNITUDE);
            double hi = ValueSamples.exactFractionAtOrBelow(sorted, Math.max(a, b) + MIN_MAGNITUDE);
            assertThat(snapshot.fractionAtOrBelow(v)).as("%s v=%s", shape, v).isBetween(lo, hi);
        }
        for (double q : QUANTILES) {
            assertThat(snapshot.fractionAtOrBelow(snapshot.quantile(q))).isGreaterThanOrEqualTo(q);
        }
        assertThat(snapshot.fractionAtOrBelow(Double.NEGATIVE_INFINITY)).isZero();
        assertThat(snapshot.fractionAtOrBelow(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
        assertThat(snapshot.fractionAtOrBelow(Double.NaN)).isNaN();
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void meanIsWithinTwoPercentOfTheMeanMagnitude(Shape shape) {
        double[] samples = shape.samples(N, 27L + shape.ordinal());

        ValueSnapshot snapshot = recordAll(samples);

        assertThat(snapshot.mean()).isCloseTo(ValueSamples.mean(samples),
                within(ALPHA * ValueSamples.meanMagnitude(samples) + MIN_MAGNITUDE));
    }

    @Test
    void smallMagnitudesCountAsZeroAndLargeOnesClamp() {
        ValueWindow window = window(1_000, 2);
        window.record(T0, 1e-12);
        window.record(T0, -1e-12);
        window.record(T0, 0.0);
        window.record(T0, 1e15);
        window.record(T0, -1e15);

        ValueSnapshot snapshot = window.snapshot(T0);

        assertThat(snapshot.count()).isEqualTo(5);
        assertThat(snapshot.quantile(0.5)).isZero();
        assertThat(snapshot.quantile(1.0)).isCloseTo(1e9, withinPercentage(2));
        assertThat(snapshot.quantile(0.0)).isCloseTo(-1e9, withinPercentage(2));
        assertThat(snapshot.countInBucket(ValueBuckets.standard().zeroBucket())).isEqualTo(3);
    }

    @Test
    void nonFiniteAndMissingValuesAreCountedApartFromTheDistribution() {
        ValueWindow window = window(1_000, 2);
        window.record(T0, Double.NaN);
        window.record(T0, Double.POSITIVE_INFINITY);
        window.record(T0, Double.NEGATIVE_INFINITY);
        window.recordMissing(T0);
        window.record(T0, 3.0);

        ValueSnapshot snapshot = window.snapshot(T0);

        assertThat(snapshot.count()).isEqualTo(1);
        assertThat(snapshot.nonFiniteCount()).isEqualTo(3);
        assertThat(snapshot.missingCount()).isEqualTo(1);
        assertThat(snapshot.mean()).isCloseTo(3.0, withinPercentage(2));
        assertThat(window.droppedRecords()).isZero();
    }

    @Test
    void emptySnapshotAnswersNaNLikeDistributionEmpty() {
        ValueSnapshot empty = window(1_000, 2).snapshot(T0);

        assertThat(empty.count()).isZero();
        assertThat(empty.quantile(0.5)).isNaN();
        assertThat(empty.fractionAtOrBelow(1)).isNaN();
        assertThat(empty.mean()).isNaN();
        assertThat(empty).isEqualTo(ValueSnapshot.empty());
        assertThat(Distribution.EMPTY.quantile(0.5)).isNaN();
        assertThatThrownBy(() -> empty.quantile(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ValueSnapshot.quantile(q) needs q between 0.0 and 1.0, but was 1.5");
        assertThatThrownBy(() -> empty.quantile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queryMergesExactlyTheLastKSubWindowsUpToNow() {
        ValueWindow window = window(1_000, 10);
        for (int slot = 0; slot < 10; slot++) {
            // slot i holds i + 1 values of -(i + 1), so every slot is recognisable
            for (int j = 0; j <= slot; j++) {
                window.record(T0 + slot * 1_000L + 500, -(slot + 1));
            }
            window.recordMissing(T0 + slot * 1_000L);
        }
        long now = T0 + 9_250;

        for (int k = 1; k <= 10; k++) {
            ValueSnapshot last = window.snapshot(now, k);
            long expected = 0;
            for (int slot = 10 - k; slot < 10; slot++) {
                expected += slot + 1;
            }
            assertThat(last.count()).as("k = %d", k).isEqualTo(expected);
            assertThat(last.missingCount()).isEqualTo(k);
            assertThat(last.quantile(1.0)).as("the largest value is the oldest slot's, k=%d", k)
                    .isCloseTo(-(10 - k + 1), withinPercentage(2));
            assertThat(last.quantile(0.0)).isCloseTo(-10, withinPercentage(2));
        }
        assertThat(window.snapshot(now)).isEqualTo(window.snapshot(now, 10));
    }

    @Test
    void staleSlotsReadEmptyAfterWrapAround() {
        ValueWindow window = window(1_000, 4);
        for (int i = 0; i < 50; i++) {
            window.record(T0, 5.0);
            window.record(T0 + 1_000, 7.0);
        }
        window.record(T0, Double.NaN);
        window.recordMissing(T0);

        assertThat(window.snapshot(T0 + 4_000, 1).count()).as("slot 4 reuses slot 0's position, unwritten").isZero();
        ValueSnapshot four = window.snapshot(T0 + 4_000, 4);
        assertThat(four.count()).isEqualTo(50);
        assertThat(four.nonFiniteCount()).isZero();
        assertThat(four.missingCount()).isZero();
        assertThat(four.quantile(0)).isCloseTo(7.0, withinPercentage(2));

        window.record(T0 + 4_000, 9.0);
        ValueSnapshot later = window.snapshot(T0 + 5_000, 4);
        assertThat(later.count()).as("one write in another bucket does not resurrect its neighbours").isEqualTo(1);
        assertThat(later.quantile(0.5)).isCloseTo(9.0, withinPercentage(2));
        assertThat(window.snapshot(T0 + 60_000).count()).isZero();
        assertThat(window.droppedRecords()).isZero();
    }

    @Test
    void mergedSnapshotsEqualOneWindowThatSawEveryValue() {
        double[] samples = Shape.MIXED_SIGN.samples(50_000, 99L);
        ValueWindow a = window(1_000, 8);
        ValueWindow b = window(1_000, 8);
        ValueWindow all = window(1_000, 8);
        for (int i = 0; i < samples.length; i++) {
            long now = T0 + i / 10;
            (i % 3 == 0 ? a : b).record(now, samples[i]);
            all.record(now, samples[i]);
        }
        a.record(T0, Double.NaN);
        all.record(T0, Double.NaN);
        b.recordMissing(T0);
        all.recordMissing(T0);

        ValueSnapshot merged = a.snapshot(T0 + 7_999).merge(b.snapshot(T0 + 7_999));

        assertThat(merged).isEqualTo(all.snapshot(T0 + 7_999));
        assertThat(merged.bucketCounts()).isEqualTo(all.snapshot(T0 + 7_999).bucketCounts());
        assertThat(merged.count()).isEqualTo(samples.length);
        assertThat(merged.quantile(0.9)).isEqualTo(all.snapshot(T0 + 7_999).quantile(0.9));
        assertThat(merged.merge(ValueSnapshot.empty())).isEqualTo(merged);
    }

    @Test
    void snapshotsOfDifferentLayoutsDoNotMerge() {
        ValueSnapshot coarse = ValueSnapshot.empty(ValueBuckets.of(0.05, 1e-6, 1e6));

        assertThatThrownBy(() -> ValueSnapshot.empty().merge(coarse)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same layout");
    }

    @Test
    void customLayoutKeepsItsOwnAccuracy() {
        ValueWindow window = ValueWindow.of(SlidingWindowConfig.ofDefaults(), ValueBuckets.of(0.05, 1e-6, 1e6));
        double[] samples = Shape.NORMAL.samples(20_000, 5L);
        double[] sorted = ValueSamples.sortedCopy(samples);
        for (double v : samples) {
            window.record(T0, v);
        }

        ValueSnapshot snapshot = window.snapshot(T0);

        assertThat(snapshot.buckets().size()).isEqualTo(561);
        for (double q : QUANTILES) {
            double exact = ValueSamples.exactQuantile(sorted, q);
            assertThat(snapshot.quantile(q)).isCloseTo(exact, within(0.05 * (1 + 1e-9) * Math.abs(exact) + 1e-6));
        }
    }

    @Test
    void snapshotIsImmutable() {
        ValueWindow window = window(1_000, 2);
        window.record(T0, 1.0);
        ValueSnapshot snapshot = window.snapshot(T0);
        long[] counts = snapshot.bucketCounts();

        counts[0] = 1_000;
        window.record(T0, 2.0);

        assertThat(snapshot.count()).isEqualTo(1);
        assertThat(snapshot.countInBucket(0)).isZero();
    }

    @Test
    void queriesAreValidated() {
        ValueWindow window = window(1_000, 3);

        assertThatThrownBy(() -> window.snapshot(T0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ValueWindow.snapshot(now, subWindows) needs subWindows between 1 and 3"
                        + " (SlidingWindowConfig.subWindowCount), but was 4");
        assertThatThrownBy(() -> ValueWindow.of(SlidingWindowConfig.ofDefaults(), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recordAllocatesNothing() {
        ValueWindow window = window(100, 16);
        double[] samples = Shape.MIXED_SIGN.samples(10_000, 3L);
        samples[17] = Double.NaN;
        long[] clock = {T0};
        Runnable recordAll = () -> {
            for (double sample : samples) {
                window.record(clock[0]++, sample);
            }
            window.recordMissing(clock[0]);
        };
        for (int round = 0; round < 30; round++) {
            recordAll.run();
        }

        assertThat(Allocations.leastBytesAllocated(recordAll, 5)).as("bytes allocated by 10,000 records").isLessThan(1_024);
        ValueSnapshot last = window.snapshot(clock[0] - 1, 16);
        assertThat(last.count() + last.nonFiniteCount()).as("the last 1,600 ms").isEqualTo(1_600);
    }

    @Test
    void footprintIsTheDocumentedOne() {
        assertThat(ValueWindow.ofDefaults().estimatedFootprintBytes()).isEqualTo(503_872);
        assertThat(ValueWindow.estimatedFootprintBytes(SlidingWindowConfig.custom().subWindowCount(60).build())).isEqualTo(1_007_632);
        assertThat(ValueWindow.estimatedFootprintBytes(SlidingWindowConfig.custom().subWindowLength(Duration.ofMinutes(5))
                .subWindowCount(12).build())).isEqualTo(201_616);
    }
}
