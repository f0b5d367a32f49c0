package io.github.rollback4j.core.fleet;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.core.internal.RolloutStateJson;
import io.github.rollback4j.spi.FleetAuditEntry;
import io.github.rollback4j.spi.FleetIncident;
import io.github.rollback4j.spi.FleetStore;
import io.github.rollback4j.spi.FleetStoreException;
import io.github.rollback4j.spi.Lease;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.StateNotice;
import io.github.rollback4j.spi.TelemetrySlot;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The {@link FleetStore} of replicas in many processes, on PostgreSQL through plain JDBC (pgjdbc), taking
 * the application's {@link DataSource} (a pool such as HikariCP is best; one connection is held for
 * {@code LISTEN} while somebody watches).
 *
 * <ul>
 *   <li><b>State</b>: one row per router in {@code rollback4j_rollout_state}, replaced only by an
 *   {@code UPDATE … WHERE generation = expected}; a fenced write also requires, in the same statement, that
 *   the writer holds the router's lease with its token (the lease row is locked {@code FOR SHARE}, so a
 *   takeover waits for the write or the write sees the takeover). A committed write sends
 *   {@code NOTIFY rollback4j_state, '<router>:<generation>'} in its transaction, delivered at commit.</li>
 *   <li><b>Lease</b>: one row per router in {@code rollback4j_lease}: holder, fencing token, heartbeat; every
 *   change is a conditional {@code UPDATE} on what the replica observed.</li>
 *   <li><b>Telemetry</b>: {@code rollback4j_replica} (heartbeat and totals) and {@code rollback4j_telemetry}
 *   (sub-windows), written by each replica in one transaction per report.</li>
 *   <li><b>Audit</b> and <b>incidents</b>: {@code rollback4j_audit}, {@code rollback4j_incident}.</li>
 * </ul>
 *
 * <p>The schema is created by a versioned migration ({@code V1__rollback4j_fleet.sql} in this jar, under
 * {@value #MIGRATIONS}), applied idempotently at {@link #of} unless {@link Builder#migrate(boolean)
 * migrate(false)}; never by ad-hoc DDL. Every call runs with a statement timeout (default 5 s) and throws
 * {@link FleetStoreException} when PostgreSQL fails or cannot be reached; messages never carry credentials.
 *
 * <p>Thread-safe; linearizable per router (PostgreSQL's row locks).
 */
public final class PostgresRolloutStateStore implements FleetStore, AutoCloseable {

    /** Where the migrations live on the class path. */
    public static final String MIGRATIONS = "io/github/rollback4j/core/fleet/postgres/";
    /** The notification channel of committed generations. */
    public static final String CHANNEL = "rollback4j_state";
    /** Default statement timeout. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);
    /** The schema versions this store knows, in order: file name and description. */
    static final List<String[]> VERSIONS = List.<String[]>of(new String[]{"V1__rollback4j_fleet.sql", "fleet mode tables"});

    private static final Logger LOG = LoggerFactory.getLogger(PostgresRolloutStateStore.class);
    /** Advisory lock key of the migration: "r4jF" as an int. */
    private static final long MIGRATION_LOCK = 0x72346A46L;
    private static final Pattern CREDENTIALS = Pattern.compile("(?i)(://[^/@\\s:]+:)[^@\\s/]+@|(password=)[^&\\s]+");
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC);

    private final DataSource dataSource;
    private final int timeoutSeconds;
    private final Duration listenRetry;
    private final CopyOnWriteArrayList<Consumer<StateNotice>> watchers = new CopyOnWriteArrayList<>();
    private Listener listener;

    private PostgresRolloutStateStore(Builder b) {
        this.dataSource = b.dataSource;
        this.timeoutSeconds = (int) Math.max(1, b.statementTimeout.toSeconds());
        this.listenRetry = b.listenRetry;
        if (b.migrate) {
            migrate(dataSource);
        }
    }

    /**
     * @param dataSource where the fleet's tables live
     * @return a store; the schema is migrated now
     * @throws FleetStoreException when PostgreSQL cannot be reached or the migration fails
     */
    public static PostgresRolloutStateStore of(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * @param dataSource where the fleet's tables live
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * Applies the schema migrations this store knows that the database has not recorded yet, in one
     * transaction under an advisory lock (replicas starting together apply it once).
     *
     * @param dataSource the database
     * @return the schema version now
     * @throws FleetStoreException when PostgreSQL fails
     */
    public static int migrate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
                s.execute("CREATE TABLE IF NOT EXISTS rollback4j_schema_version (version integer PRIMARY KEY, description text NOT NULL,"
                        + " applied_at timestamptz NOT NULL DEFAULT clock_timestamp())");
                int current;
                try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM rollback4j_schema_version")) {
                    rs.next();
                    current = rs.getInt(1);
                }
                for (int v = current + 1; v <= VERSIONS.size(); v++) {
                    String[] version = VERSIONS.get(v - 1);
                    s.execute(resource(version[0]));
                    try (PreparedStatement p = c.prepareStatement(
                            "INSERT INTO rollback4j_schema_version (version, description) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                        p.setInt(1, v);
                        p.setString(2, version[1]);
                        p.executeUpdate();
                    }
                    LOG.info("rollback4j fleet schema migrated to version {} ({})", v, version[1]);
                }
                c.commit();
                return Math.max(current, VERSIONS.size());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure("could not migrate the fleet schema", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = PostgresRolloutStateStore.class.getClassLoader().getResourceAsStream(MIGRATIONS + file)) {
            if (in == null) {
                throw new IllegalStateException("migration " + MIGRATIONS + file + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not read migration " + MIGRATIONS + file, e);
        }
    }

    static FleetStoreException failure(String what, SQLException e) {
        return new FleetStoreException("the fleet's PostgreSQL store: " + what + ": " + mask(e.getMessage())
                + (e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")"), null);
    }

    /** @return the text with {@code user:password@} and {@code password=…} masked */
    static String mask(String text) {
        return text == null ? "" : CREDENTIALS.matcher(text).replaceAll(m -> m.group(1) != null ? m.group(1) + "****@" : m.group(2) + "****");
    }

    // ------------------------------------------------------------------ plumbing

    /** A unit of work on one connection in one transaction. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T tx(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken; the pool discards it
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(auto);
                } catch (SQLException ignored) {
                    // as above
                }
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** A read of one statement: no transaction around it (one round trip instead of three). */
    private <T> T read(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        p.setQueryTimeout(timeoutSeconds);
        return p;
    }

    private static OffsetDateTime at(Instant t) {
        if (t.isBefore(EARLIEST.toInstant())) {
            return EARLIEST;
        }
        if (t.isAfter(LATEST.toInstant())) {
            return LATEST;
        }
        return t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    // ------------------------------------------------------------------ state

    @Override
    public Optional<RolloutState> load(String router) {
        return read("could not read the rollout state of router '" + router + "'", c -> {
            try (PreparedStatement p = prepare(c, "SELECT generation, last_known_good, salt, allocations::text, quarantined::text,"
                    + " rollouts::text, requests::text, change::text FROM rollback4j_rollout_state WHERE router = ?")) {
                p.setString(1, router);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    int salt = rs.getInt(3);
                    Integer saltOrNull = rs.wasNull() ? null : salt;
                    return Optional.of(new RolloutState(router, rs.getLong(1), ReleaseId.of(rs.getString(2)),
                            RolloutStateJson.allocations(rs.getString(4)), RolloutStateJson.releases(rs.getString(5)), saltOrNull,
                            RolloutStateJson.rollouts(rs.getString(6)), RolloutStateJson.requests(rs.getString(7)),
                            RolloutStateJson.change(rs.getString(8))));
                }
            }
        });
    }

    @Override
    public boolean compareAndSet(long expectedGeneration, RolloutState next) {
        return write(expectedGeneration, next, null, 0) == Write.STORED;
    }

    @Override
    public Write compareAndSet(long expectedGeneration, RolloutState next, String holder, long token) {
        Objects.requireNonNull(holder, "compareAndSet: holder must not be null");
        return write(expectedGeneration, next, holder, token);
    }

    private Write write(long expectedGeneration, RolloutState next, String holder, long token) {
        if (next.generation() != expectedGeneration + 1) {
            throw new IllegalArgumentException("RolloutState.generation must be expectedGeneration + 1 = " + (expectedGeneration + 1)
                    + ", but was " + next.generation());
        }
        String router = next.router();
        return tx("could not store generation " + next.generation() + " of router '" + router + "'", c -> {
            int rows;
            if (expectedGeneration == 0) {
                try (PreparedStatement p = prepare(c, "INSERT INTO rollback4j_rollout_state (router, generation, last_known_good, salt,"
                        + " allocations, quarantined, rollouts, requests, change, fencing_token) VALUES (?, ?, ?, ?, ?::jsonb,"
                        + " ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?) ON CONFLICT (router) DO NOTHING")) {
                    p.setString(1, router);
                    p.setLong(columns(p, 2, next), token);
                    rows = p.executeUpdate();
                }
            } else {
                String fence = holder == null ? "" : " AND EXISTS (SELECT 1 FROM rollback4j_lease l WHERE l.router = ? AND l.holder = ?"
                        + " AND l.token = ? FOR SHARE)";
                try (PreparedStatement p = prepare(c, "UPDATE rollback4j_rollout_state SET generation = ?, last_known_good = ?, salt = ?,"
                        + " allocations = ?::jsonb, quarantined = ?::jsonb, rollouts = ?::jsonb, requests = ?::jsonb, change = ?::jsonb,"
                        + " fencing_token = CASE WHEN ? > 0 THEN ? ELSE fencing_token END, updated_at = clock_timestamp()"
                        + " WHERE router = ? AND generation = ?" + fence)) {
                    int i = columns(p, 1, next);
                    p.setLong(i++, token);
                    p.setLong(i++, token);
                    p.setString(i++, router);
                    p.setLong(i++, expectedGeneration);
                    if (holder != null) {
                        p.setString(i++, router);
                        p.setString(i++, holder);
                        p.setLong(i, token);
                    }
                    rows = p.executeUpdate();
                }
            }
            if (rows == 1) {
                try (PreparedStatement p = prepare(c, "SELECT pg_notify(?, ?)")) {
                    p.setString(1, CHANNEL);
                    p.setString(2, router + ":" + next.generation());
                    p.execute();
                }
                return Write.STORED;
            }
            if (holder == null) {
                return Write.CONFLICT;
            }
            try (PreparedStatement p = prepare(c, "SELECT holder, token FROM rollback4j_lease WHERE router = ?")) {
                p.setString(1, router);
                try (ResultSet rs = p.executeQuery()) {
                    boolean held = rs.next() && holder.equals(rs.getString(1)) && rs.getLong(2) == token;
                    return held ? Write.CONFLICT : Write.FENCED;
                }
            }
        });
    }

    /** Binds generation .. change (8 columns) from {@code first}; returns the next index. */
    private static int columns(PreparedStatement p, int first, RolloutState s) throws SQLException {
        int i = first;
        p.setLong(i++, s.generation());
        p.setString(i++, s.lastKnownGood().value());
        if (s.salt() == null) {
            p.setNull(i++, Types.INTEGER);
        } else {
            p.setInt(i++, s.salt());
        }
        p.setString(i++, RolloutStateJson.allocations(s.allocations()));
        p.setString(i++, RolloutStateJson.releases(s.quarantined()));
        p.setString(i++, RolloutStateJson.rollouts(s.rollouts()));
        p.setString(i++, RolloutStateJson.requests(s.requests()));
        p.setString(i++, RolloutStateJson.change(s.change()));
        return i;
    }

    // ------------------------------------------------------------------ lease

    @Override
    public Lease lease(String router) {
        return read("could not read the lease of router '" + router + "'", c -> {
            try (PreparedStatement p = prepare(c, "SELECT holder, token, beat FROM rollback4j_lease WHERE router = ?")) {
                p.setString(1, router);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? new Lease(router, rs.getString(1), rs.getLong(2), rs.getLong(3)) : Lease.none(router);
                }
            }
        });
    }

    @Override
    public OptionalLong acquireLease(String router, String replica, Lease observed) {
        Objects.requireNonNull(replica, "acquireLease: replica must not be null");
        return tx("could not take the lease of router '" + router + "'", c -> {
            if (observed.token() == 0 && observed.holder() == null) {
                try (PreparedStatement p = prepare(c, "INSERT INTO rollback4j_lease (router, holder, token, beat) VALUES (?, ?, 1, 0)"
                        + " ON CONFLICT (router) DO NOTHING")) {
                    p.setString(1, router);
                    p.setString(2, replica);
                    if (p.executeUpdate() == 1) {
                        return OptionalLong.of(1);
                    }
                }
            }
            try (PreparedStatement p = prepare(c, "UPDATE rollback4j_lease SET holder = ?, token = token + 1, beat = 0,"
                    + " changed_at = clock_timestamp() WHERE router = ? AND token = ? AND beat = ? AND holder IS NOT DISTINCT FROM ?"
                    + " RETURNING token")) {
                p.setString(1, replica);
                p.setString(2, router);
                p.setLong(3, observed.token());
                p.setLong(4, observed.beat());
                p.setString(5, observed.holder());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
        });
    }

    @Override
    public boolean renewLease(String router, String replica, long token) {
        return read("could not renew the lease of router '" + router + "'", c -> {
            try (PreparedStatement p = prepare(c, "UPDATE rollback4j_lease SET beat = beat + 1 WHERE router = ? AND holder = ?"
                    + " AND token = ?")) {
                p.setString(1, router);
                p.setString(2, replica);
                p.setLong(3, token);
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void releaseLease(String router, String replica, long token) {
        tx("could not release the lease of router '" + router + "'", c -> {
            try (PreparedStatement p = prepare(c, "UPDATE rollback4j_lease SET holder = NULL, beat = beat + 1,"
                    + " changed_at = clock_timestamp() WHERE router = ? AND holder = ? AND token = ?")) {
                p.setString(1, router);
                p.setString(2, replica);
                p.setLong(3, token);
                return p.executeUpdate();
            }
        });
    }

    // ------------------------------------------------------------------ notices

    @Override
    public synchronized RouterEventPublisher.Registration watch(Consumer<StateNotice> watcher) {
        Objects.requireNonNull(watcher, "watch: listener must not be null");
        Consumer<StateNotice> entry = watcher::accept;
        watchers.add(entry);
        if (listener == null) {
            listener = new Listener();
            listener.start();
        }
        return () -> {
            watchers.remove(entry);
            synchronized (this) {
                if (watchers.isEmpty() && listener != null) {
                    listener.stopListening();
                    listener = null;
                }
            }
        };
    }

    /**
     * The thread that holds one connection in {@code LISTEN rollback4j_state} and hands notices to the
     * watchers; on a broken connection it reconnects after {@link Builder#listenRetry} (notices of the
     * gap are lost: the replicas' periodic re-read covers them).
     */
    private final class Listener extends Thread {
        private volatile boolean running = true;
        private volatile Connection connection;

        Listener() {
            super("rollback4j-fleet-listen");
            setDaemon(true);
        }

        void stopListening() {
            running = false;
            interrupt();
            Connection c = connection;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing a broken connection
                }
            }
        }

        @Override
        public void run() {
            long failures = 0;
            while (running) {
                try (Connection c = dataSource.getConnection()) {
                    connection = c;
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN " + CHANNEL);
                    }
                    PGConnection pg = c.unwrap(PGConnection.class);
                    if (failures > 0) {
                        LOG.info("fleet store: listening for notices again after {} failed attempt(s)", failures);
                    }
                    failures = 0;
                    while (running) {
                        PGNotification[] notices = pg.getNotifications(500);
                        if (notices == null) {
                            continue;
                        }
                        for (PGNotification n : notices) {
                            deliver(n.getParameter());
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    if (failures++ == 0) {
                        LOG.warn("fleet store: lost the notice connection ({}); replicas fall back on their periodic re-read"
                                + " until it is back", mask(e.getMessage()));
                    }
                    try {
                        // A pause before reconnecting, so that a database that is down is not hammered.
                        Thread.sleep(listenRetry.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                } finally {
                    connection = null;
                }
            }
        }

        private void deliver(String payload) {
            int colon = payload.lastIndexOf(':');
            if (colon <= 0) {
                return;
            }
            StateNotice notice;
            try {
                notice = new StateNotice(payload.substring(0, colon), Long.parseLong(payload.substring(colon + 1)));
            } catch (NumberFormatException e) {
                return;
            }
            for (Consumer<StateNotice> w : watchers) {
                try {
                    w.accept(notice);
                } catch (RuntimeException e) {
                    LOG.warn("fleet store: a notice listener threw on {}", payload, e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ telemetry

    @Override
    public void publish(ReplicaReport r) {
        tx("could not publish the report of replica " + r.replica() + " for router '" + r.router() + "'", c -> {
            try (PreparedStatement p = prepare(c, "INSERT INTO rollback4j_replica (router, replica, seq, applied_generation, leader,"
                    + " fail_safe, started_at, published_at, totals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (router, replica)"
                    + " DO UPDATE SET seq = EXCLUDED.seq, applied_generation = EXCLUDED.applied_generation, leader = EXCLUDED.leader,"
                    + " fail_safe = EXCLUDED.fail_safe, started_at = EXCLUDED.started_at, published_at = EXCLUDED.published_at,"
                    + " totals = EXCLUDED.totals, written_at = clock_timestamp()")) {
                p.setString(1, r.router());
                p.setString(2, r.replica());
                p.setLong(3, r.seq());
                p.setLong(4, r.appliedGeneration());
                p.setBoolean(5, r.leader());
                p.setBoolean(6, r.failSafe());
                p.setObject(7, at(r.startedAt()));
                p.setObject(8, at(r.publishedAt()));
                p.setBytes(9, r.totals());
                p.executeUpdate();
            }
            if (!r.slots().isEmpty()) {
                try (PreparedStatement p = prepare(c, "INSERT INTO rollback4j_telemetry (router, replica, kind, slot, seq, payload)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (router, replica, kind, slot) DO UPDATE SET seq = EXCLUDED.seq,"
                        + " payload = EXCLUDED.payload")) {
                    for (TelemetrySlot slot : r.slots()) {
                        p.setString(1, r.router());
                        p.setString(2, r.replica());
                        p.setShort(3, (short) slot.kind());
                        p.setLong(4, slot.slot());
                        p.setLong(5, slot.seq());
                        p.setBytes(6, slot.payload());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            if (!r.keepFrom().isEmpty()) {
                try (PreparedStatement p = prepare(c, "DELETE FROM rollback4j_telemetry WHERE router = ? AND replica = ? AND kind = ?"
                        + " AND slot < ?")) {
                    for (Map.Entry<Integer, Long> e : r.keepFrom().entrySet()) {
                        p.setString(1, r.router());
                        p.setString(2, r.replica());
                        p.setShort(3, e.getKey().shortValue());
                        p.setLong(4, e.getValue());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            return null;
        });
    }

    @Override
    public List<ReplicaReport> reports(String router, Map<String, Long> seen, boolean withSlots) {
        return tx("could not read the replicas' reports of router '" + router + "'", c -> {
            Map<String, List<TelemetrySlot>> slots = new LinkedHashMap<>();
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement p = prepare(c, "SELECT replica, seq, applied_generation, leader, fail_safe, started_at,"
                    + " published_at, totals FROM rollback4j_replica WHERE router = ? ORDER BY replica")) {
                p.setString(1, router);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Object[]{rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBoolean(4), rs.getBoolean(5),
                                instant(rs, "started_at"), instant(rs, "published_at"), rs.getBytes(8)});
                        slots.put(rs.getString(1), new ArrayList<>());
                    }
                }
            }
            if (withSlots && !rows.isEmpty()) {
                String[] replicas = slots.keySet().toArray(new String[0]);
                Long[] after = new Long[replicas.length];
                for (int i = 0; i < replicas.length; i++) {
                    after[i] = seen.getOrDefault(replicas[i], 0L);
                }
                Array replicaArray = c.createArrayOf("text", replicas);
                Array afterArray = c.createArrayOf("bigint", after);
                try (PreparedStatement p = prepare(c, "SELECT t.replica, t.kind, t.slot, t.seq, t.payload FROM rollback4j_telemetry t"
                        + " JOIN unnest(?::text[], ?::bigint[]) AS s(replica, seen) ON t.replica = s.replica AND t.seq > s.seen"
                        + " WHERE t.router = ? ORDER BY t.replica, t.kind, t.slot")) {
                    p.setArray(1, replicaArray);
                    p.setArray(2, afterArray);
                    p.setString(3, router);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            slots.get(rs.getString(1)).add(new TelemetrySlot(rs.getShort(2), rs.getLong(3), rs.getLong(4),
                                    rs.getBytes(5)));
                        }
                    }
                }
            }
            List<ReplicaReport> reports = new ArrayList<>();
            for (Object[] r : rows) {
                String replica = (String) r[0];
                reports.add(new ReplicaReport(router, replica, (Long) r[1], (Long) r[2], (Boolean) r[3], (Boolean) r[4],
                        (Instant) r[5], (Instant) r[6], (byte[]) r[7], slots.get(replica), Map.of()));
            }
            return reports;
        });
    }

    // ------------------------------------------------------------------ audit

    @Override
    public void appendAudit(String replica, List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        tx("could not append " + entries.size() + " audit entries of replica " + replica, c -> {
            try (PreparedStatement p = prepare(c, "INSERT INTO rollback4j_audit (router, replica, at, action, actor, reason, detail)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEntry e : entries) {
                    p.setString(1, e.router());
                    p.setString(2, replica);
                    p.setObject(3, at(e.time()));
                    p.setString(4, e.action());
                    p.setString(5, e.actor());
                    p.setString(6, e.reason());
                    p.setString(7, e.detail() == null ? "" : e.detail());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<FleetAuditEntry> auditLog(String router, Instant from, Instant to, int limit) {
        if (limit < 1 || limit > 100_000) {
            throw new IllegalArgumentException("auditLog: limit must be between 1 and 100000, but was " + limit);
        }
        return tx("could not read the audit log of router '" + router + "'", c -> {
            List<FleetAuditEntry> entries = new ArrayList<>();
            try (PreparedStatement p = prepare(c, "SELECT id, replica, at, action, actor, reason, detail FROM rollback4j_audit"
                    + " WHERE router = ? AND at >= ? AND at <= ? ORDER BY id DESC LIMIT ?")) {
                p.setString(1, router);
                p.setObject(2, at(from));
                p.setObject(3, at(to));
                p.setInt(4, limit);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new FleetAuditEntry(rs.getLong(1), rs.getString(2), new AuditEntry(instant(rs, "at"), router,
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7))));
                    }
                }
            }
            Collections.reverse(entries);
            return List.copyOf(entries);
        });
    }

    // ------------------------------------------------------------------ incidents

    @Override
    public boolean openIncident(FleetIncident i) {
        return tx("could not open incident " + i.id(), c -> {
            try (PreparedStatement p = prepare(c, "INSERT INTO rollback4j_incident (router, id, generation, opened_by, opened_at, status,"
                    + " evidence_by, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (router, id) DO NOTHING")) {
                bind(p, i);
                return p.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void updateIncident(FleetIncident i) {
        int rows = tx("could not update incident " + i.id(), c -> {
            try (PreparedStatement p = prepare(c, "UPDATE rollback4j_incident SET status = ?, evidence_by = ?, document = ?::jsonb"
                    + " WHERE router = ? AND id = ?")) {
                p.setString(1, i.status());
                p.setString(2, i.evidenceBy());
                p.setString(3, i.document());
                p.setString(4, i.router());
                p.setString(5, i.id());
                return p.executeUpdate();
            }
        });
        if (rows == 0) {
            throw new IllegalArgumentException("updateIncident: router '" + i.router() + "' has no incident '" + i.id()
                    + "'; open it first");
        }
    }

    private static void bind(PreparedStatement p, FleetIncident i) throws SQLException {
        p.setString(1, i.router());
        p.setString(2, i.id());
        p.setLong(3, i.generation());
        p.setString(4, i.openedBy());
        p.setObject(5, at(i.openedAt()));
        p.setString(6, i.status());
        p.setString(7, i.evidenceBy());
        p.setString(8, i.document());
    }

    @Override
    public List<FleetIncident> incidents(String router) {
        return tx("could not read the incidents of router '" + router + "'", c -> {
            List<FleetIncident> incidents = new ArrayList<>();
            try (PreparedStatement p = prepare(c, "SELECT id, generation, opened_by, opened_at, status, evidence_by, document::text"
                    + " FROM rollback4j_incident WHERE router = ? ORDER BY seq")) {
                p.setString(1, router);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        incidents.add(new FleetIncident(rs.getString(1), router, rs.getLong(2), rs.getString(3),
                                instant(rs, "opened_at"), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return List.copyOf(incidents);
        });
    }

    /** Stops the notice listener; the data source is the application's and stays open. */
    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.stopListening();
            listener = null;
        }
        watchers.clear();
    }

    /** Builds a {@link PostgresRolloutStateStore}; not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        private boolean migrate = true;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private Duration listenRetry = Duration.ofSeconds(1);

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "PostgresRolloutStateStore: dataSource must not be null");
        }

        /**
         * @param apply {@code true} (default): apply the schema migrations at build; {@code false} when the
         *              application applies {@value #MIGRATIONS}{@code V*.sql} itself (Flyway, Liquibase, psql)
         * @return this builder
         */
        public Builder migrate(boolean apply) {
            this.migrate = apply;
            return this;
        }

        /**
         * @param timeout the statement timeout of every call, 1 s..5 min (default 5 s)
         * @return this builder
         */
        public Builder statementTimeout(Duration timeout) {
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("PostgresRolloutStateStore.statementTimeout must be between 1s and 5m, but was "
                        + timeout);
            }
            this.statementTimeout = timeout;
            return this;
        }

        /**
         * @param pause how long the notice listener waits before reconnecting, 10 ms..1 min (default 1 s)
         * @return this builder
         */
        public Builder listenRetry(Duration pause) {
            if (pause == null || pause.compareTo(Duration.ofMillis(10)) < 0 || pause.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("PostgresRolloutStateStore.listenRetry must be between 10ms and 1m, but was " + pause);
            }
            this.listenRetry = pause;
            return this;
        }

        /**
         * @return the store
         * @throws FleetStoreException when {@code migrate} is on and PostgreSQL cannot be reached or the migration fails
         */
        public PostgresRolloutStateStore build() {
            return new PostgresRolloutStateStore(this);
        }
    }
}
