package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code rollouts} endpoint's write rule ({@link RolloutsWriteAccess#role(String)}) through real HTTP:
 * a servlet application on a random port, a real Spring Security filter chain (HTTP basic, two
 * in-memory users, {@code /actuator/**} authenticated, CSRF off for the actuator POSTs) and the
 * canary router {@code scorer} declared in {@code rollouts-http-security.properties}. Each nested
 * class is one application context: the default write role, then {@code ML_ONCALL}.
 *
 * <p>The filter chain answers 401 to a request without credentials; a caller who is authenticated but
 * lacks the write role gets the endpoint's own 403, which names the role and the caller.
 */
class RolloutsEndpointHttpSecurityTest {

    /** Has role {@code ROLLOUT_ADMIN} (the default write role). */
    static final String ANA = "ana";
    /** Has role {@code ML_ONCALL} only. */
    static final String BOB = "bob";
    private static final Map<String, String> PASSWORDS = Map.of(ANA, "ana-secret", BOB, "bob-secret");

    private static final String ROLLBACK = "/actuator/rollouts/scorer/rollback";
    private static final String SCORER = "/actuator/rollouts/scorer";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The application under test: the starter's auto-configurations, Spring MVC, Actuator and Spring Security. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(TestModels.class)
    static class SecuredApplication {

        /** As in docs/spring-boot.md: every actuator request authenticated with HTTP basic; actuator POSTs need no CSRF token. */
        @Bean
        SecurityFilterChain actuatorSecurity(HttpSecurity http) {
            return http
                    .authorizeHttpRequests(requests -> requests
                            .requestMatchers("/actuator/**").authenticated()
                            .anyRequest().permitAll())
                    .httpBasic(Customizer.withDefaults())
                    .csrf(csrf -> csrf.ignoringRequestMatchers("/actuator/**"))
                    .build();
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername(ANA).password("{noop}" + PASSWORDS.get(ANA)).roles("ROLLOUT_ADMIN").build(),
                    User.withUsername(BOB).password("{noop}" + PASSWORDS.get(BOB)).roles("ML_ONCALL").build());
        }
    }

    /** One context's client side: the port, HTTP calls and the router bean to check what HTTP did. */
    abstract static class OverHttp {

        @LocalServerPort
        int port;

        @Autowired
        RollbackRouters routers;

        // No cookie handler: every request authenticates on its own, no session carries over.
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

        RollbackRouters.Entry scorer;

        @BeforeEach
        void canaryAtItsFirstStep() {
            scorer = routers.entry("scorer");
            // Warm-up and the first step run on the router's ticker; after that only the test's requests change it.
            await().atMost(Duration.ofSeconds(10)).until(() -> scorer.rollout().status().phase() == RolloutPhase.PROGRESSING);
        }

        HttpResponse<String> post(String path, String user, String reason) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"" + reason + "\"}"));
            return http.send(authenticated(request, user).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path, String user) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT).GET();
            return http.send(authenticated(request, user).build(), HttpResponse.BodyHandlers.ofString());
        }

        private static HttpRequest.Builder authenticated(HttpRequest.Builder request, String user) {
            if (user == null) {
                return request;
            }
            String credentials = user + ":" + PASSWORDS.get(user);
            return request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }

        static JsonNode json(HttpResponse<String> response) {
            return JsonMapper.shared().readTree(response.body());
        }

        /** What a refused write must leave alone: serving weights, last-known-good, quarantine and audit log. */
        /** What a refused write must not change: routing, LKG, quarantine and the audit log apart from its refusal entries. */
        Object routerState() {
            return List.of(scorer.router().servingWeights(Segment.DEFAULT), scorer.router().lastKnownGood().id(),
                    scorer.router().state().quarantined(), scorer.router().auditLog().stream()
                            .filter(a -> !a.action().equals(RefusalAudit.ACTION)).toList());
        }

        AuditEntry rollbackEntry() {
            return scorer.router().auditLog().stream().filter(a -> a.action().equals("rolled-back")).findFirst().orElseThrow();
        }
    }

    @Nested
    @SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @TestPropertySource(locations = "classpath:rollouts-http-security.properties")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class DefaultWriteRole extends OverHttp {

        @Test
        @Order(1)
        void writesWithoutCredentialsOrWithoutTheRoleAreRefusedAndChangeNothing() throws Exception {
            Object before = routerState();

            HttpResponse<String> anonymous = post(ROLLBACK, null, "no credentials");
            assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Basic"));
            assertThat(get(SCORER, null).statusCode()).isEqualTo(401);

            HttpResponse<String> roleless = post(ROLLBACK, BOB, "not my call");
            assertThat(roleless.statusCode()).as(roleless.body()).isEqualTo(403);
            JsonNode refusal = json(roleless);
            assertThat(refusal.at("/operation").asString()).isEqualTo("rollback");
            assertThat(refusal.at("/error").asString()).contains("needs role ROLLOUT_ADMIN").contains(BOB)
                    .contains("rollback4j.actuator.write-role");

            assertThat(routerState()).isEqualTo(before);
            assertThat(scorer.rollout().status().phase()).isEqualTo(RolloutPhase.PROGRESSING);
            assertThat(scorer.router().auditLog()).noneMatch(a -> a.reason() != null
                    && (a.reason().equals("no credentials") || a.reason().equals("not my call")));
            // Spring Security answers the anonymous caller itself; the endpoint audits the refusal it gave bob.
            assertThat(scorer.router().auditLog()).filteredOn(a -> a.action().equals(RefusalAudit.ACTION)).singleElement()
                    .satisfies(a -> assertThat(a.actor()).isEqualTo(BOB));
        }

        /** Runs last: the rollback ends the canary this context's tests share. */
        @Test
        @Order(2)
        void theAdminRollsBackToTheLastKnownGoodAndIsTheAuditedOperator() throws Exception {
            assertThat(scorer.router().servingWeights(Segment.DEFAULT))
                    .isEqualTo(Map.of(scorer.release("v1"), 9_000, scorer.release("v2"), 1_000));

            HttpResponse<String> rolledBack = post(ROLLBACK, ANA, "v2 scores drift in eu-west");
            assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
            assertThat(json(rolledBack).at("/operator").asString()).isEqualTo(ANA);

            assertThat(scorer.router().servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(scorer.release("v1"), 10_000));
            assertThat(scorer.router().lastKnownGood().id()).isEqualTo(scorer.release("v1"));
            assertThat(scorer.router().state().quarantined()).containsExactly(scorer.release("v2"));
            AuditEntry rollback = rollbackEntry();
            assertThat(rollback.actor()).isEqualTo(ANA);
            assertThat(rollback.reason()).isEqualTo("v2 scores drift in eu-west");

            // The rollout sees the rollback at its next tick (every 50 ms here).
            await().atMost(Duration.ofSeconds(10)).until(() -> json(get(SCORER, ANA)).at("/rollout/phase").asString()
                    .equals(RolloutPhase.ROLLED_BACK.name()));
            HttpResponse<String> read = get(SCORER, ANA);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
            JsonNode state = json(read);
            assertThat(state.at("/lastKnownGood/name").asString()).isEqualTo("v1");
            assertThat(state.at("/routing/segments/default/serving").propertyNames()).containsExactly("v1");
            assertThat(state.at("/routing/segments/default/serving/v1").asInt()).isEqualTo(10_000);
            assertThat(state.at("/quarantined/0").asString()).isEqualTo("v2");
            JsonNode audited = null;
            for (JsonNode a : state.at("/audit")) {
                if (a.at("/action").asString().equals("rolled-back")) {
                    audited = a;
                }
            }
            assertThat(audited).as("rolled-back in %s", state.at("/audit")).isNotNull();
            assertThat(audited.at("/actor").asString()).isEqualTo(ANA);
            assertThat(audited.at("/reason").asString()).isEqualTo("v2 scores drift in eu-west");
        }
    }

    @Nested
    @SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "rollback4j.actuator.write-role=ML_ONCALL")
    @TestPropertySource(locations = "classpath:rollouts-http-security.properties")
    class CustomWriteRole extends OverHttp {

        @Test
        void theConfiguredRoleIsTheOneRequired() throws Exception {
            Object before = routerState();

            HttpResponse<String> admin = post(ROLLBACK, ANA, "ROLLOUT_ADMIN is not enough here");
            assertThat(admin.statusCode()).as(admin.body()).isEqualTo(403);
            assertThat(json(admin).at("/error").asString()).contains("needs role ML_ONCALL").contains(ANA);
            assertThat(routerState()).isEqualTo(before);

            HttpResponse<String> oncall = post(ROLLBACK, BOB, "on-call rollback");
            assertThat(oncall.statusCode()).as(oncall.body()).isEqualTo(200);
            assertThat(scorer.router().servingWeights(Segment.DEFAULT)).isEqualTo(Map.of(scorer.release("v1"), 10_000));
            assertThat(rollbackEntry().actor()).isEqualTo(BOB);
            assertThat(rollbackEntry().reason()).isEqualTo("on-call rollback");
        }
    }
}
