package io.github.rollback4j.micrometer;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.rollback4j.micrometer.RollbackMeterNames.CALLS;
import static io.github.rollback4j.micrometer.RollbackMeterNames.REQUESTS;
import static io.github.rollback4j.micrometer.RollbackMeterNames.ROLLBACKS;
import static io.github.rollback4j.micrometer.RollbackMeterNames.TAG_OUTCOME;
import static io.github.rollback4j.micrometer.RollbackMeterNames.TAG_RELEASE;
import static io.github.rollback4j.micrometer.RollbackMeterNames.TAG_ROUTER;
import static io.github.rollback4j.micrometer.RollbackMeterNames.TAG_SEGMENT;
import static io.github.rollback4j.micrometer.RollbackMeterNames.TAG_SEVERITY;
import static io.github.rollback4j.micrometer.RollbackMeterNames.TAG_TRIGGER;
import static io.github.rollback4j.micrometer.RollbackMeterNames.WEIGHT_CONFIGURED;
import static io.github.rollback4j.micrometer.RollbackMeterNames.WEIGHT_SERVING;
import static io.github.rollback4j.micrometer.TestRouters.SLOW;
import static io.github.rollback4j.micrometer.TestRouters.model;
import static io.github.rollback4j.micrometer.TestRouters.release;
import static io.github.rollback4j.micrometer.TestRouters.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RollbackMetricsTest {

    private static final Segment EU = Segment.of("eu-west");
    private static final RequestContext IN_EU = RequestContext.of(null, EU);
    private static final Cause OPERATOR = Cause.operator("ana", "test step");

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final AtomicBoolean candidateSick = new AtomicBoolean();
    private final Release v1 = release("fraud", "1", 1);
    private final Release v2 = release("fraud", "2", 2);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ManagedModelRouter<String, String> router;
    private RollbackMetrics metrics;

    @BeforeEach
    void bind() {
        router = TestRouters.router("fraud", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .release(spec(v2, model(clock, "v2", candidateSick)))
                .build();
        metrics = RollbackMetrics.of(router);
        metrics.bindTo(registry);
    }

    @AfterEach
    void close() {
        metrics.close();
        router.close();
    }

    @Test
    void callsAreTimedPerReleaseAndSegment() throws Exception {
        router.setWeights(EU, Map.of(v2.id(), 10_000), OPERATOR);

        for (int i = 0; i < 3; i++) {
            assertThat(router.invoke("slow")).isEqualTo("v1");
        }
        router.invoke("fast", IN_EU);
        router.invoke("fast", IN_EU);
        router.invoke("slow", IN_EU);

        Timer v1Default = timer(v1, Segment.DEFAULT);
        assertThat(v1Default.count()).isEqualTo(3);
        assertThat(v1Default.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(3.0 * SLOW.toNanos());
        assertThat(v1Default.max(TimeUnit.NANOSECONDS)).isEqualTo(SLOW.toNanos());
        Timer v2Eu = timer(v2, EU);
        assertThat(v2Eu.count()).isEqualTo(3);
        assertThat(v2Eu.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(SLOW.toNanos());
        assertThat(v2Eu.getId().getTags()).containsExactlyInAnyOrderElementsOf(
                Tags.of(TAG_ROUTER, "fraud", TAG_RELEASE, v2.name(), RollbackMeterNames.TAG_RELEASE_ID, v2.id().value(), TAG_SEGMENT, "eu-west"));
        // Pairs that never served have no timer.
        assertThat(registry.find(CALLS).tags(TAG_RELEASE, v2.name(), TAG_SEGMENT, "default").timer()).isNull();
        assertThat(registry.find(CALLS).tags(TAG_RELEASE, v1.name(), TAG_SEGMENT, "eu-west").timer()).isNull();
    }

    @Test
    void callsAreCountedByOutcomeAndAThrowingModelCountsAsModelError() throws Exception {
        for (int i = 0; i < 4; i++) {
            router.invoke("fast");
        }
        assertThatThrownBy(() -> router.invoke("boom")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.invoke("boom")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> router.invoke("late")).isInstanceOf(TimeoutException.class);

        assertThat(requests(v1, Segment.DEFAULT, "success")).isEqualTo(4);
        assertThat(requests(v1, Segment.DEFAULT, "model_error")).isEqualTo(2);
        assertThat(requests(v1, Segment.DEFAULT, "timeout")).isEqualTo(1);
        // Every outcome is registered up front, so the request path never registers one.
        assertThat(requests(v1, Segment.DEFAULT, "fallback")).isZero();
        assertThat(requests(v1, Segment.DEFAULT, "shadow_dropped")).isZero();
        assertThat(registry.find(REQUESTS).tag(TAG_RELEASE, v1.name()).counters()).hasSize(5);
        // Failed calls are timed too.
        assertThat(timer(v1, Segment.DEFAULT).count()).isEqualTo(7);
    }

    @Test
    void weightGaugesReadTheRoutersWeightsInBasisPoints() {
        assertThat(configured(v1, Segment.DEFAULT)).isEqualTo(10_000);
        assertThat(configured(v2, Segment.DEFAULT)).isZero();
        assertThat(serving(v1, Segment.DEFAULT)).isEqualTo(10_000);

        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), OPERATOR);

        assertThat(configured(v1, Segment.DEFAULT)).isEqualTo(9_500);
        assertThat(configured(v2, Segment.DEFAULT)).isEqualTo(500);
        assertThat(serving(v1, Segment.DEFAULT)).isEqualTo(9_500);
        assertThat(serving(v2, Segment.DEFAULT)).isEqualTo(500);
        Gauge gauge = registry.get(WEIGHT_SERVING).tags(TAG_RELEASE, v2.name()).gauge();
        assertThat(gauge.getId().getBaseUnit()).isEqualTo("basis_points");
        assertThat(gauge.getId().getTags()).containsExactlyInAnyOrderElementsOf(
                Tags.of(TAG_ROUTER, "fraud", TAG_RELEASE, v2.name(), RollbackMeterNames.TAG_RELEASE_ID, v2.id().value(), TAG_SEGMENT, "default"));
    }

    @Test
    void servingWeightMovesToTheLastKnownGoodWhenTheCandidateIsUnhealthy() {
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), OPERATOR);

        candidateSick.set(true);
        router.checkHealth();

        assertThat(configured(v2, Segment.DEFAULT)).isEqualTo(500);
        assertThat(serving(v2, Segment.DEFAULT)).isZero();
        assertThat(serving(v1, Segment.DEFAULT)).isEqualTo(10_000);
    }

    @Test
    void aSegmentWithRoutingOfItsOwnGetsGaugesWhenItsWeightsAreSet() {
        assertThat(registry.find(WEIGHT_CONFIGURED).tag(TAG_SEGMENT, "eu-west").gauges()).isEmpty();

        router.setWeights(EU, Map.of(v1.id(), 4_000, v2.id(), 6_000), OPERATOR);

        assertThat(configured(v1, EU)).isEqualTo(4_000);
        assertThat(configured(v2, EU)).isEqualTo(6_000);
        assertThat(serving(v2, EU)).isEqualTo(6_000);
        assertThat(configured(v2, Segment.DEFAULT)).isZero();
    }

    @Test
    void rollbacksAreCountedByTriggerAndSeverity() {
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), OPERATOR);
        Counter manual = registry.get(ROLLBACKS).tags(TAG_ROUTER, "fraud", TAG_TRIGGER, "none", TAG_SEVERITY, "none").counter();
        assertThat(manual.count()).as("registered at 0 at bind time, so increase() sees the first rollback").isZero();

        router.rollbackToLastKnownGood(Cause.trigger("p95-latency", "SEVERE", "p95 +40 % for 5 min"));

        Counter bySevereLatency = registry.get(ROLLBACKS)
                .tags(TAG_ROUTER, "fraud", TAG_TRIGGER, "p95-latency", TAG_SEVERITY, "severe").counter();
        assertThat(bySevereLatency.count()).isEqualTo(1);
        assertThat(bySevereLatency.getId().getTags()).hasSize(3);
        assertThat(configured(v2, Segment.DEFAULT)).isZero();
        assertThat(serving(v1, Segment.DEFAULT)).isEqualTo(10_000);

        router.overrideQuarantine(v2.id(), OPERATOR);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), OPERATOR);
        router.rollbackToLastKnownGood(Cause.operator("ana", "dashboards look wrong"));

        assertThat(registry.get(ROLLBACKS).tags(TAG_TRIGGER, "none", TAG_SEVERITY, "none").counter().count()).isEqualTo(1);
        assertThat(bySevereLatency.count()).isEqualTo(1);
        assertThat(registry.find(ROLLBACKS).counters()).hasSize(2);
    }

    @Test
    void retiringAReleaseRemovesItsMetersAndKeepsTheOthers() throws Exception {
        router.setWeights(EU, Map.of(v2.id(), 10_000), OPERATOR);
        router.invoke("fast", IN_EU);
        router.invoke("fast");
        assertThat(metersOf(v2)).isNotEmpty();

        router.setWeights(EU, Map.of(v1.id(), 10_000), OPERATOR);
        router.retire(v2.id(), OPERATOR);

        assertThat(metersOf(v2)).isEmpty();
        assertThat(timer(v1, Segment.DEFAULT).count()).isEqualTo(1);
        assertThat(configured(v1, EU)).isEqualTo(10_000);
        router.invoke("fast", IN_EU);
        assertThat(timer(v1, EU).count()).isEqualTo(1);
        assertThat(metersOf(v2)).isEmpty();
    }

    @Test
    void aReleaseAddedLaterGetsGaugesAtOnceAndCallMetersWhenItServes() throws Exception {
        Release v3 = release("fraud", "3", 3);
        router.addRelease(spec(v3, model(clock, "v3", new AtomicBoolean())));

        assertThat(configured(v3, Segment.DEFAULT)).isZero();
        assertThat(registry.find(CALLS).tag(TAG_RELEASE, v3.name()).timers()).isEmpty();

        router.setWeights(EU, Map.of(v3.id(), 10_000), OPERATOR);
        assertThat(router.invoke("slow", IN_EU)).isEqualTo("v3");

        assertThat(configured(v3, EU)).isEqualTo(10_000);
        assertThat(timer(v3, EU).totalTime(TimeUnit.NANOSECONDS)).isEqualTo(SLOW.toNanos());
        assertThat(requests(v3, EU, "success")).isEqualTo(1);
    }

    @Test
    void closingRemovesEveryMeterAndStopsObserving() throws Exception {
        router.invoke("fast");
        router.rollbackToLastKnownGood(Cause.trigger("errors", "SEVERE", "error rate 5 %"));
        assertThat(registry.getMeters()).isNotEmpty();

        metrics.close();
        metrics.close();

        assertThat(registry.getMeters()).isEmpty();
        router.invoke("fast");
        router.setWeights(EU, Map.of(v1.id(), 10_000), OPERATOR);
        assertThat(registry.getMeters()).isEmpty();
        assertThatThrownBy(() -> metrics.bindTo(registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fraud");
    }

    @Test
    void bindingTheSameRegistryTwiceCountsEachCallOnce() throws Exception {
        metrics.bindTo(registry);

        router.invoke("fast");

        assertThat(requests(v1, Segment.DEFAULT, "success")).isEqualTo(1);
        assertThat(timer(v1, Segment.DEFAULT).count()).isEqualTo(1);
    }

    @Test
    void everyBoundRegistrySeesTheCalls() throws Exception {
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        metrics.bindTo(second);

        router.invoke("fast");

        assertThat(requests(v1, Segment.DEFAULT, "success")).isEqualTo(1);
        assertThat(second.get(REQUESTS).tags(TAG_RELEASE, v1.name(), TAG_OUTCOME, "success").counter().count())
                .isEqualTo(1);
        metrics.close();
        assertThat(second.getMeters()).isEmpty();
    }

    @Test
    void customNamesAndExtraTagsApplyToEveryMeter() throws Exception {
        SimpleMeterRegistry custom = new SimpleMeterRegistry();
        RollbackMeterNames names = RollbackMeterNames.custom().calls("ml.rollout.latency").rollbacks("ml.rollout.rollbacks").build();
        try (RollbackMetrics tagged = RollbackMetrics.of(router, names, Tags.of("app", "fraud-api"))) {
            tagged.bindTo(custom);
            router.invoke("fast");
            router.rollbackToLastKnownGood(Cause.trigger("errors", "SEVERE", "error rate 5 %"));

            assertThat(custom.get("ml.rollout.latency").tag(TAG_RELEASE, v1.name()).timer().count()).isEqualTo(1);
            assertThat(custom.get("ml.rollout.rollbacks").tag(TAG_TRIGGER, "errors").counter().count()).isEqualTo(1);
            assertThat(custom.find(CALLS).meters()).isEmpty();
            assertThat(custom.getMeters()).allSatisfy(meter -> {
                assertThat(meter.getId().getTag("app")).isEqualTo("fraud-api");
                assertThat(meter.getId().getTag(TAG_ROUTER)).isEqualTo("fraud");
            });
            assertThat(tagged.names()).isEqualTo(names);
        }
    }

    @Test
    void anExtraTagMayNotReuseAKeyRollback4jSets() {
        assertThatThrownBy(() -> RollbackMetrics.of(router, Tags.of("release", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'release'")
                .hasMessageContaining("rename");
    }

    @Test
    void concurrentCallsAreAllCounted() throws Exception {
        router.setWeights(EU, Map.of(v2.id(), 10_000), OPERATOR);
        int threads = 4;
        int callsPerThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RequestContext context = t % 2 == 0 ? RequestContext.EMPTY : IN_EU;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < callsPerThread; i++) {
                        router.invoke("fast", context);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(requests(v1, Segment.DEFAULT, "success")).isEqualTo(2.0 * callsPerThread);
        assertThat(requests(v2, EU, "success")).isEqualTo(2.0 * callsPerThread);
        assertThat(timer(v1, Segment.DEFAULT).count()).isEqualTo(2L * callsPerThread);
        assertThat(timer(v2, EU).count()).isEqualTo(2L * callsPerThread);
    }

    @Test
    void weightGaugesDoNotKeepARouterAlive() {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        bindARouterAndForgetIt(other);
        Gauge gauge = other.get(WEIGHT_CONFIGURED).gauges().iterator().next();

        for (int i = 0; i < 10 && !Double.isNaN(gauge.value()); i++) {
            System.gc();
        }

        assertThat(gauge.value()).isNaN();
    }

    private void bindARouterAndForgetIt(SimpleMeterRegistry other) {
        VirtualTimeSource ownClock = VirtualTimeSource.create();
        ManagedModelRouter<String, String> forgotten = TestRouters
                .router("forgotten", spec(v1, model(ownClock, "v1", new AtomicBoolean())), ownClock).build();
        RollbackMetrics.of(forgotten).bindTo(other);
        assertThat(other.get(WEIGHT_CONFIGURED).gauge().value()).isEqualTo(10_000);
    }

    private Timer timer(Release release, Segment segment) {
        return registry.get(CALLS).tags(TAG_ROUTER, "fraud", TAG_RELEASE, release.name(), TAG_SEGMENT, segment.name())
                .timer();
    }

    private double requests(Release release, Segment segment, String outcome) {
        return registry.get(REQUESTS).tags(TAG_ROUTER, "fraud", TAG_RELEASE, release.name(),
                TAG_SEGMENT, segment.name(), TAG_OUTCOME, outcome).counter().count();
    }

    private double configured(Release release, Segment segment) {
        return gauge(WEIGHT_CONFIGURED, release, segment);
    }

    private double serving(Release release, Segment segment) {
        return gauge(WEIGHT_SERVING, release, segment);
    }

    private double gauge(String name, Release release, Segment segment) {
        return registry.get(name).tags(TAG_ROUTER, "fraud", TAG_RELEASE, release.name(), TAG_SEGMENT, segment.name())
                .gauge().value();
    }

    private List<Meter> metersOf(Release release) {
        return registry.getMeters().stream().filter(m -> release.id().value().equals(m.getId().getTag(RollbackMeterNames.TAG_RELEASE_ID))).toList();
    }
}
