package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.shadow.ShadowRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every routing change, approval, override and rollback is audited with who and why, and the log can be queried. */
class AuditLogTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("m", "1.0.0", 1);
    private final Release v2 = Fixtures.release("m", "2.0.0", 2);
    private final Release v3 = Fixtures.release("m", "3.0.0", 3);
    private final AtomicBoolean v3Healthy = new AtomicBoolean(true);

    private ManagedModelRouter<String, String> router() {
        return Fixtures.router("audited", Fixtures.spec(v1, in -> "v1"), clock)
                .release(Fixtures.spec(v2, in -> "v2"))
                .release(ReleaseSpec.builder(v3, (String in) -> "v3").sampleInputs(List.of("probe"))
                        .healthCheck(out -> v3Healthy.get()).unhealthyAfterFailures(1).build())
                .build();
    }

    @Test
    void everyRoutingChangeApprovalOverrideAndRollbackIsAuditedWithItsActor() {
        ManagedModelRouter<String, String> router = router();
        Segment eu = Segment.of("eu-west");
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "canary 10 %"));
        clock.advance(Duration.ofMinutes(1));
        router.setWeights(eu, Map.of(v1.id(), 5_000, v3.id(), 5_000), Cause.operator("bo", "eu trial"));
        v3Healthy.set(false);
        router.checkHealth();
        v3Healthy.set(true);
        router.checkHealth();
        router.rollbackSegment(eu, Cause.trigger("eu-errors", "SEVERE", "errors > 5 % in eu-west"));
        router.audit("approved", Cause.operator("cy", "known noisy upstream"), "error-rate on " + v2.id());
        router.rollbackToLastKnownGood(Cause.trigger("p95-latency", "SEVERE", "P95 +40 % for 6 min"));
        router.overrideQuarantine(v2.id(), Cause.operator("ana", "fixed in 2.0.1"));
        router.promote(v2.id(), Cause.operator("ana", "flip after fix"));
        ShadowRunner<String, String> runner = ShadowRunner.builder((String in) -> "v3").build();
        router.startShadow(v3.id(), runner, Cause.operator("bo", "shadow v3"));
        router.stopShadow(Cause.operator("bo", "enough"));
        router.retire(v1.id(), Cause.operator("ana", "v1 retired"));
        runner.close();

        assertThat(router.auditLog()).extracting(a -> a.action() + " by " + a.actor()).containsExactly(
                "weights-changed by ana",
                "weights-changed by bo",
                "release-unhealthy by automatic",
                "release-recovered by automatic",
                "segment-rolled-back by automatic",
                "approved by cy",
                "rolled-back by automatic",
                "quarantine-overridden by ana",
                "promoted by ana",
                "shadow-started by bo",
                "shadow-stopped by bo",
                "retired by ana");
        assertThat(router.auditLog()).allSatisfy(a -> {
            assertThat(a.reason()).isNotBlank();
            assertThat(a.time()).isNotNull();
            assertThat(a.router()).isEqualTo("audited");
        });
    }

    @Test
    void theLogIsQueriedByTimeRangeActionAndActor() {
        ManagedModelRouter<String, String> router = router();
        Instant start = clock.now();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "10 %"));
        clock.advance(Duration.ofMinutes(5));
        Instant later = clock.now();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 7_500, v2.id(), 2_500), Cause.automatic("step 2"));
        clock.advance(Duration.ofMinutes(5));
        router.rollbackToLastKnownGood(Cause.operator("bo", "complaints"));

        assertThat(router.auditLog(AuditQuery.all())).hasSize(3);
        assertThat(router.auditLog(AuditQuery.all().from(later))).extracting(AuditEntry::reason).containsExactly("step 2", "complaints");
        assertThat(router.auditLog(AuditQuery.all().from(start).to(later))).extracting(AuditEntry::reason)
                .containsExactly("10 %", "step 2");
        assertThat(router.auditLog(AuditQuery.all().actions("weights-changed"))).hasSize(2);
        assertThat(router.auditLog(AuditQuery.all().actions("rolled-back", "segment-rolled-back").actor("bo")))
                .singleElement().extracting(AuditEntry::reason).isEqualTo("complaints");
        assertThat(router.auditLog(AuditQuery.all().actor(Cause.AUTOMATIC))).extracting(AuditEntry::reason).containsExactly("step 2");
    }

    @Test
    void badQueriesNameTheFieldAndTheValue() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> AuditQuery.all().from(now).to(now.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AuditQuery.to must not be before from (2026-01-01T00:00:00Z), but was 2025-12-31T23:59:59Z");
        assertThatThrownBy(() -> AuditQuery.all().actions()).hasMessageContaining("AuditQuery.actions must name at least one action");
        assertThatThrownBy(() -> AuditQuery.all().actor(" ")).hasMessageContaining("AuditQuery.actor must name an operator id");
    }
}
