package io.github.rollback4j.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one router. Build with {@link #custom()}, start from {@link #ofDefaults()}, copy with
 * {@link #from(RouterConfig)}.
 *
 * <ul>
 *   <li>{@code salt} (default: MurmurHash3 x86_32 of the router's name with seed 0, so that replicas
 *   of the same router agree without configuration): the seed of {@link StickyBuckets}.</li>
 *   <li>{@code healthCheckInterval} (default {@link #DEFAULT_HEALTH_CHECK_INTERVAL}, 100 ms..1 h):
 *   how often {@link ManagedModelRouter#startHealthChecks} probes every release.</li>
 *   <li>{@code auditLogCapacity} (default {@value #DEFAULT_AUDIT_LOG_CAPACITY}, 1..1000000): entries
 *   kept; the oldest are dropped first.</li>
 *   <li>{@code stateStoreRetries} (default {@value #DEFAULT_STATE_STORE_RETRIES}, 0..100): how often a
 *   rollback re-reads and retries when another replica changed the state first.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class RouterConfig {

    /** Default probe interval. */
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Default audit log capacity, in entries. */
    public static final int DEFAULT_AUDIT_LOG_CAPACITY = 10_000;
    /** Default compare-and-set retries of a rollback. */
    public static final int DEFAULT_STATE_STORE_RETRIES = 10;

    private static final RouterConfig DEFAULTS = custom().build();

    private final Integer salt;
    private final Duration healthCheckInterval;
    private final int auditLogCapacity;
    private final int stateStoreRetries;

    private RouterConfig(Builder b) {
        this.salt = b.salt;
        this.healthCheckInterval = b.healthCheckInterval;
        this.auditLogCapacity = b.auditLogCapacity;
        this.stateStoreRetries = b.stateStoreRetries;
    }

    /** @return the defaults */
    public static RouterConfig ofDefaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * @param base the config to copy
     * @return a builder starting from {@code base}
     */
    public static Builder from(RouterConfig base) {
        Builder b = new Builder();
        b.salt = base.salt;
        b.healthCheckInterval = base.healthCheckInterval;
        b.auditLogCapacity = base.auditLogCapacity;
        b.stateStoreRetries = base.stateStoreRetries;
        return b;
    }

    /**
     * @param routerName the router's name
     * @return the configured salt, or the default derived from the router's name
     */
    public int saltFor(String routerName) {
        return salt != null ? salt : StickyBuckets.murmur3x86_32Utf8(routerName, 0);
    }

    /** @return the probe interval */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /** @return audit entries kept */
    public int auditLogCapacity() {
        return auditLogCapacity;
    }

    /** @return compare-and-set retries of a rollback */
    public int stateStoreRetries() {
        return stateStoreRetries;
    }

    /** Builds a {@link RouterConfig}; not thread-safe. */
    public static final class Builder {
        private Integer salt;
        private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
        private int auditLogCapacity = DEFAULT_AUDIT_LOG_CAPACITY;
        private int stateStoreRetries = DEFAULT_STATE_STORE_RETRIES;

        private Builder() {
        }

        /**
         * @param salt the seed of the sticky bucket hash; changing it reshuffles every user
         * @return this builder
         */
        public Builder salt(int salt) {
            this.salt = salt;
            return this;
        }

        /**
         * @param interval probe interval, 100 ms..1 h
         * @return this builder
         */
        public Builder healthCheckInterval(Duration interval) {
            this.healthCheckInterval = Objects.requireNonNull(interval, "RouterConfig.healthCheckInterval must not be null");
            return this;
        }

        /**
         * @param capacity audit entries kept, 1..1000000
         * @return this builder
         */
        public Builder auditLogCapacity(int capacity) {
            this.auditLogCapacity = capacity;
            return this;
        }

        /**
         * @param retries compare-and-set retries of a rollback, 0..100
         * @return this builder
         */
        public Builder stateStoreRetries(int retries) {
            this.stateStoreRetries = retries;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public RouterConfig build() {
            if (healthCheckInterval.compareTo(Duration.ofMillis(100)) < 0 || healthCheckInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("RouterConfig.healthCheckInterval must be between 100ms and 1h, but was "
                        + healthCheckInterval);
            }
            if (auditLogCapacity < 1 || auditLogCapacity > 1_000_000) {
                throw new IllegalArgumentException("RouterConfig.auditLogCapacity must be between 1 and 1000000, but was "
                        + auditLogCapacity);
            }
            if (stateStoreRetries < 0 || stateStoreRetries > 100) {
                throw new IllegalArgumentException("RouterConfig.stateStoreRetries must be between 0 and 100, but was "
                        + stateStoreRetries);
            }
            return new RouterConfig(this);
        }
    }
}
