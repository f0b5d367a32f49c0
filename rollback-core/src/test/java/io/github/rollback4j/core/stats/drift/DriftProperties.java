package io.github.rollback4j.core.stats.drift;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NotEmpty;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Laws of the drift statistics over generated samples and counts. */
class DriftProperties {

    @Property(tries = 200, seed = "20261134")
    void psiIsNonNegativeAndZeroAgainstItself(
            @ForAll @NotEmpty @Size(max = 300) List<@DoubleRange(min = -1e3, max = 1e3) Double> reference,
            @ForAll @NotEmpty @Size(max = 300) List<@DoubleRange(min = -1e3, max = 1e3) Double> current) {
        double[] ref = toArray(reference);
        assertThat(Psi.compute(ref, toArray(current)).psi()).isGreaterThanOrEqualTo(0.0);
        assertThat(Psi.compute(ref, ref).psi()).isZero();
        PsiResult r = Psi.compute(ref, toArray(current));
        assertThat(r.referenceShares().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.edges()).isSorted().doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(9);
    }

    @Property(tries = 200, seed = "20261135")
    void jensenShannonIsASymmetricDistanceWithinZeroAndOne(
            @ForAll @NotEmpty @Size(max = 8) Map<@AlphaChars @StringLength(min = 1, max = 2) String, @LongRange(min = 1, max = 1000) Long> p,
            @ForAll @NotEmpty @Size(max = 8) Map<@AlphaChars @StringLength(min = 1, max = 2) String, @LongRange(min = 1, max = 1000) Long> q) {
        double pq = JensenShannon.compute(p, q).distance();
        assertThat(pq).isBetween(0.0, 1.0);
        assertThat(JensenShannon.compute(q, p).distance()).isCloseTo(pq, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(JensenShannon.compute(p, p).distance()).isZero();
    }

    @Property(tries = 200, seed = "20261136")
    void wassersteinIsSymmetricAndShiftsByTheShift(
            @ForAll @NotEmpty @Size(max = 200) List<@DoubleRange(min = -100, max = 100) Double> u,
            @ForAll @NotEmpty @Size(max = 200) List<@DoubleRange(min = -100, max = 100) Double> v,
            @ForAll @DoubleRange(min = -10, max = 10) double shift) {
        double[] a = toArray(u);
        double[] b = toArray(v);
        double ab = Wasserstein.compute(a, b).distance();
        assertThat(Wasserstein.compute(b, a).distance()).isCloseTo(ab, org.assertj.core.data.Offset.offset(1e-9 * (1 + ab)));
        double[] shifted = a.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += shift;
        }
        assertThat(Wasserstein.compute(a, shifted).distance()).isCloseTo(Math.abs(shift), org.assertj.core.data.Offset.offset(1e-9));
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
