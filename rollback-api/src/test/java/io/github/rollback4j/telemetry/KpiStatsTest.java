package io.github.rollback4j.telemetry;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KpiStatsTest {

    private static final MathContext MC = MathContext.DECIMAL128;

    /** values with the given mean and standard deviation, from a fixed seed */
    private static double[] values(long seed, int n, double mean, double sd) {
        Random rng = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + sd * rng.nextGaussian();
        }
        return x;
    }

    /** the exact mean and unbiased variance of the doubles, in 34-digit decimal arithmetic */
    private static double[] exact(double[] x) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : x) {
            sum = sum.add(new BigDecimal(v));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(x.length), MC);
        BigDecimal m2 = BigDecimal.ZERO;
        for (double v : x) {
            BigDecimal d = new BigDecimal(v).subtract(mean, MC);
            m2 = m2.add(d.multiply(d, MC), MC);
        }
        return new double[] {mean.doubleValue(), m2.divide(BigDecimal.valueOf(x.length - 1L), MC).doubleValue()};
    }

    /** what a never-reset source keeps: running sums around its first value, as the telemetry windows do */
    private static final class RunningTotal {
        private final double shift;
        private long n;
        private double s1;
        private double s2;

        RunningTotal(double shift) {
            this.shift = shift;
        }

        void add(double x) {
            double d = x - shift;
            n++;
            s1 += d;
            s2 += d * d;
        }

        KpiStats stats() {
            return new KpiStats("latency", n, shift, s1, Math.max(s2, s1 * s1 / n));
        }
    }

    @Test
    void varianceOfALargeMeanWithASmallSpreadKeepsItsDigits() {
        for (double mean : new double[] {1e8, 1e9, 1e12}) {
            double[] x = values(7, 10_000, mean, 1.0);
            double[] exact = exact(x);
            KpiStats s = KpiStats.of("latency", x);
            assertThat(s.count()).isEqualTo(10_000);
            assertThat(s.mean()).as("mean at %s", mean).isCloseTo(exact[0], within(Math.ulp(mean) * 4));
            assertThat(s.variance()).as("variance at mean %s", mean).isCloseTo(exact[1], within(exact[1] * 1e-9));
        }
    }

    @Test
    void mergingReplicasWithDifferentShiftsEqualsTheStatisticsOfAllTheirValues() {
        double[] a = values(1, 3000, 1e9, 1.0);
        double[] b = values(2, 5000, 1e9 + 0.5, 1.0);
        double[] c = values(3, 1, 1e9 - 3, 1.0);
        double[] all = concat(concat(a, b), c);
        double[] exact = exact(all);
        KpiStats merged = KpiStats.of("latency", a).plus(KpiStats.of("latency", b)).plus(KpiStats.of("latency", c))
                .plus(KpiStats.empty("latency"));
        assertThat(merged.count()).isEqualTo(8001);
        assertThat(merged.mean()).isCloseTo(exact[0], within(1e-6));
        assertThat(merged.variance()).isCloseTo(exact[1], within(exact[1] * 1e-9));
        assertThat(KpiStats.empty("latency").plus(KpiStats.of("latency", a))).isEqualTo(KpiStats.of("latency", a));
    }

    @Test
    void theDifferenceOfTwoCumulativeTotalsIsWhatWasObservedBetweenThem() {
        double[] x = values(11, 200_000, 1e9, 1.0);
        RunningTotal total = new RunningTotal(x[0]);
        KpiStats earlier = null;
        int split = 190_000;
        for (int i = 0; i < x.length; i++) {
            if (i == split) {
                earlier = total.stats();
            }
            total.add(x[i]);
        }
        KpiStats window = total.stats().minus(earlier);
        double[] exact = exact(Arrays.copyOfRange(x, split, x.length));
        assertThat(window.count()).isEqualTo(10_000);
        assertThat(window.mean()).isCloseTo(exact[0], within(1e-6));
        assertThat(window.variance()).isCloseTo(exact[1], within(exact[1] * 1e-9));
    }

    @Test
    void theDifferenceOfTwoMergedFleetTotalsWithDifferentShiftsIsSound() {
        // Two replicas' never-reset totals, merged at two times; at the later time the replicas come in the
        // other order, so the merged totals are around different shifts.
        double[] r1 = values(21, 60_000, 1e9, 1.0);
        double[] r2 = values(22, 60_000, 1e9 + 2, 1.0);
        RunningTotal t1 = new RunningTotal(r1[0]);
        RunningTotal t2 = new RunningTotal(r2[0]);
        int split = 50_000;
        for (int i = 0; i < split; i++) {
            t1.add(r1[i]);
            t2.add(r2[i]);
        }
        KpiStats earlier = t1.stats().plus(t2.stats());
        for (int i = split; i < r1.length; i++) {
            t1.add(r1[i]);
            t2.add(r2[i]);
        }
        KpiStats later = t2.stats().plus(t1.stats());
        assertThat(later.shift()).isNotEqualTo(earlier.shift());
        KpiStats window = later.minus(earlier);
        double[] exact = exact(concat(Arrays.copyOfRange(r1, split, r1.length), Arrays.copyOfRange(r2, split, r2.length)));
        assertThat(window.count()).isEqualTo(20_000);
        assertThat(window.mean()).isCloseTo(exact[0], within(1e-6));
        assertThat(window.variance()).isCloseTo(exact[1], within(exact[1] * 1e-8));
        assertThat(later.minus(later)).satisfies(s -> {
            assertThat(s.count()).isZero();
            assertThat(s.mean()).isNaN();
        });
    }

    @Test
    void proportionsAreExact() {
        KpiStats ctr = KpiStats.proportion("ctr", 1_000_000, 1234);
        assertThat(ctr.sum()).isEqualTo(1234.0);
        assertThat(ctr.sumOfSquares()).isEqualTo(1234.0);
        assertThat(ctr.mean()).isEqualTo(1234.0 / 1_000_000);
        assertThat(ctr.variance()).isCloseTo(1234.0 * (1_000_000 - 1234) / 1_000_000 / 999_999, within(1e-15));
        KpiStats fromValues = KpiStats.of("ctr", 1, 0, 0, 1, 0);
        assertThat(fromValues.sum()).isEqualTo(2.0);
        assertThat(fromValues.sumOfSquares()).isEqualTo(2.0);
    }

    @Test
    void componentsAreTheStatisticsAndRoundTripAsTheyAre() {
        KpiStats s = KpiStats.of("revenue", 1250.0, 990.0, 1730.5, 1250.0);
        KpiStats restored = new KpiStats(s.kpi(), s.count(), s.shift(), s.shiftedSum(), s.shiftedSumOfSquares());
        assertThat(restored).isEqualTo(s);
        assertThat(s.shift()).isEqualTo(1250.0);
        assertThat(s.withShift(0).mean()).isCloseTo(s.mean(), within(1e-9));
        assertThat(s.withShift(0).variance()).isCloseTo(s.variance(), within(1e-6));
    }

    @Test
    void impossibleStatisticsAreRefusedNamingTheComponentAndTheValue() {
        assertThatThrownBy(() -> new KpiStats("ctr", -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KpiStats.count").hasMessageContaining("'ctr'").hasMessageContaining(">= 0")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new KpiStats("ctr", 3, Double.NaN, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KpiStats.shift").hasMessageContaining("NaN");
        assertThatThrownBy(() -> new KpiStats("ctr", 3, 0, Double.POSITIVE_INFINITY, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KpiStats.shiftedSum ")
                .hasMessageContaining("Infinity");
        assertThatThrownBy(() -> new KpiStats("ctr", 3, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KpiStats.shiftedSumOfSquares").hasMessageContaining("-1");
        assertThatThrownBy(() -> new KpiStats("ctr", 0, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count 0");
        // Σx² below (Σx)²/n: no 4 values have sum 10 and sum of squares 20 (the least is 25).
        assertThatThrownBy(() -> KpiStats.ofSums("revenue", 4, 10, 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shiftedSumOfSquares of 'revenue' must be >= shiftedSum²/count = 25.0")
                .hasMessageContaining("but was 20.0");
        assertThatThrownBy(() -> KpiStats.proportion("ctr", 10, 11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and count (10)").hasMessageContaining("11");
        assertThatThrownBy(() -> KpiStats.of("ctr", 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("values[1]");
        assertThatThrownBy(() -> new KpiStats(null, 0, 0, 0, 0)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("kpi");
    }

    @Test
    void combiningWithAnotherKpiOrALaterTotalIsRefused() {
        KpiStats a = KpiStats.of("ctr", 1, 0, 1);
        assertThatThrownBy(() -> a.plus(KpiStats.of("cvr", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ctr'").hasMessageContaining("'cvr'");
        assertThatThrownBy(() -> a.minus(KpiStats.of("ctr", 1, 0, 1, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 3").hasMessageContaining("had 4");
        KpiStats spread = KpiStats.of("x", 0, 100, -100, 50);
        assertThatThrownBy(() -> KpiStats.of("x", 1, 1, 1).minus(KpiStats.of("x", 1000, -1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an earlier total");
        assertThat(spread.minus(KpiStats.empty("x"))).isEqualTo(spread);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
