package io.github.rollback4j.core.shadow;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Decides whether the output of the shadow (candidate) model counts as the same as the primary
 * output for one input. Built-ins: {@link #exact()}, {@link #numeric(double, double)},
 * {@link #elementWise(double, double)}, {@link #labels(Function)},
 * {@link #topK(Function, int, double)}; a user-defined comparator is any lambda, or
 * {@link #matching(BiPredicate)}.
 *
 * <p>Thread-safety: a comparator is called concurrently from the shadow executor's threads and must
 * be thread-safe; all built-ins are. It must not change either output. An exception thrown by a
 * comparator is counted as a shadow error, never propagated to the caller.
 *
 * @param <O> the model's output type
 */
@FunctionalInterface
public interface ShadowComparator<O> {

    /**
     * Compares two outputs for the same input.
     *
     * @param primary the output the caller received (from the serving release); may be {@code null}
     * @param shadow the output of the shadow model; may be {@code null}
     * @return match or mismatch, with an optional distance
     */
    ShadowComparison compare(O primary, O shadow);

    /**
     * Exact equality: {@link Objects#deepEquals(Object, Object)}, so arrays compare by content.
     * No distance.
     *
     * @param <O> the output type
     * @return the comparator
     */
    static <O> ShadowComparator<O> exact() {
        return (a, b) -> ShadowComparison.of(Objects.deepEquals(a, b));
    }

    /**
     * Numeric tolerance for {@link Number} outputs (compared as {@code double}): a match when
     * {@code |a - b| <= max(absoluteTolerance, relativeTolerance * max(|a|, |b|))}. Two NaNs match,
     * two {@code null}s match, one {@code null} is a mismatch. The distance is {@code |a - b|}.
     *
     * @param absoluteTolerance absolute tolerance, in the output's unit; {@code >= 0}, finite
     * @param relativeTolerance relative tolerance as a fraction (0.01 = 1 %); {@code >= 0}, finite
     * @param <O> the output type
     * @return the comparator
     * @throws IllegalArgumentException when a tolerance is negative or not finite
     */
    static <O extends Number> ShadowComparator<O> numeric(double absoluteTolerance, double relativeTolerance) {
        Comparators.checkTolerance("absoluteTolerance", absoluteTolerance);
        Comparators.checkTolerance("relativeTolerance", relativeTolerance);
        return (a, b) -> {
            if (a == null || b == null) {
                return ShadowComparison.of(a == b);
            }
            return Comparators.compareDoubles(a.doubleValue(), b.doubleValue(), absoluteTolerance, relativeTolerance);
        };
    }

    /**
     * Element-wise numeric tolerance for {@code double[]} outputs (scores, embeddings): a match when
     * both arrays have the same length and every pair of elements is within tolerance as in
     * {@link #numeric(double, double)}. The distance is the largest element difference
     * ({@code +Infinity} when the lengths differ).
     *
     * @param absoluteTolerance absolute tolerance per element; {@code >= 0}, finite
     * @param relativeTolerance relative tolerance per element as a fraction; {@code >= 0}, finite
     * @return the comparator
     * @throws IllegalArgumentException when a tolerance is negative or not finite
     */
    static ShadowComparator<double[]> elementWise(double absoluteTolerance, double relativeTolerance) {
        Comparators.checkTolerance("absoluteTolerance", absoluteTolerance);
        Comparators.checkTolerance("relativeTolerance", relativeTolerance);
        return (a, b) -> {
            if (a == null || b == null) {
                return ShadowComparison.of(a == b);
            }
            if (a.length != b.length) {
                return ShadowComparison.of(false, Double.POSITIVE_INFINITY);
            }
            boolean match = true;
            double max = 0;
            for (int i = 0; i < a.length; i++) {
                ShadowComparison c = Comparators.compareDoubles(a[i], b[i], absoluteTolerance, relativeTolerance);
                match &= c.match();
                if (c.distance() > max) {
                    max = c.distance();
                }
            }
            return ShadowComparison.of(match, max);
        };
    }

    /**
     * Label agreement: both outputs are mapped to a label (class, decision, bucket) and compared with
     * {@link Objects#equals(Object, Object)}. The distance is 0 on agreement, 1 otherwise.
     *
     * @param labelOf turns an output into its label; must be thread-safe
     * @param <O> the output type
     * @return the comparator
     */
    static <O> ShadowComparator<O> labels(Function<? super O, ?> labelOf) {
        Objects.requireNonNull(labelOf, "ShadowComparator.labels(labelOf) needs a label function");
        return (a, b) -> {
            boolean same = Objects.equals(labelOf.apply(a), labelOf.apply(b));
            return ShadowComparison.of(same, same ? 0.0 : 1.0);
        };
    }

    /**
     * Top-k overlap for ranked outputs (recommendations, search results): overlap@k is the number of
     * items the first {@code k} of both rankings share, divided by {@code min(k, max(size_a, size_b))}
     * (1.0 when both are empty). A match when overlap@k {@code >= minOverlap}. The distance is
     * {@code 1 - overlap@k}. Order within the top k does not matter.
     *
     * @param rankingOf turns an output into its ranked list, best first; must be thread-safe
     * @param k how many leading items to compare; 1 to 10,000
     * @param minOverlap the smallest overlap@k that still matches; 0.0 to 1.0
     * @param <O> the output type
     * @return the comparator
     * @throws IllegalArgumentException when k or minOverlap is out of range
     */
    static <O> ShadowComparator<O> topK(Function<? super O, ? extends List<?>> rankingOf, int k, double minOverlap) {
        Objects.requireNonNull(rankingOf, "ShadowComparator.topK(rankingOf, ...) needs a ranking function");
        if (k < 1 || k > 10_000) {
            throw new IllegalArgumentException("ShadowComparator.topK k must be in [1, 10000], but was " + k);
        }
        if (!(minOverlap >= 0.0 && minOverlap <= 1.0)) {
            throw new IllegalArgumentException("ShadowComparator.topK minOverlap must be in [0.0, 1.0], but was " + minOverlap);
        }
        return (a, b) -> {
            List<?> ra = a == null ? List.of() : rankingOf.apply(a);
            List<?> rb = b == null ? List.of() : rankingOf.apply(b);
            List<?> ta = ra.subList(0, Math.min(k, ra.size()));
            List<?> tb = rb.subList(0, Math.min(k, rb.size()));
            int denominator = Math.min(k, Math.max(ta.size(), tb.size()));
            double overlap;
            if (denominator == 0) {
                overlap = 1.0;
            } else {
                Set<Object> inA = new HashSet<>(ta);
                Set<Object> seen = new HashSet<>();
                int shared = 0;
                for (Object item : tb) {
                    if (inA.contains(item) && seen.add(item)) {
                        shared++;
                    }
                }
                overlap = (double) shared / denominator;
            }
            return ShadowComparison.of(overlap >= minOverlap, 1.0 - overlap);
        };
    }

    /**
     * A user-defined equivalence without a distance.
     *
     * @param same {@code true} when the two outputs count as the same; must be thread-safe
     * @param <O> the output type
     * @return the comparator
     */
    static <O> ShadowComparator<O> matching(BiPredicate<? super O, ? super O> same) {
        Objects.requireNonNull(same, "ShadowComparator.matching(same) needs a predicate");
        return (a, b) -> ShadowComparison.of(same.test(a, b));
    }
}

/** Helpers of the built-in comparators. */
final class Comparators {

    private Comparators() {
    }

    static void checkTolerance(String field, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("ShadowComparator " + field + " must be finite and >= 0, but was " + value);
        }
    }

    static ShadowComparison compareDoubles(double a, double b, double abs, double rel) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            boolean both = Double.isNaN(a) && Double.isNaN(b);
            return ShadowComparison.of(both, both ? 0.0 : Double.POSITIVE_INFINITY);
        }
        if (a == b) {
            return ShadowComparison.of(true, 0.0);
        }
        double diff = Math.abs(a - b);
        double allowed = Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
        return ShadowComparison.of(diff <= allowed, diff);
    }
}
