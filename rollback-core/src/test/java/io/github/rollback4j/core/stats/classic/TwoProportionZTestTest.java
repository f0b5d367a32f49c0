package io.github.rollback4j.core.stats.classic;

import org.junit.jupiter.api.Test;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwoProportionZTestTest {

    @Test
    void matchesScipy() {
        FixtureTable table = FixtureTable.load("classic-ztest.tsv");
        for (FixtureTable.Row row : table.rows()) {
            ZTestResult r = TwoProportionZTest.test(row.integer("x1"), row.integer("n1"), row.integer("x2"), row.integer("n2"),
                    Alternative.valueOf(row.text("alternative")));
            assertClose(r.z(), row.num("z"), 1e-12, 1e-14, row + " z");
            assertClose(r.pValue(), row.num("p"), 1e-10, 1e-300, row + " p");
        }
        assertThat(table.rows()).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void noVarianceMeansNoEvidence() {
        ZTestResult r = TwoProportionZTest.test(0, 100, 0, 50, Alternative.TWO_SIDED);
        assertThat(r.z()).isZero();
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(TwoProportionZTest.test(10, 10, 5, 5, Alternative.GREATER).pValue()).isEqualTo(1.0);
    }

    @Test
    void oneSidedPValuesAddUpAndHalveTheTwoSided() {
        ZTestResult greater = TwoProportionZTest.test(60, 1000, 40, 1000, Alternative.GREATER);
        ZTestResult less = TwoProportionZTest.test(60, 1000, 40, 1000, Alternative.LESS);
        ZTestResult two = TwoProportionZTest.test(60, 1000, 40, 1000, Alternative.TWO_SIDED);
        assertClose(greater.pValue() + less.pValue(), 1.0, 1e-14, 0, "sum");
        assertClose(two.pValue(), 2 * greater.pValue(), 1e-14, 0, "two-sided");
        assertThat(greater.difference()).isEqualTo(0.02, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(greater.significant(0.05)).isTrue();
    }

    @Test
    void refusesBadCountsNamingThem() {
        assertThatThrownBy(() -> TwoProportionZTest.test(5, 0, 1, 10, Alternative.GREATER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trials1").hasMessageContaining("0");
        assertThatThrownBy(() -> TwoProportionZTest.test(1, 10, 11, 10, Alternative.GREATER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("successes2").hasMessageContaining("11")
                .hasMessageContaining("between 0 and trials2 (10)");
        assertThatThrownBy(() -> TwoProportionZTest.test(1, 10, 1, 10, Alternative.GREATER).significant(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha").hasMessageContaining("1.5");
    }
}
