package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RollbackRefusedException;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.RouterEventPublisher.Registration;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Every routing change is audited with who, why and what, and published to the listeners of its type. */
class AuditAndEventsTest {

    private static final String FLAG = "encoder-v5-enabled";

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
    private final Release v1 = Fixtures.release("churn", "1.0.0", 31);
    private final Release v2 = Fixtures.releaseWithFlag("churn", "2.0.0", 32, "5", FLAG);
    private final Release v3 = Fixtures.release("churn", "3.0.0", 33);
    /** Set to make v3's health probe fail (it is unhealthy after one failed probe). */
    private final AtomicBoolean v3Broken = new AtomicBoolean();
    private ManagedModelRouter<String, String> router;

    @BeforeEach
    void buildRouter() {
        router = build(RouterConfig.ofDefaults());
    }

    @AfterEach
    void closeRouter() {
        router.close();
    }

    // ------------------------------------------------------------------ audit log

    @Test
    void everyRoutingChangeAndRefusedRollbackIsAuditedWithActorReasonAndAction() {
        Instant t1 = clock.advance(Duration.ofSeconds(1));
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary 10 %"));
        Instant t2 = clock.advance(Duration.ofSeconds(1));
        router.rollbackToLastKnownGood(Cause.automatic("error rate of v2 above 5 %"));
        Instant t3 = clock.advance(Duration.ofSeconds(1));
        router.overrideQuarantine(v2.id(), Cause.operator("bob", "encoder fixed in v5.1"));
        Instant t4 = clock.advance(Duration.ofSeconds(1));
        router.promote(v3.id(), Cause.operator("carol", "v3 baked for a week"));
        Instant t5 = clock.advance(Duration.ofSeconds(1));
        v3Broken.set(true);
        router.checkHealth();
        assertThatThrownBy(() -> router.rollbackToLastKnownGood(Cause.operator("dan", "p99 too high")))
                .isInstanceOf(RollbackRefusedException.class);

        List<AuditEntry> log = router.auditLog();
        assertThat(log)
                .extracting(AuditEntry::time, AuditEntry::router, AuditEntry::action, AuditEntry::actor, AuditEntry::reason)
                .containsExactly(
                        tuple(t1, "audited", "weights-changed", "ana", "canary 10 %"),
                        tuple(t2, "audited", "rolled-back", "automatic", "error rate of v2 above 5 %"),
                        tuple(t3, "audited", "quarantine-overridden", "bob", "encoder fixed in v5.1"),
                        tuple(t4, "audited", "promoted", "carol", "v3 baked for a week"),
                        tuple(t5, "audited", "release-unhealthy", "automatic",
                                "health probe failed 1 time(s): sample input #0 threw java.lang.IllegalStateException: v3 broken"),
                        tuple(t5, "audited", "rollback-refused", "dan", "p99 too high"));
        assertThat(log.get(0).detail()).contains("9000").contains("1000").contains(v2.id().value());
        assertThat(log.get(1).detail()).contains(v1.id().value()).contains("quarantined [" + v2 + "]").contains(FLAG);
        assertThat(log.get(2).detail()).contains(v2.id().value());
        assertThat(log.get(3).detail()).contains(v3.id().value()).contains("previous " + v1);
        assertThat(log.get(4).detail()).contains(v3.id().value()).contains("out of traffic");
        assertThat(log.get(5).detail()).contains("rollback refused").contains(v3.id().value()).contains("UNHEALTHY");
    }

    @Test
    void theAuditLogKeepsTheNewestEntriesUpToItsCapacity() {
        router.close();
        router = build(RouterConfig.custom().auditLogCapacity(3).build());
        for (int step = 1; step <= 5; step++) {
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10000 - step * 100, v2.id(), step * 100),
                    Cause.operator("ana", "step " + step));
        }
        assertThat(router.auditLog()).extracting(AuditEntry::reason).containsExactly("step 3", "step 4", "step 5");

        router.rollbackToLastKnownGood(Cause.automatic("bad"));
        assertThat(router.auditLog()).extracting(AuditEntry::action)
                .containsExactly("weights-changed", "weights-changed", "rolled-back");
    }

    @Test
    void theAuditLogIsASnapshotThatLaterChangesDoNotAlter() {
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary"));
        List<AuditEntry> snapshot = router.auditLog();
        router.rollbackToLastKnownGood();
        assertThat(snapshot).hasSize(1);
        assertThat(router.auditLog()).hasSize(2);
        assertThatThrownBy(() -> snapshot.add(snapshot.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ listeners

    @Test
    void typedListenersReceiveOnlyEventsOfTheirType() {
        List<RouterEvent.RolledBack> rolledBack = new ArrayList<>();
        List<RouterEvent.WeightsChanged> weightsChanged = new ArrayList<>();
        List<RouterEvent.Promoted> promoted = new ArrayList<>();
        List<RouterEvent> all = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rolledBack::add);
        router.eventPublisher().onEvent(RouterEvent.WeightsChanged.class, weightsChanged::add);
        router.eventPublisher().onEvent(RouterEvent.Promoted.class, promoted::add);
        router.eventPublisher().onEvent(all::add);

        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary"));
        router.setWeights(Segment.of("eu-west"), Map.of(v1.id(), 8000, v2.id(), 2000), Cause.operator("ana", "canary eu"));
        router.rollbackToLastKnownGood();
        router.addRelease(Fixtures.spec(Fixtures.release("churn", "4.0.0", 34), in -> "v4"));

        assertThat(weightsChanged).hasSize(2);
        assertThat(rolledBack).hasSize(1);
        assertThat(promoted).isEmpty();
        assertThat(all).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("WeightsChanged", "WeightsChanged", "RolledBack", "ReleaseAdded", "ReleaseWarmed");
        assertThat(all).allSatisfy(e -> assertThat(e.router()).isEqualTo("audited"));
    }

    @Test
    void aThrowingListenerDoesNotBreakTheRollbackAndTheNextListenerStillReceivesTheEvent() throws Exception {
        List<RouterEvent.RolledBack> received = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, e -> {
            throw new IllegalStateException("pager integration down");
        });
        router.eventPublisher().onEvent(e -> {
            throw new AssertionError("a listener with a bug");
        });
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, received::add);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 5000, v2.id(), 5000), Cause.operator("ana", "canary"));

        router.rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));

        assertThat(received).hasSize(1);
        assertThat(router.state().quarantined()).containsExactly(v2.id());
        assertThat(router.weights(Segment.DEFAULT)).isEqualTo(Map.of(v1.id(), 10000));
        for (int i = 0; i < 200; i++) {
            assertThat(router.invoke("x", RequestContext.of("user-" + i))).isEqualTo("v1");
        }
        assertThat(flags.isEnabled(FLAG)).isFalse();
        assertThat(router.auditLog()).last().extracting(AuditEntry::action).isEqualTo("rolled-back");
    }

    @Test
    void closingARegistrationStopsDelivery() {
        List<RouterEvent> typed = new ArrayList<>();
        List<RouterEvent> untyped = new ArrayList<>();
        Registration typedRegistration = router.eventPublisher().onEvent(RouterEvent.WeightsChanged.class, typed::add);
        Registration untypedRegistration = router.eventPublisher().onEvent(untyped::add);
        assertThat(router.eventPublisher().hasListeners()).isTrue();

        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "one"));
        typedRegistration.close();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 8000, v2.id(), 2000), Cause.operator("ana", "two"));
        untypedRegistration.close();
        untypedRegistration.close();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 7000, v2.id(), 3000), Cause.operator("ana", "three"));

        assertThat(typed).hasSize(1);
        assertThat(untyped).hasSize(2);
        assertThat(router.eventPublisher().hasListeners()).isFalse();
    }

    @Test
    void closingOneOfTwoRegistrationsOfTheSameListenerKeepsTheOther() {
        List<RouterEvent> received = new ArrayList<>();
        java.util.function.Consumer<RouterEvent> listener = received::add;
        Registration first = router.eventPublisher().onEvent(listener);
        router.eventPublisher().onEvent(listener);
        first.close();
        first.close();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "one"));
        assertThat(received).hasSize(1);
    }

    // ------------------------------------------------------------------ event contents

    @Test
    void weightsChangedCarriesTheSegmentBeforeAfterGenerationAndCause() {
        List<RouterEvent.WeightsChanged> events = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.WeightsChanged.class, events::add);
        Cause cause = Cause.operator("ana", "canary 10 %");
        Instant now = clock.advance(Duration.ofMinutes(3));

        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), cause);

        RouterEvent.WeightsChanged event = events.get(0);
        assertThat(event.router()).isEqualTo("audited");
        assertThat(event.time()).isEqualTo(now);
        assertThat(event.segment()).isEqualTo(Segment.DEFAULT);
        assertThat(event.before()).isEqualTo(Map.of(v1.id(), 10000));
        assertThat(event.after()).isEqualTo(Map.of(v1.id(), 9000, v2.id(), 1000));
        assertThat(event.generation()).isEqualTo(router.state().generation()).isEqualTo(2);
        assertThat(event.cause()).isSameAs(cause);
    }

    @Test
    void rolledBackCarriesTheLastKnownGoodTheQuarantinedReleasesTheFlagsGenerationAndCause() {
        List<RouterEvent.RolledBack> events = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, events::add);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary"));
        assertThat(flags.isEnabled(FLAG)).isTrue();
        Cause cause = Cause.automatic("error rate of v2 above 5 %");
        Instant now = clock.advance(Duration.ofSeconds(7));

        router.rollbackToLastKnownGood(cause);

        RouterEvent.RolledBack event = events.get(0);
        assertThat(event.time()).isEqualTo(now);
        assertThat(event.lastKnownGood()).isEqualTo(v1.id());
        assertThat(event.rolledBack()).containsExactly(v2.id());
        assertThat(event.flagsDisabled()).containsExactly(FLAG);
        assertThat(event.generation()).isEqualTo(router.state().generation()).isEqualTo(3);
        assertThat(event.cause()).isSameAs(cause);
        assertThat(flags.isEnabled(FLAG)).isFalse();
    }

    @Test
    void rollbackWithoutACauseIsAttributedToTheAutomaticActor() {
        List<RouterEvent.RolledBack> events = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, events::add);
        router.rollbackToLastKnownGood();
        assertThat(events.get(0).cause().actor()).isEqualTo(Cause.AUTOMATIC);
        assertThat(router.auditLog()).singleElement().extracting(AuditEntry::actor).isEqualTo(Cause.AUTOMATIC);
    }

    @Test
    void promotedCarriesThePreviousLastKnownGoodGenerationAndCause() {
        List<RouterEvent.Promoted> events = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.Promoted.class, events::add);
        Cause cause = Cause.operator("carol", "v3 baked");

        router.promote(v3.id(), cause);

        RouterEvent.Promoted event = events.get(0);
        assertThat(event.promoted()).isEqualTo(v3.id());
        assertThat(event.previous()).isEqualTo(v1.id());
        assertThat(event.generation()).isEqualTo(router.state().generation()).isEqualTo(2);
        assertThat(event.cause()).isSameAs(cause);
    }

    @Test
    void quarantineOverriddenCarriesTheReleaseAndCause() {
        List<RouterEvent.QuarantineOverridden> events = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.QuarantineOverridden.class, events::add);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary"));
        router.rollbackToLastKnownGood();
        Cause cause = Cause.operator("bob", "encoder fixed");

        router.overrideQuarantine(v2.id(), cause);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.release()).isEqualTo(v2.id());
            assertThat(event.cause()).isSameAs(cause);
        });
        assertThat(router.state().quarantined()).isEmpty();
        assertThat(router.state().generation()).isEqualTo(4);
    }

    @Test
    void rollbackRefusedCarriesTheLastKnownGoodsHealthAndCauseAndChangesNothing() {
        List<RouterEvent.RollbackRefused> refused = new ArrayList<>();
        List<RouterEvent.RolledBack> rolledBack = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.RollbackRefused.class, refused::add);
        router.eventPublisher().onEvent(RouterEvent.RolledBack.class, rolledBack::add);
        router.promote(v3.id(), Cause.operator("carol", "v3 baked"));
        router.setWeights(Segment.DEFAULT, Map.of(v3.id(), 9000, v2.id(), 1000), Cause.operator("ana", "canary"));
        long generation = router.state().generation();
        v3Broken.set(true);
        router.checkHealth();
        assertThat(router.lastKnownGoodHealth().state()).isEqualTo(ReleaseState.UNHEALTHY);
        Cause cause = Cause.operator("dan", "v2 latency");

        assertThatThrownBy(() -> router.rollbackToLastKnownGood(cause))
                .isInstanceOfSatisfying(RollbackRefusedException.class, e ->
                        assertThat(e.lastKnownGoodHealth().release()).isEqualTo(v3.id()));

        assertThat(refused).singleElement().satisfies(event -> {
            assertThat(event.lastKnownGood().release()).isEqualTo(v3.id());
            assertThat(event.lastKnownGood().state()).isEqualTo(ReleaseState.UNHEALTHY);
            assertThat(event.lastKnownGood().lastFailure()).contains("v3 broken");
            assertThat(event.cause()).isSameAs(cause);
        });
        assertThat(rolledBack).isEmpty();
        assertThat(router.state().generation()).isEqualTo(generation);
        assertThat(router.state().quarantined()).isEmpty();
        assertThat(router.weights(Segment.DEFAULT)).isEqualTo(Map.of(v3.id(), 9000, v2.id(), 1000));
    }

    @Test
    void healthEventsReportFailureAndRecovery() {
        List<RouterEvent> events = new ArrayList<>();
        router.eventPublisher().onEvent(RouterEvent.HealthCheckFailed.class, events::add);
        router.eventPublisher().onEvent(RouterEvent.HealthRecovered.class, events::add);
        v3Broken.set(true);
        router.checkHealth();
        v3Broken.set(false);
        router.checkHealth();

        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isInstanceOfSatisfying(RouterEvent.HealthCheckFailed.class, e -> {
            assertThat(e.release()).isEqualTo(v3.id());
            assertThat(e.reason()).contains("v3 broken");
            assertThat(e.consecutiveFailures()).isEqualTo(1);
            assertThat(e.unhealthy()).isTrue();
        });
        assertThat(events.get(1)).isInstanceOfSatisfying(RouterEvent.HealthRecovered.class,
                e -> assertThat(e.release()).isEqualTo(v3.id()));
    }

    // ------------------------------------------------------------------ helpers

    private ManagedModelRouter<String, String> build(RouterConfig config) {
        Model<String, String> v3Model = in -> {
            if (v3Broken.get()) {
                throw new IllegalStateException("v3 broken");
            }
            return "v3";
        };
        ReleaseSpec<String, String> v3Spec = ReleaseSpec.builder(v3, v3Model)
                .sampleInputs(List.of("probe-a")).warmupCalls(1).unhealthyAfterFailures(1).build();
        return Fixtures.router("audited", Fixtures.spec(v1, in -> "v1"), clock)
                .config(config)
                .featureFlags(flags)
                .release(Fixtures.spec(v2, in -> "v2"))
                .release(v3Spec)
                .build();
    }
}
