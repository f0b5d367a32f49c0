package io.github.rollback4j.benchmarks.fleet;

import io.github.rollback4j.Cause;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What fleet mode writes to PostgreSQL at the default publish interval (1 s): {@code replicas} replicas
 * of one router (two releases at 90/10, two segments, a KPI reported on a tenth of the calls, 200 calls a
 * second each) run for {@code seconds}; PostgreSQL's own statistics then give the transactions and rows
 * written per replica and second, and the stored sub-windows give the bytes per window per release and
 * segment.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.rollback4j.benchmarks.fleet.FleetStoreLoad [replicas] [seconds]
 * </pre>
 */
public final class FleetStoreLoad {

    private FleetStoreLoad() {
    }

    public static void main(String[] args) throws Exception {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        try (BenchPostgres postgres = new BenchPostgres()) {
            String db = postgres.database("load");
            List<BenchReplica> fleet = new ArrayList<>();
            for (int i = 1; i <= replicas; i++) {
                fleet.add(new BenchReplica(postgres, db, "r" + i, Duration.ofSeconds(1)));
            }
            fleet.get(0).router.setWeights(Segment.DEFAULT, Map.of(BenchReplica.V1.id(), 9000, BenchReplica.V2.id(), 1000),
                    Cause.operator("bench", "10 %"));
            Thread.sleep(3_000);
            long[] before = counters(postgres, db);
            long start = System.nanoTime();
            int n = 0;
            while (System.nanoTime() - start < Duration.ofSeconds(seconds).toNanos()) {
                long second = System.nanoTime();
                for (BenchReplica r : fleet) {
                    for (int i = 0; i < 200; i++) {
                        RequestContext ctx = RequestContext.of("user-" + (n++ % 50_000), Segment.of(i % 2 == 0 ? "default" : "eu-west"));
                        r.router.invoke("x", ctx);
                        if (i % 10 == 0) {
                            r.router.telemetry().reportKpi("conversion", ctx, i % 20 == 0 ? 1 : 0);
                        }
                    }
                }
                long rest = Duration.ofSeconds(1).toNanos() - (System.nanoTime() - second);
                if (rest > 0) {
                    Thread.sleep(rest / 1_000_000);
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long[] after = counters(postgres, db);
            System.out.printf(Locale.ROOT, "replicas %d, %.1f s, publish interval 1 s%n", replicas, elapsed);
            System.out.printf(Locale.ROOT, "transactions committed per replica per second: %.2f%n",
                    (after[0] - before[0]) / elapsed / replicas);
            System.out.printf(Locale.ROOT, "rows written (inserted + updated + deleted) per replica per second: %.2f%n",
                    (after[1] - before[1]) / elapsed / replicas);
            try (Connection c = fleet.get(0).pool.getConnection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT kind, count(*), avg(octet_length(payload)), max(octet_length(payload))"
                        + " FROM rollback4j_telemetry GROUP BY kind ORDER BY kind")) {
                    while (rs.next()) {
                        System.out.printf(Locale.ROOT, "kind %d (%s): %d sub-windows stored, payload avg %.0f B, max %d B"
                                        + " (2 releases x 2 segments: %.0f B per release and segment)%n", rs.getInt(1),
                                new String[]{"calls", "KPIs", "profiles"}[rs.getInt(1)], rs.getLong(2), rs.getDouble(3), rs.getLong(4),
                                rs.getDouble(3) / 4);
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT avg(octet_length(totals)) FROM rollback4j_replica")) {
                    rs.next();
                    System.out.printf(Locale.ROOT, "totals per report: %.0f B%n", rs.getDouble(1));
                }
            }
            fleet.forEach(BenchReplica::close);
        }
    }

    /** Committed transactions and rows written in the database, from PostgreSQL's statistics. */
    private static long[] counters(BenchPostgres postgres, String db) throws Exception {
        Thread.sleep(600); // the statistics collector reports with a delay
        try (Connection c = postgres.admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_force_next_flush()");
            long xacts;
            try (ResultSet rs = s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = '" + db + "'")) {
                rs.next();
                xacts = rs.getLong(1);
            }
            return new long[]{xacts, rows(db, postgres)};
        }
    }

    private static long rows(String db, BenchPostgres postgres) throws Exception {
        try (com.zaxxer.hikari.HikariDataSource pool = postgres.pool(db, 1); Connection c = pool.getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
