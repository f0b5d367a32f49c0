package io.github.rollback4j.core;

import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.internal.DefaultModelRouter;
import io.github.rollback4j.spi.FeatureFlags;
import io.github.rollback4j.spi.RolloutStateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Builds {@link ManagedModelRouter}s.
 *
 * <pre>{@code
 * ManagedModelRouter<Features, Double> router = ModelRouters
 *     .builder("fraud", ReleaseSpec.builder(v1, v1Model).sampleInputs(samples).build())
 *     .release(ReleaseSpec.builder(v2, v2Model).sampleInputs(samples).build())
 *     .build();
 * router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9500, v2.id(), 500), Cause.operator("ana", "canary 5 %"));
 * }</pre>
 *
 * <p>{@link Builder#build()} warms every release synchronously and, unless the state store already
 * holds a state for this router's name (which then wins), starts with all traffic on the
 * last-known-good.
 */
public final class ModelRouters {

    /** Default size of the call sample ring, in samples. */
    public static final int DEFAULT_SAMPLE_CAPACITY = 512;
    /** Default share of calls put into the sample ring (1 %). */
    public static final double DEFAULT_SAMPLE_RATE = 0.01;
    /** Largest sample ring, in samples. */
    public static final int MAX_SAMPLE_CAPACITY = 1_000_000;

    private ModelRouters() {
    }

    /**
     * @param name the router's name, unique within the application and the state store
     * @param lastKnownGood the release that serves all traffic before a rollout begins
     * @param <I> the model input type
     * @param <O> the model output type
     * @return a builder
     */
    public static <I, O> Builder<I, O> builder(String name, ReleaseSpec<I, O> lastKnownGood) {
        return new Builder<>(name, lastKnownGood);
    }

    /**
     * Builds a router; not thread-safe.
     *
     * @param <I> the model input type
     * @param <O> the model output type
     */
    public static final class Builder<I, O> {
        private final String name;
        private final ReleaseSpec<I, O> lastKnownGood;
        private final List<ReleaseSpec<I, O>> releases = new ArrayList<>();
        private RouterConfig config = RouterConfig.ofDefaults();
        private TimeSource timeSource = TimeSource.system();
        private RolloutStateStore stateStore;
        private FeatureFlags featureFlags;
        private IntSupplier randomBuckets;
        private Executor probeExecutor;
        private TelemetryConfig telemetry = TelemetryConfig.ofDefaults();
        private ToDoubleFunction<? super O> scoreExtractor;
        private InputProfile<? super I> inputProfile;
        private int sampleCapacity = DEFAULT_SAMPLE_CAPACITY;
        private double sampleRate = DEFAULT_SAMPLE_RATE;

        private Builder(String name, ReleaseSpec<I, O> lastKnownGood) {
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}")) {
                throw new IllegalArgumentException("router name must be 1 to 64 characters of letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit, but was '" + name + "'");
            }
            this.name = name;
            this.lastKnownGood = Objects.requireNonNull(lastKnownGood, "router '" + name + "': lastKnownGood must not be null");
        }

        /**
         * @param spec a further release (a candidate); it gets no traffic until a weight is set
         * @return this builder
         */
        public Builder<I, O> release(ReleaseSpec<I, O> spec) {
            releases.add(Objects.requireNonNull(spec, "router '" + name + "': release must not be null"));
            return this;
        }

        /**
         * @param config router settings; default {@link RouterConfig#ofDefaults()}
         * @return this builder
         */
        public Builder<I, O> config(RouterConfig config) {
            this.config = Objects.requireNonNull(config, "router '" + name + "': config must not be null");
            return this;
        }

        /**
         * @param timeSource wall and nano time; default {@link TimeSource#system()}; a
         *                   {@link VirtualTimeSource} in tests
         * @return this builder
         */
        public Builder<I, O> timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "router '" + name + "': timeSource must not be null");
            return this;
        }

        /**
         * @param store where the rollout state lives; default a new {@link InMemoryRolloutStateStore}
         * @return this builder
         */
        public Builder<I, O> stateStore(RolloutStateStore store) {
            this.stateStore = Objects.requireNonNull(store, "router '" + name + "': stateStore must not be null");
            return this;
        }

        /**
         * @param flags the feature-flag service; default a new {@link InMemoryFeatureFlags}
         * @return this builder
         */
        public Builder<I, O> featureFlags(FeatureFlags flags) {
            this.featureFlags = Objects.requireNonNull(flags, "router '" + name + "': featureFlags must not be null");
            return this;
        }

        /**
         * @param source buckets 0..9999 for requests without a stickiness key (values outside are
         *               taken modulo 10000); default {@code ThreadLocalRandom}. Seeded sources make
         *               simulations repeatable; they must be thread-safe if several threads call.
         * @return this builder
         */
        public Builder<I, O> randomBuckets(IntSupplier source) {
            this.randomBuckets = Objects.requireNonNull(source, "router '" + name + "': randomBuckets must not be null");
            return this;
        }

        /**
         * @param executor runs warm-up and probe calls so that a hanging model times out; default a
         *                 daemon thread pool owned by the router. {@code Runnable::run} runs them on the
         *                 calling thread (timeouts are then measured, not enforced).
         * @return this builder
         */
        public Builder<I, O> probeExecutor(Executor executor) {
            this.probeExecutor = Objects.requireNonNull(executor, "router '" + name + "': probeExecutor must not be null");
            return this;
        }

        /**
         * @param config how telemetry is kept; default {@link TelemetryConfig#ofDefaults()}
         * @return this builder
         */
        public Builder<I, O> telemetry(TelemetryConfig config) {
            this.telemetry = Objects.requireNonNull(config, "router '" + name + "': telemetry must not be null");
            return this;
        }

        /**
         * @param extractor reads the prediction score from an output, for the score distribution of
         *                  sampled calls (drift of predictions); default none
         * @return this builder
         */
        public Builder<I, O> scoreExtractor(ToDoubleFunction<? super O> extractor) {
            this.scoreExtractor = Objects.requireNonNull(extractor, "router '" + name + "': scoreExtractor must not be null");
            return this;
        }

        /**
         * @param profile the input fields profiled on sampled calls (null rates, distributions); default none
         * @return this builder
         */
        public Builder<I, O> inputProfile(InputProfile<? super I> profile) {
            this.inputProfile = Objects.requireNonNull(profile, "router '" + name + "': inputProfile must not be null");
            return this;
        }

        /**
         * Keeps a share of calls (input, output or exception, key, release, segment, latency,
         * outcome) in a fixed ring, the evidence an incident takes from before and after a rollback
         * ({@link ManagedModelRouter#samples}). Filling the ring is lock-free and allocates nothing;
         * it keeps references to the sampled inputs and outputs until they are overwritten.
         *
         * @param capacity samples kept, 0..{@value ModelRouters#MAX_SAMPLE_CAPACITY} (default {@value ModelRouters#DEFAULT_SAMPLE_CAPACITY}); 0 turns sampling off
         * @param rate share of calls sampled, 0.0..1.0 (default {@value ModelRouters#DEFAULT_SAMPLE_RATE}); 0 turns sampling off
         * @return this builder
         * @throws IllegalArgumentException when a value is out of range
         */
        public Builder<I, O> samples(int capacity, double rate) {
            if (capacity < 0 || capacity > MAX_SAMPLE_CAPACITY) {
                throw new IllegalArgumentException("router '" + name + "': samples.capacity must be between 0 and "
                        + MAX_SAMPLE_CAPACITY + " (0 turns sampling off), but was " + capacity);
            }
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException("router '" + name + "': samples.rate must be between 0.0 and 1.0"
                        + " (0 turns sampling off), but was " + rate);
            }
            this.sampleCapacity = capacity;
            this.sampleRate = rate;
            return this;
        }

        /**
         * Builds the router and warms every release on the calling thread.
         *
         * @return the router
         * @throws IllegalArgumentException when two releases have the same id
         * @throws IllegalStateException when the stored state names a release that is not registered
         */
        public ManagedModelRouter<I, O> build() {
            return new DefaultModelRouter<>(name, lastKnownGood, releases, config, timeSource,
                    stateStore != null ? stateStore : new InMemoryRolloutStateStore(),
                    featureFlags != null ? featureFlags : new InMemoryFeatureFlags(),
                    randomBuckets, probeExecutor, telemetry, scoreExtractor, inputProfile, sampleCapacity, sampleRate);
        }
    }
}
