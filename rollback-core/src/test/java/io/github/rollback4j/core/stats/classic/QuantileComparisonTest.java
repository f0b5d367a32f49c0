package io.github.rollback4j.core.stats.classic;

import io.github.rollback4j.core.telemetry.LatencyDistribution;
import io.github.rollback4j.core.telemetry.SlidingWindow;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.telemetry.Distribution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantileComparisonTest {

    /** The exact lower nearest-rank distribution of a sample. */
    static final class SampleDistribution implements Distribution {
        private final double[] sorted;

        SampleDistribution(double[] values) {
            this.sorted = values.clone();
            Arrays.sort(sorted);
        }

        @Override
        public long count() {
            return sorted.length;
        }

        @Override
        public double quantile(double q) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            double exact = q * sorted.length;
            long rank = Math.max(1, (long) Math.ceil(exact - exact * 1e-12));
            return sorted[(int) Math.min(rank, sorted.length) - 1];
        }

        @Override
        public double fractionAtOrBelow(double value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double mean() {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void matchesNumpyQuantilesAndTheTailRule() {
        FixtureTable table = FixtureTable.load("classic-quantile.tsv");
        for (FixtureTable.Row row : table.rows()) {
            QuantileComparison comparison = new QuantileComparison(row.num("q"), row.num("ratio"), row.integer("minTail"));
            QuantileComparisonResult r = comparison.compare(new SampleDistribution(row.array("candidate")),
                    new SampleDistribution(row.array("baseline")));
            assertClose(r.candidateQuantile(), row.num("candidateQuantile"), 0, 0, row + " candidate quantile");
            assertClose(r.baselineQuantile(), row.num("baselineQuantile"), 0, 0, row + " baseline quantile");
            assertThat(r.verdict()).as(row.toString()).isEqualTo(QuantileComparisonResult.Verdict.valueOf(row.text("verdict")));
        }
    }

    @Test
    void requiredSamplesIsTheFirstCountThatDecides() {
        for (double q : new double[]{0.5, 0.9, 0.93, 0.95, 0.99, 0.999, 0.9999}) {
            for (long minTail : new long[]{1, 21, 100, 250, 1000}) {
                QuantileComparison c = new QuantileComparison(q, 1.3, minTail);
                long n = c.requiredSamples();
                assertThat(decided(c, n)).as("q=%s minTail=%s n=%s", q, minTail, n).isTrue();
                assertThat(decided(c, n - 1)).as("q=%s minTail=%s n-1=%s", q, minTail, n - 1).isFalse();
                assertThat((double) n).isCloseTo(minTail / (1 - q), org.assertj.core.data.Offset.offset(1.0));
            }
        }
    }

    @Test
    void aOnePercentCanaryAtOneThousandRequestsPerSecond() {
        double candidatePerSecond = 1000 * 0.01;
        double baselinePerSecond = 1000 * 0.99;
        QuantileComparison p95 = QuantileComparison.of(0.95, 1.3);
        QuantileComparison p99 = QuantileComparison.of(0.99, 1.3);
        assertThat(p95.requiredSamples()).isEqualTo(2_000);
        assertThat(p99.requiredSamples()).isEqualTo(10_000);
        assertThat(p95.secondsToDecide(candidatePerSecond)).isEqualTo(200.0);
        assertThat(p99.secondsToDecide(candidatePerSecond)).isEqualTo(1_000.0);
        assertThat(p95.secondsToDecide(baselinePerSecond)).isCloseTo(2.02, org.assertj.core.data.Offset.offset(0.01));
        assertThat(p99.secondsToDecide(baselinePerSecond)).isCloseTo(10.1, org.assertj.core.data.Offset.offset(0.01));
        // a 5-minute window holds 3,000 candidate requests: P95 decides (150 tail samples), P99 does not (30)
        assertThat(decided(p95, 3_000)).isTrue();
        assertThat(decided(p99, 3_000)).isFalse();
        // a 1-minute window holds 600: neither
        assertThat(decided(p95, 600)).isFalse();
    }

    @Test
    void worksOnTelemetryLatencyDistributions() {
        SlidingWindowConfig config = SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(30).build();
        SlidingWindow candidate = SlidingWindow.of(config);
        SlidingWindow baseline = SlidingWindow.of(config);
        SplittableRandom random = new SplittableRandom(3);
        long now = 1_000_000L;
        for (int i = 0; i < 5_000; i++) {
            long base = (long) (1_000_000 * Math.exp(0.4 * gaussian(random)));
            baseline.record(now, base);
            if (i < 2_500) {
                candidate.record(now, (long) (base * 1.6));
            }
        }
        QuantileComparisonResult r = QuantileComparison.of(0.95, 1.3)
                .compare(LatencyDistribution.of(candidate.snapshot(now)), LatencyDistribution.of(baseline.snapshot(now)));
        assertThat(r.verdict()).isEqualTo(QuantileComparisonResult.Verdict.BREACH);
        assertThat(r.observedRatio()).isBetween(1.4, 1.8);
        QuantileComparisonResult tooFew = QuantileComparison.of(0.99, 1.3)
                .compare(LatencyDistribution.of(candidate.snapshot(now)), LatencyDistribution.of(baseline.snapshot(now)));
        assertThat(tooFew.verdict()).isEqualTo(QuantileComparisonResult.Verdict.INCONCLUSIVE);
        assertThat(tooFew.candidateTailSamples()).isCloseTo(25.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(QuantileComparison.of(0.95, 1.3).compare(Distribution.EMPTY, Distribution.EMPTY).verdict())
                .isEqualTo(QuantileComparisonResult.Verdict.INCONCLUSIVE);
    }

    @Test
    void refusesBadSettingsNamingThem() {
        assertThatThrownBy(() -> new QuantileComparison(1.0, 1.3, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quantile").hasMessageContaining("1.0");
        assertThatThrownBy(() -> new QuantileComparison(0.95, 0.0, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ratio").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new QuantileComparison(0.95, 1.3, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minTailSamples").hasMessageContaining("between 1 and");
        assertThatThrownBy(() -> QuantileComparison.of(0.95, 1.3).secondsToDecide(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestsPerSecond");
    }

    private static boolean decided(QuantileComparison c, long n) {
        Distribution constant = new Distribution() {
            @Override
            public long count() {
                return n;
            }

            @Override
            public double quantile(double q) {
                return n == 0 ? Double.NaN : 1.0;
            }

            @Override
            public double fractionAtOrBelow(double value) {
                return Double.NaN;
            }

            @Override
            public double mean() {
                return 1.0;
            }
        };
        return c.compare(constant, constant).verdict() != QuantileComparisonResult.Verdict.INCONCLUSIVE;
    }

    private static double gaussian(SplittableRandom random) {
        double u = random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
