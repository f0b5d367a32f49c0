package io.github.rollback4j.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.FleetStoreException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The fleet store contract on a real PostgreSQL 15, plus what only PostgreSQL does (schema, errors). */
class PostgresFleetStoreTest extends FleetStoreContract {

    private HikariDataSource pool;
    private PostgresRolloutStateStore store;

    @BeforeEach
    void database() {
        PostgresServer server = PostgresServer.shared();
        pool = server.pool(server.newDatabase(), 8);
        store = PostgresRolloutStateStore.of(pool);
    }

    @AfterEach
    void close() {
        store.close();
        pool.close();
    }

    @Override
    FleetStore store() {
        return store;
    }

    @Test
    void theSchemaIsAVersionedMigrationAppliedOnce() throws Exception {
        assertThat(PostgresRolloutStateStore.migrate(pool)).isEqualTo(1);
        PostgresRolloutStateStore again = PostgresRolloutStateStore.of(pool);
        again.close();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description FROM rollback4j_schema_version")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("fleet mode tables");
            assertThat(rs.next()).as("recorded once").isFalse();
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'rollback4j_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }

    @Test
    void anUnreachableDatabaseIsAFleetStoreExceptionWithoutCredentials() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/fleet?password=s3cret");
        nowhere.setUser("ana");
        nowhere.setConnectTimeout(1);
        assertThatThrownBy(() -> PostgresRolloutStateStore.of(nowhere))
                .isInstanceOf(FleetStoreException.class)
                .hasMessageContaining("the fleet's PostgreSQL store")
                .hasMessageNotContaining("s3cret");
        assertThat(PostgresRolloutStateStore.mask("jdbc:postgresql://ana:s3cret@db/x?password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://ana:****@db/x?password=****&ssl=true");
    }
}
