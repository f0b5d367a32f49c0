package io.github.rollback4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.github.rollback4j.ReleaseId;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RolloutStateTest {

    private static final ReleaseId BASELINE = ReleaseId.of("rel-00000000000000b1");
    private static final ReleaseId CANDIDATE = ReleaseId.of("rel-00000000000000c1");
    private static final ReleaseId BAD = ReleaseId.of("rel-00000000000000d1");

    private static final List<BucketRange> ALL_BASELINE = List.of(new BucketRange(BASELINE, 0, 10_000));

    private static RolloutState state(Map<String, List<BucketRange>> allocations) {
        return new RolloutState("fraud-router", 1, BASELINE, allocations, Set.of());
    }

    private static RolloutState defaultOnly(BucketRange... ranges) {
        return state(Map.of(RolloutState.DEFAULT_SEGMENT, List.of(ranges)));
    }

    @Test
    void keepsAValidState() {
        RolloutState state = new RolloutState("fraud-router", 7, BASELINE,
                Map.of("default", ALL_BASELINE), Set.of(BAD));

        assertThat(state.router()).isEqualTo("fraud-router");
        assertThat(state.generation()).isEqualTo(7);
        assertThat(state.lastKnownGood()).isEqualTo(BASELINE);
        assertThat(state.allocations()).containsOnlyKeys("default");
        assertThat(state.quarantined()).containsExactly(BAD);
    }

    @Test
    void sumsRangesPerReleaseInOrderOfFirstBucket() {
        RolloutState state = defaultOnly(
                new BucketRange(CANDIDATE, 0, 100),
                new BucketRange(BASELINE, 100, 9_000),
                new BucketRange(CANDIDATE, 9_000, 9_400),
                new BucketRange(BASELINE, 9_400, 10_000));

        assertThat(state.weights("default")).containsExactly(entry(CANDIDATE, 500), entry(BASELINE, 9_500));
        assertThat(state.weights("default").values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10_000);
    }

    @Test
    void readsTheSegmentsOwnAllocationWhenItHasOne() {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>();
        allocations.put("default", ALL_BASELINE);
        allocations.put("eu-west", List.of(new BucketRange(CANDIDATE, 0, 2_500), new BucketRange(BASELINE, 2_500, 10_000)));
        RolloutState state = state(allocations);

        assertThat(state.weights("eu-west")).containsExactly(entry(CANDIDATE, 2_500), entry(BASELINE, 7_500));
        assertThat(state.weights("default")).containsExactly(entry(BASELINE, 10_000));
    }

    @Test
    void fallsBackToTheDefaultAllocationForUnknownSegments() {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>();
        allocations.put("default", List.of(new BucketRange(CANDIDATE, 0, 100), new BucketRange(BASELINE, 100, 10_000)));
        allocations.put("eu-west", ALL_BASELINE);
        RolloutState state = state(allocations);

        assertThat(state.weights("us-east")).containsExactly(entry(CANDIDATE, 100), entry(BASELINE, 9_900));
        assertThat(state.weights("us-east")).isEqualTo(state.weights("default"));
    }

    @Test
    void exposesWeightsUnmodifiable() {
        assertThatThrownBy(() -> defaultOnly(ALL_BASELINE.get(0)).weights("default").put(CANDIDATE, 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesAllocationWithAGap() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> defaultOnly(new BucketRange(CANDIDATE, 0, 5_000), new BucketRange(BASELINE, 5_001, 10_000)))
                .withMessage("RolloutState.allocations['default'] must cover buckets 0..9999 exactly once in order,"
                        + " but bucket 5000 is followed by a range starting at 5001");
    }

    @Test
    void refusesAllocationNotStartingAtBucketZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> defaultOnly(new BucketRange(BASELINE, 1, 10_000)))
                .withMessageContaining("allocations['default'] must cover buckets 0..9999 exactly once")
                .withMessageContaining("range starting at 1");
    }

    @Test
    void refusesOverlappingRanges() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> defaultOnly(new BucketRange(CANDIDATE, 0, 5_000), new BucketRange(BASELINE, 4_000, 10_000)))
                .withMessageContaining("allocations['default'] must cover buckets 0..9999 exactly once in order")
                .withMessageContaining("range starting at 4000");
    }

    @Test
    void refusesRangesOutOfOrder() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> defaultOnly(new BucketRange(BASELINE, 5_000, 10_000), new BucketRange(CANDIDATE, 0, 5_000)))
                .withMessageContaining("exactly once in order");
    }

    @Test
    void refusesAllocationNotEndingAtBucket10000() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> defaultOnly(new BucketRange(CANDIDATE, 0, 500), new BucketRange(BASELINE, 500, 9_999)))
                .withMessage("RolloutState.allocations['default'] must cover buckets 0..9999, but ends at 9999");
    }

    @Test
    void refusesEmptyAllocation() {
        assertThatIllegalArgumentException().isThrownBy(() -> defaultOnly())
                .withMessage("RolloutState.allocations['default'] must cover buckets 0..9999, but ends at 0");
    }

    @Test
    void namesTheSegmentWhoseAllocationIsBroken() {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>();
        allocations.put("default", ALL_BASELINE);
        allocations.put("eu-west", List.of(new BucketRange(CANDIDATE, 0, 2_500)));

        assertThatIllegalArgumentException().isThrownBy(() -> state(allocations))
                .withMessage("RolloutState.allocations['eu-west'] must cover buckets 0..9999, but ends at 2500");
    }

    @Test
    void refusesStateWithoutDefaultSegment() {
        assertThatIllegalArgumentException().isThrownBy(() -> state(Map.of("eu-west", ALL_BASELINE)))
                .withMessage("RolloutState.allocations must contain the segment 'default'");
        assertThat(RolloutState.DEFAULT_SEGMENT).isEqualTo("default");
    }

    @ParameterizedTest(name = "generation {0}")
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void refusesGenerationBelowOne(long generation) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RolloutState("fraud-router", generation, BASELINE, Map.of("default", ALL_BASELINE), Set.of()))
                .withMessage("RolloutState.generation must be >= 1, but was " + generation);
    }

    @Test
    void acceptsFirstGeneration() {
        assertThat(state(Map.of("default", ALL_BASELINE)).generation()).isEqualTo(1);
    }

    @Test
    void refusesMissingRouterOrLastKnownGood() {
        assertThatNullPointerException()
                .isThrownBy(() -> new RolloutState(null, 1, BASELINE, Map.of("default", ALL_BASELINE), Set.of()))
                .withMessage("RolloutState.router must not be null");
        assertThatNullPointerException()
                .isThrownBy(() -> new RolloutState("fraud-router", 1, null, Map.of("default", ALL_BASELINE), Set.of()))
                .withMessage("RolloutState.lastKnownGood must not be null");
    }

    @Test
    void isNotChangedByLaterChangesToItsInputs() {
        List<BucketRange> ranges = new ArrayList<>(List.of(new BucketRange(CANDIDATE, 0, 100), new BucketRange(BASELINE, 100, 10_000)));
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>(Map.of("default", ranges));
        Set<ReleaseId> quarantined = new HashSet<>(Set.of(BAD));
        RolloutState state = new RolloutState("fraud-router", 3, BASELINE, allocations, quarantined);

        ranges.set(0, new BucketRange(BAD, 0, 100));
        allocations.put("eu-west", ALL_BASELINE);
        quarantined.add(CANDIDATE);

        assertThat(state.allocations()).containsOnlyKeys("default");
        assertThat(state.weights("default")).containsExactly(entry(CANDIDATE, 100), entry(BASELINE, 9_900));
        assertThat(state.quarantined()).containsExactly(BAD);
    }

    @Test
    void exposesAllocationsAndQuarantineUnmodifiable() {
        RolloutState state = new RolloutState("fraud-router", 1, BASELINE, Map.of("default", ALL_BASELINE), Set.of(BAD));

        assertThatThrownBy(() -> state.allocations().put("eu-west", ALL_BASELINE)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.allocations().get("default").add(new BucketRange(BAD, 0, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> state.quarantined().add(CANDIDATE)).isInstanceOf(UnsupportedOperationException.class);
    }
}
