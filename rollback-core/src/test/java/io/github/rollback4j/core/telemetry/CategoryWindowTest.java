package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.FieldProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Category counts, the cap and OTHER, on virtual time. */
class CategoryWindowTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final String OTHER = FieldProfile.OTHER;

    private static CategoryWindow window(long subWindowMillis, int count, int maxCategories) {
        return CategoryWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(subWindowMillis)).subWindowCount(count).build(), maxCategories);
    }

    private static void recordTimes(CategoryWindow window, long now, String category, int times) {
        for (int i = 0; i < times; i++) {
            window.record(now, category);
        }
    }

    @Test
    void countsPerCategoryAndMissingApart() {
        CategoryWindow window = window(1_000, 3, 8);
        recordTimes(window, T0, "fr", 3);
        recordTimes(window, T0, "de", 5);
        recordTimes(window, T0, null, 2);
        // Equal strings that are different instances count as one category.
        window.record(T0, new String("fr"));

        CategorySnapshot snapshot = window.snapshot(T0);

        assertThat(snapshot.counts()).containsExactly(entry("de", 5L), entry("fr", 4L));
        assertThat(snapshot.missing()).isEqualTo(2);
        assertThat(snapshot.present()).isEqualTo(9);
        assertThat(snapshot.observed()).isEqualTo(11);
        assertThat(snapshot.count("it")).isZero();
        assertThat(window.knownCategories()).containsExactly("fr", "de");
    }

    @Test
    void categoriesBeyondTheCapCountUnderOtherForTheLifeOfTheWindow() {
        CategoryWindow window = window(1_000, 4, 2);
        recordTimes(window, T0, "a", 1);
        recordTimes(window, T0, "b", 2);
        recordTimes(window, T0, "c", 10);
        recordTimes(window, T0, "d", 1);
        recordTimes(window, T0, OTHER, 1);

        assertThat(window.snapshot(T0).counts()).as("OTHER last, whatever its count")
                .containsExactly(entry("b", 2L), entry("a", 1L), entry(OTHER, 12L));
        assertThat(window.knownCategories()).containsExactly("a", "b");

        // Four seconds later "a" and "b" have left the window, but the cap still holds them.
        window.record(T0 + 4_000, "c");
        assertThat(window.snapshot(T0 + 4_000).counts()).containsExactly(entry(OTHER, 1L));
    }

    @Test
    void theOtherStringItselfIsNeverLearntAsACategory() {
        CategoryWindow window = window(1_000, 1, 1);

        window.record(T0, OTHER);
        window.record(T0, "x");

        assertThat(window.knownCategories()).containsExactly("x");
        assertThat(window.snapshot(T0).counts()).containsExactly(entry("x", 1L), entry(OTHER, 1L));
    }

    @Test
    void queryMergesExactlyTheLastKSubWindowsUpToNow() {
        CategoryWindow window = window(1_000, 10, 64);
        for (int slot = 0; slot < 10; slot++) {
            recordTimes(window, T0 + slot * 1_000L + 500, "s" + slot, slot + 1);
            window.record(T0 + slot * 1_000L, null);
        }
        long now = T0 + 9_250;

        for (int k = 1; k <= 10; k++) {
            Map<String, Long> expected = new LinkedHashMap<>();
            for (int slot = 9; slot >= 10 - k; slot--) {
                expected.put("s" + slot, slot + 1L);
            }
            CategorySnapshot last = window.snapshot(now, k);
            assertThat(last.counts()).as("k = %d", k).containsExactlyEntriesOf(expected);
            assertThat(last.missing()).isEqualTo(k);
        }
        assertThat(window.snapshot(now)).isEqualTo(window.snapshot(now, 10));
    }

    @Test
    void staleSlotsReadEmptyAfterWrapAround() {
        CategoryWindow window = window(1_000, 4, 64);
        recordTimes(window, T0, "old", 50);
        recordTimes(window, T0, null, 5);
        recordTimes(window, T0 + 1_000, "newer", 20);

        assertThat(window.snapshot(T0 + 4_000, 1)).isEqualTo(CategorySnapshot.EMPTY);
        assertThat(window.snapshot(T0 + 4_000, 4)).isEqualTo(new CategorySnapshot(Map.of("newer", 20L), 0));

        window.record(T0 + 4_000, "newest");
        assertThat(window.snapshot(T0 + 5_000, 4).counts()).as("cleared before reuse").containsExactly(entry("newest", 1L));
        assertThat(window.snapshot(T0 + 60_000)).isEqualTo(CategorySnapshot.EMPTY);
        assertThat(window.droppedRecords()).isZero();
    }

    @Test
    void snapshotsMergeCategoryByCategory() {
        CategorySnapshot a = new CategorySnapshot(Map.of("x", 2L, OTHER, 1L), 3);
        CategorySnapshot b = new CategorySnapshot(Map.of("x", 1L, "y", 4L), 1);

        CategorySnapshot merged = a.merge(b);

        assertThat(merged.counts()).containsExactly(entry("y", 4L), entry("x", 3L), entry(OTHER, 1L));
        assertThat(merged.missing()).isEqualTo(4);
        assertThat(CategorySnapshot.EMPTY.merge(a)).isEqualTo(a);
    }

    @Test
    void snapshotsAreValidatedAndUnmodifiable() {
        assertThatThrownBy(() -> new CategorySnapshot(Map.of("x", 0L), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CategorySnapshot.counts must hold counts of at least 1, but x has 0");
        assertThatThrownBy(() -> new CategorySnapshot(Map.of(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CategorySnapshot(null, 0)).isInstanceOf(NullPointerException.class);
        CategorySnapshot snapshot = new CategorySnapshot(Map.of("x", 1L), 0);
        assertThatThrownBy(() -> snapshot.counts().put("y", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void capAndQueriesAreValidated() {
        assertThatThrownBy(() -> CategoryWindow.of(SlidingWindowConfig.ofDefaults(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CategoryWindow.maxCategories must be between 1 and 1024, but was 0");
        assertThatThrownBy(() -> CategoryWindow.of(SlidingWindowConfig.ofDefaults(), 1_025)).hasMessageEndingWith("but was 1025");
        assertThat(CategoryWindow.ofDefaults().maxCategories()).isEqualTo(64);
        assertThat(CategoryWindow.of(SlidingWindowConfig.ofDefaults(), 1_024).maxCategories()).isEqualTo(1_024);
        assertThatThrownBy(() -> window(1_000, 3, 4).snapshot(T0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CategoryWindow.snapshot(now, subWindows) needs subWindows between 1 and 3"
                        + " (SlidingWindowConfig.subWindowCount), but was 4");
    }

    @Test
    void countingKnownCategoriesMissingValuesAndCategoriesBeyondTheCapAllocatesNothing() {
        CategoryWindow window = window(100, 16, 16);
        String[] categories = new String[40];
        for (int i = 0; i < categories.length; i++) {
            categories[i] = "category-" + i;
        }
        long[] clock = {T0};
        Runnable recordAll = () -> {
            for (int i = 0; i < 10_000; i++) {
                window.record(clock[0]++, i % 41 == 40 ? null : categories[i % 41]);
            }
        };
        for (int round = 0; round < 30; round++) {
            recordAll.run();
        }

        assertThat(Allocations.leastBytesAllocated(recordAll, 5)).as("bytes allocated by 10,000 records").isLessThan(1_024);
        CategorySnapshot last = window.snapshot(clock[0] - 1, 16);
        assertThat(last.observed()).as("the last 1,600 ms").isEqualTo(1_600);
        assertThat(window.knownCategories()).hasSize(16);
        assertThat(last.count(OTHER)).isPositive();
    }

    @Test
    void footprintIsTheDocumentedOne() {
        assertThat(CategoryWindow.ofDefaults().estimatedFootprintBytes()).isEqualTo(18_928);
        assertThat(CategoryWindow.estimatedFootprintBytes(SlidingWindowConfig.custom().subWindowCount(60).build(), 64)).isEqualTo(34_768);
    }
}
