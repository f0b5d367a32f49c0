package io.github.rollback4j.core.stats.classic;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Laws of the classic tests over generated samples. */
class ClassicProperties {

    @Property(tries = 200, seed = "20261130")
    void mannWhitneyStatisticsAddUpAndPValuesAreProbabilities(
            @ForAll @NotEmpty @Size(max = 80) List<@IntRange(min = 0, max = 9) Integer> x,
            @ForAll @NotEmpty @Size(max = 80) List<@IntRange(min = 0, max = 9) Integer> y) {
        double[] a = x.stream().mapToDouble(Integer::doubleValue).toArray();
        double[] b = y.stream().mapToDouble(Integer::doubleValue).toArray();
        for (Alternative alternative : Alternative.values()) {
            MannWhitneyResult r = MannWhitneyTest.test(a, b, alternative);
            assertThat(r.u1() + r.u2()).isEqualTo((double) a.length * b.length);
            assertThat(r.pValue()).isBetween(0.0, 1.0);
            MannWhitneyResult swapped = MannWhitneyTest.test(b, a, alternative == Alternative.GREATER ? Alternative.LESS
                    : alternative == Alternative.LESS ? Alternative.GREATER : Alternative.TWO_SIDED);
            assertThat(swapped.pValue()).isCloseTo(r.pValue(), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Property(tries = 200, seed = "20261131")
    void zTestIsAntisymmetric(@ForAll @IntRange(min = 0, max = 500) int x1, @ForAll @IntRange(min = 1, max = 500) int extra1,
                              @ForAll @IntRange(min = 0, max = 500) int x2, @ForAll @IntRange(min = 1, max = 500) int extra2) {
        ZTestResult ab = TwoProportionZTest.test(x1, x1 + extra1, x2, x2 + extra2, Alternative.GREATER);
        ZTestResult ba = TwoProportionZTest.test(x2, x2 + extra2, x1, x1 + extra1, Alternative.LESS);
        assertThat(ba.z()).isCloseTo(-ab.z(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ba.pValue()).isCloseTo(ab.pValue(), org.assertj.core.data.Offset.offset(1e-12));
    }
}
