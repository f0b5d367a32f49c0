package io.github.rollback4j.spring.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.spring.RollbackPropertyException;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import io.github.rollback4j.spring.actuate.RollbackHealthIndicator;
import io.github.rollback4j.spring.actuate.RolloutsEndpoint;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.security.Principal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code rollback4j.fleet.*}: two application contexts as two replicas of a service on one real
 * PostgreSQL 15 (zonky's binaries), sharing the scorer router's canary.
 */
class FleetAutoConfigurationTest {

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("rollback4j-starter-pg-"))
                .setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private static String database() throws Exception {
        String name = "starter_" + DATABASES.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    private static HikariDataSource pool(String database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database);
        config.setUsername("postgres");
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    private static ApplicationContextRunner replica(String database, String id) {
        return new ApplicationContextRunner()
                .withConfiguration(TestModels.ALL)
                .withUserConfiguration(TestModels.class)
                .withBean("fleetDataSource", DataSource.class, () -> pool(database))
                .withPropertyValues(TestModels.scorer("rollback4j.fleet.enabled=true", "rollback4j.fleet.replica-id=" + id,
                        "rollback4j.fleet.lease-time=2s", "rollback4j.fleet.publish-interval=200ms",
                        "rollback4j.fleet.poll-interval=1s", "rollback4j.fleet.fail-safe-after=10s",
                        "rollback4j.actuator.write-enabled=true"));
    }

    @Test
    void twoReplicasShareOneCanaryAndEitherEndpointSteersIt() throws Exception {
        String db = database();
        replica(db, "replica-a").run(a -> {
            assertThat(a).hasNotFailed();
            RollbackRouters.Entry scorerA = a.getBean(RollbackRouters.class).entry("scorer");
            await().atMost(Duration.ofSeconds(15)).until(() -> scorerA.member().isLeader());
            replica(db, "replica-b").run(b -> {
                assertThat(b).hasNotFailed();
                RollbackRouters.Entry scorerB = b.getBean(RollbackRouters.class).entry("scorer");
                assertThat(scorerB.member().isLeader()).isFalse();
                assertThat(b.getBean(RollbackRouters.class).fleet()).isPresent();

                // The leader's canary sets 10 %; the follower routes by it (its own canary never runs).
                await().atMost(Duration.ofSeconds(15)).until(() -> scorerB.router().weights(Segment.DEFAULT)
                        .getOrDefault(scorerB.release("v2"), 0) == 1_000);
                assertThat(scorerB.rollout().status().phase()).isEqualTo(RolloutPhase.PENDING);

                RolloutsEndpoint endpointB = b.getBean(RolloutsEndpoint.class);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    Map<String, Object> view = endpointB.router("scorer").getBody();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fleet = (Map<String, Object>) view.get("fleet");
                    assertThat(fleet.get("replica")).isEqualTo("replica-b");
                    assertThat(fleet.get("leader")).isEqualTo("replica-a");
                    assertThat((List<?>) fleet.get("replicas")).hasSize(2);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> rollout = (Map<String, Object>) view.get("rollout");
                    assertThat(rollout.get("phase")).as("the leader's stored progress").isEqualTo("PROGRESSING");
                    assertThat(rollout.get("decidedBy")).isEqualTo("replica-a");
                });

                // Pause on the follower's endpoint: stored for the leader, which pauses its canary.
                WebEndpointResponse<Map<String, Object>> paused = endpointB.write("scorer", "pause", null, "hold on", null,
                        admin());
                assertThat(paused.getStatus()).isEqualTo(200);
                assertThat(paused.getBody().get("result").toString()).contains("stored for the leader (replica-a)");
                await().atMost(Duration.ofSeconds(10)).until(() -> scorerA.rollout().status().phase() == RolloutPhase.PAUSED);

                Health health = b.getBean(RollbackHealthIndicator.class).health();
                assertThat(health.getDetails().get("scorer").toString()).contains("replica-a").contains("leading=false");

                // Closing the leader's context gives the lease up: the other replica leads at once and continues, paused.
                a.close();
                await().atMost(Duration.ofSeconds(10)).until(() -> scorerB.member().isLeader());
                assertThat(scorerB.rollout().status().phase()).isEqualTo(RolloutPhase.PAUSED);
            });
        });
    }

    @Test
    void fleetSettingsThatDoNotFitAreRefusedAtStartupWithTheProperty() throws Exception {
        String db = database();
        replica(db, "x").withPropertyValues("rollback4j.fleet.publish-interval=5s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context)).hasMessageContaining("rollback4j.fleet.publish-interval");
        });
        new ApplicationContextRunner().withConfiguration(TestModels.ALL).withUserConfiguration(TestModels.class)
                .withPropertyValues(TestModels.scorer("rollback4j.fleet.enabled=true")).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootCause(context)).hasMessageContaining("rollback4j.fleet.data-source-bean")
                            .hasMessageContaining("no DataSource bean was found");
                });
    }

    private static Throwable rootCause(org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
        Throwable t = context.getStartupFailure();
        while (t != null && !(t instanceof RollbackPropertyException)) {
            t = t.getCause();
        }
        assertThat(t).as("a RollbackPropertyException in the cause chain").isNotNull();
        return t;
    }

    private static SecurityContext admin() {
        return new SecurityContext() {
            @Override
            public Principal getPrincipal() {
                return () -> "ana";
            }

            @Override
            public boolean isUserInRole(String role) {
                return Set.of("ROLLOUT_ADMIN").contains(role);
            }
        };
    }
}
