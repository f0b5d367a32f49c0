package io.github.rollback4j.spi;

import io.github.rollback4j.ReleaseId;

import java.util.Objects;

/**
 * A run of routing buckets owned by one release: buckets {@code from} (inclusive) to {@code to}
 * (exclusive), within 0..10000. A segment's allocation is a list of ranges that covers every bucket
 * exactly once; a release's weight in basis points is the number of buckets it owns.
 *
 * <p>Immutable and thread-safe.
 *
 * @param release the owner
 * @param from first bucket, 0..9999
 * @param to one past the last bucket, 1..10000, greater than {@code from}
 */
public record BucketRange(ReleaseId release, int from, int to) {

    /** Number of buckets: one bucket is one basis point (0.01 %) of a segment's traffic. */
    public static final int BUCKETS = 10_000;

    /**
     * @throws IllegalArgumentException when the range is empty or outside 0..10000
     */
    public BucketRange {
        Objects.requireNonNull(release, "BucketRange.release must not be null");
        if (from < 0 || to > BUCKETS || from >= to) {
            throw new IllegalArgumentException("BucketRange must satisfy 0 <= from < to <= " + BUCKETS + ", but was from="
                    + from + ", to=" + to);
        }
    }

    /** @return the number of buckets, i.e. basis points of traffic */
    public int size() {
        return to - from;
    }
}
