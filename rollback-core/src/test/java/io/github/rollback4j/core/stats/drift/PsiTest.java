package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.stats.classic.FixtureTable;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import org.junit.jupiter.api.Test;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PsiTest {

    @Test
    void matchesNumpyWithTheSameBinning() {
        FixtureTable table = FixtureTable.load("drift-psi.tsv");
        for (FixtureTable.Row row : table.rows()) {
            PsiConfig config = new PsiConfig((int) row.integer("bins"), row.num("epsilon"), DriftThresholds.PSI_DEFAULT);
            PsiResult r = Psi.compute(row.array("reference"), row.array("current"), config);
            assertClose(r.psi(), row.num("psi"), 1e-12, 1e-15, row + " psi");
            assertThat(r.edges()).as(row + " edges").containsExactly(box(row.array("edges")));
            double[] referenceShares = row.array("referenceShares");
            double[] currentShares = row.array("currentShares");
            assertThat(r.referenceShares()).hasSize(referenceShares.length);
            for (int i = 0; i < referenceShares.length; i++) {
                assertClose(r.referenceShares().get(i), referenceShares[i], 1e-15, 0, row + " reference share " + i);
                assertClose(r.currentShares().get(i), currentShares[i], 1e-15, 0, row + " current share " + i);
            }
            assertThat(r.level()).isEqualTo(DriftThresholds.PSI_DEFAULT.level(r.psi()));
        }
    }

    @Test
    void aHistogramGivesExactlyThePsiOfItsRepresentatives() {
        double[] reference = DriftSamples.normal(1, 5_000, 100, 15);
        double[] current = DriftSamples.normal(2, 3_000, 106, 15);
        PsiResult fromSnapshots = Psi.compute(DriftSamples.snapshot(reference), DriftSamples.snapshot(current));
        PsiResult fromRepresentatives = Psi.compute(DriftSamples.representatives(reference),
                DriftSamples.representatives(current));
        assertThat(fromSnapshots).isEqualTo(fromRepresentatives);
        // the 2 % buckets move PSI little against the exact samples
        assertThat(fromSnapshots.psi()).isCloseTo(Psi.compute(reference, current).psi(), org.assertj.core.data.Offset.offset(0.02));
        assertThat(fromSnapshots.psi()).isBetween(0.1, 0.25);
        assertThat(fromSnapshots.level()).isEqualTo(DriftLevel.WARN);

        ReferenceProfile profile = ReferenceProfile.numeric("latency", DriftSamples.snapshot(reference), DriftSamples.NOW);
        assertThat(Psi.compute(profile, DriftSamples.snapshot(current))).isEqualTo(fromSnapshots);
    }

    @Test
    void levelsFollowTheDefaults() {
        double[] reference = DriftSamples.normal(3, 20_000, 0, 1);
        assertThat(Psi.compute(reference, DriftSamples.normal(4, 20_000, 0, 1)).level()).isEqualTo(DriftLevel.NONE);
        assertThat(Psi.compute(reference, DriftSamples.normal(5, 20_000, 0.4, 1)).level()).isEqualTo(DriftLevel.WARN);
        assertThat(Psi.compute(reference, DriftSamples.normal(6, 20_000, 0.7, 1)).level()).isEqualTo(DriftLevel.ACT);
    }

    @Test
    void emptyInputsAreInconclusive() {
        PsiResult r = Psi.compute(ValueSnapshot.empty(), DriftSamples.snapshot(1, 2, 3));
        assertThat(r.psi()).isNaN();
        assertThat(r.level()).isEqualTo(DriftLevel.INCONCLUSIVE);
        assertThat(Psi.compute(new double[]{1, 2}, new double[0]).level()).isEqualTo(DriftLevel.INCONCLUSIVE);
    }

    @Test
    void refusesBadArgumentsNamingThem() {
        assertThatThrownBy(() -> new PsiConfig(1, 1e-4, DriftThresholds.PSI_DEFAULT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bins").hasMessageContaining("between 2 and 100").hasMessageContaining("1");
        assertThatThrownBy(() -> new PsiConfig(10, 0, DriftThresholds.PSI_DEFAULT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new DriftThresholds(0.3, 0.2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("act").hasMessageContaining("0.2");
        assertThatThrownBy(() -> Psi.compute(new double[]{1, Double.NaN}, new double[]{1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference[1]").hasMessageContaining("NaN");
        ReferenceProfile categorical = ReferenceProfile.categorical("country", java.util.Map.of("de", 3L), 0);
        assertThatThrownBy(() -> Psi.compute(categorical, DriftSamples.snapshot(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUMERIC").hasMessageContaining("country");
    }

    private static Double[] box(double[] values) {
        return java.util.Arrays.stream(values).boxed().toArray(Double[]::new);
    }
}
