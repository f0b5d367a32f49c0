package io.github.rollback4j.core.telemetry;

import com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping;

import java.util.Arrays;

/**
 * The bucket layout of {@link ValueWindow} and {@link ValueSnapshot}: DDSketch-style logarithmic
 * buckets for arbitrary finite doubles, negative, zero and positive, numbered in ascending order of
 * value so that bucket counts of two snapshots of the same layout line up index by index (for drift
 * statistics such as PSI, Jensen-Shannon or Wasserstein).
 *
 * <h2>Layout</h2>
 * Magnitudes from {@link #minMagnitude()} to {@link #maxMagnitude()} are mapped with DDSketch's cubically
 * interpolated logarithmic mapping ({@code com.datadoghq.sketch.ddsketch.mapping.CubicallyInterpolatedMapping},
 * no {@code Math.log} on the record path) into {@code P} magnitude buckets. With {@code P} of them per
 * sign, the {@link #size()} {@code = 2P + 1} buckets are, in ascending order of value:
 * <ul>
 *   <li>{@code 0 .. P-1}: negative values, from the most negative (magnitude bucket {@code P-1}) to the
 *   least negative;</li>
 *   <li>{@link #zeroBucket()} {@code = P}: zero and every value of magnitude below {@link #minMagnitude()};</li>
 *   <li>{@code P+1 .. 2P}: positive values, from the smallest to the largest.</li>
 * </ul>
 * Values of magnitude above {@link #maxMagnitude()} are clamped into the outermost bucket of their sign.
 *
 * <h2>Accuracy</h2>
 * Every bucket has a {@link #representative(int) representative} value (0 for the zero bucket). For a
 * value {@code x} with {@code minMagnitude <= |x| <= maxMagnitude}, the representative of its bucket is
 * within {@link #relativeAccuracy()} of {@code x}: {@code |rep − x| <= relativeAccuracy × |x|}. Values
 * in the zero bucket are represented by 0 (absolute error below {@code minMagnitude}); clamped values
 * by about {@code ±maxMagnitude}.
 *
 * <h2>Sizes</h2>
 * {@link #standard()} (2 %, 1e-9..1e9): 1,048 buckets per sign, 2,097 in all. Other layouts from
 * {@link #of(double, double, double)}, for example 5 % over 1e-6..1e6: 280 per sign, 561 in all; 2 % over
 * 1e-4..1e4: 466 per sign, 933 in all. The memory of a {@link ValueWindow} grows linearly with
 * {@link #size()}; one layout object is shared by every window that uses it.
 *
 * <p>Immutable and thread-safe. Two layouts are equal when built with the same three parameters.
 */
public final class ValueBuckets {

    /** Relative accuracy of {@link #standard()}: 2 %. */
    public static final double DEFAULT_RELATIVE_ACCURACY = 0.02;
    /** Smallest magnitude {@link #standard()} tells apart from zero: 1e-9. */
    public static final double DEFAULT_MIN_MAGNITUDE = 1e-9;
    /** Largest magnitude {@link #standard()} tells apart: 1e9; larger ones are clamped. */
    public static final double DEFAULT_MAX_MAGNITUDE = 1e9;
    /** Smallest relative accuracy {@link #of(double, double, double)} accepts: 0.1 %. */
    public static final double MIN_RELATIVE_ACCURACY = 0.001;
    /** Largest relative accuracy {@link #of(double, double, double)} accepts: 50 %. */
    public static final double MAX_RELATIVE_ACCURACY = 0.5;
    /** Most buckets a layout may have, both signs and zero together: 65,537. */
    public static final int MAX_SIZE = 65_537;

    private static final ValueBuckets STANDARD =
            new ValueBuckets(DEFAULT_RELATIVE_ACCURACY, DEFAULT_MIN_MAGNITUDE, DEFAULT_MAX_MAGNITUDE);

    private final double requestedAccuracy;
    private final double minMagnitude;
    private final double maxMagnitude;
    private final CubicallyInterpolatedMapping mapping;
    private final int minIndex;
    private final int perSign;
    private final int size;
    /** Representatives in bucket order, strictly ascending. */
    private final double[] representatives;

    private ValueBuckets(double relativeAccuracy, double minMagnitude, double maxMagnitude) {
        this.requestedAccuracy = relativeAccuracy;
        this.minMagnitude = minMagnitude;
        this.maxMagnitude = maxMagnitude;
        this.mapping = new CubicallyInterpolatedMapping(relativeAccuracy);
        this.minIndex = mapping.index(minMagnitude);
        this.perSign = mapping.index(maxMagnitude) - minIndex + 1;
        this.size = 2 * perSign + 1;
        this.representatives = new double[size];
        for (int m = 0; m < perSign; m++) {
            double value = mapping.value(m + minIndex);
            representatives[perSign + 1 + m] = value;
            representatives[perSign - 1 - m] = -value;
        }
    }

    /** @return the default layout: relative accuracy 2 %, magnitudes 1e-9..1e9, 2,097 buckets */
    public static ValueBuckets standard() {
        return STANDARD;
    }

    /**
     * @param relativeAccuracy the bound on the relative error of a representative, 0.001..0.5
     * @param minMagnitude     the smallest magnitude told apart from zero, positive
     * @param maxMagnitude     the largest magnitude told apart from larger ones, above {@code minMagnitude}, finite
     * @return the layout; {@link #standard()} for the default parameters
     * @throws IllegalArgumentException naming the parameter, its value and its range, or when the layout would
     *     have more than {@link #MAX_SIZE} buckets
     */
    public static ValueBuckets of(double relativeAccuracy, double minMagnitude, double maxMagnitude) {
        if (!(relativeAccuracy >= MIN_RELATIVE_ACCURACY && relativeAccuracy <= MAX_RELATIVE_ACCURACY)) {
            throw new IllegalArgumentException("ValueBuckets.of: relativeAccuracy must be between " + MIN_RELATIVE_ACCURACY
                    + " and " + MAX_RELATIVE_ACCURACY + ", but was " + relativeAccuracy);
        }
        if (!(minMagnitude >= Double.MIN_NORMAL * 1e10) || !(maxMagnitude > minMagnitude) || !(maxMagnitude <= Double.MAX_VALUE / 1e10)) {
            throw new IllegalArgumentException("ValueBuckets.of: minMagnitude and maxMagnitude must satisfy 2.2e-298 <= minMagnitude"
                    + " < maxMagnitude <= 1.8e298, but were " + minMagnitude + " and " + maxMagnitude);
        }
        if (relativeAccuracy == DEFAULT_RELATIVE_ACCURACY && minMagnitude == DEFAULT_MIN_MAGNITUDE
                && maxMagnitude == DEFAULT_MAX_MAGNITUDE) {
            return STANDARD;
        }
        CubicallyInterpolatedMapping probe = new CubicallyInterpolatedMapping(relativeAccuracy);
        long buckets = 2L * ((long) probe.index(maxMagnitude) - probe.index(minMagnitude) + 1) + 1;
        if (buckets > MAX_SIZE) {
            throw new IllegalArgumentException("ValueBuckets.of(" + relativeAccuracy + ", " + minMagnitude + ", " + maxMagnitude
                    + ") would have " + buckets + " buckets, more than " + MAX_SIZE
                    + ": widen the relative accuracy or narrow the magnitudes");
        }
        return new ValueBuckets(relativeAccuracy, minMagnitude, maxMagnitude);
    }

    /**
     * @return the bound on the relative error of a representative against the values of its bucket (the
     *     mapping's own figure, the requested accuracy up to floating-point rounding: 0.02000000000000002
     *     for {@link #standard()})
     */
    public double relativeAccuracy() {
        return mapping.relativeAccuracy();
    }

    /** @return the smallest magnitude told apart from zero; smaller ones count as zero */
    public double minMagnitude() {
        return minMagnitude;
    }

    /** @return the largest magnitude told apart from larger ones; larger ones are clamped to it */
    public double maxMagnitude() {
        return maxMagnitude;
    }

    /** @return the number of buckets, {@code 2P + 1} (2,097 for {@link #standard()}) */
    public int size() {
        return size;
    }

    /** @return the index of the zero bucket, {@code P}; negative buckets are below it, positive ones above */
    public int zeroBucket() {
        return perSign;
    }

    /**
     * The record-path mapping: allocation-free, never throws.
     *
     * @param value a finite value (NaN maps to the zero bucket, infinities to the outermost buckets)
     * @return its bucket, {@code 0 <= b < size()}
     */
    public int bucketOf(double value) {
        double magnitude = Math.abs(value);
        if (!(magnitude >= minMagnitude)) {
            return perSign;
        }
        int m = mapping.index(Math.min(magnitude, maxMagnitude)) - minIndex;
        return value > 0 ? perSign + 1 + m : perSign - 1 - m;
    }

    /**
     * @param bucket a bucket, {@code 0 <= bucket < size()}
     * @return the value that represents every value of the bucket: 0 for the zero bucket, otherwise within
     *     {@link #relativeAccuracy()} of each of them; strictly ascending with the bucket index
     * @throws IndexOutOfBoundsException if the bucket is out of range
     */
    public double representative(int bucket) {
        return representatives[bucket];
    }

    /**
     * @param bucket a bucket, {@code 0 <= bucket < size()}
     * @return the least value the bucket holds: {@code -Infinity} for the most negative bucket (which
     *     holds the clamped values), {@code -minMagnitude} for the zero bucket
     * @throws IndexOutOfBoundsException if the bucket is out of range
     */
    public double lowerBound(int bucket) {
        checkIndex(bucket);
        if (bucket == perSign) {
            return -minMagnitude;
        }
        if (bucket > perSign) {
            int m = bucket - perSign - 1;
            return m == 0 ? minMagnitude : mapping.lowerBound(m + minIndex);
        }
        int m = perSign - 1 - bucket;
        return m == perSign - 1 ? Double.NEGATIVE_INFINITY : -mapping.upperBound(m + minIndex);
    }

    /**
     * @param bucket a bucket, {@code 0 <= bucket < size()}
     * @return the greatest value the bucket holds: {@code +Infinity} for the most positive bucket (which
     *     holds the clamped values), {@code +minMagnitude} for the zero bucket
     * @throws IndexOutOfBoundsException if the bucket is out of range
     */
    public double upperBound(int bucket) {
        return -lowerBound(size - 1 - bucket);
    }

    /**
     * @param value a value, not NaN
     * @return the last bucket whose representative is at or below {@code value}, or -1 when there is none
     */
    int lastBucketAtOrBelow(double value) {
        int i = Arrays.binarySearch(representatives, value);
        return i >= 0 ? i : -i - 2;
    }

    private void checkIndex(int bucket) {
        if (bucket < 0 || bucket >= size) {
            throw new IndexOutOfBoundsException("bucket " + bucket + " is outside 0.." + (size - 1) + " of " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ValueBuckets)) {
            return false;
        }
        ValueBuckets other = (ValueBuckets) o;
        return Double.compare(requestedAccuracy, other.requestedAccuracy) == 0
                && Double.compare(minMagnitude, other.minMagnitude) == 0
                && Double.compare(maxMagnitude, other.maxMagnitude) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(requestedAccuracy) * 961 + Double.hashCode(minMagnitude) * 31 + Double.hashCode(maxMagnitude);
    }

    @Override
    public String toString() {
        return "ValueBuckets{relativeAccuracy=" + requestedAccuracy + ", magnitudes=" + minMagnitude + ".." + maxMagnitude
                + ", size=" + size + "}";
    }
}
