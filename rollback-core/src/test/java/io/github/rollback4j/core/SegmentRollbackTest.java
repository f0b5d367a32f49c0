package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RollbackRefusedException;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentRollbackTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.releaseWithFlag("m", "2.0.0", 2, "v5", "encoder-v5");
    private final Segment eu = Segment.of("eu-west");
    private final Segment us = Segment.of("us-east");
    private final Segment ap = Segment.of("ap-south");

    @Test
    void aSegmentRollbackLeavesTheOtherSegmentsOnTheirRollout() throws Exception {
        InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
        List<RouterEvent> events = new ArrayList<>();
        try (ManagedModelRouter<String, String> router = Fixtures.router("segments", Fixtures.spec(v1, in -> "v1"), clock)
                .featureFlags(flags).release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.eventPublisher().onEvent(events::add);
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary"));
            router.setWeights(us, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary us"));
            router.rollbackSegment(eu, Cause.trigger("p95-latency", "SEVERE", "eu-west night segment regressed"));
            for (int i = 0; i < 500; i++) {
                assertThat(router.invoke("x", RequestContext.of("u" + i, eu))).isEqualTo("v1");
            }
            assertThat(router.weights(us)).containsEntry(v2.id(), 5000);
            assertThat(router.weights(ap)).as("segments without routing of their own follow the default").containsEntry(v2.id(), 5000);
            assertThat(router.state().quarantined()).isEmpty();
            assertThat(flags.isEnabled("encoder-v5")).isTrue();
            RouterEvent.SegmentRolledBack event = (RouterEvent.SegmentRolledBack) events.get(events.size() - 1);
            assertThat(event.segment()).isEqualTo(eu);
            assertThat(event.rolledBack()).containsExactly(v2.id());
            assertThat(event.quarantined()).isEmpty();
            assertThat(router.auditLog()).last().satisfies(a -> assertThat(a.action()).isEqualTo("segment-rolled-back"));
        }
    }

    @Test
    void aReleaseLeftWithoutTrafficAnywhereIsQuarantinedAndItsFlagsTurnedOff() throws Exception {
        InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
        try (ManagedModelRouter<String, String> router = Fixtures.router("orphan", Fixtures.spec(v1, in -> "v1"), clock)
                .featureFlags(flags).release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.setWeights(eu, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("t", "canary in eu only"));
            router.rollbackSegment(eu, Cause.automatic("eu breach"));
            assertThat(router.state().quarantined()).containsExactly(v2.id());
            assertThat(flags.isEnabled("encoder-v5")).isFalse();
        }
    }

    @Test
    void aSegmentRollbackOntoAnUnhealthyLastKnownGoodIsRefused() {
        AtomicBoolean broken = new AtomicBoolean();
        try (ManagedModelRouter<String, String> router = Fixtures.router("refused", Fixtures.spec(v1, in -> {
                    if (broken.get()) {
                        throw new IllegalStateException("down");
                    }
                    return "v1";
                }), clock).release(Fixtures.spec(v2, in -> "v2")).build()) {
            router.setWeights(eu, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("t", "canary"));
            broken.set(true);
            router.checkHealth();
            router.checkHealth();
            router.checkHealth();
            long generation = router.state().generation();
            assertThatThrownBy(() -> router.rollbackSegment(eu, Cause.automatic("breach"))).isInstanceOf(RollbackRefusedException.class);
            assertThat(router.state().generation()).isEqualTo(generation);
        }
    }
}
