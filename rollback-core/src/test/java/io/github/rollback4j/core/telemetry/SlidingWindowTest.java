package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.core.telemetry.LatencySamples.Distribution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

/** Sliding-window behaviour on virtual time: every time is a plain epoch-millisecond value. */
class SlidingWindowTest {

    /** A slot boundary: 2026-01-01T00:00:00Z is a multiple of every sub-window length used here. */
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long MS = 1_000_000L;

    private static SlidingWindow window(long subWindowMillis, int count) {
        return SlidingWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(subWindowMillis)).subWindowCount(count).build());
    }

    private static void recordTimes(SlidingWindow window, long now, long latencyNanos, int times) {
        for (int i = 0; i < times; i++) {
            window.record(now, latencyNanos);
        }
    }

    @Test
    void recordGoesToTheSlotOfItsTimeByFloorOfEpochMillis() {
        SlidingWindow window = window(1_000, 5);

        recordTimes(window, T0, 5 * MS, 3);
        recordTimes(window, T0 + 999, 5 * MS, 1);
        recordTimes(window, T0 + 1_000, 5 * MS, 2);

        assertThat(window.snapshot(T0, 1).count()).isEqualTo(4);
        assertThat(window.snapshot(T0 + 1_000, 1).count()).isEqualTo(2);
        assertThat(window.snapshot(T0 + 1_999, 2).count()).isEqualTo(6);
    }

    @Test
    void queryMergesExactlyTheLastKSubWindowsUpToNow() {
        SlidingWindow window = window(1_000, 10);
        for (int slot = 0; slot < 10; slot++) {
            // slot i holds i + 1 latencies of (i + 1) ms, so every slot is recognisable
            recordTimes(window, T0 + slot * 1_000L + 500, (slot + 1) * MS, slot + 1);
        }
        long now = T0 + 9_000 + 250;

        for (int k = 1; k <= 10; k++) {
            LatencyEstimator last = window.snapshot(now, k);
            long expectedCount = 0;
            for (int slot = 10 - k; slot < 10; slot++) {
                expectedCount += slot + 1;
            }
            assertThat(last.count()).as("count over the last %d sub-windows", k).isEqualTo(expectedCount);
            assertThat((double) last.quantile(0.0)).as("oldest slot included for k=%d", k)
                    .isCloseTo((10 - k + 1) * MS, withinPercentage(1));
            assertThat((double) last.quantile(1.0)).isCloseTo(10 * MS, withinPercentage(1));
        }
        assertThat(window.snapshot(now).count()).isEqualTo(55);
    }

    @Test
    void slotReusedAfterWrapAroundIsClearedBeforeReuse() {
        SlidingWindow window = window(1_000, 4);
        recordTimes(window, T0, 5 * MS, 100);

        // T0 + 4 s maps to the same ring position as T0: same bucket, next lap.
        window.record(T0 + 4_000, 5 * MS);

        assertThat(window.snapshot(T0 + 4_000, 1).count()).isEqualTo(1);
        assertThat(window.snapshot(T0 + 4_000, 4).count()).isEqualTo(1);
        assertThat(window.droppedSamples()).isZero();
    }

    @Test
    void staleSlotNotWrittenInItsPeriodReadsAsEmpty() {
        SlidingWindow window = window(1_000, 4);
        recordTimes(window, T0, 5 * MS, 50);
        recordTimes(window, T0 + 1_000, 7 * MS, 50);

        // Slot 4 reuses slot 0's position and nobody wrote in it: slot 0's counts are still in memory
        // but must not show, while slot 1's are still inside the window.
        assertThat(window.snapshot(T0 + 4_000, 1).count()).isZero();
        assertThat(window.snapshot(T0 + 4_000, 4).count()).isEqualTo(50);
        assertThat(window.snapshot(T0 + 5_500, 4).count()).isZero();
        assertThat(window.snapshot(T0 + 60_000, 4).count()).isZero();

        // One write in another bucket of the reused position does not resurrect the neighbours.
        window.record(T0 + 4_000, 9 * MS);
        LatencyEstimator now = window.snapshot(T0 + 5_000, 4);
        assertThat(now.count()).isEqualTo(1);
        assertThat((double) now.quantile(0.5)).isCloseTo(9 * MS, withinPercentage(1));
    }

    @Test
    void gapsBetweenWritesReadAsEmptySubWindows() {
        SlidingWindow window = window(1_000, 6);
        window.record(T0, 1 * MS);
        window.record(T0 + 3_000, 3 * MS);
        window.record(T0 + 4_000, 4 * MS);

        assertThat(window.snapshot(T0 + 2_000, 2).count()).as("slots 1 and 2 were never written").isZero();
        assertThat(window.snapshot(T0 + 5_000, 6).count()).isEqualTo(3);
        LatencyEstimator later = window.snapshot(T0 + 8_000, 6);
        assertThat(later.count()).as("slots 3..8: slot 0 has left the window").isEqualTo(2);
        assertThat((double) later.quantile(0.0)).isCloseTo(3 * MS, withinPercentage(1));
        assertThat(window.snapshot(T0 + 10_000, 6).count()).as("slots 5..10").isZero();
    }

    @Test
    void writerLateByAWholeTurnDoesNotOverwriteTheNewerPeriod() {
        SlidingWindow window = window(1_000, 4);
        recordTimes(window, T0 + 4_000, 5 * MS, 3);

        // A writer that read the clock a turn ago, in the bucket the newer lap already uses: dropped.
        window.record(T0, 5 * MS);
        // In a bucket the newer lap has not touched: kept in its own period, invisible to the newer one.
        window.record(T0, 80 * MS);

        assertThat(window.droppedSamples()).isEqualTo(1);
        assertThat(window.snapshot(T0 + 4_000, 4).count()).isEqualTo(3);
        assertThat((double) window.snapshot(T0 + 4_000, 4).quantile(1.0)).isCloseTo(5 * MS, withinPercentage(1));
        assertThat(window.snapshot(T0, 1).count()).isEqualTo(1);
    }

    @Test
    void snapshotHoldsExactlyTheCountsOfAnEstimatorThatSawTheSameLatencies() {
        SlidingWindow window = window(500, 8);
        LatencyEstimator reference = LatencyEstimator.create();
        long[] samples = Distribution.LOGNORMAL.samples(40_000, 11L);
        for (int i = 0; i < samples.length; i++) {
            window.record(T0 + i / 10, samples[i]);
            reference.record(samples[i]);
        }

        LatencyEstimator snapshot = window.snapshot(T0 + 3_999, 8);

        assertThat(snapshot.kind()).isEqualTo(LatencyEstimator.Kind.DDSKETCH);
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            assertThat(((DDSketchLatencyEstimator) snapshot).bucketCount(b))
                    .isEqualTo(((DDSketchLatencyEstimator) reference).bucketCount(b));
        }
        assertThat(LatencyEstimator.fromBytes(snapshot.toBytes()).quantile(0.99)).isEqualTo(reference.quantile(0.99));
    }

    @Test
    void snapshotIsACopyThatLaterRecordsDoNotChange() {
        SlidingWindow window = window(1_000, 3);
        window.record(T0, 2 * MS);
        LatencyEstimator snapshot = window.snapshot(T0);

        window.record(T0, 2 * MS);
        snapshot.record(3 * MS);

        assertThat(snapshot.count()).isEqualTo(2);
        assertThat(window.snapshot(T0).count()).isEqualTo(2);
    }

    @Test
    void snapshotRejectsSubWindowCountsOutsideTheRing() {
        SlidingWindow window = window(1_000, 3);

        assertThatThrownBy(() -> window.snapshot(T0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SlidingWindow.snapshot(now, subWindows) needs subWindows between 1 and 3"
                        + " (SlidingWindowConfig.subWindowCount), but was 0");
        assertThatThrownBy(() -> window.snapshot(T0, 4)).hasMessageContaining("but was 4");
    }

    @Test
    void virtualTimeFromTheEpochAndBeforeItWorks() {
        SlidingWindow window = window(1_000, 4);
        window.record(-1_500, 1 * MS);
        window.record(-500, 2 * MS);
        window.record(0, 3 * MS);
        window.record(999, 3 * MS);

        assertThat(window.snapshot(-500, 2).count()).isEqualTo(2);
        assertThat(window.snapshot(0, 1).count()).isEqualTo(2);
        assertThat(window.snapshot(999, 3).count()).isEqualTo(4);
        assertThat(window.snapshot(4_000, 4).count()).as("a turn later").isZero();
    }

    @Test
    void recordAllocatesNothing() {
        SlidingWindow window = window(100, 16);
        long[] samples = Distribution.PARETO.samples(10_000, 3L);
        long[] clock = {T0};
        // Time moves forward 1 ms per record, so the 16 sub-windows of 100 ms wrap around every 1,600 records.
        Runnable recordAll = () -> {
            for (long sample : samples) {
                window.record(clock[0]++, sample);
            }
        };
        // Warm up first: class initialisation and JIT compilation allocate once.
        for (int round = 0; round < 30; round++) {
            recordAll.run();
        }

        long allocated = Allocations.leastBytesAllocated(recordAll, 5);

        assertThat(allocated).as("bytes allocated by 10,000 records").isLessThan(1_024);
        assertThat(window.snapshot(clock[0] - 1, 16).count()).as("the last 1,600 ms").isEqualTo(1_600);
        assertThat(window.droppedSamples()).isZero();
    }

    @Test
    void footprintIsTheDocumentedOne() {
        assertThat(SlidingWindow.of(SlidingWindowConfig.ofDefaults(), 1).estimatedFootprintBytes()).isEqualTo(310_424);
        assertThat(SlidingWindow.of(SlidingWindowConfig.custom().subWindowCount(1).build(), 1).estimatedFootprintBytes())
                .isEqualTo(104 + 8 * 1_293);
        SlidingWindow striped = SlidingWindow.of(SlidingWindowConfig.ofDefaults(), 2);
        assertThat(striped.estimatedFootprintBytes()).as("one stripe and the stripe table").isEqualTo(310_424 + 24);
        int stripes = SlidingWindow.ofDefaults().maxStripes();
        assertThat(stripes).isEqualTo(Runtime.getRuntime().availableProcessors() > 1 ? 2 : 1);
        assertThat(SlidingWindow.estimatedFootprintBytes(SlidingWindowConfig.ofDefaults()))
                .isEqualTo(stripes == 1 ? 310_424 : 310_448);
        assertThat(SlidingWindow.maxFootprintBytes(SlidingWindowConfig.ofDefaults()))
                .isEqualTo(stripes == 1 ? 310_424 : 620_784);
    }
}
