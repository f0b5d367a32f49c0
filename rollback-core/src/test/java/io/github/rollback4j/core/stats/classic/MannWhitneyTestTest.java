package io.github.rollback4j.core.stats.classic;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MannWhitneyTestTest {

    private static final Alternative[] ALTERNATIVES = {Alternative.TWO_SIDED, Alternative.GREATER, Alternative.LESS};
    private static final String[] CC = {"pTwoSidedCc", "pGreaterCc", "pLessCc"};
    private static final String[] NO_CC = {"pTwoSidedNoCc", "pGreaterNoCc", "pLessNoCc"};

    @Test
    void matchesScipyAsymptoticWithTieAndContinuityCorrection() {
        FixtureTable table = FixtureTable.load("classic-mannwhitney.tsv");
        for (FixtureTable.Row row : table.rows()) {
            double[] x = row.array("x");
            double[] y = row.array("y");
            for (int i = 0; i < 3; i++) {
                MannWhitneyResult cc = MannWhitneyTest.test(x, y, ALTERNATIVES[i]);
                assertClose(cc.u1(), row.num("u1"), 0, 0, row + " u1");
                assertClose(cc.pValue(), row.num(CC[i]), 1e-10, 1e-300, row + " " + CC[i]);
                MannWhitneyResult plain = MannWhitneyTest.test(x, y, ALTERNATIVES[i], false);
                double expected = row.num(NO_CC[i]);
                // every value tied: scipy divides 0 by 0 (NaN); there is no evidence, so 1
                assertClose(plain.pValue(), Double.isNaN(expected) ? 1.0 : expected, 1e-10, 1e-300, row + " " + NO_CC[i]);
            }
        }
    }

    @Test
    void commonsMathIgnoresTiesAndSoOverstatesThePValue() {
        double[] x = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3};
        double[] y = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3};
        MannWhitneyResult ours = MannWhitneyTest.test(x, y, Alternative.TWO_SIDED, false);
        double commons = new MannWhitneyUTest().mannWhitneyUTest(x, y);
        assertThat(ours.tieTerm()).isPositive();
        assertThat(commons).isGreaterThan(ours.pValue());
        // without ties both agree (no continuity correction)
        double[] a = {0.1, 0.5, 0.9, 1.3, 2.2, 2.8};
        double[] b = {0.3, 1.0, 1.1, 1.9, 3.5, 3.9, 4.2};
        assertClose(MannWhitneyTest.test(a, b, Alternative.TWO_SIDED, false).pValue(), new MannWhitneyUTest().mannWhitneyUTest(a, b),
                1e-12, 0, "no ties");
    }

    @Test
    void effectSizeAndAllTied() {
        MannWhitneyResult separated = MannWhitneyTest.test(new double[]{5, 6, 7}, new double[]{1, 2}, Alternative.GREATER);
        assertThat(separated.probabilityOfSuperiority()).isEqualTo(1.0);
        MannWhitneyResult tied = MannWhitneyTest.test(new double[]{3, 3}, new double[]{3, 3, 3}, Alternative.TWO_SIDED);
        assertThat(tied.standardDeviationU()).isZero();
        assertThat(tied.z()).isNaN();
        assertThat(tied.pValue()).isEqualTo(1.0);
        assertThat(tied.probabilityOfSuperiority()).isEqualTo(0.5);
    }

    @Test
    void refusesEmptyOrNonFiniteSamples() {
        assertThatThrownBy(() -> MannWhitneyTest.test(new double[0], new double[]{1}, Alternative.TWO_SIDED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample1").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> MannWhitneyTest.test(new double[]{1}, new double[]{Double.POSITIVE_INFINITY}, Alternative.LESS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample2[0]").hasMessageContaining("Infinity");
    }
}
