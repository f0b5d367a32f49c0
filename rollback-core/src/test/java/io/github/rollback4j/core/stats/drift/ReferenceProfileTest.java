package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.core.telemetry.ValueWindow;
import io.github.rollback4j.telemetry.Distribution;
import io.github.rollback4j.telemetry.FieldProfile;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceProfileTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aNumericProfileRoundTripsThroughJsonAndStillMeasuresTheSame() {
        ValueWindow window = ValueWindow.ofDefaults();
        for (double v : DriftSamples.normal(21, 2_000, 40, 8)) {
            window.record(DriftSamples.NOW, v);
        }
        window.recordMissing(DriftSamples.NOW);
        window.record(DriftSamples.NOW, Double.NaN);
        ValueSnapshot snapshot = window.snapshot(DriftSamples.NOW);
        ReferenceProfile profile = ReferenceProfile.numeric("age", snapshot, DriftSamples.NOW);
        assertThat(profile.present()).isEqualTo(2_000);
        assertThat(profile.missing()).isEqualTo(1);
        assertThat(profile.nonFinite()).isEqualTo(1);
        assertThat(profile.missingRate()).isEqualTo(1.0 / 2_002);
        assertThat(profile.mean()).isCloseTo(snapshot.mean(), org.assertj.core.data.Offset.offset(1e-9));

        String json = JSON.writeValueAsString(profile);
        assertThat(json).contains("\"field\":\"age\"", "\"kind\":\"NUMERIC\"", "\"values\":[", "\"counts\":[")
                .doesNotContain("present", "missingRate", "standardDeviation");
        ReferenceProfile read = JSON.readValue(json, ReferenceProfile.class);
        assertThat(read).isEqualTo(profile);

        ValueSnapshot current = DriftSamples.snapshot(DriftSamples.normal(22, 1_000, 43, 8));
        assertThat(Psi.compute(read, current)).isEqualTo(Psi.compute(snapshot, current));
        assertThat(Wasserstein.compute(read, current)).isEqualTo(Wasserstein.compute(snapshot, current));
        assertThat(read.psiEdges(10)).isEqualTo(Psi.compute(snapshot, current).edges());
    }

    @Test
    void aCategoricalProfileRoundTripsThroughJson() {
        CategorySnapshot snapshot = new CategorySnapshot(Map.of("de", 30L, "fr", 20L, FieldProfile.OTHER, 5L), 3);
        ReferenceProfile profile = ReferenceProfile.categorical("country", snapshot, 42L);
        ReferenceProfile read = JSON.readValue(JSON.writeValueAsString(profile), ReferenceProfile.class);
        assertThat(read).isEqualTo(profile);
        assertThat(read.categories()).containsExactly(Map.entry("de", 30L), Map.entry("fr", 20L), Map.entry(FieldProfile.OTHER, 5L));
        assertThat(read.missingRate()).isEqualTo(3.0 / 58);
        assertThat(read.mean()).isNaN();
        ReferenceProfile fromFile = JSON.readValue("{\"field\":\"country\",\"kind\":\"CATEGORICAL\",\"capturedAtEpochMillis\":0,\"missing\":0,"
                + "\"nonFinite\":0,\"categories\":{\"de\":1}}",
                ReferenceProfile.class);
        assertThat(fromFile.values()).isEmpty();
        assertThat(fromFile.present()).isEqualTo(1);
    }

    @Test
    void fromSamplesKeepsExactValues() {
        ReferenceProfile profile = ReferenceProfile.numeric("x", new double[]{3, 1, 2, 2, -0.0, 0.0}, 0);
        assertThat(profile.values()).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(profile.counts()).containsExactly(2L, 1L, 2L, 1L);
        assertThat(profile.psiEdges(2)).containsExactly(1.0);
        assertThat(profile.standardDeviation()).isCloseTo(Math.sqrt(11.0 / 9), org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void fromAFieldProfile() {
        ValueSnapshot snapshot = DriftSamples.snapshot(1, 2, 3);
        FieldProfile numeric = new FieldProfile("amount", FieldProfile.Kind.NUMERIC, 5, 2, snapshot, Map.of());
        ReferenceProfile profile = ReferenceProfile.of(numeric, 7L);
        ReferenceProfile base = ReferenceProfile.numeric("amount", snapshot, 7L);
        assertThat(profile).isEqualTo(new ReferenceProfile("amount", FieldProfile.Kind.NUMERIC, 7L, 2, 0, base.values(),
                base.counts(), Map.of()));
        FieldProfile categorical = new FieldProfile("tier", FieldProfile.Kind.CATEGORICAL, 4, 1, Distribution.EMPTY,
                Map.of("gold", 3L));
        assertThat(ReferenceProfile.of(categorical, 7L).categories()).containsExactly(Map.entry("gold", 3L));
        FieldProfile foreign = new FieldProfile("amount", FieldProfile.Kind.NUMERIC, 5, 2, Distribution.EMPTY, Map.of());
        assertThatThrownBy(() -> ReferenceProfile.of(foreign, 7L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ValueSnapshot");
    }

    @Test
    void refusesInconsistentProfilesNamingTheField() {
        assertThatThrownBy(() -> new ReferenceProfile(" ", FieldProfile.Kind.NUMERIC, 0, 0, 0, List.of(), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field");
        assertThatThrownBy(() -> new ReferenceProfile("x", FieldProfile.Kind.NUMERIC, 0, 0, 0, List.of(2.0, 1.0), List.of(1L, 1L),
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("values[1]")
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> new ReferenceProfile("x", FieldProfile.Kind.NUMERIC, 0, 0, 0, List.of(1.0), List.of(0L),
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts[0]");
        assertThatThrownBy(() -> new ReferenceProfile("x", FieldProfile.Kind.NUMERIC, 0, 0, 0, List.of(1.0), List.of(),
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts");
        assertThatThrownBy(() -> new ReferenceProfile("x", FieldProfile.Kind.CATEGORICAL, 0, -1, 0, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing").hasMessageContaining("-1");
        assertThatThrownBy(() -> ReferenceProfile.numeric("x", new double[]{Double.POSITIVE_INFINITY}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samples[0]");
        assertThatThrownBy(() -> ReferenceProfile.categorical("x", Map.of("a", 1L), 0).psiEdges(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUMERIC");
    }
}
