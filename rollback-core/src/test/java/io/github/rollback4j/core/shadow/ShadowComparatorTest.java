package io.github.rollback4j.core.shadow;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ShadowComparatorTest {

    @Test
    void exactUsesEqualsAndArrayContent() {
        ShadowComparator<Object> exact = ShadowComparator.exact();
        assertThat(exact.compare("a", "a").match()).isTrue();
        assertThat(exact.compare("a", "b").match()).isFalse();
        assertThat(exact.compare(null, null).match()).isTrue();
        assertThat(exact.compare(null, "b").match()).isFalse();
        assertThat(exact.compare(new int[] {1, 2}, new int[] {1, 2}).match()).isTrue();
        assertThat(exact.compare(new int[] {1, 2}, new int[] {2, 1}).match()).isFalse();
        assertThat(exact.compare("a", "a").hasDistance()).isFalse();
    }

    @Test
    void numericAbsoluteTolerance() {
        ShadowComparator<Double> c = ShadowComparator.numeric(0.01, 0.0);
        assertThat(c.compare(1.0, 1.005).match()).isTrue();
        assertThat(c.compare(1.0, 1.02).match()).isFalse();
        assertThat(c.compare(1.0, 1.02).distance()).isCloseTo(0.02, within(1e-12));
        assertThat(c.compare(Double.NaN, Double.NaN).match()).isTrue();
        assertThat(c.compare(Double.NaN, 1.0).match()).isFalse();
        assertThat(c.compare(null, null).match()).isTrue();
        assertThat(c.compare(1.0, null).match()).isFalse();
    }

    @Test
    void numericRelativeToleranceScalesWithMagnitude() {
        ShadowComparator<Number> c = ShadowComparator.numeric(0.0, 0.01);
        assertThat(c.compare(1000, 1009).match()).isTrue();
        assertThat(c.compare(1000, 1011).match()).isFalse();
        assertThat(c.compare(1.0, 1.011).match()).isFalse();
        assertThat(c.compare(7L, 7L).match()).isTrue();
    }

    @Test
    void elementWiseComparesEveryElementAndReportsTheLargestDifference() {
        ShadowComparator<double[]> c = ShadowComparator.elementWise(0.1, 0.0);
        ShadowComparison ok = c.compare(new double[] {1, 2, 3}, new double[] {1.05, 2, 2.92});
        assertThat(ok.match()).isTrue();
        assertThat(ok.distance()).isCloseTo(0.08, within(1e-9));
        ShadowComparison bad = c.compare(new double[] {1, 2, 3}, new double[] {1, 2.5, 3});
        assertThat(bad.match()).isFalse();
        assertThat(bad.distance()).isCloseTo(0.5, within(1e-9));
        ShadowComparison length = c.compare(new double[] {1, 2}, new double[] {1, 2, 3});
        assertThat(length.match()).isFalse();
        assertThat(length.distance()).isInfinite();
    }

    @Test
    void labelAgreement() {
        record Prediction(String label, double score) { }
        ShadowComparator<Prediction> c = ShadowComparator.labels(Prediction::label);
        assertThat(c.compare(new Prediction("cat", 0.9), new Prediction("cat", 0.6)).match()).isTrue();
        ShadowComparison differ = c.compare(new Prediction("cat", 0.9), new Prediction("dog", 0.9));
        assertThat(differ.match()).isFalse();
        assertThat(differ.distance()).isEqualTo(1.0);
        ShadowComparator<Double> threshold = ShadowComparator.labels(score -> score >= 0.5);
        assertThat(threshold.compare(0.7, 0.51).match()).isTrue();
        assertThat(threshold.compare(0.7, 0.49).match()).isFalse();
    }

    @Test
    void topKOverlapAtK() {
        ShadowComparator<List<String>> c = ShadowComparator.topK(list -> list, 3, 2.0 / 3);
        ShadowComparison twoOfThree = c.compare(List.of("a", "b", "c", "d"), List.of("c", "a", "x", "b"));
        assertThat(twoOfThree.match()).isTrue();
        assertThat(twoOfThree.distance()).isCloseTo(1.0 / 3, within(1e-12));
        ShadowComparison oneOfThree = c.compare(List.of("a", "b", "c"), List.of("a", "x", "y"));
        assertThat(oneOfThree.match()).isFalse();
        assertThat(c.compare(List.of(), List.of()).match()).isTrue();
        assertThat(c.compare(List.of("a"), List.of("a")).distance()).isEqualTo(0.0);
        assertThat(c.compare(List.of("a", "a", "b"), List.of("a", "a", "c")).distance())
                .isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void userDefinedComparators() {
        ShadowComparator<Map<String, Integer>> sameKeys = ShadowComparator.matching((a, b) -> a.keySet().equals(b.keySet()));
        assertThat(sameKeys.compare(Map.of("x", 1), Map.of("x", 2)).match()).isTrue();
        assertThat(sameKeys.compare(Map.of("x", 1), Map.of("y", 1)).match()).isFalse();
        ShadowComparator<String> lambda = (a, b) -> ShadowComparison.of(a.equalsIgnoreCase(b), Math.abs(a.length() - b.length()));
        assertThat(lambda.compare("Cat", "cat")).isEqualTo(ShadowComparison.of(true, 0));
    }

    @Test
    void badSettingsNameTheFieldTheValueAndTheRange() {
        assertThatThrownBy(() -> ShadowComparator.numeric(-1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absoluteTolerance").hasMessageContaining("-1.0")
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> ShadowComparator.elementWise(0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relativeTolerance").hasMessageContaining("NaN");
        assertThatThrownBy(() -> ShadowComparator.topK(l -> List.of(), 0, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be in [1, 10000]").hasMessageContaining("0");
        assertThatThrownBy(() -> ShadowComparator.topK(l -> List.of(), 3, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minOverlap").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ShadowComparison.of(false, -0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distance");
    }
}
