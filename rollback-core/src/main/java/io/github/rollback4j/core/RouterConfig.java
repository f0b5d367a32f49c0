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
 *   <li>{@code probeThreads} (default {@value #DEFAULT_PROBE_THREADS}, 1..64): the most threads the
 *   router's own probe executor runs. A probe that times out is interrupted; a release whose timed-out
 *   probe still runs (its model ignores the interrupt) gets no further probe thread until it returns,
 *   so a hanging model holds at most one.</li>
 *   <li>{@code callThreads} (default {@value #DEFAULT_CALL_THREADS}, 1..1024) and
 *   {@code callQueueCapacity} (default {@value #DEFAULT_CALL_QUEUE_CAPACITY}, 0..100000): the call
 *   executor of releases with a {@link ReleaseSpec#callTimeout() call timeout}, created only when one
 *   has. A call that finds every thread busy and the queue full times out at once.</li>
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
    /** Default size of the router's probe thread pool. */
    public static final int DEFAULT_PROBE_THREADS = 4;
    /** Default size of the call executor of releases with a call timeout. */
    public static final int DEFAULT_CALL_THREADS = 32;
    /** Default number of timed calls that may wait for a call thread. */
    public static final int DEFAULT_CALL_QUEUE_CAPACITY = 1024;

    private static final RouterConfig DEFAULTS = custom().build();

    private final Integer salt;
    private final Duration healthCheckInterval;
    private final int auditLogCapacity;
    private final int stateStoreRetries;
    private final int probeThreads;
    private final int callThreads;
    private final int callQueueCapacity;

    private RouterConfig(Builder b) {
        this.salt = b.salt;
        this.healthCheckInterval = b.healthCheckInterval;
        this.auditLogCapacity = b.auditLogCapacity;
        this.stateStoreRetries = b.stateStoreRetries;
        this.probeThreads = b.probeThreads;
        this.callThreads = b.callThreads;
        this.callQueueCapacity = b.callQueueCapacity;
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
        b.probeThreads = base.probeThreads;
        b.callThreads = base.callThreads;
        b.callQueueCapacity = base.callQueueCapacity;
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

    /** @return the most threads of the router's own probe executor */
    public int probeThreads() {
        return probeThreads;
    }

    /** @return threads of the call executor of releases with a call timeout */
    public int callThreads() {
        return callThreads;
    }

    /** @return timed calls that may wait for a call thread */
    public int callQueueCapacity() {
        return callQueueCapacity;
    }

    /** Builds a {@link RouterConfig}; not thread-safe. */
    public static final class Builder {
        private Integer salt;
        private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
        private int auditLogCapacity = DEFAULT_AUDIT_LOG_CAPACITY;
        private int stateStoreRetries = DEFAULT_STATE_STORE_RETRIES;
        private int probeThreads = DEFAULT_PROBE_THREADS;
        private int callThreads = DEFAULT_CALL_THREADS;
        private int callQueueCapacity = DEFAULT_CALL_QUEUE_CAPACITY;

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
         * @param threads the most threads of the router's own probe executor, 1..64
         * @return this builder
         */
        public Builder probeThreads(int threads) {
            this.probeThreads = threads;
            return this;
        }

        /**
         * @param threads threads of the call executor of releases with a call timeout, 1..1024
         * @return this builder
         */
        public Builder callThreads(int threads) {
            this.callThreads = threads;
            return this;
        }

        /**
         * @param capacity timed calls that may wait for a call thread, 0..100000
         * @return this builder
         */
        public Builder callQueueCapacity(int capacity) {
            this.callQueueCapacity = capacity;
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
            if (probeThreads < 1 || probeThreads > 64) {
                throw new IllegalArgumentException("RouterConfig.probeThreads must be between 1 and 64, but was " + probeThreads);
            }
            if (callThreads < 1 || callThreads > 1024) {
                throw new IllegalArgumentException("RouterConfig.callThreads must be between 1 and 1024, but was " + callThreads);
            }
            if (callQueueCapacity < 0 || callQueueCapacity > 100_000) {
                throw new IllegalArgumentException("RouterConfig.callQueueCapacity must be between 0 and 100000, but was "
                        + callQueueCapacity);
            }
            return new RouterConfig(this);
        }
    }
}
