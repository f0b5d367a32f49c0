package io.github.rollback4j.core.stats.classic;

import io.github.rollback4j.telemetry.KpiStats;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WelchTTestTest {

    @Test
    void matchesScipy() {
        FixtureTable table = FixtureTable.load("classic-welch.tsv");
        for (FixtureTable.Row row : table.rows()) {
            TTestResult[] results = new TTestResult[3];
            Alternative[] alternatives = {Alternative.TWO_SIDED, Alternative.GREATER, Alternative.LESS};
            for (int i = 0; i < 3; i++) {
                if (row.text("kind").equals("samples")) {
                    results[i] = WelchTTest.test(row.array("x"), row.array("y"), alternatives[i]);
                } else {
                    double[] s = row.array("summary");
                    results[i] = WelchTTest.test((long) s[0], s[1], s[2], (long) s[3], s[4], s[5], alternatives[i]);
                }
            }
            assertClose(results[0].t(), row.num("t"), 1e-10, 1e-13, row + " t");
            assertClose(results[0].degreesOfFreedom(), row.num("df"), 1e-10, 0, row + " df");
            assertClose(results[0].pValue(), row.num("pTwoSided"), 1e-9, 1e-300, row + " p two-sided");
            assertClose(results[1].pValue(), row.num("pGreater"), 1e-9, 1e-300, row + " p greater");
            assertClose(results[2].pValue(), row.num("pLess"), 1e-9, 1e-300, row + " p less");
        }
    }

    @Test
    void twoSidedEqualsCommonsMathTTest() {
        double[] x = {1.1, 2.3, 1.9, 3.2, 2.8, 2.2, 1.7};
        double[] y = {2.9, 3.1, 3.8, 2.6, 4.0};
        TTestResult r = WelchTTest.test(x, y, Alternative.TWO_SIDED);
        assertClose(r.t(), new TTest().t(x, y), 1e-14, 0, "t");
        assertClose(r.pValue(), new TTest().tTest(x, y), 1e-14, 0, "p");
    }

    @Test
    void acceptsKpiStatistics() {
        KpiStats candidate = KpiStats.ofSums("revenue", 4, 10.0, 30.0);
        KpiStats baseline = KpiStats.ofSums("revenue", 5, 20.0, 90.0);
        TTestResult fromKpi = WelchTTest.test(candidate, baseline, Alternative.LESS);
        TTestResult fromSummary = WelchTTest.test(4, candidate.mean(), candidate.variance(), 5, baseline.mean(),
                baseline.variance(), Alternative.LESS);
        assertThat(fromKpi).isEqualTo(fromSummary);
    }

    @Test
    void zeroVarianceHasNoTest() {
        TTestResult r = WelchTTest.test(new double[]{1, 1, 1}, new double[]{2, 2}, Alternative.TWO_SIDED);
        assertThat(r.standardError()).isZero();
        assertThat(r.pValue()).isNaN();
        assertThat(r.significant(0.05)).isFalse();
    }

    @Test
    void refusesTooSmallOrNonFiniteSamplesNamingThem() {
        assertThatThrownBy(() -> WelchTTest.test(new double[]{1}, new double[]{1, 2}, Alternative.TWO_SIDED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample1").hasMessageContaining("at least 2");
        assertThatThrownBy(() -> WelchTTest.test(new double[]{1, 2}, new double[]{1, Double.NaN}, Alternative.TWO_SIDED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample2[1]").hasMessageContaining("NaN");
        assertThatThrownBy(() -> WelchTTest.test(10, 1.0, -1.0, 10, 1.0, 1.0, Alternative.TWO_SIDED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("variance1").hasMessageContaining("-1.0");
    }
}
