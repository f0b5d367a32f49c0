package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.spi.RolloutState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compiled, immutable routing of one generation: per segment index, the release slot of every
 * bucket. Built on the control path from a {@link RolloutState} and the releases' health (buckets of a
 * release that cannot serve go to the last-known-good) and published with one volatile write; the
 * request path reads it with one volatile read and two array loads.
 */
final class RoutingTable<I, O> {

    final RolloutState state;
    final ReleaseSlot<I, O> lastKnownGood;
    private final ReleaseSlot<I, O>[] defaultOwners;
    private final ReleaseSlot<I, O>[][] ownersBySegment;

    RoutingTable(RolloutState state, ReleaseSlot<I, O> lastKnownGood, ReleaseSlot<I, O>[] defaultOwners,
                 ReleaseSlot<I, O>[][] ownersBySegment) {
        this.state = state;
        this.lastKnownGood = lastKnownGood;
        this.defaultOwners = defaultOwners;
        this.ownersBySegment = ownersBySegment;
    }

    /** The owner slots of a segment; segments without routing of their own use the default's. */
    ReleaseSlot<I, O>[] owners(int segmentIndex) {
        ReleaseSlot<I, O>[][] bySegment = ownersBySegment;
        if (segmentIndex < bySegment.length) {
            ReleaseSlot<I, O>[] owners = bySegment[segmentIndex];
            if (owners != null) {
                return owners;
            }
        }
        return defaultOwners;
    }

    Map<ReleaseId, Integer> servingWeights(int segmentIndex) {
        Map<ReleaseId, Integer> weights = new LinkedHashMap<>();
        for (ReleaseSlot<I, O> slot : owners(segmentIndex)) {
            weights.merge(slot.id, 1, Integer::sum);
        }
        return weights;
    }
}
