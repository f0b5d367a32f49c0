package io.github.rollback4j.core;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RouterTelemetryTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);

    /** A model whose latency is virtual: each call advances the clock by its latency. */
    private io.github.rollback4j.Model<String, String> taking(Duration latency, String output) {
        return in -> {
            if (!in.startsWith("probe")) {
                clock.advance(latency);
            }
            return output;
        };
    }

    @Test
    void latencyAndOutcomesAreKeptPerReleaseAndSegment() throws Exception {
        Segment eu = Segment.of("eu-west");
        try (ManagedModelRouter<String, String> router = Fixtures.router("lat", Fixtures.spec(v1, taking(Duration.ofMillis(20), "v1")), clock)
                .release(Fixtures.spec(v2, taking(Duration.ofMillis(30), "v2"))).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "half"));
            int v2Calls = 0;
            for (int i = 0; i < 1000; i++) {
                Decision<String> d = router.decide("x", RequestContext.of("user-" + i, i % 2 == 0 ? eu : Segment.DEFAULT));
                v2Calls += d.release().equals(v2.id()) ? 1 : 0;
            }
            TelemetrySnapshot snapshot = router.telemetry().snapshot(TEN_MINUTES);
            ReleaseTelemetry v2Total = snapshot.total(v2.id()).orElseThrow();
            assertThat(v2Total.requests()).isEqualTo(v2Calls);
            assertThat(v2Total.count(Outcome.SUCCESS)).isEqualTo(v2Calls);
            assertThat(v2Total.latencyNanos().quantile(0.95)).isCloseTo(30e6, within(30e6 * 0.01));
            assertThat(snapshot.total(v1.id()).orElseThrow().latencyNanos().quantile(0.5)).isCloseTo(20e6, within(20e6 * 0.01));
            long inEu = snapshot.get(v2.id(), eu).orElseThrow().requests();
            long inDefault = snapshot.get(v2.id(), Segment.DEFAULT).orElseThrow().requests();
            assertThat(inEu + inDefault).isEqualTo(v2Calls);
            assertThat(inEu).isPositive();
        }
    }

    @Test
    void errorsTimeoutsAndFallbacksAreCountedAsTheirOutcome() throws Exception {
        AtomicInteger call = new AtomicInteger();
        try (ManagedModelRouter<String, String> router = Fixtures.router("outcomes", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> {
                    if (in.startsWith("probe")) {
                        return "ok";
                    }
                    int n = call.incrementAndGet();
                    if (n % 3 == 0) {
                        throw new TimeoutException("feature store slow");
                    }
                    if (n % 3 == 1) {
                        throw new IllegalStateException("NaN in logits");
                    }
                    return "v2";
                })).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v2.id(), 10_000), Cause.operator("t", "all"));
            for (int i = 0; i < 30; i++) {
                try {
                    router.invoke("x");
                } catch (Exception expected) {
                    // the model's own exception reaches the caller
                }
            }
            ReleaseTelemetry t = router.telemetry().snapshot(TEN_MINUTES).total(v2.id()).orElseThrow();
            assertThat(t.count(Outcome.MODEL_ERROR)).isEqualTo(10);
            assertThat(t.count(Outcome.TIMEOUT)).isEqualTo(10);
            assertThat(t.count(Outcome.SUCCESS)).isEqualTo(10);
            assertThat(t.errorRate()).isCloseTo(20 / 30.0, within(1e-9));
            assertThat(t.timeoutRate()).isCloseTo(10 / 30.0, within(1e-9));
        }
    }

    @Test
    void circuitBreakerFallbacksCountForTheRoutedReleaseNotTheLastKnownGood() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("fallback", Fixtures.spec(v1, in -> "v1"), clock)
                .release(ReleaseSpec.<String, String>builder(v2, in -> {
                    if (in.startsWith("probe")) {
                        return "ok";
                    }
                    throw new IllegalStateException("boom");
                }).sampleInputs(List.of("probe")).circuitBreaker(CircuitBreakerConfig.custom()
                        .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofHours(1)).build()).build()).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v2.id(), 10_000), Cause.operator("t", "all"));
            for (int i = 0; i < 20; i++) {
                assertThat(router.invoke("x")).isEqualTo("v1");
            }
            TelemetrySnapshot snapshot = router.telemetry().snapshot(TEN_MINUTES);
            ReleaseTelemetry candidate = snapshot.total(v2.id()).orElseThrow();
            assertThat(candidate.count(Outcome.FALLBACK)).isEqualTo(20);
            // Only the 4 calls that reached the model before the breaker opened have a latency.
            assertThat(candidate.latencyNanos().count()).isEqualTo(4);
            assertThat(snapshot.total(v1.id())).isEmpty();
        }
    }

    @Test
    void oldSubWindowsLeaveTheSnapshot() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("slide", Fixtures.spec(v1, in -> "v1"), clock).build()) {
            for (int i = 0; i < 100; i++) {
                router.invoke("x");
            }
            clock.advance(Duration.ofMinutes(3));
            for (int i = 0; i < 40; i++) {
                router.invoke("x");
            }
            assertThat(router.telemetry().snapshot(Duration.ofMinutes(1)).total(v1.id()).orElseThrow().requests()).isEqualTo(40);
            assertThat(router.telemetry().snapshot(Duration.ofMinutes(5)).total(v1.id()).orElseThrow().requests()).isEqualTo(140);
            clock.advance(Duration.ofMinutes(11));
            assertThat(router.telemetry().snapshot(TEN_MINUTES).total(v1.id())).isEmpty();
        }
    }

    @Test
    void totalsSinceStartOutliveTheWindows() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("totals", Fixtures.spec(v1, in -> "v1"), clock).build()) {
            Decision<String> d = router.decide("x", RequestContext.of("u"));
            router.telemetry().reportKpi("ctr", d, 1);
            clock.advance(Duration.ofHours(2));
            router.invoke("x");
            router.telemetry().reportKpi("ctr", d, 0);
            ReleaseTelemetry total = router.telemetry().sinceStart().total(v1.id()).orElseThrow();
            assertThat(total.count(Outcome.SUCCESS)).isEqualTo(2);
            assertThat(total.kpi("ctr").count()).isEqualTo(2);
            assertThat(total.kpi("ctr").mean()).isEqualTo(0.5);
            assertThat(router.telemetry().snapshot(TEN_MINUTES).total(v1.id()).orElseThrow().count(Outcome.SUCCESS)).isEqualTo(1);
        }
    }

    @Test
    void kpisAreAttributedByDecisionOrByStickinessKey() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("kpi", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "half"));
            int clicksOnV2 = 0;
            int shownOnV2 = 0;
            for (int i = 0; i < 400; i++) {
                RequestContext ctx = RequestContext.of("user-" + i);
                Decision<String> d = router.decide("x", ctx);
                double click = i % 4 == 0 ? 1 : 0;
                if (i % 2 == 0) {
                    router.telemetry().reportKpi("ctr", d, click);
                } else {
                    router.telemetry().reportKpi("ctr", ctx, click);
                }
                if (d.release().equals(v2.id())) {
                    shownOnV2++;
                    clicksOnV2 += (int) click;
                }
            }
            var ctr = router.telemetry().snapshot(TEN_MINUTES).total(v2.id()).orElseThrow().kpi("ctr");
            assertThat(ctr.count()).isEqualTo(shownOnV2);
            assertThat(ctr.sum()).isEqualTo(clicksOnV2);
            assertThat(ctr.mean()).isCloseTo((double) clicksOnV2 / shownOnV2, within(1e-12));
        }
    }

    @Test
    void badKpiReportsAreRefusedWithAMessageAndChangeNothing() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("badkpi", Fixtures.spec(v1, in -> "v1"), clock).build()) {
            Decision<String> d = router.decide("x", RequestContext.of("u"));
            assertThatThrownBy(() -> router.telemetry().reportKpi("ctr", d, Double.NaN)).hasMessageContaining("must be finite");
            assertThatThrownBy(() -> router.telemetry().reportKpi(" ", d, 1)).hasMessageContaining("kpi must name the KPI");
            assertThatThrownBy(() -> router.telemetry().reportKpi("ctr", RequestContext.EMPTY, 1))
                    .hasMessageContaining("no stickiness key").hasMessageContaining("Decision");
            assertThat(router.telemetry().snapshot(TEN_MINUTES).total(v1.id()).orElseThrow().kpi("ctr").count()).isZero();
        }
    }

    @Test
    void sampledCallsProfileScoresAndInputFields() throws Exception {
        InputProfile<Map<String, Object>> profile = InputProfile.<Map<String, Object>>builder()
                .numeric("amount", in -> (Number) in.get("amount"))
                .categorical("country", in -> in.get("country"))
                .build();
        Release r1 = Fixtures.release("p", "1.0.0", 11);
        try (ManagedModelRouter<Map<String, Object>, Double> router = ModelRouters
                .builder("profile", ReleaseSpec.<Map<String, Object>, Double>builder(r1, in -> ((Number) in.getOrDefault("amount", 0)).doubleValue() / 100)
                        .sampleInputs(List.of(Map.of("amount", 1))).build())
                .timeSource(clock).probeExecutor(Runnable::run)
                .telemetry(TelemetryConfig.custom().sampleRate(1.0).build())
                .scoreExtractor(score -> score)
                .inputProfile(profile)
                .build()) {
            for (int i = 0; i < 100; i++) {
                Map<String, Object> input = new java.util.HashMap<>();
                if (i % 10 != 0) {
                    input.put("amount", i);
                }
                input.put("country", i % 2 == 0 ? "DE" : "FR");
                router.invoke(input);
            }
            ReleaseTelemetry t = router.telemetry().snapshot(TEN_MINUTES).total(r1.id()).orElseThrow();
            assertThat(t.scores().count()).isEqualTo(100);
            FieldProfile amount = t.inputs().get("amount");
            assertThat(amount.observed()).isEqualTo(100);
            assertThat(amount.missing()).isEqualTo(10);
            assertThat(amount.missingRate()).isCloseTo(0.1, within(1e-12));
            assertThat(amount.numeric().count()).isEqualTo(90);
            FieldProfile country = t.inputs().get("country");
            assertThat(country.categories()).containsEntry("DE", 50L).containsEntry("FR", 50L);
        }
    }

    @Test
    void segmentsBeyondTheCapAreCountedUnderDefault() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("cap", Fixtures.spec(v1, in -> "v1"), clock)
                .telemetry(TelemetryConfig.custom().maxSegments(2).build()).build()) {
            router.invoke("x", RequestContext.of("u", Segment.of("tenant-a")));
            router.invoke("x", RequestContext.of("u", Segment.of("tenant-b")));
            router.invoke("x", RequestContext.of("u", Segment.of("tenant-c")));
            router.invoke("x", RequestContext.of("u", Segment.of("tenant-c")));
            TelemetrySnapshot snapshot = router.telemetry().snapshot(TEN_MINUTES);
            assertThat(snapshot.get(v1.id(), Segment.of("tenant-a"))).isPresent();
            assertThat(snapshot.get(v1.id(), Segment.of("tenant-b"))).isPresent();
            assertThat(snapshot.get(v1.id(), Segment.of("tenant-c"))).isEmpty();
            assertThat(snapshot.get(v1.id(), Segment.DEFAULT).orElseThrow().requests()).isEqualTo(2);
            assertThat(snapshot.total(v1.id()).orElseThrow().requests()).isEqualTo(4);
        }
    }

    @Test
    void callObserversSeeEveryCallUntilRemoved() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ManagedModelRouter<String, String> router = Fixtures.router("observe", Fixtures.spec(v1, taking(Duration.ofMillis(5), "v1")), clock).build()) {
            router.invoke("x");
            var registration = router.telemetry().addCallObserver((name, release, segment) ->
                    (latency, outcome) -> seen.add(name + "/" + release + "/" + segment + "/" + latency + "/" + outcome));
            router.invoke("x");
            router.invoke("x", RequestContext.of("u", Segment.of("eu-west")));
            registration.close();
            router.invoke("x");
            assertThat(seen).containsExactly(
                    "observe/" + v1.id() + "/default/5000000/SUCCESS",
                    "observe/" + v1.id() + "/eu-west/5000000/SUCCESS");
        }
    }

    @Test
    void aThrowingObserverNeverReachesTheCaller() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("throwing", Fixtures.spec(v1, in -> "v1"), clock).build()) {
            router.telemetry().addCallObserver((name, release, segment) -> (latency, outcome) -> {
                throw new IllegalStateException("metrics backend down");
            });
            assertThat(router.invoke("x")).isEqualTo("v1");
        }
    }

    @Test
    void retiringAReleaseDropsItAndItsTelemetry() throws Exception {
        List<RouterEvent> events = new ArrayList<>();
        try (ManagedModelRouter<String, String> router = Fixtures.router("retire", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.eventPublisher().onEvent(events::add);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "half"));
            for (int i = 0; i < 100; i++) {
                router.invoke("x", RequestContext.of("u" + i));
            }
            assertThatThrownBy(() -> router.retire(v2.id(), Cause.operator("t", "done")))
                    .hasMessageContaining("still has 5000 basis points");
            assertThatThrownBy(() -> router.retire(v1.id(), Cause.operator("t", "done")))
                    .hasMessageContaining("last-known-good");
            router.rollbackToLastKnownGood(Cause.operator("t", "bad"));
            router.retire(v2.id(), Cause.operator("t", "v2 abandoned"));
            assertThat(router.releases()).containsExactly(v1);
            assertThat(router.telemetry().snapshot(TEN_MINUTES).total(v2.id())).isEmpty();
            assertThat(events).last().isInstanceOf(RouterEvent.ReleaseRetired.class);
            assertThatThrownBy(() -> router.health(v2.id())).hasMessageContaining("has no release");
        }
    }

    @Test
    void disabledTelemetryRecordsNothing() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("off", Fixtures.spec(v1, in -> "v1"), clock)
                .telemetry(TelemetryConfig.disabled()).build()) {
            router.invoke("x");
            assertThat(router.telemetry().snapshot(TEN_MINUTES).totals()).isEmpty();
        }
    }

    @Test
    void snapshotWindowMustFitTheRetention() throws Exception {
        try (ManagedModelRouter<String, String> router = Fixtures.router("window", Fixtures.spec(v1, in -> "v1"), clock)
                .telemetry(TelemetryConfig.custom()
                        .callWindow(SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(6).build())
                        .kpiWindow(SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(6).build())
                        .profileWindow(SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(10)).subWindowCount(6).build())
                        .build()).build()) {
            assertThat(router.telemetry().retention()).isEqualTo(Duration.ofMinutes(1));
            assertThatThrownBy(() -> router.telemetry().snapshot(Duration.ofMinutes(2))).hasMessageContaining("at most the retention PT1M");
            assertThatThrownBy(() -> router.telemetry().snapshot(Duration.ZERO)).hasMessageContaining("longer than 0");
        }
    }
}
