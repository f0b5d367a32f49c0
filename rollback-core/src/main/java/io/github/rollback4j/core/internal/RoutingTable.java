package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.spi.RolloutState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compiled, immutable routing of one generation: per segment index, the release slot of every
 * bucket. Built on the control path from a {@link RolloutState} and the releases' health (buckets of a
 * release that cannot serve go to the last-known-good) and published with one volatile write; the
 * request path reads it with one volatile read and two array loads. It also carries the shadow
 * binding ({@link #shadow}), so that mirroring costs the request path no further volatile read.
 */
final class RoutingTable<I, O> {

    final RolloutState state;
    final ReleaseSlot<I, O> lastKnownGood;
    /** The seed of the sticky-bucket hash: the state's, or the router's configured one when the state records none. */
    final int salt;
    /** Whether this table sends every bucket to the last-known-good because the router is in fail-safe. */
    final boolean failSafe;
    /** Where calls served by the last-known-good are mirrored, or {@code null} when shadowing is off. */
    final Shadow<I, O> shadow;
    private final ReleaseSlot<I, O>[] defaultOwners;
    private final ReleaseSlot<I, O>[][] ownersBySegment;

    RoutingTable(RolloutState state, ReleaseSlot<I, O> lastKnownGood, int salt, boolean failSafe,
                 ReleaseSlot<I, O>[] defaultOwners, ReleaseSlot<I, O>[][] ownersBySegment, Shadow<I, O> shadow) {
        this.state = state;
        this.lastKnownGood = lastKnownGood;
        this.salt = salt;
        this.failSafe = failSafe;
        this.defaultOwners = defaultOwners;
        this.ownersBySegment = ownersBySegment;
        this.shadow = shadow;
    }

    /**
     * A shadow binding: the runner that mirrors calls served by the last-known-good, and the
     * candidate release whose telemetry counts the runner's drops as {@code SHADOW_DROPPED}.
     */
    record Shadow<I, O>(ReleaseSlot<I, O> candidate, ShadowRunner<I, O> runner) {
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
