package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedRoutingTest {

    private static final int CALLS = 100_000;
    /** Five standard deviations: a correct router fails this bound about once in 1.7 million runs. */
    private static final double Z = 5.0;

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);
    private final Release v3 = Fixtures.release("m", "3.0.0", 3);

    private ManagedModelRouter<String, String> router(ModelRouters.Builder<String, String> builder) {
        return builder.release(Fixtures.spec(v2, in -> "v2")).release(Fixtures.spec(v3, in -> "v3")).build();
    }

    @ParameterizedTest(name = "candidate at {0} basis points")
    @ValueSource(ints = {1, 100, 500, 2500, 5000, 9999})
    void stickyKeysMeetTheWeightWithinBinomialBounds(int candidateBp) throws Exception {
        try (ManagedModelRouter<String, String> router = router(Fixtures.router("w", Fixtures.spec(v1, in -> "v1"), clock))) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10_000 - candidateBp, v2.id(), candidateBp), Cause.automatic("test"));
            int onCandidate = 0;
            for (int i = 0; i < CALLS; i++) {
                if (router.invoke("x", RequestContext.of("user-" + i)).equals("v2")) {
                    onCandidate++;
                }
            }
            assertWithinBinomialBounds(onCandidate, candidateBp / 10_000.0);
        }
    }

    @Test
    void randomPicksWithoutKeyMeetThreeWayWeights() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        try (ManagedModelRouter<String, String> router = router(Fixtures.router("w3", Fixtures.spec(v1, in -> "v1"), clock)
                .randomBuckets(() -> random.nextInt(10_000)))) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 7000, v2.id(), 2500, v3.id(), 500), Cause.automatic("test"));
            Map<String, Integer> counts = new java.util.HashMap<>();
            for (int i = 0; i < CALLS; i++) {
                counts.merge(router.invoke("x"), 1, Integer::sum);
            }
            assertWithinBinomialBounds(counts.get("v1"), 0.70);
            assertWithinBinomialBounds(counts.get("v2"), 0.25);
            assertWithinBinomialBounds(counts.get("v3"), 0.05);
        }
    }

    @Test
    void theSameKeyAlwaysGetsTheSameRelease() throws Exception {
        try (ManagedModelRouter<String, String> router = router(Fixtures.router("same", Fixtures.spec(v1, in -> "v1"), clock))) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.automatic("test"));
            for (int i = 0; i < 500; i++) {
                String first = router.invoke("x", RequestContext.of("user-" + i));
                for (int repeat = 0; repeat < 5; repeat++) {
                    assertThat(router.invoke("x", RequestContext.of("user-" + i))).isEqualTo(first);
                }
            }
        }
    }

    @Test
    void eachSegmentRoutesByItsOwnWeightsAndUnknownSegmentsFallBackToDefault() throws Exception {
        Segment euWest = Segment.of("eu-west");
        Segment usEast = Segment.of("us-east");
        Segment apSouth = Segment.of("ap-south");
        try (ManagedModelRouter<String, String> router = router(Fixtures.router("seg", Fixtures.spec(v1, in -> "v1"), clock))) {
            router.setWeights(euWest, Map.of(v2.id(), 10_000), Cause.automatic("eu on v2"));
            router.setWeights(usEast, Map.of(v1.id(), 5000, v3.id(), 5000), Cause.automatic("us half v3"));
            int usOnV3 = 0;
            for (int i = 0; i < 2000; i++) {
                assertThat(router.invoke("x", RequestContext.of("u" + i, euWest))).isEqualTo("v2");
                assertThat(router.invoke("x", RequestContext.of("u" + i, apSouth))).isEqualTo("v1");
                assertThat(router.invoke("x", RequestContext.of("u" + i))).isEqualTo("v1");
                String us = router.invoke("x", RequestContext.of("u" + i, usEast));
                assertThat(us).isIn("v1", "v3");
                usOnV3 += us.equals("v3") ? 1 : 0;
            }
            assertThat(usOnV3).isBetween(850, 1150);
            assertThat(router.weights(apSouth)).isEqualTo(Map.of(v1.id(), 10_000));
            assertThat(router.weights(euWest)).isEqualTo(Map.of(v2.id(), 10_000));
        }
    }

    @Test
    void decideReportsTheReleaseThatServed() throws Exception {
        try (ManagedModelRouter<String, String> router = router(Fixtures.router("dec", Fixtures.spec(v1, in -> "v1"), clock))) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.automatic("test"));
            for (int i = 0; i < 200; i++) {
                Decision<String> decision = router.decide("x", RequestContext.of("user-" + i));
                assertThat(decision.release()).isEqualTo(decision.output().equals("v1") ? v1.id() : v2.id());
                assertThat(decision.fallback()).isFalse();
                assertThat(decision.segment()).isEqualTo(Segment.DEFAULT);
            }
        }
    }

    @Test
    void nullContextIsTreatedAsEmpty() throws Exception {
        try (ManagedModelRouter<String, String> router = router(Fixtures.router("nullctx", Fixtures.spec(v1, in -> "v1"), clock))) {
            assertThat(router.invoke("x", null)).isEqualTo("v1");
            assertThat(router.decide("x", null).release()).isEqualTo(v1.id());
        }
    }

    private static void assertWithinBinomialBounds(int observed, double p) {
        double mean = CALLS * p;
        double sd = Math.sqrt(CALLS * p * (1 - p));
        assertThat((double) observed).as("observed %d, expected %.1f ± %.1f", observed, mean, Z * sd)
                .isBetween(mean - Z * sd - 1, mean + Z * sd + 1);
    }
}
