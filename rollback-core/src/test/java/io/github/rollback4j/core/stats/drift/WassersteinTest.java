package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.stats.classic.FixtureTable;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

class WassersteinTest {

    @Test
    void matchesScipy() {
        FixtureTable table = FixtureTable.load("drift-wasserstein.tsv");
        for (FixtureTable.Row row : table.rows()) {
            double[] reference = row.array("reference");
            double[] current = row.array("current");
            WassersteinResult r;
            if (row.text("kind").equals("weighted")) {
                ReferenceProfile profile = new ReferenceProfile("h", io.github.rollback4j.telemetry.FieldProfile.Kind.NUMERIC, 0, 0,
                        0, boxed(reference), boxedLongs(row.longs("referenceCounts")), null);
                assertClose(profile.standardDeviation(), row.num("scale"), 1e-13, 0, row + " profile scale");
                r = Wasserstein.compute(repeat(reference, row.longs("referenceCounts")), repeat(current, row.longs("currentCounts")));
            } else {
                r = Wasserstein.compute(reference, current);
            }
            assertClose(r.distance(), row.num("distance"), 1e-11, 1e-14, row + " distance");
            assertClose(r.referenceStandardDeviation(), row.num("scale"), 1e-12, 0, row + " scale");
            assertClose(r.normalizedDistance(), row.num("normalized"), 1e-11, 1e-14, row + " normalized");
        }
    }

    @Test
    void aLocationShiftIsItsSizeInStandardDeviations() {
        double[] reference = DriftSamples.normal(11, 4_000, 50, 5);
        double[] shifted = reference.clone();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 2.0;
        }
        WassersteinResult r = Wasserstein.compute(reference, shifted);
        assertThat(r.distance()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.normalizedDistance()).isCloseTo(2.0 / r.referenceStandardDeviation(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.level()).isEqualTo(DriftLevel.WARN);
    }

    @Test
    void aHistogramGivesExactlyTheDistanceOfItsRepresentatives() {
        double[] reference = DriftSamples.normal(12, 3_000, 0.3, 0.1);
        double[] current = DriftSamples.normal(13, 2_000, 0.35, 0.12);
        WassersteinResult fromSnapshots = Wasserstein.compute(DriftSamples.snapshot(reference), DriftSamples.snapshot(current));
        assertThat(fromSnapshots).isEqualTo(Wasserstein.compute(DriftSamples.representatives(reference),
                DriftSamples.representatives(current)));
        assertThat(fromSnapshots.normalizedDistance()).isCloseTo(Wasserstein.compute(reference, current).normalizedDistance(),
                org.assertj.core.data.Offset.offset(0.02));
        ReferenceProfile profile = ReferenceProfile.numeric("score", DriftSamples.snapshot(reference), 0);
        assertThat(Wasserstein.compute(profile, DriftSamples.snapshot(current))).isEqualTo(fromSnapshots);
        assertThat(Wasserstein.compute(profile, ValueSnapshot.empty()).level()).isEqualTo(DriftLevel.INCONCLUSIVE);
    }

    private static double[] repeat(double[] values, long[] counts) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            for (long c = 0; c < counts[i]; c++) {
                out.add(values[i]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static List<Long> boxedLongs(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
