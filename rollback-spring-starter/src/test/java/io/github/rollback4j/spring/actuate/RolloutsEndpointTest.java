package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RolloutIncidentsSource;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RolloutsEndpointTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class)
            .withPropertyValues(TestModels.scorer());

    /** A caller with a name and a set of roles. */
    static SecurityContext caller(String name, String... roles) {
        Principal principal = () -> name;
        Set<String> granted = Set.of(roles);
        return new SecurityContext() {
            @Override
            public Principal getPrincipal() {
                return principal;
            }

            @Override
            public boolean isUserInRole(String role) {
                return granted.contains(role);
            }
        };
    }

    private static RollbackRouters.Entry progressing(org.springframework.context.ApplicationContext context) {
        RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
        await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
        return scorer;
    }

    @Test
    @SuppressWarnings("unchecked")
    void readShowsReleasesRoutingRolloutVerdictsIncidentsAndAudit() {
        runner.withBean(RolloutIncidentsSource.class, () -> router -> List.of(Map.of("id", "inc-1", "router", router)))
                .run(context -> {
                    RollbackRouters.Entry scorer = progressing(context);
                    for (int i = 0; i < 200; i++) {
                        scorer.router().invoke(1.0, io.github.rollback4j.RequestContext.of("user-" + i));
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> !scorer.engine().latest().isEmpty());
                    RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);

                    Map<String, Object> all = (Map<String, Object>) endpoint.routers().get("routers");
                    assertThat((Map<String, Object>) all.get("scorer")).containsEntry("lastKnownGood", "v1")
                            .containsEntry("candidate", "v2").containsEntry("phase", "PROGRESSING").containsEntry("weightBasisPoints", 1000);

                    WebEndpointResponse<Map<String, Object>> one = endpoint.router("scorer");
                    assertThat(one.getStatus()).isEqualTo(200);
                    Map<String, Object> body = one.getBody();
                    assertThat((Map<String, Object>) body.get("lastKnownGood")).containsEntry("name", "v1")
                            .containsEntry("id", scorer.release("v1").value());
                    assertThat((List<Map<String, Object>>) body.get("releases")).extracting(r -> r.get("name")).containsExactly("v1", "v2");
                    Map<String, Object> routing = (Map<String, Object>) body.get("routing");
                    Map<String, Object> segment = (Map<String, Object>) ((Map<String, Object>) routing.get("segments")).get("default");
                    assertThat(segment.get("configured")).isEqualTo(Map.of("v1", 9000, "v2", 1000));
                    assertThat(segment.get("serving")).isEqualTo(Map.of("v1", 9000, "v2", 1000));
                    assertThat((Map<String, Object>) body.get("rollout")).containsEntry("strategy", "canary")
                            .containsEntry("phase", "PROGRESSING").containsEntry("step", 0);
                    List<Map<String, Object>> verdicts = (List<Map<String, Object>>) body.get("verdicts");
                    assertThat(verdicts).isNotEmpty().allSatisfy(v -> {
                        assertThat(v).containsEntry("trigger", "error-rate").containsEntry("candidate", "v2");
                        assertThat((Map<String, Object>) v.get("evidence")).containsKeys("candidateValue", "baselineValue",
                                "threshold", "candidateSamples", "windowFrom", "note");
                    });
                    assertThat(body.get("incidents")).isEqualTo(List.of(Map.of("id", "inc-1", "router", "scorer")));
                    assertThat((List<Map<String, Object>>) body.get("audit")).extracting(a -> a.get("action")).contains("weights-changed");

                    assertThat(endpoint.router("nope").getStatus()).isEqualTo(404);
                });
    }

    @Test
    void writesAreRefusedUnlessEnabled() {
        runner.run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            WebEndpointResponse<Map<String, Object>> refused = context.getBean(RolloutsEndpoint.class)
                    .write("scorer", "rollback", null, "bad canary", caller("ana", "ROLLOUT_ADMIN"));
            assertThat(refused.getStatus()).isEqualTo(403);
            assertThat(refused.getBody().get("error").toString()).contains("rollback4j.actuator.write-enabled=true");
            assertThat(scorer.router().weights(Segment.DEFAULT)).containsKey(scorer.release("v2"));
        });
    }

    @Test
    void withSpringSecurityWritesNeedAnAuthenticatedPrincipalInTheRole() {
        runner.withPropertyValues("rollback4j.actuator.write-enabled=true").run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);

            assertThat(endpoint.write("scorer", "pause", null, null, SecurityContext.NONE).getStatus()).isEqualTo(401);
            WebEndpointResponse<Map<String, Object>> noRole = endpoint.write("scorer", "pause", null, null, caller("bob", "USER"));
            assertThat(noRole.getStatus()).isEqualTo(403);
            assertThat(noRole.getBody().get("error").toString()).contains("ROLLOUT_ADMIN").contains("bob");
            assertThat(scorer.rollout().status().phase()).isEqualTo(RolloutPhase.PROGRESSING);

            WebEndpointResponse<Map<String, Object>> paused = endpoint.write("scorer", "pause", null, "release meeting",
                    caller("ana", "ROLLOUT_ADMIN"));
            assertThat(paused.getStatus()).isEqualTo(200);
            assertThat(paused.getBody()).containsEntry("operator", "ana");
            assertThat(scorer.rollout().status().phase()).isEqualTo(RolloutPhase.PAUSED);
            AuditEntry last = lastAudit(scorer);
            assertThat(last.action()).isEqualTo("rollout-paused");
            assertThat(last.actor()).isEqualTo("ana");
            assertThat(last.reason()).isEqualTo("release meeting");
        });
    }

    @Test
    void aCustomRoleIsHonoured() {
        runner.withPropertyValues("rollback4j.actuator.write-enabled=true", "rollback4j.actuator.write-role=ML_ONCALL").run(context -> {
            progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            assertThat(endpoint.write("scorer", "pause", null, null, caller("ana", "ROLLOUT_ADMIN")).getStatus()).isEqualTo(403);
            assertThat(endpoint.write("scorer", "pause", null, null, caller("ana", "ML_ONCALL")).getStatus()).isEqualTo(200);
        });
    }

    @Test
    void withoutSpringSecurityEnabledWritesAreOpenAndAuditedAsTheAnonymousOperator() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("rollback4j.actuator.write-enabled=true", "rollback4j.actuator.anonymous-operator=ops-console")
                .run(context -> {
                    RollbackRouters.Entry scorer = progressing(context);
                    RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);

                    WebEndpointResponse<Map<String, Object>> rolledBack = endpoint.write("scorer", "rollback", null, "bad canary",
                            SecurityContext.NONE);
                    assertThat(rolledBack.getStatus()).isEqualTo(200);
                    assertThat(scorer.router().servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(scorer.release("v1"), 10_000));
                    assertThat(scorer.router().state().quarantined()).containsExactly(scorer.release("v2"));
                    AuditEntry rollback = scorer.router().auditLog().stream().filter(a -> a.action().equals("rolled-back")).findFirst()
                            .orElseThrow();
                    assertThat(rollback.actor()).isEqualTo("ops-console");
                    assertThat(rollback.reason()).isEqualTo("bad canary");

                    // Conflicts and bad arguments are answered, not thrown.
                    assertThat(endpoint.write("scorer", "resume", null, null, SecurityContext.NONE).getStatus()).isEqualTo(409);
                    assertThat(endpoint.write("scorer", "flip", null, null, SecurityContext.NONE).getStatus()).isEqualTo(409);
                    assertThat(endpoint.write("scorer", "override-quarantine", null, null, SecurityContext.NONE).getStatus())
                            .isEqualTo(400);
                    assertThat(endpoint.write("scorer", "explode", null, null, SecurityContext.NONE).getStatus()).isEqualTo(400);
                    assertThat(endpoint.write("nope", "rollback", null, null, SecurityContext.NONE).getStatus()).isEqualTo(404);

                    WebEndpointResponse<Map<String, Object>> lifted = endpoint.write("scorer", "override-quarantine", "v2",
                            "fixed encoder", caller("ana"));
                    assertThat(lifted.getStatus()).isEqualTo(200);
                    assertThat(scorer.router().state().quarantined()).isEmpty();
                    assertThat(lastAudit(scorer).actor()).isEqualTo("ana");

                    WebEndpointResponse<Map<String, Object>> promoted = endpoint.write("scorer", "promote", "v2", "hotfix verified",
                            caller("ana"));
                    assertThat(promoted.getStatus()).isEqualTo(200);
                    assertThat(scorer.router().lastKnownGood().id()).isEqualTo(scorer.release("v2"));
                });
    }

    @Test
    void approveAndResumeDriveAPausedRollout() {
        runner.withPropertyValues("rollback4j.actuator.write-enabled=true").run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            SecurityContext admin = caller("ana", "ROLLOUT_ADMIN");
            assertThat(endpoint.write("scorer", "pause", null, null, admin).getStatus()).isEqualTo(200);
            assertThat(endpoint.write("scorer", "resume", null, "meeting over", admin).getStatus()).isEqualTo(200);
            assertThat(scorer.rollout().status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
            assertThat(endpoint.write("scorer", "pause", null, null, admin).getStatus()).isEqualTo(200);
            assertThat(endpoint.write("scorer", "approve", null, "go", admin).getStatus()).isEqualTo(200);
            assertThat(scorer.rollout().status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
            assertThat(scorer.rollout().status().reason()).contains("approved by ana");
        });
    }

    private static AuditEntry lastAudit(RollbackRouters.Entry scorer) {
        List<AuditEntry> log = scorer.router().auditLog();
        return log.get(log.size() - 1);
    }
}
