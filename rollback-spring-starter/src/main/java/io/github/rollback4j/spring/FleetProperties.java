package io.github.rollback4j.spring;

import java.time.Duration;

/**
 * Fleet mode ({@code rollback4j.fleet.*}): every router of the application shares its rollout with the
 * other replicas of the service through PostgreSQL (see docs/fleet.md). Off by default; nothing changes
 * for a single process. Needs pgjdbc ({@code org.postgresql:postgresql}) and a {@code DataSource} on
 * that database. A mutable JavaBean for Spring's binder; read once at startup.
 */
public class FleetProperties {

    /** Whether the routers form a fleet with the other replicas through PostgreSQL. */
    private boolean enabled;

    /**
     * Name of the DataSource bean on the fleet's PostgreSQL database; empty: the application's only
     * DataSource (its primary one when there are several).
     */
    private String dataSourceBean;

    /** This replica's id (1 to 64 letters, digits, '.', '_' or '-'), unique in the fleet; empty: host-pid-random. */
    private String replicaId;

    /** Lease time of the decider: another replica takes over after seeing the lease unchanged this long (1s..10m). */
    private Duration leaseTime = Duration.ofSeconds(10);

    /** How often each replica publishes its telemetry and heartbeat, renews its lease and decides (at most a third of the lease time). */
    private Duration publishInterval = Duration.ofSeconds(1);

    /** How often each replica re-reads the shared state behind the database's notices (at least the publish interval). */
    private Duration pollInterval = Duration.ofSeconds(5);

    /** How long the database may be unreachable before a replica serves only its last-known-good (at least two publish intervals). */
    private Duration failSafeAfter = Duration.ofSeconds(30);

    /** Whether the starter applies the fleet schema migration at startup; false when the application's own migrations apply it. */
    private boolean migrate = true;

    /** Statement timeout of every call to the database (1s..5m). */
    private Duration statementTimeout = Duration.ofSeconds(5);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getDataSourceBean() {
        return dataSourceBean;
    }

    public void setDataSourceBean(String dataSourceBean) {
        this.dataSourceBean = dataSourceBean;
    }

    public String getReplicaId() {
        return replicaId;
    }

    public void setReplicaId(String replicaId) {
        this.replicaId = replicaId;
    }

    public Duration getLeaseTime() {
        return leaseTime;
    }

    public void setLeaseTime(Duration leaseTime) {
        this.leaseTime = leaseTime;
    }

    public Duration getPublishInterval() {
        return publishInterval;
    }

    public void setPublishInterval(Duration publishInterval) {
        this.publishInterval = publishInterval;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public Duration getFailSafeAfter() {
        return failSafeAfter;
    }

    public void setFailSafeAfter(Duration failSafeAfter) {
        this.failSafeAfter = failSafeAfter;
    }

    public boolean isMigrate() {
        return migrate;
    }

    public void setMigrate(boolean migrate) {
        this.migrate = migrate;
    }

    public Duration getStatementTimeout() {
        return statementTimeout;
    }

    public void setStatementTimeout(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }
}
