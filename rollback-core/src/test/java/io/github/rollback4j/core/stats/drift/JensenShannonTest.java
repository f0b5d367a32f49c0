package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.stats.classic.FixtureTable;
import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.telemetry.FieldProfile;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JensenShannonTest {

    @Test
    void matchesScipyBase2() {
        FixtureTable table = FixtureTable.load("drift-js.tsv");
        for (FixtureTable.Row row : table.rows()) {
            JensenShannonResult r = JensenShannon.compute(row.counts("reference"), row.counts("current"));
            assertClose(r.distance(), row.num("distance"), 1e-12, 1e-15, row + " distance");
            assertThat(r.distance()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void countsWhoseTotalOverflowsALongStillGiveTheDistance() {
        Map<String, Long> reference = Map.of("a", 5_000_000_000_000_000_000L, "b", 5_000_000_000_000_000_000L);
        Map<String, Long> current = Map.of("a", 5_000_000_000_000_000_000L, "b", 5_000_000_000_000_000_000L, "c", 1L);
        JensenShannonResult r = JensenShannon.compute(reference, current);
        assertThat(r.distance()).isBetween(0.0, 1e-9);
        assertThat(r.referenceCount()).as("saturates instead of wrapping").isEqualTo(Long.MAX_VALUE);
        assertThat(JensenShannon.total(current)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void worksOnCategorySnapshotsAndProfiles() {
        CategorySnapshot reference = new CategorySnapshot(Map.of("us", 500L, "eu", 300L, "apac", 200L), 12);
        CategorySnapshot current = new CategorySnapshot(Map.of("us", 450L, "eu", 280L, "apac", 190L, "latam", 80L), 40);
        JensenShannonResult r = JensenShannon.compute(reference, current);
        assertClose(r.distance(), 0.20320152703841238, 1e-12, 0, "one unseen category");
        assertThat(r.unseenCategories()).isEqualTo(1);
        assertThat(r.unseenShare()).isEqualTo(0.08);
        assertThat(r.categories()).isEqualTo(4);
        assertThat(r.level()).isEqualTo(DriftLevel.WARN);
        ReferenceProfile profile = ReferenceProfile.categorical("region", reference, DriftSamples.NOW);
        assertThat(profile.missing()).isEqualTo(12);
        assertThat(JensenShannon.compute(profile, current)).isEqualTo(r);
        assertThat(JensenShannon.compute(profile, CategorySnapshot.EMPTY).level()).isEqualTo(DriftLevel.INCONCLUSIVE);
        Map<String, Long> disjoint = new HashMap<>(Map.of("x", 1L));
        assertThat(JensenShannon.compute(Map.of("a", 2L), disjoint).level()).isEqualTo(DriftLevel.ACT);
    }

    @Test
    void refusesBadArgumentsNamingThem() {
        assertThatThrownBy(() -> JensenShannon.compute(Map.of("a", -1L), Map.of("a", 1L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference").hasMessageContaining("a has -1");
        ReferenceProfile numeric = ReferenceProfile.numeric("age", new double[]{1, 2}, 0);
        assertThatThrownBy(() -> JensenShannon.compute(numeric, CategorySnapshot.EMPTY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CATEGORICAL").hasMessageContaining("age");
        assertThat(numeric.kind()).isEqualTo(FieldProfile.Kind.NUMERIC);
    }
}
