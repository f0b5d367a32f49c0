package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monotone stickiness through the real router, for any sequence of weight changes over up to four
 * releases: a release whose weight grows keeps every key it had; a release whose weight shrinks
 * gains no key; a release whose weight stays keeps exactly its keys. Weights are exact: the number
 * of buckets a release owns equals its basis points.
 */
class MonotoneStickinessProperties {

    private static final int KEYS = 3000;
    private static final int RELEASES = 4;

    @Property(tries = 60, seed = "4242")
    void keysMoveOnlyTowardsGrowingReleases(@ForAll("weightSequences") List<int[]> sequence) throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        List<Release> releases = new ArrayList<>();
        for (int r = 0; r < RELEASES; r++) {
            releases.add(Fixtures.release("m", "1.0." + r, 100 + r));
        }
        ModelRouters.Builder<String, Integer> builder = Fixtures.router("mono", Fixtures.spec(releases.get(0), in -> 0), clock);
        for (int r = 1; r < RELEASES; r++) {
            int index = r;
            builder.release(Fixtures.spec(releases.get(r), in -> index));
        }
        try (ManagedModelRouter<String, Integer> router = builder.build()) {
            int[] before = assignments(router);
            int[] weightsBefore = {10_000, 0, 0, 0};
            for (int[] weights : sequence) {
                Map<ReleaseId, Integer> target = new LinkedHashMap<>();
                for (int r = 0; r < RELEASES; r++) {
                    target.put(releases.get(r).id(), weights[r]);
                }
                router.setWeights(Segment.DEFAULT, target, Cause.automatic("property step"));
                int[] after = assignments(router);
                for (int k = 0; k < KEYS; k++) {
                    int from = before[k];
                    int to = after[k];
                    if (from != to) {
                        assertThat(weights[from]).as("key %d left release %d whose weight did not shrink", k, from)
                                .isLessThan(weightsBefore[from]);
                        assertThat(weights[to]).as("key %d joined release %d whose weight did not grow", k, to)
                                .isGreaterThan(weightsBefore[to]);
                    }
                }
                for (int r = 0; r < RELEASES; r++) {
                    int buckets = router.weights(Segment.DEFAULT).getOrDefault(releases.get(r).id(), 0);
                    assertThat(buckets).isEqualTo(weights[r]);
                }
                before = after;
                weightsBefore = weights;
            }
        }
    }

    @Property(tries = 200, seed = "777")
    void twoArmCanaryKeepsCandidateKeysWhileGrowing(@ForAll("growingWeights") List<Integer> canarySteps) throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = Fixtures.release("m", "1.0.0", 1);
        Release v2 = Fixtures.release("m", "2.0.0", 2);
        try (ManagedModelRouter<String, Integer> router = Fixtures.router("canary", Fixtures.spec(v1, in -> 1), clock)
                .release(Fixtures.spec(v2, in -> 2)).build()) {
            Set<Integer> onCandidate = new HashSet<>();
            for (int weight : canarySteps) {
                router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10_000 - weight, v2.id(), weight), Cause.automatic("grow"));
                Set<Integer> now = new HashSet<>();
                for (int k = 0; k < 2000; k++) {
                    if (router.invoke("x", RequestContext.of("user-" + k)) == 2) {
                        now.add(k);
                    }
                }
                assertThat(now).containsAll(onCandidate);
                onCandidate = now;
            }
        }
    }

    private static int[] assignments(ManagedModelRouter<String, Integer> router) throws Exception {
        int[] assigned = new int[KEYS];
        for (int k = 0; k < KEYS; k++) {
            assigned[k] = router.invoke("x", RequestContext.of("key-" + k));
        }
        return assigned;
    }

    @Provide
    Arbitrary<List<int[]>> weightSequences() {
        Arbitrary<int[]> weights = Combinators.combine(
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, 10_000)).as((a, b, c) -> {
                    int[] cuts = {a, b, c};
                    java.util.Arrays.sort(cuts);
                    // Four weights summing to 10000, from three cut points; weight 0 of the LKG is fine.
                    return new int[] {cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 10_000 - cuts[2]};
                });
        return weights.list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<List<Integer>> growingWeights() {
        return Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(6)
                .map(list -> list.stream().sorted().toList());
    }
}
