package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.spi.BucketRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves buckets between releases with the fewest moves, which is what makes sticky routing
 * monotone for any number of releases: a release whose weight shrinks gives up its highest buckets,
 * a release whose weight grows takes the lowest freed buckets, every other bucket stays where it
 * is. So a growing release keeps every key it had, a shrinking release gains none, an unchanged
 * release keeps exactly its keys.
 *
 * <p>A pure function of the current allocation and the target weights; stateless and thread-safe.
 */
public final class BucketAllocator {

    static final int BUCKETS = BucketRange.BUCKETS;

    private BucketAllocator() {
    }

    /**
     * @param owner the release that owns all buckets
     * @return one range covering every bucket
     */
    public static List<BucketRange> all(ReleaseId owner) {
        return List.of(new BucketRange(owner, 0, BUCKETS));
    }

    /**
     * @param current the current allocation (covers every bucket once)
     * @param target release to basis points, summing to 10000
     * @return the new allocation as sorted, merged ranges
     */
    public static List<BucketRange> reallocate(List<BucketRange> current, Map<ReleaseId, Integer> target) {
        ReleaseId[] owners = expand(current);
        Map<ReleaseId, Integer> have = new HashMap<>();
        for (ReleaseId owner : owners) {
            have.merge(owner, 1, Integer::sum);
        }
        // Shrinking releases give up their highest buckets.
        int[] freed = new int[BUCKETS];
        int freedCount = 0;
        Map<ReleaseId, Integer> surplus = new HashMap<>();
        have.forEach((release, count) -> {
            int excess = count - target.getOrDefault(release, 0);
            if (excess > 0) {
                surplus.put(release, excess);
            }
        });
        for (int bucket = BUCKETS - 1; bucket >= 0 && !surplus.isEmpty(); bucket--) {
            Integer excess = surplus.get(owners[bucket]);
            if (excess != null) {
                if (excess == 1) {
                    surplus.remove(owners[bucket]);
                } else {
                    surplus.put(owners[bucket], excess - 1);
                }
                owners[bucket] = null;
                freed[freedCount++] = bucket;
            }
        }
        java.util.Arrays.sort(freed, 0, freedCount);
        // Growing releases take the lowest freed buckets, in id order so the result is deterministic.
        List<Map.Entry<ReleaseId, Integer>> growing = new ArrayList<>(target.entrySet());
        growing.sort(Comparator.comparing(e -> e.getKey().value()));
        int next = 0;
        for (Map.Entry<ReleaseId, Integer> entry : growing) {
            int deficit = entry.getValue() - have.getOrDefault(entry.getKey(), 0);
            for (int i = 0; i < deficit; i++) {
                owners[freed[next++]] = entry.getKey();
            }
        }
        if (next != freedCount) {
            throw new IllegalStateException("bucket allocation lost " + (freedCount - next) + " buckets; target weights must sum to "
                    + BUCKETS);
        }
        return compress(owners);
    }

    /**
     * @param ranges an allocation covering every bucket once
     * @return the owner of each bucket
     */
    public static ReleaseId[] expand(List<BucketRange> ranges) {
        ReleaseId[] owners = new ReleaseId[BUCKETS];
        for (BucketRange range : ranges) {
            java.util.Arrays.fill(owners, range.from(), range.to(), range.release());
        }
        return owners;
    }

    static List<BucketRange> compress(ReleaseId[] owners) {
        List<BucketRange> ranges = new ArrayList<>();
        int start = 0;
        for (int bucket = 1; bucket <= BUCKETS; bucket++) {
            if (bucket == BUCKETS || !owners[bucket].equals(owners[start])) {
                ranges.add(new BucketRange(owners[start], start, bucket));
                start = bucket;
            }
        }
        return List.copyOf(ranges);
    }
}
