package io.github.rollback4j.core;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.rollback4j.Model;
import io.github.rollback4j.Release;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A release together with its loaded model and how the router keeps it warm and checks its health.
 *
 * <ul>
 *   <li>{@code name} (default: the release's {@link Release#name()}, which defaults to
 *   {@code <model name>:<model version>}): the display name people read in logs, verdicts, the
 *   runbook, the endpoint and the metric {@code release} tag; unique among one router's releases.</li>
 *   <li>{@code sampleInputs} (required, at least one): inputs the warm-up and the health probe send
 *   to the model.</li>
 *   <li>{@code warmupCalls} (default {@value #DEFAULT_WARMUP_CALLS}, range 0..100000): calls made,
 *   cycling over the sample inputs, before the release may serve.</li>
 *   <li>{@code healthCheck} (default: the output is not {@code null}): a probe passes when every
 *   sample input returns, within {@code probeTimeout}, an output this predicate accepts.</li>
 *   <li>{@code probeTimeout} (default {@link #DEFAULT_PROBE_TIMEOUT}, 1 ms..10 min): per probe call.</li>
 *   <li>{@code unhealthyAfterFailures} (default {@value #DEFAULT_UNHEALTHY_AFTER_FAILURES}, 1..100):
 *   consecutive failed probes that take a release out of traffic. A failed warm-up takes it out at
 *   once.</li>
 *   <li>{@code circuitBreaker} (default none): a Resilience4j circuit breaker around this release's
 *   calls, with per-call fallback to the last-known-good when a call fails or the breaker is open.
 *   Without it, the model's own exception reaches the caller unchanged.</li>
 *   <li>{@code callTimeout} (default none, range 1 ms..10 min): the longest a request-path call of this
 *   release may take. With it, each call runs on the router's bounded call executor and is
 *   interrupted when the time is up (Resilience4j {@code TimeLimiter}); the call counts as a
 *   {@link io.github.rollback4j.telemetry.Outcome#TIMEOUT}. With a circuit breaker too, a timeout is a
 *   failed call and is served by the last-known-good; without one, the caller gets a
 *   {@link java.util.concurrent.TimeoutException}. Without a call timeout the call runs on the
 *   caller's thread, with no thread hop and no allocation. See {@code docs/routing.md} for the cost.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe (as far as the model, the inputs and the predicate are).
 *
 * @param <I> the model input type
 * @param <O> the model output type
 */
public final class ReleaseSpec<I, O> {

    /** Default number of warm-up calls. */
    public static final int DEFAULT_WARMUP_CALLS = 20;
    /** Maximum number of warm-up calls. */
    public static final int MAX_WARMUP_CALLS = 100_000;
    /** Default timeout of one probe call. */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** Default consecutive probe failures before a release leaves traffic. */
    public static final int DEFAULT_UNHEALTHY_AFTER_FAILURES = 3;
    /** Shortest call timeout. */
    public static final Duration MIN_CALL_TIMEOUT = Duration.ofMillis(1);
    /** Longest call timeout. */
    public static final Duration MAX_CALL_TIMEOUT = Duration.ofMinutes(10);

    private final Release release;
    private final Model<I, O> model;
    private final List<I> sampleInputs;
    private final int warmupCalls;
    private final Predicate<? super O> healthCheck;
    private final Duration probeTimeout;
    private final int unhealthyAfterFailures;
    private final CircuitBreakerConfig circuitBreaker;
    private final Duration callTimeout;

    private ReleaseSpec(Builder<I, O> b) {
        this.release = b.release;
        this.model = b.model;
        this.sampleInputs = b.sampleInputs;
        this.warmupCalls = b.warmupCalls;
        this.healthCheck = b.healthCheck;
        this.probeTimeout = b.probeTimeout;
        this.unhealthyAfterFailures = b.unhealthyAfterFailures;
        this.circuitBreaker = b.circuitBreaker;
        this.callTimeout = b.callTimeout;
    }

    /**
     * @param release the release
     * @param model its loaded model
     * @param <I> input type
     * @param <O> output type
     * @return a builder
     */
    public static <I, O> Builder<I, O> builder(Release release, Model<I, O> model) {
        return new Builder<>(release, model);
    }

    /** @return the release, carrying the display name set here (if any) */
    public Release release() {
        return release;
    }

    /** @return the release's display name, e.g. {@code v2} */
    public String name() {
        return release.name();
    }

    /** @return the model */
    public Model<I, O> model() {
        return model;
    }

    /** @return the inputs used for warm-up and health probes */
    public List<I> sampleInputs() {
        return sampleInputs;
    }

    /** @return warm-up calls before the release may serve */
    public int warmupCalls() {
        return warmupCalls;
    }

    /** @return the predicate a probe output must pass */
    public Predicate<? super O> healthCheck() {
        return healthCheck;
    }

    /** @return timeout of one probe call */
    public Duration probeTimeout() {
        return probeTimeout;
    }

    /** @return consecutive failed probes that take the release out of traffic */
    public int unhealthyAfterFailures() {
        return unhealthyAfterFailures;
    }

    /** @return the circuit breaker config, or {@code null} when the release has none */
    public CircuitBreakerConfig circuitBreaker() {
        return circuitBreaker;
    }

    /** @return the longest a request-path call may take, or {@code null} when calls are not timed out (the default) */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * Builds a {@link ReleaseSpec}; not thread-safe.
     *
     * @param <I> input type
     * @param <O> output type
     */
    public static final class Builder<I, O> {
        private Release release;
        private final Model<I, O> model;
        private List<I> sampleInputs = List.of();
        private int warmupCalls = DEFAULT_WARMUP_CALLS;
        private Predicate<? super O> healthCheck = Objects::nonNull;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private int unhealthyAfterFailures = DEFAULT_UNHEALTHY_AFTER_FAILURES;
        private CircuitBreakerConfig circuitBreaker;
        private Duration callTimeout;

        private Builder(Release release, Model<I, O> model) {
            this.release = Objects.requireNonNull(release, "ReleaseSpec.release must not be null");
            this.model = Objects.requireNonNull(model, "ReleaseSpec.model must not be null (release " + release + ")");
        }

        /**
         * @param name the display name people read, e.g. {@code v2} (default: the release's own
         *             {@link Release#name()}); see {@link Release.Builder#name(String)} for the allowed form
         * @return this builder
         * @throws IllegalArgumentException when the name is not valid
         */
        public Builder<I, O> name(String name) {
            this.release = release.withName(name);
            return this;
        }

        /**
         * @param inputs inputs for warm-up and health probes; at least one
         * @return this builder
         */
        public Builder<I, O> sampleInputs(List<I> inputs) {
            this.sampleInputs = List.copyOf(Objects.requireNonNull(inputs, "ReleaseSpec.sampleInputs must not be null"));
            return this;
        }

        /**
         * @param calls warm-up calls, 0..100000
         * @return this builder
         */
        public Builder<I, O> warmupCalls(int calls) {
            this.warmupCalls = calls;
            return this;
        }

        /**
         * @param check accepts a healthy probe output
         * @return this builder
         */
        public Builder<I, O> healthCheck(Predicate<? super O> check) {
            this.healthCheck = Objects.requireNonNull(check, "ReleaseSpec.healthCheck must not be null");
            return this;
        }

        /**
         * @param timeout per probe call, 1 ms..10 min
         * @return this builder
         */
        public Builder<I, O> probeTimeout(Duration timeout) {
            this.probeTimeout = Objects.requireNonNull(timeout, "ReleaseSpec.probeTimeout must not be null");
            return this;
        }

        /**
         * @param failures consecutive failed probes before the release leaves traffic, 1..100
         * @return this builder
         */
        public Builder<I, O> unhealthyAfterFailures(int failures) {
            this.unhealthyAfterFailures = failures;
            return this;
        }

        /**
         * @param config a circuit breaker around the release's calls, with per-call fallback to the
         *               last-known-good
         * @return this builder
         */
        public Builder<I, O> circuitBreaker(CircuitBreakerConfig config) {
            this.circuitBreaker = Objects.requireNonNull(config, "ReleaseSpec.circuitBreaker must not be null");
            return this;
        }

        /**
         * Opts this release's request-path calls into a timeout; see the class comment for the
         * thread model and what the caller gets.
         *
         * @param timeout the longest a call may take, 1 ms..10 min (millisecond resolution)
         * @return this builder
         */
        public Builder<I, O> callTimeout(Duration timeout) {
            this.callTimeout = Objects.requireNonNull(timeout, "ReleaseSpec.callTimeout must not be null");
            return this;
        }

        /**
         * @return the spec
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public ReleaseSpec<I, O> build() {
            String where = " (release " + release.name() + ", " + release.id() + ", " + release.label() + ")";
            if (sampleInputs.isEmpty()) {
                throw new IllegalArgumentException("ReleaseSpec.sampleInputs must hold at least one input" + where
                        + ": the router warms the release and probes its health with them before it may serve");
            }
            if (warmupCalls < 0 || warmupCalls > MAX_WARMUP_CALLS) {
                throw new IllegalArgumentException("ReleaseSpec.warmupCalls must be between 0 and " + MAX_WARMUP_CALLS
                        + ", but was " + warmupCalls + where);
            }
            if (probeTimeout.compareTo(Duration.ofMillis(1)) < 0 || probeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("ReleaseSpec.probeTimeout must be between 1ms and 10m, but was "
                        + probeTimeout + where);
            }
            if (unhealthyAfterFailures < 1 || unhealthyAfterFailures > 100) {
                throw new IllegalArgumentException("ReleaseSpec.unhealthyAfterFailures must be between 1 and 100, but was "
                        + unhealthyAfterFailures + where);
            }
            if (callTimeout != null && (callTimeout.compareTo(MIN_CALL_TIMEOUT) < 0 || callTimeout.compareTo(MAX_CALL_TIMEOUT) > 0)) {
                throw new IllegalArgumentException("ReleaseSpec.callTimeout must be between 1ms and 10m, but was "
                        + callTimeout + where);
            }
            return new ReleaseSpec<>(this);
        }
    }
}
