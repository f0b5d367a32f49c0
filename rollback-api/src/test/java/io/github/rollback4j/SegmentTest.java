package io.github.rollback4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Segments are interned JVM-wide, so every test here uses names no other test uses: the indexes it
 * sees are the ones it created.
 */
class SegmentTest {

    @Test
    void internsSegmentsByName() {
        Segment first = Segment.of("segment-test-eu-west");

        assertThat(Segment.of("segment-test-eu-west")).isSameAs(first);
        assertThat(first.name()).isEqualTo("segment-test-eu-west");
        assertThat(first).hasToString("segment-test-eu-west");
    }

    @Test
    void defaultSegmentHasIndexZeroAndNameDefault() {
        assertThat(Segment.DEFAULT.index()).isZero();
        assertThat(Segment.DEFAULT.name()).isEqualTo("default");
        assertThat(Segment.of("default")).isSameAs(Segment.DEFAULT);
    }

    @Test
    void givesDistinctNamesDistinctDenseIndexes() {
        List<Segment> segments = IntStream.range(0, 50).mapToObj(i -> Segment.of("segment-test-dense-" + i)).toList();

        List<Integer> indexes = segments.stream().map(Segment::index).toList();
        assertThat(indexes).doesNotHaveDuplicates().doesNotContain(Segment.DEFAULT.index()).allSatisfy(i -> assertThat(i).isPositive());
        // Created one after the other, fresh names take consecutive indexes: routers size arrays by them.
        assertThat(indexes.get(49) - indexes.get(0)).isEqualTo(49);
        assertThat(segments).extracting(Segment::name).doesNotHaveDuplicates();
    }

    @Test
    void keepsTheIndexOfASegmentForItsLifetime() {
        int index = Segment.of("segment-test-stable-index").index();
        Segment.of("segment-test-stable-index-other");

        assertThat(Segment.of("segment-test-stable-index").index()).isEqualTo(index);
    }

    @Test
    void internsOneInstancePerNameUnderConcurrentFirstUse() throws Exception {
        int threads = 8;
        List<String> names = IntStream.range(0, 40).mapToObj(i -> "segment-test-race-" + i).toList();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Segment>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return names.stream().map(Segment::of).toList();
                }));
            }
            start.countDown();

            List<Segment> seenByFirstThread = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<List<Segment>> result : results) {
                List<Segment> seen = result.get(10, TimeUnit.SECONDS);
                for (int i = 0; i < names.size(); i++) {
                    assertThat(seen.get(i)).isSameAs(seenByFirstThread.get(i));
                }
            }
            Set<Integer> indexes = seenByFirstThread.stream().map(Segment::index).collect(Collectors.toSet());
            assertThat(indexes).hasSize(names.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void acceptsNamesOfUpTo64LettersDigitsDotsUnderscoresColonsAndDashes() {
        for (String name : List.of("eu-west", "tenant:acme", "hour_07.utc", "7", "s".repeat(64))) {
            assertThat(Segment.of(name).name()).isEqualTo(name);
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @NullSource
    @ValueSource(strings = {"", " ", "-eu-west", ".eu", "eu west", "eu/west", "eu=west", "région", "eu-west "})
    void refusesMalformedSegmentName(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> Segment.of(name))
                .withMessage("segment must be 1 to 64 characters of letters, digits, '.', '_', ':' or '-',"
                        + " starting with a letter or digit, but was '" + name + "'");
    }

    @Test
    void refusesSegmentNameLongerThan64Characters() {
        String overlong = "s".repeat(65);

        assertThatIllegalArgumentException().isThrownBy(() -> Segment.of(overlong))
                .withMessageStartingWith("segment must be 1 to 64 characters")
                .withMessageEndingWith("but was '" + overlong + "'");
    }

    @Test
    void equalsOnlyTheSegmentOfTheSameName() {
        Segment a = Segment.of("segment-test-equal-a");

        assertThat(a).isEqualTo(Segment.of("segment-test-equal-a")).hasSameHashCodeAs(Segment.of("segment-test-equal-a"));
        assertThat(a).isNotEqualTo(Segment.of("segment-test-equal-b")).isNotEqualTo("segment-test-equal-a");
    }
}
