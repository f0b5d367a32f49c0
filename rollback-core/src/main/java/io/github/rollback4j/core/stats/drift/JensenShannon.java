package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.telemetry.FieldProfile;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Jensen-Shannon distance of a categorical field from its reference, with logarithms to base 2:
 * <pre>{@code   m = (p + q) / 2,   JSD = (KL(p ‖ m) + KL(q ‖ m)) / 2,   distance = sqrt(JSD),   0 <= distance <= 1}</pre>
 * over the union of the categories ({@code p}, {@code q}: the shares of the reference and the current
 * counts; a category absent from one side has share 0 there, and {@code 0 · log 0 = 0}, so no epsilon is
 * needed). Exactly {@code scipy.spatial.distance.jensenshannon(p, q, base=2)}. Symmetric, a metric, 0 for
 * equal distributions and 1 for disjoint ones. Missing values are not a category here: their rate is a
 * separate data-quality check. {@link FieldProfile#OTHER} is a category like any other.
 *
 * <p>Levels: warn at 0.13, act at 0.21 by default ({@link DriftThresholds#JENSEN_SHANNON_DEFAULT}): for small
 * changes {@code distance ≈ sqrt(PSI / (8 ln 2))}, which puts PSI's 0.1 and 0.25 there.
 *
 * <p>Stateless and thread-safe. Cost: {@code O(categories)}.
 */
public final class JensenShannon {

    private static final double LN2 = Math.log(2.0);

    private JensenShannon() {
    }

    /**
     * @param reference count per category of the reference, each at least 0
     * @param current   count per category of the current window, each at least 0
     * @return the distance, with {@link DriftThresholds#JENSEN_SHANNON_DEFAULT}
     * @throws IllegalArgumentException if a count is negative or null, naming its category
     */
    public static JensenShannonResult compute(Map<String, Long> reference, Map<String, Long> current) {
        return compute(reference, current, DriftThresholds.JENSEN_SHANNON_DEFAULT);
    }

    /**
     * @param reference  count per category of the reference, each at least 0
     * @param current    count per category of the current window, each at least 0
     * @param thresholds thresholds on the distance
     * @return the distance; NaN and {@link DriftLevel#INCONCLUSIVE} when either has no count
     * @throws IllegalArgumentException if a count is negative or null, naming its category
     */
    public static JensenShannonResult compute(Map<String, Long> reference, Map<String, Long> current,
                                              DriftThresholds thresholds) {
        Objects.requireNonNull(thresholds, "JensenShannon.compute: thresholds must not be null");
        Map<String, Long> ref = ReferenceProfile.orderedCategories(reference, "JensenShannon.compute: reference", true);
        Map<String, Long> cur = ReferenceProfile.orderedCategories(current, "JensenShannon.compute: current", true);
        // Totals in double: the counts are longs, and two or more near Long.MAX_VALUE would overflow a long sum
        // (negative shares, NaN). The reported totals saturate at Long.MAX_VALUE instead.
        double refTotal = sum(ref);
        double curTotal = sum(cur);
        Set<String> union = new LinkedHashSet<>(ref.keySet());
        union.addAll(cur.keySet());
        int unseen = 0;
        double unseenCount = 0;
        for (Map.Entry<String, Long> e : cur.entrySet()) {
            if (!ref.containsKey(e.getKey())) {
                unseen++;
                unseenCount += e.getValue();
            }
        }
        double unseenShare = curTotal == 0 ? Double.NaN : unseenCount / curTotal;
        long refCount = saturatingSum(ref);
        long curCount = saturatingSum(cur);
        if (refTotal == 0 || curTotal == 0) {
            return new JensenShannonResult(Double.NaN, refCount, curCount, union.size(), unseen, unseenShare,
                    DriftLevel.INCONCLUSIVE);
        }
        double left = 0.0;
        double right = 0.0;
        for (String category : union) {
            double p = ref.getOrDefault(category, 0L) / refTotal;
            double q = cur.getOrDefault(category, 0L) / curTotal;
            double m = (p + q) / 2.0;
            left += relativeEntropy(p, m);
            right += relativeEntropy(q, m);
        }
        double js = Math.max(0.0, (left + right) / LN2 / 2.0);
        double distance = Math.min(1.0, Math.sqrt(js));
        return new JensenShannonResult(distance, refCount, curCount, union.size(), unseen, unseenShare,
                thresholds.level(distance));
    }

    /**
     * @param reference the reference window's category counts (missing values excluded)
     * @param current   the current window's category counts
     * @return the distance, with {@link DriftThresholds#JENSEN_SHANNON_DEFAULT}
     */
    public static JensenShannonResult compute(CategorySnapshot reference, CategorySnapshot current) {
        return compute(reference, current, DriftThresholds.JENSEN_SHANNON_DEFAULT);
    }

    /**
     * @param reference  the reference window's category counts (missing values excluded)
     * @param current    the current window's category counts
     * @param thresholds thresholds on the distance
     * @return the distance; NaN and {@link DriftLevel#INCONCLUSIVE} when either has no count
     */
    public static JensenShannonResult compute(CategorySnapshot reference, CategorySnapshot current,
                                              DriftThresholds thresholds) {
        Objects.requireNonNull(reference, "JensenShannon.compute: reference must not be null");
        Objects.requireNonNull(current, "JensenShannon.compute: current must not be null");
        return compute(reference.counts(), current.counts(), thresholds);
    }

    /**
     * @param reference a categorical reference profile
     * @param current   the current window's category counts
     * @return the distance, with {@link DriftThresholds#JENSEN_SHANNON_DEFAULT}
     * @throws IllegalArgumentException if the profile is numeric
     */
    public static JensenShannonResult compute(ReferenceProfile reference, CategorySnapshot current) {
        return compute(reference, current, DriftThresholds.JENSEN_SHANNON_DEFAULT);
    }

    /**
     * @param reference  a categorical reference profile
     * @param current    the current window's category counts
     * @param thresholds thresholds on the distance
     * @return the distance; NaN and {@link DriftLevel#INCONCLUSIVE} when either has no count
     * @throws IllegalArgumentException if the profile is numeric
     */
    public static JensenShannonResult compute(ReferenceProfile reference, CategorySnapshot current,
                                              DriftThresholds thresholds) {
        Objects.requireNonNull(reference, "JensenShannon.compute: reference must not be null");
        if (reference.kind() != FieldProfile.Kind.CATEGORICAL) {
            throw new IllegalArgumentException("JensenShannon.compute: reference must be a CATEGORICAL profile, but "
                    + reference.field() + " is " + reference.kind());
        }
        Objects.requireNonNull(current, "JensenShannon.compute: current must not be null");
        return compute(reference.categories(), current.counts(), thresholds);
    }

    private static double relativeEntropy(double x, double y) {
        return x > 0.0 ? x * Math.log(x / y) : 0.0;
    }

    private static double sum(Map<String, Long> counts) {
        double total = 0;
        for (long c : counts.values()) {
            total += c;
        }
        return total;
    }

    /** @return the sum of the counts, or {@link Long#MAX_VALUE} when it does not fit a long */
    static long saturatingSum(Iterable<Long> counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
            if (total < 0) {
                return Long.MAX_VALUE; // counts are >= 0, so a negative running sum is an overflow
            }
        }
        return total;
    }

    private static long saturatingSum(Map<String, Long> counts) {
        return saturatingSum(counts.values());
    }

    /**
     * @param counts count per category, each at least 0
     * @return their sum, {@link Long#MAX_VALUE} when it does not fit a long
     */
    public static long total(Map<String, Long> counts) {
        return saturatingSum(counts.values());
    }
}
