package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.spi.RolloutState;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every input the router and its builders refuse is refused with a message that names the field (or
 * the release) and says what to change; a refused change leaves the routing exactly as it was.
 */
class RouterValidationTest {

    private static final Cause OPERATOR = Cause.operator("ana", "validation test");

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("fraud", "1.0.0", 1);
    private final Release v2 = Fixtures.release("fraud", "2.0.0", 2);
    private final Release v3 = Fixtures.release("fraud", "3.0.0", 3);
    private ManagedModelRouter<String, String> router;

    @BeforeEach
    void buildRouter() {
        router = Fixtures.router("validation", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> "v2"))
                .release(Fixtures.spec(v3, in -> "v3"))
                .build();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 8000, v2.id(), 1000, v3.id(), 1000), OPERATOR);
    }

    @AfterEach
    void closeRouter() {
        router.close();
    }

    // ------------------------------------------------------------------ setWeights

    @Test
    void setWeightsRefusesASumOtherThan10000AndSaysWhatTheSumWas() {
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 999), OPERATOR),
                "basisPoints", "must sum to 10000", "9999");
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1001), OPERATOR),
                "basisPoints", "must sum to 10000", "10001");
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, Map.of(), OPERATOR),
                "basisPoints", "must sum to 10000", "sum to 0");
    }

    @Test
    void setWeightsRefusesANegativeWeightAndNamesTheRelease() {
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, ordered(v2.id(), -1, v1.id(), 10001), OPERATOR),
                "basisPoints[" + v2.id() + "]", "between 0 and 10000", "was -1");
    }

    @Test
    void setWeightsRefusesAWeightAbove10000AndNamesTheRelease() {
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, ordered(v2.id(), 10001, v1.id(), -1), OPERATOR),
                "basisPoints[" + v2.id() + "]", "between 0 and 10000", "was 10001");
    }

    @Test
    void setWeightsRefusesANullWeightAndNamesTheRelease() {
        Map<ReleaseId, Integer> weights = new HashMap<>();
        weights.put(v1.id(), 10000);
        weights.put(v2.id(), null);
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, weights, OPERATOR),
                "basisPoints[" + v2.id() + "]", "between 0 and 10000", "was null");
    }

    @Test
    void setWeightsRefusesAnUnknownReleaseAndListsTheKnownOnes() {
        ReleaseId unknown = Fixtures.release("fraud", "9.9.9", 99).id();
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, unknown, 1000), OPERATOR),
                "basisPoints[" + unknown + "]", "no such release", v1.id().value(), v2.id().value(), v3.id().value());
    }

    @Test
    void setWeightsRefusesAQuarantinedReleaseAndPointsToOverrideQuarantine() {
        router.rollbackToLastKnownGood(Cause.operator("ana", "v2 and v3 are bad"));
        assertThat(router.state().quarantined()).contains(v2.id(), v3.id());

        assertRefusedWithoutChange(IllegalStateException.class,
                () -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR),
                "release " + v2, "quarantined", "overrideQuarantine(" + v2.id());
        // A quarantined release may be named with weight 0: that asks for no traffic.
        assertThatCode(() -> router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10000, v2.id(), 0), OPERATOR))
                .doesNotThrowAnyException();
    }

    @Test
    void setWeightsRefusesAReleaseTheHealthCheckRoundHasNotYetWarmed() throws Exception {
        // A COLD release cannot be reached through build() or addRelease() alone, since both warm
        // synchronously. It is reachable while addRelease() waits for a health-check round that holds
        // the probes: the release is registered but not yet warmed.
        AtomicBoolean blockNextProbe = new AtomicBoolean();
        CountDownLatch probeEntered = new CountDownLatch(1);
        CountDownLatch finishProbe = new CountDownLatch(1);
        Model<String, String> slowProbeLkg = in -> {
            if (blockNextProbe.compareAndSet(true, false)) {
                probeEntered.countDown();
                finishProbe.await(10, TimeUnit.SECONDS);
            }
            return "v1";
        };
        Release v4 = Fixtures.release("fraud", "4.0.0", 4);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (ManagedModelRouter<String, String> r =
                     Fixtures.router("validation-cold", Fixtures.spec(v1, slowProbeLkg), clock).build()) {
            blockNextProbe.set(true);
            Future<?> healthRound = threads.submit(r::checkHealth);
            assertThat(probeEntered.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> adding = threads.submit(() -> r.addRelease(Fixtures.spec(v4, in -> "v4")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (r.releases().stream().noneMatch(v4::equals)) {
                assertThat(System.nanoTime()).as("addRelease registers v4").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(r.health(v4.id()).state()).isEqualTo(ReleaseState.COLD);
            RolloutState before = r.state();

            assertThatThrownBy(() -> r.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v4.id(), 1000), OPERATOR))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("release " + v4)
                    .hasMessageContaining("never warmed")
                    .hasMessageContaining("warmUp(" + v4.id() + ")");
            assertThatThrownBy(() -> r.promote(v4.id(), OPERATOR))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("release " + v4)
                    .hasMessageContaining("COLD")
                    .hasMessageContaining("READY");
            assertThat(r.state()).isSameAs(before);

            finishProbe.countDown();
            healthRound.get(10, TimeUnit.SECONDS);
            adding.get(10, TimeUnit.SECONDS);
            assertThat(r.health(v4.id()).state()).isEqualTo(ReleaseState.READY);
            r.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v4.id(), 1000), OPERATOR);
            assertThat(r.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 9000, v4.id(), 1000));
        } finally {
            finishProbe.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void refusedSetWeightsOnAnotherSegmentLeavesEverySegmentUnchanged() {
        Segment euWest = Segment.of("eu-west");
        router.setWeights(euWest, Map.of(v1.id(), 5000, v2.id(), 5000), OPERATOR);
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.setWeights(euWest, Map.of(v1.id(), 5000, v2.id(), 4000), OPERATOR),
                "setWeights(eu-west).basisPoints", "must sum to 10000", "9000");
        assertThat(router.weights(euWest)).isEqualTo(Map.of(v1.id(), 5000, v2.id(), 5000));
    }

    // ------------------------------------------------------------------ promote and overrideQuarantine

    @Test
    void promoteRefusesAQuarantinedReleaseAndPointsToOverrideQuarantine() {
        router.rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));
        assertRefusedWithoutChange(IllegalStateException.class, () -> router.promote(v2.id(), OPERATOR),
                "promote", "release " + v2, "quarantined", "overrideQuarantine(" + v2.id());
        assertThat(router.lastKnownGood()).isEqualTo(v1);
    }

    @Test
    void promoteRefusesAnUnhealthyReleaseAndSaysWhyItIsUnhealthy() {
        Release broken = Fixtures.release("fraud", "5.0.0", 5);
        router.addRelease(Fixtures.spec(broken, in -> {
            throw new IllegalStateException("weights file truncated");
        }));
        assertThat(router.health(broken.id()).state()).isEqualTo(ReleaseState.UNHEALTHY);

        assertRefusedWithoutChange(IllegalStateException.class, () -> router.promote(broken.id(), OPERATOR),
                "promote", "release " + broken, "UNHEALTHY", "warm and healthy (READY)", "weights file truncated");
        assertThat(router.lastKnownGood()).isEqualTo(v1);
    }

    @Test
    void promoteRefusesAnUnknownRelease() {
        ReleaseId unknown = Fixtures.release("fraud", "9.9.9", 99).id();
        assertRefusedWithoutChange(IllegalArgumentException.class, () -> router.promote(unknown, OPERATOR),
                "promote", "no release " + unknown, v1.id().value());
    }

    @Test
    void overrideQuarantineRefusesTheAutomaticActor() {
        router.rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.overrideQuarantine(v2.id(), Cause.automatic("trigger recovered")),
                "overrideQuarantine(" + v2 + ")", "actor must be an operator", "automatic");
        assertThat(router.state().quarantined()).contains(v2.id());
    }

    @Test
    void overrideQuarantineRefusesAReleaseThatIsNotQuarantinedAndListsTheQuarantinedOnes() {
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), OPERATOR);
        router.rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));
        assertThat(router.state().quarantined()).containsExactly(v2.id());
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.overrideQuarantine(v3.id(), OPERATOR),
                "overrideQuarantine(" + v3 + ")", "not quarantined", "[" + v2 + "]");
    }

    // ------------------------------------------------------------------ ReleaseSpec

    @Test
    void releaseSpecRefusesMissingSampleInputsAndNamesTheRelease() {
        assertThatThrownBy(() -> ReleaseSpec.builder(v1, (Model<String, String>) in -> "v1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReleaseSpec.sampleInputs must hold at least one input")
                .hasMessageContaining(v1.id().value());
        assertThatThrownBy(() -> ReleaseSpec.builder(v1, (Model<String, String>) in -> "v1").sampleInputs(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReleaseSpec.sampleInputs");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 100_001, Integer.MIN_VALUE})
    void releaseSpecRefusesWarmupCallsOutside0To100000(int calls) {
        assertThatThrownBy(() -> specBuilder().warmupCalls(calls).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReleaseSpec.warmupCalls must be between 0 and 100000")
                .hasMessageContaining("but was " + calls)
                .hasMessageContaining(v1.id().value());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100_000})
    void releaseSpecAcceptsWarmupCallsAtTheBounds(int calls) {
        assertThat(specBuilder().warmupCalls(calls).build().warmupCalls()).isEqualTo(calls);
    }

    @Test
    void releaseSpecRefusesAProbeTimeoutOutside1MsTo10Min() {
        List<Duration> outOfRange = List.of(Duration.ZERO, Duration.ofMinutes(11), Duration.ofNanos(999_999), Duration.ofMillis(-5));
        for (Duration timeout : outOfRange) {
            assertThatThrownBy(() -> specBuilder().probeTimeout(timeout).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ReleaseSpec.probeTimeout must be between 1ms and 10m")
                    .hasMessageContaining("but was " + timeout)
                    .hasMessageContaining(v1.id().value());
        }
        assertThat(specBuilder().probeTimeout(Duration.ofMillis(1)).build().probeTimeout()).isEqualTo(Duration.ofMillis(1));
        assertThat(specBuilder().probeTimeout(Duration.ofMinutes(10)).build().probeTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> specBuilder().probeTimeout(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ReleaseSpec.probeTimeout");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 101, -1})
    void releaseSpecRefusesUnhealthyAfterFailuresOutside1To100(int failures) {
        assertThatThrownBy(() -> specBuilder().unhealthyAfterFailures(failures).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReleaseSpec.unhealthyAfterFailures must be between 1 and 100")
                .hasMessageContaining("but was " + failures);
        assertThat(specBuilder().unhealthyAfterFailures(1).build().unhealthyAfterFailures()).isEqualTo(1);
        assertThat(specBuilder().unhealthyAfterFailures(100).build().unhealthyAfterFailures()).isEqualTo(100);
    }

    @Test
    void releaseSpecRefusesNullsAndNamesTheField() {
        assertThatThrownBy(() -> ReleaseSpec.builder(null, in -> "x"))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ReleaseSpec.release");
        assertThatThrownBy(() -> ReleaseSpec.builder(v1, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ReleaseSpec.model");
        assertThatThrownBy(() -> specBuilder().healthCheck(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ReleaseSpec.healthCheck");
        assertThatThrownBy(() -> specBuilder().circuitBreaker(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ReleaseSpec.circuitBreaker");
    }

    // ------------------------------------------------------------------ RouterConfig

    @Test
    void routerConfigRefusesAHealthCheckIntervalOutside100MsTo1H() {
        for (Duration interval : List.of(Duration.ofMillis(50), Duration.ofHours(2))) {
            assertThatThrownBy(() -> RouterConfig.custom().healthCheckInterval(interval).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("RouterConfig.healthCheckInterval must be between 100ms and 1h")
                    .hasMessageContaining("but was " + interval);
        }
        assertThat(RouterConfig.custom().healthCheckInterval(Duration.ofMillis(100)).build().healthCheckInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(RouterConfig.custom().healthCheckInterval(Duration.ofHours(1)).build().healthCheckInterval())
                .isEqualTo(Duration.ofHours(1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1_000_001})
    void routerConfigRefusesAnAuditLogCapacityOutside1To1000000(int capacity) {
        assertThatThrownBy(() -> RouterConfig.custom().auditLogCapacity(capacity).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RouterConfig.auditLogCapacity must be between 1 and 1000000")
                .hasMessageContaining("but was " + capacity);
    }

    @ParameterizedTest
    @ValueSource(ints = {101, -1})
    void routerConfigRefusesStateStoreRetriesOutside0To100(int retries) {
        assertThatThrownBy(() -> RouterConfig.custom().stateStoreRetries(retries).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RouterConfig.stateStoreRetries must be between 0 and 100")
                .hasMessageContaining("but was " + retries);
        assertThat(RouterConfig.custom().stateStoreRetries(0).build().stateStoreRetries()).isZero();
        assertThat(RouterConfig.custom().stateStoreRetries(100).build().stateStoreRetries()).isEqualTo(100);
    }

    @Test
    void routerConfigCopiedFromAValidConfigIsCheckedAgainWhenBuilt() {
        RouterConfig base = RouterConfig.custom().auditLogCapacity(5).build();
        assertThatThrownBy(() -> RouterConfig.from(base).auditLogCapacity(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RouterConfig.auditLogCapacity");
        assertThat(RouterConfig.from(base).build().auditLogCapacity()).isEqualTo(5);
    }

    // ------------------------------------------------------------------ ModelRouters.builder

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"has space", "-leading-dash", "sl/ash", "ümlaut",
            "a2345678901234567890123456789012345678901234567890123456789012345"})
    void routerBuilderRefusesABadNameAndSaysWhatANameMayHold(String name) {
        assertThatThrownBy(() -> ModelRouters.builder(name, Fixtures.spec(v1, in -> "v1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("router name must be 1 to 64 characters of letters, digits, '.', '_' or '-'")
                .hasMessageContaining("but was '" + name + "'");
    }

    @Test
    void routerBuilderAcceptsANameOf64Characters() {
        String name = "a".repeat(64);
        try (ManagedModelRouter<String, String> r = Fixtures.router(name, Fixtures.spec(v1, in -> "v1"), clock).build()) {
            assertThat(r.name()).isEqualTo(name);
        }
    }

    @Test
    void routerBuilderRefusesTheSameReleaseTwice() {
        ModelRouters.Builder<String, String> builder = Fixtures.router("twice", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> "v2"))
                .release(Fixtures.spec(v2, in -> "another v2 model"));
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("router 'twice'")
                .hasMessageContaining(v2.id().value())
                .hasMessageContaining("registered twice");
        // The last-known-good counts too.
        assertThatThrownBy(() -> Fixtures.router("twice", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v1, in -> "v1 again")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(v1.id().value())
                .hasMessageContaining("registered twice");
    }

    @Test
    void addReleaseRefusesAReleaseThatIsAlreadyRegisteredAndKeepsTheFirstModel() throws Exception {
        assertRefusedWithoutChange(IllegalArgumentException.class,
                () -> router.addRelease(Fixtures.spec(v2, in -> "impostor")),
                "router 'validation'", v2.id().value(), "registered twice");
        router.setWeights(Segment.DEFAULT, Map.of(v2.id(), 10000), OPERATOR);
        assertThat(router.invoke("x", RequestContext.of("u"))).isEqualTo("v2");
        assertThat(router.releases()).containsExactly(v1, v2, v3);
    }

    // ------------------------------------------------------------------ helpers

    private ReleaseSpec.Builder<String, String> specBuilder() {
        return ReleaseSpec.<String, String>builder(v1, in -> "v1").sampleInputs(List.of("probe"));
    }

    private static Map<ReleaseId, Integer> ordered(ReleaseId a, int wa, ReleaseId b, int wb) {
        Map<ReleaseId, Integer> weights = new LinkedHashMap<>();
        weights.put(a, wa);
        weights.put(b, wb);
        return weights;
    }

    /**
     * Runs a change that must be refused and checks the message, then that the state (generation,
     * allocations, quarantine), the weights of every segment and the routing of 500 sticky keys are
     * exactly as before.
     */
    private void assertRefusedWithoutChange(Class<? extends RuntimeException> type, ThrowingCallable change,
                                            String... fragments) {
        RolloutState before = router.state();
        Map<ReleaseId, Integer> weightsBefore = router.weights(Segment.DEFAULT);
        Map<ReleaseId, Integer> servingBefore = router.servingWeights(Segment.DEFAULT);
        List<String> routingBefore = routeKeys();

        var refusal = assertThatThrownBy(change).isInstanceOf(type);
        for (String fragment : fragments) {
            refusal.hasMessageContaining(fragment);
        }

        assertThat(router.state()).isSameAs(before);
        assertThat(router.state().generation()).isEqualTo(before.generation());
        assertThat(router.weights(Segment.DEFAULT)).isEqualTo(weightsBefore);
        assertThat(router.servingWeights(Segment.DEFAULT)).isEqualTo(servingBefore);
        assertThat(routeKeys()).isEqualTo(routingBefore);
    }

    private List<String> routeKeys() {
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            try {
                outputs.add(router.invoke("x", RequestContext.of("user-" + i)));
            } catch (Exception e) {
                throw new AssertionError("routing failed for user-" + i, e);
            }
        }
        return outputs;
    }
}
