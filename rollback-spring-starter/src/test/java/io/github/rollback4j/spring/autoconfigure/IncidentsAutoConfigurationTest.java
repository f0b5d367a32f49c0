package io.github.rollback4j.spring.autoconfigure;

import com.sun.net.httpserver.HttpServer;
import io.github.rollback4j.Cause;
import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.FileSystemEvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.IncidentNotice;
import io.github.rollback4j.core.incident.IncidentStatus;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.incident.MaskedUrls;
import io.github.rollback4j.core.incident.Notifier;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.micrometer.PrometheusAlertRules;
import io.github.rollback4j.spring.RollbackIncidentEvent;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import io.github.rollback4j.spring.actuate.RollbackHealthIndicator;
import io.github.rollback4j.spring.actuate.RolloutsEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The incident manager the starter builds per router, its notifiers, and what the endpoint and health show of it. */
class IncidentsAutoConfigurationTest {

    private static final String I = "rollback4j.routers.scorer.incident.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class)
            .withPropertyValues(TestModels.scorer());

    /** Owner, channel, a verification check and the webhook-free notifiers: a runbook without findings. */
    private static String[] complete(Path evidence) {
        return new String[] {I + "owner=team-fraud", I + "channel=#fraud-oncall", I + "evidence-dir=" + evidence,
                I + "samples.before=5", I + "samples.after=7", I + "verification.within=2m",
                I + "verification.checks[0].name=lkg-errors", I + "verification.checks[0].metric=error_rate",
                I + "verification.checks[0].above=1%", I + "verification.checks[0].window=30s"};
    }

    private static RollbackRouters.Entry progressing(ApplicationContext context) {
        RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
        await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
        return scorer;
    }

    @Test
    void everyRouterGetsAnIncidentManagerBuiltFromItsPropertiesAndTheSharedDefaults(@TempDir Path evidence) {
        runner.withPropertyValues(complete(evidence))
                .withPropertyValues("rollback4j.defaults.incident.owner=platform", "rollback4j.defaults.incident.notifiers.log=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Incidents incidents = context.getBean(RollbackRouters.class).entry("scorer").incidents();
                    assertThat(incidents).isNotNull();
                    assertThat(incidents.owner()).contains("team-fraud");
                    assertThat(incidents.channel()).contains("#fraud-oncall");
                    assertThat(incidents.verificationTimeout()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(incidents.verificationChecks()).singleElement().satisfies(c -> {
                        assertThat(c.name()).isEqualTo("lkg-errors");
                        assertThat(c.window()).isEqualTo(Duration.ofSeconds(30));
                    });
                    assertThat(((FileSystemEvidenceStore) incidents.store()).root()).isEqualTo(evidence.toAbsolutePath().normalize());
                    // log=false from the shared defaults; the Spring events notifier because events are on.
                    assertThat(incidents.notifierDescriptions()).containsExactly("spring-events");
                });
    }

    @Test
    void withoutEvidenceDirBundlesStayInMemoryAndTheDefaultsApply() {
        runner.run(context -> {
            Incidents incidents = context.getBean(RollbackRouters.class).entry("scorer").incidents();
            assertThat(incidents.store()).isNull();
            assertThat(incidents.verificationTimeout()).isEqualTo(Incidents.DEFAULT_VERIFICATION_TIMEOUT);
            assertThat(incidents.owner()).isEmpty();
            assertThat(incidents.notifierDescriptions()).containsExactly("LogNotifier", "spring-events");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void incidentsDisabledByPropertyMeansNoIncidentManager() {
        runner.withPropertyValues(I + "enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            RollbackRouters.Entry scorer = progressing(context);
            assertThat(scorer.incidents()).isNull();
            scorer.router().rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));
            Map<String, Object> body = context.getBean(RolloutsEndpoint.class).router("scorer").getBody();
            assertThat(body.get("incidents")).isEqualTo(List.of());
            assertThat((Map<String, Object>) context.getBean(RollbackHealthIndicator.class).health().getDetails().get("scorer"))
                    .doesNotContainKey("openIncidents");
        });
        // A router can turn them back on over a shared "off".
        runner.withPropertyValues("rollback4j.defaults.incident.enabled=false", I + "enabled=true")
                .run(context -> assertThat(context.getBean(RollbackRouters.class).entry("scorer").incidents()).isNotNull());
    }

    @Test
    void aWebhookUrlAddsAWebhookNotifierThatReceivesTheOpenedNoticeOfAManualRollback() throws IOException {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/rollback4j", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/rollback4j";
        try {
            runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                    .withPropertyValues("rollback4j.actuator.write-enabled=true", I + "owner=team-fraud",
                            I + "notifiers.webhook.url=" + url, I + "notifiers.webhook.timeout=2s", I + "notifiers.webhook.max-attempts=2")
                    .run(context -> {
                        RollbackRouters.Entry scorer = progressing(context);
                        assertThat(scorer.incidents().notifierDescriptions())
                                .contains("WebhookNotifier{" + MaskedUrls.of(java.net.URI.create(url)) + "}").noneMatch(d -> d.contains("/hooks"));

                        WebEndpointResponse<Map<String, Object>> rolledBack = context.getBean(RolloutsEndpoint.class)
                                .write("scorer", "rollback", null, "customer complaints", SecurityContext.NONE);
                        assertThat(rolledBack.getStatus()).isEqualTo(200);

                        await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
                        assertThat(received.get(0)).contains("\"kind\":\"OPENED\"").contains("\"router\":\"scorer\"")
                                .contains("\"status\":\"OPEN\"").contains("\"owner\":\"team-fraud\"")
                                .contains("\"incident\":\"" + scorer.incidents().incidents().get(0).id() + "\"")
                                .contains("customer complaints");
                    });
        } finally {
            server.stop(0);
        }
    }

    @Test
    void incidentNoticesArePublishedAsApplicationEventsAndToNotifierBeans() {
        runner.withUserConfiguration(Listener.class).run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            assertThat(scorer.incidents().notifierDescriptions()).contains("spring-events", "custom notifier");
            scorer.router().rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));

            Listener listener = context.getBean(Listener.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !listener.events.isEmpty() && !listener.notices.isEmpty());
            RollbackIncidentEvent event = listener.events.get(0);
            assertThat(event.getKind()).isEqualTo(IncidentNotice.Kind.OPENED);
            assertThat(event.getRouter()).isEqualTo("scorer");
            assertThat(event.getNotice().incidentId()).isEqualTo(scorer.incidents().incidents().get(0).id());
            assertThat(event.getNotice().summary()).contains("bad canary");
            assertThat(listener.notices.get(0).kind()).isEqualTo(IncidentNotice.Kind.OPENED);
        });
        runner.withUserConfiguration(Listener.class).withPropertyValues("rollback4j.events.enabled=false").run(context ->
                assertThat(context.getBean(RollbackRouters.class).entry("scorer").incidents().notifierDescriptions())
                        .doesNotContain("spring-events"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Listener {
        final List<RollbackIncidentEvent> events = new CopyOnWriteArrayList<>();
        final List<IncidentNotice> notices = new CopyOnWriteArrayList<>();

        @EventListener
        void on(RollbackIncidentEvent event) {
            events.add(event);
        }

        @Bean
        Notifier pager() {
            return notices::add;
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointShowsTheIncidentAndItsBundleAndTheHealthCountsIt(@TempDir Path evidence) {
        runner.withPropertyValues(complete(evidence)).run(context -> {
            RollbackRouters.Entry scorer = progressing(context);
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            assertThat((List<?>) endpoint.router("scorer").getBody().get("runbookSelfCheck")).isEmpty();

            scorer.router().rollbackToLastKnownGood(Cause.operator("ana", "bad canary"));
            Incident opened = scorer.incidents().incidents().get(0);
            assertThat(scorer.incidents().flush(Duration.ofSeconds(10))).isTrue();

            List<Map<String, Object>> incidents = (List<Map<String, Object>>) endpoint.router("scorer").getBody().get("incidents");
            assertThat(incidents).singleElement().satisfies(i -> {
                assertThat(i).containsEntry("id", opened.id()).containsEntry("status", "OPEN").containsEntry("lastKnownGood", "v1")
                        .containsEntry("lastKnownGoodId", scorer.release("v1").value())
                        .containsEntry("owner", "team-fraud").containsEntry("channel", "#fraud-oncall")
                        .containsEntry("bundle", evidence.toAbsolutePath().normalize().resolve(opened.id()).toString());
                assertThat(i.get("openedAt")).isEqualTo(opened.openedAt().toString());
                assertThat(i.get("endedAt")).isNull();
                assertThat((Map<String, Object>) i.get("cause")).containsEntry("actor", "ana").containsEntry("reason", "bad canary");
                assertThat((List<Map<String, Object>>) i.get("impact")).singleElement()
                        .satisfies(x -> assertThat(x).containsEntry("release", "v2").containsKeys("requests", "errors"));
                assertThat((List<Map<String, Object>>) i.get("frozen")).singleElement()
                        .satisfies(f -> assertThat(f).containsEntry("release", "v2").containsEntry("quarantined", true)
                                .containsEntry("modelDigest", TestModels.V2_DIGEST));
                assertThat((Map<String, Object>) i.get("verification")).containsEntry("state", "RUNNING")
                        .containsEntry("deadline", opened.openedAt().plus(Duration.ofMinutes(2)).toString());
                assertThat((List<Map<String, Object>>) i.get("timeline")).extracting(t -> t.get("event").toString())
                        .anySatisfy(t -> assertThat(t).startsWith("incident opened"));
            });
            Path bundle = evidence.resolve(opened.id());
            assertThat(bundle.resolve(EvidenceStore.BUNDLE_JSON)).exists();
            assertThat(Files.readString(bundle.resolve(EvidenceStore.SUMMARY_MD))).contains(opened.id()).contains("team-fraud");

            Health health = context.getBean(RollbackHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat((Map<String, Object>) health.getDetails().get("scorer")).containsEntry("openIncidents", 1L)
                    .containsEntry("escalatedIncidents", 0L);
            assertThat(opened.status()).isEqualTo(IncidentStatus.OPEN);
        });
    }

    @Test
    void theRunbookIsMarkdownWithTheTriggersAndTheConfiguredActuatorPath(@TempDir Path evidence) {
        runner.withPropertyValues(complete(evidence)).withPropertyValues("management.endpoints.web.base-path=/manage").run(context -> {
            WebEndpointResponse<String> runbook = context.getBean(RolloutsEndpoint.class).document("scorer", "runbook");
            assertThat(runbook.getStatus()).isEqualTo(200);
            assertThat(runbook.getContentType().toString()).isEqualTo("text/markdown;charset=UTF-8");
            assertThat(runbook.getBody()).startsWith("# Runbook: router `scorer`").contains("| error-rate | error rate |")
                    .contains("| lkg-errors | error rate | > 1 % |").contains("- Owner: team-fraud")
                    .contains("/manage/rollouts/scorer/rollback").contains("No findings");
        });
        runner.run(context -> assertThat(context.getBean(RolloutsEndpoint.class).document("scorer", "runbook").getBody())
                .contains("NO_OWNER").contains("NO_VERIFICATION").contains("/actuator/rollouts/scorer/rollback"));
    }

    @Test
    void alertRulesAreYamlWithRollbackMicrometerAndA404WithoutIt() {
        runner.run(context -> {
            RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
            WebEndpointResponse<String> rules = endpoint.document("scorer", "alert-rules");
            assertThat(rules.getStatus()).isEqualTo(200);
            assertThat(rules.getContentType().toString()).isEqualTo("application/yaml;charset=UTF-8");
            assertThat(rules.getBody()).contains("- name: rollback4j-scorer").contains("- alert: Rollback4jErrorRate")
                    .contains("runbook_url: /actuator/rollouts/scorer/runbook");

            assertThat(endpoint.document("nope", "runbook").getStatus()).isEqualTo(404);
            WebEndpointResponse<String> unknown = endpoint.document("scorer", "playbook");
            assertThat(unknown.getStatus()).isEqualTo(404);
            assertThat(unknown.getBody()).contains("runbook").contains("alert-rules");
        });
        runner.withClassLoader(new FilteredClassLoader(PrometheusAlertRules.class)).run(context -> {
            WebEndpointResponse<String> missing = context.getBean(RolloutsEndpoint.class).document("scorer", "alert-rules");
            assertThat(missing.getStatus()).isEqualTo(404);
            assertThat(missing.getContentType().toString()).isEqualTo("text/plain;charset=UTF-8");
            assertThat(missing.getBody()).contains("rollback-micrometer");
        });
    }

    @Test
    void theBasePathFollowsContextPathAndManagementServer() {
        org.springframework.mock.env.MockEnvironment env = new org.springframework.mock.env.MockEnvironment();
        assertThat(RolloutsEndpointAutoConfiguration.basePath(null, env)).isEqualTo("/actuator/rollouts");
        env.setProperty("server.servlet.context-path", "/scoring/");
        assertThat(RolloutsEndpointAutoConfiguration.basePath(null, env)).isEqualTo("/scoring/actuator/rollouts");
        env.setProperty("management.server.port", "9090");
        env.setProperty("management.server.base-path", "/ops");
        env.setProperty("management.endpoints.web.base-path", "/");
        assertThat(RolloutsEndpointAutoConfiguration.basePath(null, env)).isEqualTo("/ops/rollouts");
    }
}
