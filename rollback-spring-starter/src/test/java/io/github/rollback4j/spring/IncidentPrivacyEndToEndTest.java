package io.github.rollback4j.spring;

import com.sun.net.httpserver.HttpServer;
import io.github.rollback4j.Model;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.RedactedError;
import io.github.rollback4j.core.incident.Redactor;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spring.actuate.RolloutsEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end through the starter: an application's {@link Redactor} bean masks e-mail addresses and
 * card numbers in request samples and in the messages of the exceptions a model throws, and neither
 * reaches the bundle, the summary, the logs, the webhook or the Actuator endpoint.
 */
@ExtendWith(OutputCaptureExtension.class)
class IncidentPrivacyEndToEndTest {

    private static final String EMAIL = "ana.lopez@example.org";
    private static final String CARD = "4111 1111 1111 1111";
    private static final Pattern EMAILS = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern CARDS = Pattern.compile("\\b\\d{4}( ?\\d{4}){3}\\b");
    private static final String R = "rollback4j.routers.cards.";

    static String mask(String text) {
        return CARDS.matcher(EMAILS.matcher(text).replaceAll("<email>")).replaceAll("<card>");
    }

    /** v2 declines every card and quotes the request in its message, as models do. */
    @Configuration(proxyBeanMethods = false)
    static class CardModels {
        @Bean
        Model<Map<String, Object>, Double> cardsV1() {
            return in -> 0.1;
        }

        @Bean
        Model<Map<String, Object>, Double> cardsV2() {
            return in -> {
                if (in.containsKey("probe")) {
                    return 0.0;
                }
                throw new IllegalArgumentException("card " + in.get("card") + " of " + in.get("email") + " declined");
            };
        }

        @Bean
        List<Map<String, Object>> cardsSamples() {
            return List.of(Map.of("probe", true));
        }

        @Bean
        @SuppressWarnings("unchecked")
        Redactor redactor() {
            return Redactor.of(sample -> {
                Map<String, Object> input = new HashMap<>((Map<String, Object>) sample.input());
                input.replaceAll((k, v) -> v instanceof String s ? mask(s) : v);
                return sample.with(null, input, sample.output());
            }, IncidentPrivacyEndToEndTest::mask);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void neitherSamplesNorModelMessagesLeakPersonalDataAnywhere(@TempDir Path evidence, CapturedOutput output) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/T0/SECRET", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String hook = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T0/SECRET";
        try {
            new ApplicationContextRunner().withConfiguration(TestModels.ALL).withUserConfiguration(CardModels.class)
                    .withClassLoader(new FilteredClassLoader("org.springframework.security"))
                    .withPropertyValues("management.endpoints.web.exposure.include=health,rollouts",
                            "rollback4j.actuator.write-enabled=true", "rollback4j.defaults.warm-up-calls=2",
                            "rollback4j.defaults.evaluation-interval=50ms",
                            R + "sample-inputs-bean=cardsSamples",
                            R + "releases[0].name=v1", R + "releases[0].model-bean=cardsV1", R + "releases[0].version=1.0.0",
                            R + "releases[0].digest=" + TestModels.V1_DIGEST, R + "releases[0].lkg=true",
                            R + "releases[1].name=v2", R + "releases[1].model-bean=cardsV2", R + "releases[1].version=2.0.0",
                            R + "releases[1].digest=" + TestModels.V2_DIGEST,
                            R + "strategy.type=canary", R + "strategy.canary.steps[0].weight=100", R + "strategy.canary.steps[0].bake=1h",
                            R + "triggers[0].name=error-rate", R + "triggers[0].metric=error_rate", R + "triggers[0].above=5%",
                            R + "triggers[0].severity=dry_run",
                            R + "incident.evidence-dir=" + evidence, R + "incident.owner=team-cards",
                            R + "incident.notifiers.webhook.url=" + hook)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        RollbackRouters.Entry cards = context.getBean(RollbackRouters.class).entry("cards");
                        await().atMost(Duration.ofSeconds(10)).until(() -> cards.rollout().status().phase() == RolloutPhase.PROGRESSING);
                        for (int i = 0; i < 3_000; i++) {
                            try {
                                cards.router().invoke(Map.of("email", EMAIL, "card", CARD, "n", i), RequestContext.of("user-" + i));
                            } catch (Exception declined) {
                                // the model's own exception reaches the caller
                            }
                        }
                        RolloutsEndpoint endpoint = context.getBean(RolloutsEndpoint.class);
                        assertThat(endpoint.write("cards", "rollback", null, "declines", SecurityContext.NONE).getStatus()).isEqualTo(200);
                        Incident incident = cards.incidents().incidents().get(0);
                        assertThat(cards.incidents().flush(Duration.ofSeconds(10))).isTrue();
                        await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());

                        assertThat(incident.samplesBefore()).as("samples of v2 before the rollback").isNotEmpty();
                        CallSample<?, ?> sample = incident.samplesBefore().get(0);
                        assertThat(sample.error()).isInstanceOf(RedactedError.class).hasMessage("card <card> of <email> declined");
                        assertThat((Map<String, Object>) sample.input()).containsEntry("email", "<email>").containsEntry("card", "<card>");

                        Path bundle = evidence.resolve(incident.id());
                        String json = Files.readString(bundle.resolve(EvidenceStore.BUNDLE_JSON));
                        String summary = Files.readString(bundle.resolve(EvidenceStore.SUMMARY_MD));
                        assertThat(json).contains("card <card> of <email> declined").contains("\"email\" : \"<email>\"");
                        String actuator = endpoint.router("cards").getBody().toString() + endpoint.document("cards", "runbook").getBody();
                        for (String place : List.of(json, summary, String.join("\n", received), actuator, output.getAll())) {
                            assertThat(place).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain("4111").doesNotContain("SECRET");
                        }
                    });
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFailedDeliveryIsLoggedWithTheWebhookAndSlackUrlsMasked(CapturedOutput output) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            new ApplicationContextRunner().withConfiguration(TestModels.ALL).withUserConfiguration(TestModels.class)
                    .withPropertyValues(TestModels.scorer("rollback4j.routers.scorer.incident.notifiers.webhook.url=" + base
                                    + "/hooks/T0/WEBHOOKSECRET", "rollback4j.routers.scorer.incident.notifiers.webhook.max-attempts=1",
                            "rollback4j.routers.scorer.incident.notifiers.slack.url=http://ops:hunter2@127.0.0.1:"
                                    + server.getAddress().getPort() + "/services/T0/B0/SLACKSECRET"))
                    .run(context -> {
                        RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
                        await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
                        scorer.router().rollbackToLastKnownGood(io.github.rollback4j.Cause.operator("ana", "bad canary"));
                        await().atMost(Duration.ofSeconds(20)).until(() -> failedDeliveries(output.getAll()) >= 2);
                        String runbook = context.getBean(RolloutsEndpoint.class).document("scorer", "runbook").getBody();
                        for (String place : List.of(output.getAll(), String.join(", ", scorer.incidents().notifierDescriptions()), runbook)) {
                            assertThat(place).contains(base + "/****").doesNotContain("WEBHOOKSECRET").doesNotContain("SLACKSECRET")
                                    .doesNotContain("hunter2").doesNotContain("/hooks/T0").doesNotContain("/services/T0");
                        }
                    });
        } finally {
            server.stop(0);
        }
    }

    /** How many notifiers logged a failed delivery. */
    private static long failedDeliveries(String log) {
        return log.lines().filter(l -> l.contains("failed to deliver")).count();
    }
}
