package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.rollback4j.spring.actuate.RolloutsEndpointTest.caller;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a careless or hostile caller sends the rollouts endpoint: huge or forged reasons, refused writes, unknown routers. */
@ExtendWith(OutputCaptureExtension.class)
class RolloutsEndpointHardeningTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class)
            .withPropertyValues(TestModels.scorer());

    private static RollbackRouters.Entry progressing(ApplicationContext context) {
        RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
        await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
        return scorer;
    }

    private static List<AuditEntry> audited(RollbackRouters.Entry e, String action) {
        return e.router().auditLog().stream().filter(a -> a.action().equals(action)).toList();
    }

    @Test
    void aReasonOverTheLimitIsRefusedWith400SayingTheLimitAndNothingIsStored() {
        runner.withPropertyValues("rollback4j.actuator.write-enabled=true").run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            int entries = scorer.router().auditLog().size();

            for (String huge : List.of("x".repeat(30 * 1024 * 1024), "y".repeat(OperatorText.MAX_REASON_LENGTH + 1))) {
                WebEndpointResponse<Map<String, Object>> refused = endpoint.write("scorer", "rollback", null, huge,
                        caller("ana", "ROLLOUT_ADMIN"));
                assertThat(refused.getStatus()).isEqualTo(400);
                assertThat(refused.getBody().get("error").toString()).contains("reason is " + huge.length() + " characters long")
                        .contains("at most 1000").contains("control characters such as CR, LF and tab are removed");
            }
            assertThat(scorer.router().auditLog()).hasSize(entries);
            assertThat(scorer.router().weights(Segment.DEFAULT)).containsKey(scorer.release("v2"));

            String longest = "z".repeat(OperatorText.MAX_REASON_LENGTH);
            assertThat(endpoint.write("scorer", "pause", null, longest, caller("ana", "ROLLOUT_ADMIN")).getStatus()).isEqualTo(200);
            assertThat(audited(scorer, "rollout-paused")).last().satisfies(a -> assertThat(a.reason()).isEqualTo(longest));
        });
    }

    @Test
    void controlCharactersAreStrippedSoAReasonCannotForgeAuditOrLogLines(CapturedOutput output) {
        runner.withPropertyValues("rollback4j.actuator.write-enabled=true").run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            String forged = "release meeting\r\n2026-01-01 INFO rollouts endpoint: mallory ran 'promote'\u0000\u202E\tnow";
            WebEndpointResponse<Map<String, Object>> paused = context.getBean(RolloutsEndpoint.class).write("scorer", "pause", null,
                    forged, caller("ana", "ROLLOUT_ADMIN"));
            assertThat(paused.getStatus()).isEqualTo(200);
            assertThat(audited(scorer, "rollout-paused")).last().satisfies(a -> assertThat(a.reason())
                    .isEqualTo("release meeting 2026-01-01 INFO rollouts endpoint: mallory ran 'promote' now"));
            assertThat(output.getAll()).doesNotContain("\r\n2026-01-01 INFO").doesNotContain("\n2026-01-01 INFO rollouts endpoint: mallory");
        });
    }

    @Test
    void aRefusedWriteIsAuditedWithTheCallerAndWhy() {
        runner.withPropertyValues("rollback4j.actuator.write-enabled=true").run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);

            assertThat(endpoint.write("scorer", "rollback", null, "x", caller("bob", "USER")).getStatus()).isEqualTo(403);
            assertThat(audited(scorer, RefusalAudit.ACTION)).singleElement().satisfies(a -> {
                assertThat(a.actor()).isEqualTo("bob");
                assertThat(a.reason()).startsWith("HTTP 403: ").contains("needs role ROLLOUT_ADMIN");
                assertThat(a.detail()).isEqualTo("rollback");
            });
            assertThat(scorer.router().weights(Segment.DEFAULT)).containsKey(scorer.release("v2"));
        });
        runner.run(context -> { // writes disabled: refused for everybody, audited too
            RollbackRouters.Entry scorer = progressing(context);
            assertThat(context.getBean(RolloutsEndpoint.class).write("scorer", "pause", null, null, SecurityContext.NONE).getStatus())
                    .isEqualTo(403);
            assertThat(audited(scorer, RefusalAudit.ACTION)).singleElement().satisfies(a -> {
                assertThat(a.actor()).isEqualTo(RefusalAudit.ANONYMOUS);
                assertThat(a.reason()).contains("rollback4j.actuator.write-enabled=true");
            });
        });
    }

    @Test
    void refusalsAreAuditedAtMostOnceASecondPerRouterWithTheOthersCounted() {
        runner.run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            AtomicLong nanos = new AtomicLong();
            RefusalAudit refusals = new RefusalAudit(nanos::get);
            for (int i = 0; i < 500; i++) {
                refusals.audit(scorer, caller("mallory"), "promote", 403, "needs role ROLLOUT_ADMIN");
            }
            assertThat(audited(scorer, RefusalAudit.ACTION)).hasSize(1);

            nanos.addAndGet(RefusalAudit.INTERVAL.toNanos());
            refusals.audit(scorer, caller("mallory"), "promote", 403, "needs role ROLLOUT_ADMIN");
            assertThat(audited(scorer, RefusalAudit.ACTION)).hasSize(2).last().satisfies(a -> assertThat(a.detail())
                    .isEqualTo("promote; 499 more refused write(s) since the previous entry, not audited one by one"));
        });
    }

    @Test
    void anUnknownRouterIsAnsweredWithoutListingTheRouters() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("rollback4j.actuator.write-enabled=true").run(context -> {
                    progressing(context);
                    RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);

                    WebEndpointResponse<Map<String, Object>> read = endpoint.router("nope\r\nforged");
                    assertThat(read.getStatus()).isEqualTo(404);
                    assertThat(read.getBody().get("error").toString()).isEqualTo("no router named 'nope forged'; GET /actuator/rollouts"
                            + " lists the routers").doesNotContain("scorer");
                    WebEndpointResponse<String> document = endpoint.document("nope", "runbook");
                    assertThat(document.getStatus()).isEqualTo(404);
                    assertThat(document.getBody()).doesNotContain("scorer");
                    WebEndpointResponse<Map<String, Object>> write = endpoint.write("nope", "rollback", null, null, SecurityContext.NONE);
                    assertThat(write.getStatus()).isEqualTo(404);
                    assertThat(write.getBody().get("error").toString()).doesNotContain("scorer");
                });
        runner.run(context -> { // a caller who may not write learns nothing of which routers exist
            progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            assertThat(endpoint.write("nope", "rollback", null, null, SecurityContext.NONE).getStatus()).isEqualTo(403);
            assertThat(endpoint.write("scorer", "rollback", null, null, SecurityContext.NONE).getStatus()).isEqualTo(403);
        });
    }
}
