package io.github.rollback4j.examples.gameday;

import io.github.rollback4j.core.gameday.GameDay;
import io.github.rollback4j.core.gameday.GameDayResult;
import io.github.rollback4j.core.gameday.Scenario;
import io.github.rollback4j.core.gameday.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./gameday SCENARIO --replicas N [--postgres URL]}: fleet game days on a real PostgreSQL through the command line. */
class FleetGameDayCliTest {

    private static final Path LEADER_KILLED = Path.of("scenarios", "fleet-canary-leader-killed.yaml");
    private static final Path BAD_REPLICA = Path.of("scenarios", "fleet-bad-replica-brake.yaml");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GameDayCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void threeReplicasOnTheEmbeddedPostgresRollBackAsOnTheInMemoryStoreWhateverTheNoticeThreadsDo(@TempDir Path dir)
            throws Exception {
        Path json = dir.resolve("fleet.json");

        assertThat(run(LEADER_KILLED.toString(), "--replicas", "3", "--json", json.toString())).as(err.toString()).isZero();

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gameday: a fleet of 3 replicas on embedded PostgreSQL 15 at 127.0.0.1:");
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Outcome: rolled_back", "fleet-leader", "replica-killed", "fail-safe", "replica-restarted",
                "rolled back by leader r2 at +00:12:50: applied by r2 +00:12:50, r3 +00:12:50, r1-2 +00:13:00");
        JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
        assertThat(root.get("outcome").asString()).isEqualTo("rolled_back");
        JsonNode fleet = root.get("fleet");
        assertThat(fleet.get("store").asString()).startsWith("embedded PostgreSQL 15 at 127.0.0.1:").contains("(schema rollback4j_gameday_");
        assertThat(fleet.get("replicas")).extracting(r -> r.get("id").asString()).containsExactly("r1", "r2", "r3", "r1-2");
        assertThat(fleet.get("replicas").get(0).get("stoppedAt").asDouble()).isEqualTo(240.0);
        assertThat(fleet.get("replicas").get(1).get("stoppedAt").isNull()).isTrue();
        JsonNode rollback = fleet.get("decisions").get(fleet.get("decisions").size() - 1);
        assertThat(rollback.get("action").asString()).isEqualTo("rolled-back");
        assertThat(rollback.get("by").asString()).isEqualTo("r2");
        assertThat(rollback.get("role").asString()).isEqualTo("leader");
        assertThat(rollback.get("appliedAt").get("r3").asDouble()).isEqualTo(770.0);
        assertThat(rollback.get("appliedAt").get("r1-2").asDouble()).isEqualTo(780.0);
        assertThat(rollback.get("propagationSeconds").asDouble()).isEqualTo(10.0);

        // Deterministic: PostgreSQL's notices arrive on a real thread, yet every round re-reads the state, so the run is
        // the in-memory store's to the event.
        Scenario scenario = Scenarios.load(LEADER_KILLED);
        GameDayResult inMemory = GameDay.run(scenario);
        assertThat(root.get("detectionSeconds").asDouble()).isEqualTo(inMemory.detectionSeconds());
        assertThat(root.get("requests").asLong()).isEqualTo(inMemory.requests());
        List<String> postgres = new ArrayList<>();
        root.get("events").forEach(e -> postgres.add(e.get("t").asDouble() + " " + e.get("type").asString() + " "
                + e.get("detail").asString()));
        assertThat(withoutStore(postgres)).isEqualTo(withoutStore(inMemory.events().stream()
                .map(e -> e.t() + " " + e.type() + " " + e.detail()).toList()));
        assertThat(rollback.get("appliedAt").toString()).isEqualTo(JsonMapper.shared().valueToTree(
                inMemory.fleet().rollbacks().get(0).appliedAt()).toString());
    }

    @Test
    void anExistingPostgresGetsASchemaPerRunDroppedAfterIt(@TempDir Path dir) throws Exception {
        try (PostgresGameDays server = PostgresGameDays.embedded()) {
            String url = server.jdbcUrl() + "?user=postgres";
            Path json = dir.resolve("repeat.json");

            assertThat(run(BAD_REPLICA.toString(), "--postgres", url, "--repeat", "2", "--json", json.toString()))
                    .as(err.toString()).isZero();

            assertThat(err.toString(StandardCharsets.UTF_8)).contains("on PostgreSQL at " + url);
            JsonNode root = JsonMapper.shared().readTree(Files.readString(json));
            assertThat(root.get("outcomes").get("rolled_back").asInt()).isEqualTo(2);
            assertThat(root.get("runs")).allSatisfy(r -> {
                assertThat(r.get("rollbacks")).singleElement().satisfies(b -> {
                    assertThat(b.get("by").asString()).isEqualTo("r2");
                    assertThat(b.get("role").asString()).isEqualTo("emergency brake");
                });
            });
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.schemata"
                         + " WHERE schema_name LIKE 'rollback4j_gameday_%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("each run's schema is dropped after it").isZero();
            }
        }
    }

    @Test
    void fleetArgumentsThatCannotWorkExitTwoWithTheReason() {
        assertThat(run("scenarios/canary-latency-regression.yaml", "--postgres", "jdbc:postgresql://127.0.0.1:1/x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--postgres is the store of a fleet game day: add --replicas N");
        err.reset();
        assertThat(run(LEADER_KILLED.toString(), "--replicas", "2")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--replicas 2: fleet.events[1] (cutOff r3 at 5m for 1m) names a"
                + " replica the fleet of 2 (r1..r2) does not have");
        err.reset();
        assertThat(run(LEADER_KILLED.toString(), "--replicas", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--replicas must be between 1 and 16, but was 0");
        err.reset();
        assertThat(run("scenarios/shadow-night-drift.yaml", "--replicas", "3")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("a fleet game day runs canary and blueGreen strategies");
        err.reset();
        assertThat(run(BAD_REPLICA.toString(), "--postgres", "mysql://db/x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--postgres needs a PostgreSQL JDBC URL");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    /** The events without the start's store description (its schema name is new each run). */
    private static List<String> withoutStore(List<String> events) {
        return events.stream().map(e -> e.contains(" start ") ? e.replaceAll(" on .* behind ", " on STORE behind ") : e).toList();
    }
}
