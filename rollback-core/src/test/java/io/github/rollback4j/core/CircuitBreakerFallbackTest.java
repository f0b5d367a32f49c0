package io.github.rollback4j.core;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A release with a Resilience4j circuit breaker falls back, per call, to the last-known-good when it
 * fails or its breaker is open; a release without one lets the model's own exception through.
 */
class CircuitBreakerFallbackTest {

    private static final Cause OPERATOR = Cause.operator("ana", "all traffic to the candidate");
    private static final RequestContext USER = RequestContext.of("user-1");

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("scorer", "1.0.0", 21);
    private final Release v2 = Fixtures.release("scorer", "2.0.0", 22);

    /** Probe inputs always pass, so the candidate warms and serves; real inputs fail while {@code failing} is set. */
    private static final class Candidate implements Model<String, String> {
        final AtomicInteger realCalls = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean(true);
        final Exception failure;

        Candidate(Exception failure) {
            this.failure = failure;
        }

        @Override
        public String predict(String input) throws Exception {
            if (input.startsWith("probe")) {
                return "v2-probe";
            }
            realCalls.incrementAndGet();
            if (failing.get()) {
                throw failure;
            }
            return "v2";
        }
    }

    @Test
    void callsToAFailingCandidateWithABreakerAreServedByTheLastKnownGood() throws Exception {
        Candidate candidate = new Candidate(new IllegalStateException("tensor shape mismatch"));
        try (ManagedModelRouter<String, String> router = routerWith(candidate, neverOpens())) {
            for (int i = 0; i < 10; i++) {
                assertThat(router.invoke("x-" + i, RequestContext.of("user-" + i))).isEqualTo("v1:x-" + i);
            }
            assertThat(router.invoke("no-key")).isEqualTo("v1:no-key");
            assertThat(candidate.realCalls).hasValue(11);
        }
    }

    @Test
    void decideReportsTheFallbackAndTheLastKnownGoodsRelease() throws Exception {
        Candidate candidate = new Candidate(new IllegalStateException("tensor shape mismatch"));
        try (ManagedModelRouter<String, String> router = routerWith(candidate, neverOpens())) {
            Decision<String> fallback = router.decide("x", USER);
            assertThat(fallback.output()).isEqualTo("v1:x");
            assertThat(fallback.release()).isEqualTo(v1.id());
            assertThat(fallback.fallback()).isTrue();
            assertThat(fallback.segment()).isEqualTo(Segment.DEFAULT);

            candidate.failing.set(false);
            Decision<String> served = router.decide("x", USER);
            assertThat(served.output()).isEqualTo("v2");
            assertThat(served.release()).isEqualTo(v2.id());
            assertThat(served.fallback()).isFalse();
        }
    }

    @Test
    void onceTheBreakerOpensTheCandidateIsNoLongerCalledAndTheLastKnownGoodServes() throws Exception {
        Candidate candidate = new Candidate(new IllegalStateException("tensor shape mismatch"));
        try (ManagedModelRouter<String, String> router = routerWith(candidate, opensAfter4Failures())) {
            for (int i = 0; i < 4; i++) {
                assertThat(router.invoke("x", USER)).isEqualTo("v1:x");
            }
            assertThat(candidate.realCalls).hasValue(4);

            for (int i = 0; i < 50; i++) {
                assertThat(router.invoke("y", RequestContext.of("user-" + i))).isEqualTo("v1:y");
                Decision<String> decision = router.decide("z", RequestContext.of("user-" + i));
                assertThat(decision.output()).isEqualTo("v1:z");
                assertThat(decision.release()).isEqualTo(v1.id());
                assertThat(decision.fallback()).isTrue();
            }
            assertThat(candidate.realCalls).hasValue(4);
            // The breaker is per call, not a routing change: the candidate keeps its weight.
            assertThat(router.weights(Segment.DEFAULT)).isEqualTo(Map.of(v2.id(), 10000));
        }
    }

    @Test
    void theBreakerOpensOnlyAboveItsFailureRate() throws Exception {
        AtomicInteger realCalls = new AtomicInteger();
        Model<String, String> oneInFourFails = in -> {
            if (in.startsWith("probe")) {
                return "v2-probe";
            }
            if (realCalls.incrementAndGet() % 4 == 0) {
                throw new IllegalStateException("every fourth call fails");
            }
            return "v2";
        };
        try (ManagedModelRouter<String, String> router = routerWith(oneInFourFails, opensAfter4Failures())) {
            int fallbacks = 0;
            for (int i = 0; i < 40; i++) {
                if (router.decide("x", USER).fallback()) {
                    fallbacks++;
                }
            }
            // 25 % failures stay under the 50 % threshold: every call reached the candidate.
            assertThat(realCalls).hasValue(40);
            assertThat(fallbacks).isEqualTo(10);
        }
    }

    @Test
    void anOpenBreakerLetsATrialCallThroughAfterItsWaitOnTheRoutersClockAndClosesWhenTheCandidateRecovered()
            throws Exception {
        Candidate candidate = new Candidate(new IllegalStateException("tensor shape mismatch"));
        CircuitBreakerConfig config = countBased4()
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(clockOf(clock))
                .build();
        try (ManagedModelRouter<String, String> router = routerWith(candidate, config)) {
            for (int i = 0; i < 10; i++) {
                router.invoke("x", USER);
            }
            assertThat(candidate.realCalls).hasValue(4);

            clock.advance(Duration.ofSeconds(29));
            router.invoke("x", USER);
            assertThat(candidate.realCalls).hasValue(4);

            clock.advance(Duration.ofSeconds(2));
            candidate.failing.set(false);
            Decision<String> trial = router.decide("x", USER);
            assertThat(trial.release()).isEqualTo(v2.id());
            assertThat(trial.fallback()).isFalse();
            assertThat(candidate.realCalls).hasValue(5);

            for (int i = 0; i < 10; i++) {
                assertThat(router.invoke("x", USER)).isEqualTo("v2");
            }
            assertThat(candidate.realCalls).hasValue(15);
        }
    }

    @Test
    void aCheckedExceptionOfACandidateWithABreakerFallsBackToo() throws Exception {
        Candidate candidate = new Candidate(new IOException("feature store unreachable"));
        try (ManagedModelRouter<String, String> router = routerWith(candidate, opensAfter4Failures())) {
            for (int i = 0; i < 10; i++) {
                Decision<String> decision = router.decide("x", USER);
                assertThat(decision.output()).isEqualTo("v1:x");
                assertThat(decision.fallback()).isTrue();
            }
            // Checked exceptions count as failures: the breaker opened after 4.
            assertThat(candidate.realCalls).hasValue(4);
        }
    }

    @Test
    void withoutABreakerTheModelsOwnRuntimeExceptionReachesTheCallerUnchanged() throws Exception {
        IllegalStateException failure = new IllegalStateException("tensor shape mismatch");
        Candidate candidate = new Candidate(failure);
        try (ManagedModelRouter<String, String> router = routerWith(candidate, null)) {
            assertThatThrownBy(() -> router.invoke("x", USER)).isSameAs(failure);
            assertThatThrownBy(() -> router.invoke("x")).isSameAs(failure);
            assertThatThrownBy(() -> router.decide("x", USER)).isSameAs(failure);
            assertThat(candidate.realCalls).hasValue(3);
        }
    }

    @Test
    void withoutABreakerTheModelsOwnCheckedExceptionReachesTheCallerUnchanged() throws Exception {
        IOException failure = new IOException("feature store unreachable");
        Candidate candidate = new Candidate(failure);
        try (ManagedModelRouter<String, String> router = routerWith(candidate, null)) {
            assertThatThrownBy(() -> router.invoke("x", USER)).isSameAs(failure);
            assertThatThrownBy(() -> router.decide("x", USER)).isSameAs(failure);
            assertThat(candidate.realCalls).hasValue(2);
        }
    }

    @Test
    void whenTheLastKnownGoodFailsToo_itsOwnExceptionReachesTheCaller() throws Exception {
        IOException lkgFailure = new IOException("lkg down as well");
        Model<String, String> failingLkg = in -> {
            if (in.startsWith("probe")) {
                return "v1-probe";
            }
            throw lkgFailure;
        };
        Candidate candidate = new Candidate(new IllegalStateException("candidate down"));
        ReleaseSpec<String, String> candidateSpec = ReleaseSpec.builder(v2, (Model<String, String>) candidate)
                .sampleInputs(List.of("probe-a")).warmupCalls(1).circuitBreaker(neverOpens()).build();
        try (ManagedModelRouter<String, String> router = Fixtures.router("breaker", Fixtures.spec(v1, failingLkg), clock)
                .release(candidateSpec).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v2.id(), 10000), OPERATOR);
            assertThatThrownBy(() -> router.invoke("x", USER)).isSameAs(lkgFailure);
            assertThatThrownBy(() -> router.decide("x", USER)).isSameAs(lkgFailure);
        }
    }

    @Test
    void aPromotedReleaseWithABreakerHasNoFallbackLeftAndItsExceptionReachesTheCaller() throws Exception {
        IllegalStateException failure = new IllegalStateException("tensor shape mismatch");
        Candidate candidate = new Candidate(failure);
        try (ManagedModelRouter<String, String> router = routerWith(candidate, opensAfter4Failures())) {
            candidate.failing.set(false);
            router.promote(v2.id(), Cause.operator("ana", "v2 baked"));
            candidate.failing.set(true);
            for (int i = 0; i < 6; i++) {
                assertThatThrownBy(() -> router.invoke("x", USER)).isSameAs(failure);
            }
            // The last-known-good is never short-circuited: there is nothing behind it to fall back to.
            assertThat(candidate.realCalls).hasValue(6);
        }
    }

    @Test
    void outputsTheBreakerRecordsAsFailuresOpenItToo() throws Exception {
        AtomicInteger realCalls = new AtomicInteger();
        Model<String, String> degraded = in -> {
            if (in.startsWith("probe")) {
                return "v2-probe";
            }
            realCalls.incrementAndGet();
            return "degraded";
        };
        CircuitBreakerConfig config = countBased4().waitDurationInOpenState(Duration.ofMinutes(30))
                .recordResult("degraded"::equals).build();
        try (ManagedModelRouter<String, String> router = routerWith(degraded, config)) {
            for (int i = 0; i < 4; i++) {
                // Like a Resilience4j-decorated call: the output is returned and counted as a failure.
                assertThat(router.invoke("x", USER)).isEqualTo("degraded");
            }
            for (int i = 0; i < 10; i++) {
                assertThat(router.invoke("x", USER)).isEqualTo("v1:x");
            }
            assertThat(realCalls).hasValue(4);
        }
    }

    // ------------------------------------------------------------------ helpers

    @Test
    void exceptionsTheBreakerIgnoresReachTheCallerInsteadOfFallingBack() throws Exception {
        IllegalArgumentException badInput = new IllegalArgumentException("feature 'amount' is negative");
        Candidate candidate = new Candidate(badInput);
        CircuitBreakerConfig ignoresBadInput = countBased4().ignoreExceptions(IllegalArgumentException.class).build();
        try (ManagedModelRouter<String, String> router = routerWith(candidate, ignoresBadInput)) {
            assertThatThrownBy(() -> router.invoke("x", USER)).isSameAs(badInput);
            assertThatThrownBy(() -> router.decide("x", USER)).isSameAs(badInput);
        }
    }

    @Test
    void anErrorFromTheModelReachesTheCallerAndReleasesTheBreakerPermission() throws Exception {
        StackOverflowError error = new StackOverflowError("recursive tokenizer");
        AtomicBoolean throwError = new AtomicBoolean(true);
        Model<String, String> candidate = in -> {
            if (!in.startsWith("probe") && throwError.get()) {
                throw error;
            }
            return "v2";
        };
        try (ManagedModelRouter<String, String> router = routerWith(candidate, opensAfter4Failures())) {
            assertThatThrownBy(() -> router.invoke("x", USER)).isSameAs(error);
            throwError.set(false);
            assertThat(router.invoke("x", USER)).isEqualTo("v2");
        }
    }

    private ManagedModelRouter<String, String> routerWith(Model<String, String> candidate, CircuitBreakerConfig breaker) {
        ReleaseSpec.Builder<String, String> spec = ReleaseSpec.builder(v2, candidate)
                .sampleInputs(List.of("probe-a", "probe-b"))
                .warmupCalls(3);
        if (breaker != null) {
            spec.circuitBreaker(breaker);
        }
        ManagedModelRouter<String, String> router = Fixtures.router("breaker", Fixtures.spec(v1, in -> "v1:" + in), clock)
                .release(spec.build())
                .build();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 0, v2.id(), 10000), OPERATOR);
        return router;
    }

    /** Opens once at least 2 of the last 4 calls failed, and stays open for 30 minutes. */
    private static CircuitBreakerConfig opensAfter4Failures() {
        return countBased4().waitDurationInOpenState(Duration.ofMinutes(30)).build();
    }

    /** A count-based window of 4 calls, deciding after 4 calls, opening at 50 % failures. */
    private static CircuitBreakerConfig.Builder countBased4() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50);
    }

    private static CircuitBreakerConfig neverOpens() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(1000)
                .minimumNumberOfCalls(1000)
                .build();
    }

    /** The breaker's clock, driven by the router's virtual clock. */
    private static Clock clockOf(VirtualTimeSource time) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(time.currentTimeMillis());
            }
        };
    }
}
