package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.core.telemetry.LatencySamples.Distribution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The {@code Distribution} view of latency snapshots, and their merges. */
class LatencyDistributionTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final double[] QUANTILES = {0.0, 0.001, 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
    private static final double ALPHA = LatencyBuckets.RELATIVE_ACCURACY;

    private static SlidingWindow window() {
        return SlidingWindow.of(SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(1)).subWindowCount(8).build());
    }

    @Test
    void quantilesAreTheEstimatorsAndFractionAndMeanMatchTheExactOnesWithinBucketResolution() {
        long[] samples = Distribution.LOGNORMAL.samples(100_000, 5L);
        long[] sorted = LatencySamples.sortedCopy(samples);
        SlidingWindow window = window();
        for (int i = 0; i < samples.length; i++) {
            window.record(T0 + i / 20, samples[i]);
        }
        LatencyEstimator snapshot = window.snapshot(T0 + 7_999);

        LatencyDistribution distribution = LatencyDistribution.of(snapshot);

        assertThat(distribution.count()).isEqualTo(samples.length);
        for (double q : QUANTILES) {
            assertThat(distribution.quantile(q)).as("q=%s", q).isEqualTo((double) snapshot.quantile(q));
            double exact = LatencySamples.exactQuantile(sorted, q);
            assertThat(distribution.quantile(q)).isCloseTo(exact, within(0.01 * exact));
            assertThat(distribution.fractionAtOrBelow(distribution.quantile(q))).isGreaterThanOrEqualTo(q);
        }
        for (int i = 0; i <= 100; i++) {
            double v = sorted[Math.min(sorted.length - 1, i * sorted.length / 100)];
            double lo = exactFraction(sorted, (v - 1) / (1 + ALPHA));
            double hi = exactFraction(sorted, (v + 1) / (1 - ALPHA));
            assertThat(distribution.fractionAtOrBelow(v)).as("v=%s", v).isBetween(lo, hi);
        }
        double exactMean = 0;
        for (long s : samples) {
            exactMean += s;
        }
        exactMean /= samples.length;
        assertThat(distribution.mean()).isCloseTo(exactMean, within(ALPHA * exactMean + 0.5));
    }

    private static double exactFraction(long[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) lo / sorted.length;
    }

    @Test
    void mergesEqualOneWindowThatSawEveryLatency() {
        long[] samples = Distribution.PARETO.samples(30_000, 8L);
        SlidingWindow a = window();
        SlidingWindow b = window();
        SlidingWindow all = window();
        for (int i = 0; i < samples.length; i++) {
            (i % 4 == 0 ? a : b).record(T0 + i / 10, samples[i]);
            all.record(T0 + i / 10, samples[i]);
        }
        long now = T0 + 2_999;
        LatencyDistribution expected = LatencyDistribution.of(all.snapshot(now));

        assertThat(LatencyDistribution.of(a.snapshot(now)).merge(LatencyDistribution.of(b.snapshot(now)))).isEqualTo(expected);
        assertThat(LatencyDistribution.ofAll(List.of(a.snapshot(now), b.snapshot(now)))).isEqualTo(expected);
        LatencyEstimator merged = LatencyDistribution.merged(a.snapshot(now), b.snapshot(now));
        assertThat(merged.kind()).isEqualTo(LatencyEstimator.Kind.DDSKETCH);
        assertThat(LatencyDistribution.of(merged)).isEqualTo(expected);
        assertThat(LatencyDistribution.of(LatencyEstimator.fromBytes(expected.toEstimator().toBytes()))).isEqualTo(expected);
        assertThat(LatencyDistribution.ofAll(List.of())).isEqualTo(LatencyDistribution.empty());
    }

    @Test
    void ofCopiesSoLaterRecordsDoNotChangeTheDistribution() {
        LatencyEstimator estimator = LatencyEstimator.create();
        estimator.record(1_000_000);
        LatencyDistribution distribution = LatencyDistribution.of(estimator);

        estimator.record(2_000_000);

        assertThat(distribution.count()).isEqualTo(1);
        assertThat(distribution.mean()).isCloseTo(1_000_000, within(ALPHA * 1_000_000));
    }

    @Test
    void emptyAnswersNaN() {
        LatencyDistribution empty = LatencyDistribution.of(window().snapshot(T0));

        assertThat(empty).isEqualTo(LatencyDistribution.empty());
        assertThat(empty.count()).isZero();
        assertThat(empty.quantile(0.99)).isNaN();
        assertThat(empty.fractionAtOrBelow(1e6)).isNaN();
        assertThat(empty.mean()).isNaN();
        assertThatThrownBy(() -> empty.quantile(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LatencyDistribution.quantile(q) needs q between 0.0 and 1.0, but was -0.1");
    }

    @Test
    void onlyDDSketchEstimatorsAreAccepted() {
        LatencyEstimator hdr = LatencyEstimator.hdrHistogram();

        assertThatThrownBy(() -> LatencyDistribution.of(hdr)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LatencyDistribution.of(estimator) needs a DDSKETCH estimator (what SlidingWindow.snapshot returns),"
                        + " but was HDR_HISTOGRAM");
        assertThatThrownBy(() -> LatencyDistribution.merged(LatencyEstimator.create(), hdr)).isInstanceOf(IllegalArgumentException.class);
        assertThat(LatencyDistribution.empty().relativeAccuracy()).isEqualTo(0.0095);
    }
}
