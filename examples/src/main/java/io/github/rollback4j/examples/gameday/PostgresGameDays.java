package io.github.rollback4j.examples.gameday;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.core.fleet.PostgresRolloutStateStore;
import io.github.rollback4j.core.gameday.FleetStores;
import io.github.rollback4j.spi.FleetAuditEntry;
import io.github.rollback4j.spi.FleetIncident;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.Lease;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateNotice;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The PostgreSQL of {@code ./gameday SCENARIO --replicas N}: an existing server ({@code --postgres JDBC_URL}) or an
 * embedded PostgreSQL 15 (zonky's binaries from Maven Central, initdb in a temporary folder, a loopback port),
 * stopped and deleted at {@link #close()}.
 *
 * <p>Each run gets a schema of its own ({@link #newRun()}: created empty, dropped when the run is closed), so that
 * runs on a shared database never see each other's state; each replica process of a run gets its own
 * {@link PostgresRolloutStateStore} on its own small HikariCP pool in that schema (one connection for the
 * notice listener, one for its rounds, one spare), as separate JVMs would have, closed together when the
 * process is killed.
 *
 * <p>Not thread-safe: one command line's.
 */
final class PostgresGameDays implements AutoCloseable {

    /** Connections per replica: its notice listener, its rounds, one spare. */
    static final int POOL_SIZE = 3;
    /** How long a replica waits for a connection, and PostgreSQL for a statement: long enough for a busy machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String jdbcUrl;
    private final String user;
    private final String description;
    private final EmbeddedPostgres embedded;
    private final Path dataDirectory;
    private final HikariDataSource admin;

    private PostgresGameDays(String jdbcUrl, String user, String description, EmbeddedPostgres embedded, Path dataDirectory) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.description = description;
        this.embedded = embedded;
        this.dataDirectory = dataDirectory;
        this.admin = pool(null, 1, "rollback4j-gameday-admin");
    }

    /**
     * @param jdbcUrl an existing server, e.g. {@code jdbc:postgresql://db:5432/app?user=gameday&password=...}; the user
     *                needs {@code CREATE} on the database (a schema per run)
     * @return the game days' database there
     * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL
     * @throws IllegalStateException when the server cannot be reached (the message names the URL, credentials masked)
     */
    static PostgresGameDays existing(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--postgres needs a PostgreSQL JDBC URL, e.g."
                    + " jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres, but was '" + jdbcUrl + "'");
        }
        try {
            return new PostgresGameDays(jdbcUrl, null, "PostgreSQL at " + masked(jdbcUrl), null, null);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach PostgreSQL at " + masked(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts PostgreSQL 15 from the binaries on the class path in a new temporary folder, on a free loopback port.
     *
     * @return the game days' database on it
     * @throws UncheckedIOException when the server cannot be started
     */
    static PostgresGameDays embedded() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("rollback4j-gameday-pg-");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir).setCleanDataDirectory(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", String.valueOf(20 + 2 * io.github.rollback4j.core.gameday.Scenario.MAX_REPLICAS
                            * POOL_SIZE))
                    .setPGStartupWait(Duration.ofSeconds(60)).start();
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            return new PostgresGameDays(url, "postgres", "embedded PostgreSQL 15 at 127.0.0.1:" + port, pg, dir);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** @return the server's JDBC URL (with the credentials it was given) */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** @return e.g. {@code embedded PostgreSQL 15 at 127.0.0.1:54321} */
    String describe() {
        return description;
    }

    /**
     * @return the store of one run: a new, empty schema; close it to drop the schema and close what its replicas left open
     */
    Run newRun() {
        String schema = "rollback4j_gameday_" + Long.toHexString(System.currentTimeMillis()) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        execute("CREATE SCHEMA " + schema);
        return new Run(schema);
    }

    /** One run's schema and its replicas' stores. */
    final class Run implements FleetStores, AutoCloseable {
        private final String schema;
        private final List<ReplicaStore> opened = new ArrayList<>();

        private Run(String schema) {
            this.schema = schema;
        }

        @Override
        public FleetStore open(String replica) {
            HikariDataSource pool = pool(schema, POOL_SIZE, "rollback4j-gameday-" + replica);
            try {
                PostgresRolloutStateStore store = PostgresRolloutStateStore.builder(pool).statementTimeout(TIMEOUT).build();
                ReplicaStore handle = new ReplicaStore(store, pool);
                opened.add(handle);
                return handle;
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        @Override
        public String describe() {
            return description + " (schema " + schema + ")";
        }

        /** Closes every replica's pool left open and drops the run's schema. */
        @Override
        public void close() {
            opened.forEach(ReplicaStore::close);
            opened.clear();
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** A replica process's store and its own pool, closed together (a killed JVM's connections close with it). */
    private static final class ReplicaStore implements FleetStore, AutoCloseable {
        private final PostgresRolloutStateStore store;
        private final HikariDataSource pool;

        ReplicaStore(PostgresRolloutStateStore store, HikariDataSource pool) {
            this.store = store;
            this.pool = pool;
        }

        @Override
        public Optional<RolloutState> load(String router) {
            return store.load(router);
        }

        @Override
        public boolean compareAndSet(long expectedGeneration, RolloutState next) {
            return store.compareAndSet(expectedGeneration, next);
        }

        @Override
        public Write compareAndSet(long expectedGeneration, RolloutState next, String holder, long token) {
            return store.compareAndSet(expectedGeneration, next, holder, token);
        }

        @Override
        public Lease lease(String router) {
            return store.lease(router);
        }

        @Override
        public OptionalLong acquireLease(String router, String replica, Lease observed) {
            return store.acquireLease(router, replica, observed);
        }

        @Override
        public boolean renewLease(String router, String replica, long token) {
            return store.renewLease(router, replica, token);
        }

        @Override
        public void releaseLease(String router, String replica, long token) {
            store.releaseLease(router, replica, token);
        }

        @Override
        public RouterEventPublisher.Registration watch(Consumer<StateNotice> listener) {
            return store.watch(listener);
        }

        @Override
        public void publish(ReplicaReport report) {
            store.publish(report);
        }

        @Override
        public List<ReplicaReport> reports(String router, Map<String, Long> seen, boolean withSlots) {
            return store.reports(router, seen, withSlots);
        }

        @Override
        public void appendAudit(String replica, List<AuditEntry> entries) {
            store.appendAudit(replica, entries);
        }

        @Override
        public List<FleetAuditEntry> auditLog(String router, Instant from, Instant to, int limit) {
            return store.auditLog(router, from, to, limit);
        }

        @Override
        public boolean openIncident(FleetIncident incident) {
            return store.openIncident(incident);
        }

        @Override
        public void updateIncident(FleetIncident incident) {
            store.updateIncident(incident);
        }

        @Override
        public List<FleetIncident> incidents(String router) {
            return store.incidents(router);
        }

        @Override
        public void close() {
            store.close();
            pool.close();
        }
    }

    private HikariDataSource pool(String schema, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (schema != null) {
            config.setSchema(schema);
        }
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(TIMEOUT.toMillis());
        return new HikariDataSource(config);
    }

    private void execute(String sql) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(description + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    private static String masked(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(?i)(://[^/@:]+:)[^@/]+@", "$1***@");
    }

    /** Closes the admin pool; an embedded server is stopped and its folder deleted. */
    @Override
    public void close() {
        admin.close();
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
            } finally {
                deleteQuietly(dataDirectory);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder the OS cleans up anyway
        }
    }
}
