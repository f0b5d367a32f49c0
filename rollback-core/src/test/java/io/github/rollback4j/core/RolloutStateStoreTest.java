package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.spi.BucketRange;
import io.github.rollback4j.spi.RolloutState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory {@link io.github.rollback4j.spi.RolloutStateStore}'s compare-and-set, and routers
 * that share one store the way replicas share a fleet store.
 */
class RolloutStateStoreTest {

    private static final Cause OPERATOR = Cause.operator("ana", "store test");

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("ranker", "1.0.0", 11);
    private final Release v2 = Fixtures.release("ranker", "2.0.0", 12);
    private final Release v3 = Fixtures.release("ranker", "3.0.0", 13);

    // ------------------------------------------------------------------ InMemoryRolloutStateStore

    @Test
    void compareAndSetWithExpectedGeneration0CreatesTheFirstState() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        assertThat(store.load("r")).isEmpty();

        RolloutState first = allOn("r", 1, v1.id());
        assertThat(store.compareAndSet(0, first)).isTrue();

        assertThat(store.load("r")).containsSame(first);
        assertThat(store.load("other")).isEmpty();
    }

    @Test
    void compareAndSetRefusesACreateWhenAStateExistsAndKeepsIt() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        RolloutState first = allOn("r", 1, v1.id());
        store.compareAndSet(0, first);

        assertThat(store.compareAndSet(0, allOn("r", 1, v2.id()))).isFalse();
        assertThat(store.load("r")).containsSame(first);
    }

    @Test
    void compareAndSetRefusesAStaleGenerationAndKeepsTheNewerState() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        store.compareAndSet(0, allOn("r", 1, v1.id()));
        RolloutState second = allOn("r", 2, v2.id());
        assertThat(store.compareAndSet(1, second)).isTrue();

        // A writer that still believes generation 1 is current loses.
        assertThat(store.compareAndSet(1, allOn("r", 2, v3.id()))).isFalse();
        assertThat(store.load("r")).containsSame(second);
        // A writer that is ahead of the store loses too.
        assertThat(store.compareAndSet(5, allOn("r", 6, v3.id()))).isFalse();
        assertThat(store.load("r")).containsSame(second);

        RolloutState third = allOn("r", 3, v3.id());
        assertThat(store.compareAndSet(2, third)).isTrue();
        assertThat(store.load("r")).containsSame(third);
    }

    @Test
    void compareAndSetRefusesAGenerationOtherThanExpectedPlusOneAndSaysWhichWasExpected() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        store.compareAndSet(0, allOn("r", 1, v1.id()));

        assertThatThrownBy(() -> store.compareAndSet(1, allOn("r", 3, v2.id())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RolloutState.generation must be expectedGeneration + 1 = 2")
                .hasMessageContaining("but was 3");
        assertThatThrownBy(() -> store.compareAndSet(1, allOn("r", 1, v2.id())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("= 2")
                .hasMessageContaining("but was 1");
        assertThatThrownBy(() -> store.compareAndSet(0, allOn("fresh", 2, v2.id())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("= 1");
        assertThat(store.load("r").orElseThrow().generation()).isEqualTo(1);
        assertThat(store.load("fresh")).isEmpty();
    }

    @Test
    void statesOfDifferentRoutersAreIndependent() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        assertThat(store.compareAndSet(0, allOn("a", 1, v1.id()))).isTrue();
        assertThat(store.compareAndSet(0, allOn("b", 1, v2.id()))).isTrue();
        assertThat(store.compareAndSet(1, allOn("a", 2, v3.id()))).isTrue();

        assertThat(store.load("a").orElseThrow().lastKnownGood()).isEqualTo(v3.id());
        assertThat(store.load("b").orElseThrow().lastKnownGood()).isEqualTo(v2.id());
        assertThat(store.load("b").orElseThrow().generation()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ routers sharing a store

    @Test
    void aRouterBuiltOnAnEmptyStoreStoresGeneration1WithAllTrafficOnTheLastKnownGood() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        try (ManagedModelRouter<String, String> a = replica(store)) {
            RolloutState stored = store.load("shared").orElseThrow();
            assertThat(stored.generation()).isEqualTo(1);
            assertThat(stored.lastKnownGood()).isEqualTo(v1.id());
            assertThat(stored.weights(RolloutState.DEFAULT_SEGMENT)).isEqualTo(Map.of(v1.id(), 10000));
            assertThat(a.state()).isEqualTo(stored);
        }
    }

    @Test
    void aChangeByOneReplicaMakesTheOthersNextChangeFailAndTheOtherThenRoutesByTheNewerState() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        try (ManagedModelRouter<String, String> a = replica(store); ManagedModelRouter<String, String> b = replica(store)) {
            assertThat(b.state().generation()).isEqualTo(1);

            a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary 10 %"));
            assertThat(a.state().generation()).isEqualTo(2);
            // B has not seen it yet.
            assertThat(b.state().generation()).isEqualTo(1);
            assertThat(b.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10000));

            assertThatThrownBy(() -> b.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v3.id(), 5000),
                    Cause.operator("bob", "try v3")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("router 'shared'")
                    .hasMessageContaining("the rollout state changed concurrently")
                    .hasMessageContaining("generation 1 -> 2")
                    .hasMessageContaining("not applied");

            assertThat(b.state()).isEqualTo(a.state());
            assertThat(b.state().generation()).isEqualTo(2);
            assertThat(b.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 9000, v2.id(), 1000));
            assertThat(store.load("shared").orElseThrow().generation()).isEqualTo(2);
            List<String> routedByB = routeKeys(b);
            assertThat(routedByB).isEqualTo(routeKeys(a)).contains("v2").doesNotContain("v3");
            // B's audit log has no entry for the refused change.
            assertThat(b.auditLog()).isEmpty();

            // Now that B is up to date, its change goes through, and A is the stale one.
            b.setWeights(Segment.DEFAULT, Map.of(v1.id(), 8000, v2.id(), 2000), Cause.operator("bob", "canary 20 %"));
            assertThat(store.load("shared").orElseThrow().generation()).isEqualTo(3);
            assertThatThrownBy(() -> a.promote(v2.id(), OPERATOR))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("changed concurrently");
            assertThat(a.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 8000, v2.id(), 2000));
            assertThat(a.lastKnownGood()).isEqualTo(v1);
        }
    }

    @Test
    void reloadStateAdoptsTheStateAnotherReplicaStored() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        Segment euWest = Segment.of("eu-west");
        try (ManagedModelRouter<String, String> a = replica(store); ManagedModelRouter<String, String> b = replica(store)) {
            a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR);
            a.setWeights(euWest, Map.of(v1.id(), 5000, v3.id(), 5000), OPERATOR);

            b.reloadState();

            assertThat(b.state()).isEqualTo(a.state());
            assertThat(b.state().generation()).isEqualTo(3);
            assertThat(b.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 9000, v2.id(), 1000));
            assertThat(b.weights(euWest)).isEqualTo(Map.of(v1.id(), 5000, v3.id(), 5000));
            assertThat(routeKeys(b)).isEqualTo(routeKeys(a));
            assertThat(routeKeys(b, euWest)).isEqualTo(routeKeys(a, euWest)).contains("v3");

            // Reloading an unchanged store changes nothing.
            RolloutState current = b.state();
            b.reloadState();
            assertThat(b.state()).isEqualTo(current);
        }
    }

    @Test
    void aRollbackOnAStaleReplicaStillSucceedsAndTheStoreHoldsTheRollback() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        try (ManagedModelRouter<String, String> a = replica(store); ManagedModelRouter<String, String> b = replica(store)) {
            a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR);
            b.reloadState();
            a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 7500, v2.id(), 2500), OPERATOR);
            assertThat(b.state().generation()).isEqualTo(2);

            b.rollbackToLastKnownGood(Cause.automatic("error rate of v2 above 5 %"));

            RolloutState stored = store.load("shared").orElseThrow();
            assertThat(stored.generation()).isEqualTo(4);
            assertThat(stored.lastKnownGood()).isEqualTo(v1.id());
            assertThat(stored.weights(RolloutState.DEFAULT_SEGMENT)).isEqualTo(Map.of(v1.id(), 10000));
            assertThat(stored.quarantined()).containsExactly(v2.id());
            assertThat(b.state()).isEqualTo(stored);
            assertThat(routeKeys(b)).containsOnly("v1");

            a.reloadState();
            assertThat(a.state()).isEqualTo(stored);
            assertThat(routeKeys(a)).containsOnly("v1");
            assertThatThrownBy(() -> a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("quarantined");
        }
    }

    @Test
    void aRollbackReappliedOnANewerStateQuarantinesEveryReleaseThatLostTrafficThere() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        try (ManagedModelRouter<String, String> a = replica(store); ManagedModelRouter<String, String> b = replica(store)) {
            a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR);
            b.reloadState();
            // A starts a second canary that B has not seen.
            a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 8000, v2.id(), 1000, v3.id(), 1000), OPERATOR);

            b.rollbackToLastKnownGood(Cause.automatic("latency of the canary above SLO"));

            RolloutState stored = store.load("shared").orElseThrow();
            assertThat(stored.weights(RolloutState.DEFAULT_SEGMENT)).isEqualTo(Map.of(v1.id(), 10000));
            // v3 lost its traffic in this rollback too, so it may not get it back without an override.
            assertThat(stored.quarantined()).containsExactlyInAnyOrder(v2.id(), v3.id());
            a.reloadState();
            assertThatThrownBy(() -> a.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v3.id(), 1000), OPERATOR))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("quarantined");
            assertThat(b.auditLog()).last().satisfies(entry ->
                    assertThat(entry.detail()).contains(v2.id().value()).contains(v3.id().value()));
        }
    }

    @Test
    void aRestartedRouterAdoptsTheStoredCanaryWeightsQuarantineAndLastKnownGood() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        Segment euWest = Segment.of("eu-west");
        RolloutState beforeRestart;
        List<String> routingBeforeRestart;
        try (ManagedModelRouter<String, String> first = replica(store)) {
            first.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR);
            first.rollbackToLastKnownGood(Cause.operator("ana", "v2 is bad"));
            first.promote(v3.id(), Cause.operator("ana", "v3 baked for a week"));
            first.setWeights(Segment.DEFAULT, Map.of(v3.id(), 9500, v1.id(), 500), Cause.operator("ana", "canary back to v1"));
            first.setWeights(euWest, Map.of(v3.id(), 8000, v1.id(), 2000), OPERATOR);
            beforeRestart = first.state();
            routingBeforeRestart = routeKeys(first);
        }

        // The builder still names v1 as last-known-good, as the application's code did at first start.
        try (ManagedModelRouter<String, String> restarted = replica(store)) {
            assertThat(restarted.state()).isEqualTo(beforeRestart);
            assertThat(restarted.lastKnownGood()).isEqualTo(v3);
            assertThat(restarted.releases()).first().isEqualTo(v3);
            assertThat(restarted.weights(Segment.DEFAULT)).isEqualTo(Map.of(v3.id(), 9500, v1.id(), 500));
            assertThat(restarted.weights(euWest)).isEqualTo(Map.of(v3.id(), 8000, v1.id(), 2000));
            assertThat(restarted.health(v2.id()).quarantined()).isTrue();
            assertThat(restarted.state().quarantined()).containsExactly(v2.id());
            assertThat(routeKeys(restarted)).isEqualTo(routingBeforeRestart);
            assertThatThrownBy(() -> restarted.setWeights(Segment.DEFAULT, Map.of(v3.id(), 9000, v2.id(), 1000), OPERATOR))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("quarantined");
            // The restart itself stored nothing new.
            assertThat(store.load("shared").orElseThrow().generation()).isEqualTo(beforeRestart.generation());

            restarted.rollbackToLastKnownGood(Cause.operator("ana", "v1 canary is bad"));
            assertThat(restarted.state().quarantined()).containsExactlyInAnyOrder(v1.id(), v2.id());
            assertThat(routeKeys(restarted)).containsOnly("v3");
        }
    }

    @Test
    void buildFailsWhenTheStoredStateRoutesToAnUnregisteredReleaseAndNamesIt() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        Release retired = Fixtures.release("ranker", "0.9.0", 10);
        store.compareAndSet(0, new RolloutState("shared", 1, v1.id(), Map.of(RolloutState.DEFAULT_SEGMENT,
                List.of(new BucketRange(v1.id(), 0, 9000), new BucketRange(retired.id(), 9000, 10000))), Set.of()));

        assertThatThrownBy(() -> replica(store))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("router 'shared'")
                .hasMessageContaining("routes to release " + retired.id())
                .hasMessageContaining("not registered")
                .hasMessageContaining("generation 1");
    }

    @Test
    void buildFailsWhenTheStoredLastKnownGoodIsUnregisteredAndNamesIt() {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        Release retired = Fixtures.release("ranker", "0.9.0", 10);
        store.compareAndSet(0, new RolloutState("shared", 1, retired.id(), Map.of(RolloutState.DEFAULT_SEGMENT,
                List.of(new BucketRange(v1.id(), 0, 10000))), Set.of()));

        assertThatThrownBy(() -> replica(store))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("release " + retired.id());
    }

    @Test
    void reloadStateRefusesAStoredStateNamingAnUnregisteredReleaseAndKeepsRouting() throws Exception {
        InMemoryRolloutStateStore store = new InMemoryRolloutStateStore();
        Release v4 = Fixtures.release("ranker", "4.0.0", 14);
        try (ManagedModelRouter<String, String> a = replica(store)) {
            ManagedModelRouter<String, String> withV4 = Fixtures.router("shared", Fixtures.spec(v1, in -> "v1"), clock)
                    .stateStore(store).release(Fixtures.spec(v4, in -> "v4")).build();
            withV4.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v4.id(), 1000), OPERATOR);
            withV4.close();
            RolloutState before = a.state();

            assertThatThrownBy(a::reloadState)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("release " + v4.id());
            assertThat(a.state()).isSameAs(before);
            assertThat(routeKeys(a)).containsOnly("v1");
        }
    }

    // ------------------------------------------------------------------ helpers

    private ManagedModelRouter<String, String> replica(InMemoryRolloutStateStore store) {
        return Fixtures.router("shared", Fixtures.spec(v1, in -> "v1"), clock)
                .stateStore(store)
                .release(Fixtures.spec(v2, in -> "v2"))
                .release(Fixtures.spec(v3, in -> "v3"))
                .build();
    }

    private static RolloutState allOn(String router, long generation, ReleaseId release) {
        return new RolloutState(router, generation, release,
                Map.of(RolloutState.DEFAULT_SEGMENT, List.of(new BucketRange(release, 0, BucketRange.BUCKETS))), Set.of());
    }

    private static List<String> routeKeys(ManagedModelRouter<String, String> router) throws Exception {
        return routeKeys(router, Segment.DEFAULT);
    }

    private static List<String> routeKeys(ManagedModelRouter<String, String> router, Segment segment) throws Exception {
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            outputs.add(router.invoke("x", RequestContext.of("user-" + i, segment)));
        }
        return outputs;
    }
}
