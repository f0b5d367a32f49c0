package io.github.rollback4j.spi;

import io.github.rollback4j.ReleaseId;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The durable rollout state of one router: what a replica needs to route exactly like its peers.
 * Stored through a {@link RolloutStateStore} and replaced by compare-and-set on {@link #generation()}.
 *
 * <p>The allocation of each segment is kept as bucket ranges rather than weights, because sticky
 * routing is history-dependent: growing a release's weight must not move any key off it, and every
 * replica must agree which buckets moved.
 *
 * <p>Immutable and thread-safe.
 *
 * @param router the router's name
 * @param generation incremented by one with every change; the first state has generation 1
 * @param lastKnownGood the release that served all traffic before the rollout began
 * @param allocations per segment name, the ranges covering buckets 0..9999 exactly once, sorted by {@code from};
 *                    the segment {@code default} is always present
 * @param quarantined releases that were rolled back and may not receive traffic without an override
 * @param salt the seed of the sticky-bucket hash every replica must use, or {@code null} when the state
 *             does not record one (then each replica uses its configured salt); recorded by the router
 *             that creates the first state, so that a key maps to the same bucket on every replica
 * @param rollouts where each rollout of the router stands, by the segment whose weights it sets (the
 *                 leader of a fleet keeps it up to date; empty outside fleet mode)
 * @param requests operator requests to the rollouts waiting for the leader, oldest first
 * @param change what made this generation, or {@code null} for states written without one
 */
public record RolloutState(String router, long generation, ReleaseId lastKnownGood,
                           Map<String, List<BucketRange>> allocations, Set<ReleaseId> quarantined,
                           Integer salt, Map<String, RolloutProgress> rollouts, List<OperatorRequest> requests,
                           StateChange change) {

    /** Name of the segment whose allocation serves every segment without one of its own. */
    public static final String DEFAULT_SEGMENT = "default";

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException when an allocation does not cover every bucket exactly once
     */
    public RolloutState {
        Objects.requireNonNull(router, "RolloutState.router must not be null");
        Objects.requireNonNull(lastKnownGood, "RolloutState.lastKnownGood must not be null");
        if (router.isBlank()) {
            throw new IllegalArgumentException("RolloutState.router must name the router, but was blank");
        }
        Objects.requireNonNull(allocations, "RolloutState.allocations must not be null");
        Objects.requireNonNull(quarantined, "RolloutState.quarantined must not be null (use an empty set)");
        if (generation < 1) {
            throw new IllegalArgumentException("RolloutState.generation must be >= 1, but was " + generation);
        }
        if (!allocations.containsKey(DEFAULT_SEGMENT)) {
            throw new IllegalArgumentException("RolloutState.allocations must contain the segment '" + DEFAULT_SEGMENT + "'");
        }
        Map<String, List<BucketRange>> copy = new LinkedHashMap<>();
        allocations.forEach((segment, ranges) -> {
            Objects.requireNonNull(ranges, "RolloutState.allocations['" + segment + "'] must not be null");
            int next = 0;
            for (BucketRange range : ranges) {
                if (range.from() != next) {
                    throw new IllegalArgumentException("RolloutState.allocations['" + segment + "'] must cover buckets 0.."
                            + (BucketRange.BUCKETS - 1) + " exactly once in order, but bucket " + next
                            + " is followed by a range starting at " + range.from());
                }
                next = range.to();
            }
            if (next != BucketRange.BUCKETS) {
                throw new IllegalArgumentException("RolloutState.allocations['" + segment + "'] must cover buckets 0.."
                        + (BucketRange.BUCKETS - 1) + ", but ends at " + next);
            }
            copy.put(segment, List.copyOf(ranges));
        });
        allocations = Collections.unmodifiableMap(copy);
        quarantined = Collections.unmodifiableSet(new LinkedHashSet<>(quarantined));
        rollouts = rollouts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(rollouts));
        rollouts.forEach((segment, progress) -> {
            if (!progress.segment().equals(segment)) {
                throw new IllegalArgumentException("RolloutState.rollouts['" + segment + "'] must describe the rollout of segment '"
                        + segment + "', but is the rollout of segment '" + progress.segment() + "'");
            }
        });
        requests = requests == null ? List.of() : List.copyOf(requests);
    }

    /**
     * A state without salt, rollouts, requests or change: what a single process needs.
     *
     * @param router the router's name
     * @param generation the generation, &gt;= 1
     * @param lastKnownGood the last-known-good
     * @param allocations per segment, the ranges covering every bucket once
     * @param quarantined the quarantined releases
     */
    public RolloutState(String router, long generation, ReleaseId lastKnownGood, Map<String, List<BucketRange>> allocations,
                        Set<ReleaseId> quarantined) {
        this(router, generation, lastKnownGood, allocations, quarantined, null, Map.of(), List.of(), null);
    }

    /**
     * The next generation with new routing; salt, rollouts and requests carry over.
     *
     * @param lkg the last-known-good
     * @param nextAllocations the allocations
     * @param nextQuarantined the quarantined releases
     * @param why what made the change
     * @return generation + 1
     */
    public RolloutState next(ReleaseId lkg, Map<String, List<BucketRange>> nextAllocations, Set<ReleaseId> nextQuarantined,
                             StateChange why) {
        return new RolloutState(router, generation + 1, lkg, nextAllocations, nextQuarantined, salt, rollouts, requests, why);
    }

    /**
     * The next generation with the same routing and new rollout progress and requests.
     *
     * @param nextRollouts the rollouts' progress by segment
     * @param nextRequests the operator requests still waiting
     * @param why what made the change
     * @return generation + 1
     */
    public RolloutState nextProgress(Map<String, RolloutProgress> nextRollouts, List<OperatorRequest> nextRequests,
                                     StateChange why) {
        return new RolloutState(router, generation + 1, lastKnownGood, allocations, quarantined, salt, nextRollouts,
                nextRequests, why);
    }

    /**
     * @param request an operator request to append
     * @param why what made the change
     * @return generation + 1 with the request appended; its id must be this state's generation + 1
     */
    public RolloutState withRequest(OperatorRequest request, StateChange why) {
        List<OperatorRequest> next = new ArrayList<>(requests);
        next.add(Objects.requireNonNull(request, "request must not be null"));
        return nextProgress(rollouts, next, why);
    }

    /**
     * @param other another state of the same router
     * @return whether both route every key the same way: same last-known-good, allocations, quarantine and salt
     */
    public boolean sameRoutingAs(RolloutState other) {
        return other != null && lastKnownGood.equals(other.lastKnownGood) && allocations.equals(other.allocations)
                && quarantined.equals(other.quarantined) && Objects.equals(salt, other.salt);
    }

    /**
     * The weights of one segment, in basis points (they sum to 10000), in order of first bucket.
     *
     * @param segment a segment name; a segment without an allocation of its own reads the default's
     * @return release to basis points, releases with weight 0 left out
     */
    public Map<ReleaseId, Integer> weights(String segment) {
        List<BucketRange> ranges = allocations.getOrDefault(segment, allocations.get(DEFAULT_SEGMENT));
        Map<ReleaseId, Integer> weights = new LinkedHashMap<>();
        for (BucketRange range : ranges) {
            weights.merge(range.release(), range.size(), Integer::sum);
        }
        return Collections.unmodifiableMap(weights);
    }
}
