package io.github.rollback4j.core.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** The value bucket layout: order, ranges, accuracy. */
class ValueBucketsTest {

    private static final ValueBuckets STANDARD = ValueBuckets.standard();

    @Test
    void standardLayoutHas1048BucketsPerSignAndAZeroBucket() {
        assertThat(STANDARD.size()).isEqualTo(2_097);
        assertThat(STANDARD.zeroBucket()).isEqualTo(1_048);
        assertThat(STANDARD.relativeAccuracy()).isCloseTo(0.02, within(1e-12));
        assertThat(STANDARD.minMagnitude()).isEqualTo(1e-9);
        assertThat(STANDARD.maxMagnitude()).isEqualTo(1e9);
        assertThat(ValueBuckets.of(0.02, 1e-9, 1e9)).isSameAs(STANDARD);
    }

    @Test
    void representativesAscendStrictlyAndAreSymmetric() {
        for (int b = 1; b < STANDARD.size(); b++) {
            assertThat(STANDARD.representative(b)).as("bucket %d", b).isGreaterThan(STANDARD.representative(b - 1));
            assertThat(STANDARD.lowerBound(b)).isGreaterThanOrEqualTo(STANDARD.upperBound(b - 1) - 1e-12 * Math.abs(STANDARD.upperBound(b - 1)));
        }
        int zero = STANDARD.zeroBucket();
        for (int b = 0; b < STANDARD.size(); b++) {
            assertThat(STANDARD.representative(b)).isEqualTo(-STANDARD.representative(STANDARD.size() - 1 - b));
            if (Math.abs(b - zero) != 1) {
                assertThat(STANDARD.representative(b)).as("bucket %d", b).isBetween(STANDARD.lowerBound(b), STANDARD.upperBound(b));
            }
        }
        // The innermost buckets hold magnitudes from 1e-9 up; DDSketch's representative of their index is
        // 9.86e-10, just inside the zero threshold, and still within 2 % of every value they hold.
        assertThat(STANDARD.representative(zero + 1)).isCloseTo(1e-9, withinPercentage(2));
        assertThat(STANDARD.representative(STANDARD.zeroBucket())).isZero();
    }

    @Test
    void smallMagnitudesCountAsZeroAndLargeOnesClamp() {
        int zero = STANDARD.zeroBucket();
        assertThat(STANDARD.bucketOf(0.0)).isEqualTo(zero);
        assertThat(STANDARD.bucketOf(-0.0)).isEqualTo(zero);
        assertThat(STANDARD.bucketOf(9.99e-10)).isEqualTo(zero);
        assertThat(STANDARD.bucketOf(-9.99e-10)).isEqualTo(zero);
        assertThat(STANDARD.bucketOf(1e-9)).isEqualTo(zero + 1);
        assertThat(STANDARD.bucketOf(-1e-9)).isEqualTo(zero - 1);
        assertThat(STANDARD.bucketOf(1e9)).isEqualTo(STANDARD.size() - 1);
        assertThat(STANDARD.bucketOf(1e300)).isEqualTo(STANDARD.size() - 1);
        assertThat(STANDARD.bucketOf(-1e300)).isZero();
        assertThat(STANDARD.lowerBound(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(STANDARD.upperBound(STANDARD.size() - 1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(STANDARD.lowerBound(zero)).isEqualTo(-1e-9);
        assertThat(STANDARD.upperBound(zero)).isEqualTo(1e-9);
        assertThat(STANDARD.lowerBound(zero + 1)).isEqualTo(1e-9);
        assertThat(STANDARD.upperBound(zero - 1)).isEqualTo(-1e-9);
        assertThatThrownBy(() -> STANDARD.lowerBound(STANDARD.size())).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void customLayoutsAreValidatedAndCompareByParameters() {
        ValueBuckets coarse = ValueBuckets.of(0.05, 1e-6, 1e6);
        assertThat(coarse.size()).isEqualTo(561);
        assertThat(coarse).isEqualTo(ValueBuckets.of(0.05, 1e-6, 1e6)).hasSameHashCodeAs(ValueBuckets.of(0.05, 1e-6, 1e6));
        assertThat(coarse).isNotEqualTo(STANDARD);

        assertThatThrownBy(() -> ValueBuckets.of(0.0005, 1e-9, 1e9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ValueBuckets.of: relativeAccuracy must be between 0.001 and 0.5, but was 5.0E-4");
        assertThatThrownBy(() -> ValueBuckets.of(Double.NaN, 1e-9, 1e9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ValueBuckets.of(0.02, 0, 1e9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ValueBuckets.of(0.02, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ValueBuckets.of(0.02, 1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ValueBuckets.of(0.001, 1e-200, 1e200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than 65537");
    }
}
