package io.github.rollback4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.rollback4j.ReleaseId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Allocations as partitions of the 10000 buckets, over many shapes of partition. */
class RolloutStateProperties {

    private static final String SEED = "4242";
    private static final List<ReleaseId> RELEASES = List.of(
            ReleaseId.of("rel-00000000000000a1"), ReleaseId.of("rel-00000000000000b2"),
            ReleaseId.of("rel-00000000000000c3"), ReleaseId.of("rel-00000000000000d4"));

    /** A partition of 0..10000 into contiguous ranges, each owned by one of {@link #RELEASES}. */
    @Provide
    Arbitrary<List<BucketRange>> partitions() {
        Arbitrary<Set<Integer>> cuts = Arbitraries.integers().between(1, BucketRange.BUCKETS - 1).set().ofMaxSize(20);
        Arbitrary<List<Integer>> owners = Arbitraries.integers().between(0, RELEASES.size() - 1).list().ofSize(21);
        return Combinators.combine(cuts, owners).as((cutSet, ownerList) -> {
            List<Integer> bounds = new ArrayList<>(cutSet);
            bounds.sort(null);
            bounds.add(0, 0);
            bounds.add(BucketRange.BUCKETS);
            List<BucketRange> ranges = new ArrayList<>();
            for (int i = 0; i + 1 < bounds.size(); i++) {
                ranges.add(new BucketRange(RELEASES.get(ownerList.get(i)), bounds.get(i), bounds.get(i + 1)));
            }
            return ranges;
        });
    }

    private static RolloutState defaultOnly(List<BucketRange> ranges) {
        return new RolloutState("fraud-router", 1, RELEASES.get(0), Map.of(RolloutState.DEFAULT_SEGMENT, ranges), Set.of());
    }

    @Property(tries = 300, seed = SEED)
    void weightsOfAnyPartitionSumTo10000AndMatchTheRangesOfEachRelease(@ForAll("partitions") List<BucketRange> ranges) {
        Map<ReleaseId, Integer> weights = defaultOnly(ranges).weights("default");

        assertThat(weights.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(BucketRange.BUCKETS);
        Map<ReleaseId, Integer> expected = new LinkedHashMap<>();
        for (BucketRange range : ranges) {
            expected.merge(range.release(), range.to() - range.from(), Integer::sum);
        }
        assertThat(weights).containsExactlyEntriesOf(expected);
        assertThat(weights.values()).allSatisfy(w -> assertThat(w).isPositive());
    }

    @Property(tries = 300, seed = SEED)
    void unknownSegmentsReadTheDefaultAllocation(@ForAll("partitions") List<BucketRange> defaults,
                                                 @ForAll("partitions") List<BucketRange> euWest) {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>();
        allocations.put("default", defaults);
        allocations.put("eu-west", euWest);
        RolloutState state = new RolloutState("fraud-router", 1, RELEASES.get(0), allocations, Set.of());

        assertThat(state.weights("us-east")).isEqualTo(state.weights("default"));
        assertThat(state.weights("eu-west")).isEqualTo(defaultOnly(euWest).weights("default"));
    }

    @Property(tries = 300, seed = SEED)
    void refusesAnyPartitionWithOneRangeLeftOut(@ForAll("partitions") List<BucketRange> ranges,
                                                 @ForAll @IntRange(min = 0, max = 20) int which) {
        List<BucketRange> withGap = new ArrayList<>(ranges);
        withGap.remove(which % ranges.size());

        assertThatIllegalArgumentException().isThrownBy(() -> defaultOnly(withGap))
                .withMessageStartingWith("RolloutState.allocations['default'] must cover buckets 0..9999");
    }

    @Property(tries = 300, seed = SEED)
    void refusesAnyPartitionWithTwoRangesOverlapping(@ForAll("partitions") List<BucketRange> ranges,
                                                      @ForAll @IntRange(min = 1, max = 20) int which,
                                                      @ForAll @IntRange(min = 1, max = 500) int overlap) {
        if (ranges.size() < 2) {
            return;
        }
        int i = 1 + which % (ranges.size() - 1);
        BucketRange shifted = ranges.get(i);
        List<BucketRange> overlapping = new ArrayList<>(ranges);
        overlapping.set(i, new BucketRange(shifted.release(), Math.max(0, shifted.from() - overlap), shifted.to()));

        assertThatIllegalArgumentException().isThrownBy(() -> defaultOnly(overlapping))
                .withMessageContaining("exactly once in order");
    }

    @Property(tries = 300, seed = SEED)
    void acceptsExactlyTheNonEmptyRangesWithin0To10000(@ForAll @IntRange(min = -5, max = 10_005) int from,
                                                      @ForAll @IntRange(min = -5, max = 10_005) int to) {
        boolean valid = 0 <= from && from < to && to <= BucketRange.BUCKETS;
        if (valid) {
            assertThat(new BucketRange(RELEASES.get(0), from, to).size()).isEqualTo(to - from);
        } else {
            assertThatIllegalArgumentException().isThrownBy(() -> new BucketRange(RELEASES.get(0), from, to))
                    .withMessageContaining("but was from=" + from + ", to=" + to);
        }
    }
}
