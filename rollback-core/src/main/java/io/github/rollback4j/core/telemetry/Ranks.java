package io.github.rollback4j.core.telemetry;

/**
 * The quantile definition every estimator in this package uses: the lower, nearest-rank quantile.
 * Stateless and thread-safe.
 */
final class Ranks {

    /** q·n within this relative distance of an integer counts as that integer (binary floating-point error). */
    private static final double RANK_TOLERANCE = 1e-12;

    private Ranks() {
    }

    /**
     * The 1-based rank of the q-quantile among {@code n} sorted samples: {@code ceil(q·n)}, at least 1.
     * The exact q-quantile is the sample at that rank; {@code q = 0.07, n = 100} gives rank 7 although
     * {@code 0.07 * 100} is {@code 7.000000000000001} in binary floating point.
     *
     * @param q the quantile, 0.0..1.0
     * @param n the number of samples, at least 1
     * @return the rank, {@code 1..n}
     */
    static long nearestRank(double q, long n) {
        double exact = q * n;
        long rank = (long) Math.ceil(exact - exact * RANK_TOLERANCE);
        return Math.max(1L, Math.min(n, rank));
    }

    /**
     * The bucket holding the sample of a given rank, walking cumulative counts in ascending order.
     *
     * @param counts per-bucket counts, buckets in ascending order of value
     * @param rank a 1-based rank, at most the sum of {@code counts}
     * @return the bucket's index
     */
    static int bucketAtRank(long[] counts, long rank) {
        long cumulative = 0;
        for (int b = 0; b < counts.length; b++) {
            cumulative += counts[b];
            if (cumulative >= rank) {
                return b;
            }
        }
        throw new AssertionError("rank " + rank + " beyond the count " + cumulative);
    }

    /**
     * @param q the requested quantile
     * @throws IllegalArgumentException when q is not between 0.0 and 1.0 (NaN included)
     */
    static void requireValidQuantile(double q) {
        requireValidQuantile(q, "LatencyEstimator.quantile(q)");
    }

    /**
     * @param q      the requested quantile
     * @param method how the caller is named in the message, e.g. {@code "ValueSnapshot.quantile(q)"}
     * @throws IllegalArgumentException when q is not between 0.0 and 1.0 (NaN included)
     */
    static void requireValidQuantile(double q, String method) {
        if (!(q >= 0.0 && q <= 1.0)) {
            throw new IllegalArgumentException(method + " needs q between 0.0 and 1.0, but was " + q);
        }
    }
}
