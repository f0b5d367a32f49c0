package io.github.rollback4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The unit that is rolled out and rolled back: one {@link ModelVersion} paired with the
 * {@link FeatureVersion}s and the {@link ConfigVersion} it needs, and the feature flags that must be
 * on while it serves.
 *
 * <p>Model and features are rolled back together, so a release is checked for compatibility when it
 * is built: every feature must be one the model declares, at a version the model declares, and
 * every feature the model declares must be present.
 *
 * <p>The {@link #id()} is derived from the digests alone: {@code rel-} followed by the first 16 hex
 * characters of the SHA-256 of the UTF-8 text
 * <pre>
 * model=&lt;model digest&gt;\n
 * feature:&lt;name&gt;=&lt;digest&gt;\n   (one line per feature, sorted by name)
 * config=&lt;config digest&gt;\n          (only when a config version is set)
 * </pre>
 * so the same artifacts give the same id across restarts and replicas.
 *
 * <p>The {@link #name()} is what people read: log lines, verdicts, runbooks, the endpoint and the
 * metric {@code release} tag show it, with the id beside it where a machine reads (JSON, audit).
 * It defaults to {@code <model name>:<model version>} (e.g. {@code fraud-model:2.0.0}), can be set
 * with {@link Builder#name(String)} (e.g. {@code v2}), is not part of the id, and must be unique
 * among the releases of one router.
 *
 * <p>Immutable and thread-safe.
 */
public final class Release {

    private static final Pattern FLAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\-]{0,127}");
    /** Longest display name: a default name is at most 128 (model name) + 1 + 64 (version) characters. */
    public static final int MAX_NAME_LENGTH = 200;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+/@\\-]{0," + (MAX_NAME_LENGTH - 1) + "}");

    private final ModelVersion model;
    private final List<FeatureVersion> features;
    private final ConfigVersion config;
    private final Set<String> featureFlags;
    private final ReleaseId id;
    private final String name;

    private Release(Builder builder) {
        this.model = Objects.requireNonNull(builder.model, "Release.model must not be null");
        Map<String, FeatureVersion> byName = new TreeMap<>();
        for (FeatureVersion f : builder.features) {
            FeatureVersion previous = byName.put(f.name(), f);
            if (previous != null) {
                Set<String> allowed = model.compatibleFeatures().get(f.name());
                throw new IllegalArgumentException("Release of model " + model.name() + ":" + model.version() + " names feature '"
                        + f.name() + "' twice (" + previous.version() + " and " + f.version() + ")"
                        + (allowed == null ? ", which the model does not declare"
                                : "; the model declares compatibility with " + allowed)
                        + ". A release pairs the model with exactly one version of each feature");
            }
        }
        checkCompatibility(model, byName);
        this.features = Collections.unmodifiableList(new ArrayList<>(byName.values()));
        this.config = builder.config;
        this.featureFlags = Collections.unmodifiableSet(new LinkedHashSet<>(builder.featureFlags));
        this.id = new ReleaseId("rel-" + Digests.sha256Hex(identityText()).substring(0, 16));
        this.name = builder.name != null ? builder.name : model.name() + ":" + model.version();
    }

    private Release(Release release, String name) {
        this.model = release.model;
        this.features = release.features;
        this.config = release.config;
        this.featureFlags = release.featureFlags;
        this.id = release.id;
        this.name = requireName(name);
    }

    private static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Release.name must be 1 to " + MAX_NAME_LENGTH + " characters of letters, digits,"
                    + " '.', '_', ':', '+', '/', '@' or '-', starting with a letter or digit, e.g. 'v2' or 'fraud-model:2.0.0',"
                    + " but was " + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }

    private static void checkCompatibility(ModelVersion model, Map<String, FeatureVersion> features) {
        Map<String, Set<String>> declared = model.compatibleFeatures();
        for (FeatureVersion f : features.values()) {
            Set<String> allowed = declared.get(f.name());
            if (allowed == null) {
                throw new IllegalArgumentException("Release of model " + model.name() + ":" + model.version()
                        + " includes feature '" + f.name() + "' " + f.version() + ", which the model does not declare."
                        + " Declare it with ModelVersion.builder(..).compatibleWith(\"" + f.name() + "\", \"" + f.version()
                        + "\") if the model was validated with it, or leave it out of the release");
            }
            if (!allowed.contains(f.version())) {
                throw new IllegalArgumentException("Release of model " + model.name() + ":" + model.version()
                        + " is incompatible with feature '" + f.name() + "' " + f.version()
                        + ": the model declares compatibility with " + allowed + " only. Pair the model with '" + f.name()
                        + "' at one of " + allowed + " so that model and features roll out and back together");
            }
        }
        for (Map.Entry<String, Set<String>> need : declared.entrySet()) {
            if (!features.containsKey(need.getKey())) {
                throw new IllegalArgumentException("Release of model " + model.name() + ":" + model.version()
                        + " is missing feature '" + need.getKey() + "', which the model needs at one of " + need.getValue()
                        + ". Add it with Release.builder(model).feature(FeatureVersion.of(\"" + need.getKey() + "\", version, digest))");
            }
        }
    }

    private String identityText() {
        StringBuilder text = new StringBuilder("model=").append(model.digest()).append('\n');
        for (FeatureVersion f : features) {
            text.append("feature:").append(f.name()).append('=').append(f.digest()).append('\n');
        }
        if (config != null) {
            text.append("config=").append(config.digest()).append('\n');
        }
        return text.toString();
    }

    /**
     * Starts a release of the given model.
     *
     * @param model the model version
     * @return a builder
     */
    public static Builder builder(ModelVersion model) {
        return new Builder(model);
    }

    /**
     * A release of a model that needs no features or config.
     *
     * @param model the model version
     * @return the release
     */
    public static Release of(ModelVersion model) {
        return builder(model).build();
    }

    /** @return the id derived from the digests; stable across restarts */
    public ReleaseId id() {
        return id;
    }

    /**
     * @return the display name people read, e.g. {@code v2}; defaults to
     *         {@code <model name>:<model version>}; unique among one router's releases
     */
    public String name() {
        return name;
    }

    /**
     * The same release (same id, artifacts and flags) under another display name.
     *
     * @param name the display name, 1 to {@value #MAX_NAME_LENGTH} characters of letters, digits,
     *             {@code . _ : + / @ -}, starting with a letter or digit
     * @return a copy with that name, or this release when the name is the same
     * @throws IllegalArgumentException when the name is not valid
     */
    public Release withName(String name) {
        return this.name.equals(name) ? this : new Release(this, name);
    }

    /** @return the model version */
    public ModelVersion model() {
        return model;
    }

    /** @return the feature versions, sorted by name; unmodifiable */
    public List<FeatureVersion> features() {
        return features;
    }

    /** @return the config version, if the release has one */
    public Optional<ConfigVersion> config() {
        return Optional.ofNullable(config);
    }

    /**
     * Feature flags this release turns on while it serves; a rollback turns off those the
     * last-known-good release does not also need.
     *
     * @return the flag names; unmodifiable
     */
    public Set<String> featureFlags() {
        return featureFlags;
    }

    /** @return a readable label, e.g. {@code fraud-model:1.3.2+categorical-encoder:v5} */
    public String label() {
        StringBuilder label = new StringBuilder(model.name()).append(':').append(model.version());
        features.stream().sorted(Comparator.comparing(FeatureVersion::name))
                .forEach(f -> label.append('+').append(f.name()).append(':').append(f.version()));
        if (config != null) {
            label.append('+').append("config:").append(config.version());
        }
        return label.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Release other && id.equals(other.id) && name.equals(other.name) && model.equals(other.model)
                && features.equals(other.features) && Objects.equals(config, other.config)
                && featureFlags.equals(other.featureFlags);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** @return the name and the id, e.g. {@code v2 (rel-3f2a9c0d11b84e57)} */
    @Override
    public String toString() {
        return name + " (" + id + ")";
    }

    /** Builds a {@link Release}; not thread-safe. */
    public static final class Builder {
        private final ModelVersion model;
        private final List<FeatureVersion> features = new ArrayList<>();
        private ConfigVersion config;
        private final Set<String> featureFlags = new LinkedHashSet<>();
        private String name;

        private Builder(ModelVersion model) {
            this.model = model;
        }

        /**
         * @param name the display name people read (default {@code <model name>:<model version>}),
         *             1 to {@value Release#MAX_NAME_LENGTH} characters of letters, digits,
         *             {@code . _ : + / @ -}, starting with a letter or digit; not part of the id
         * @return this builder
         * @throws IllegalArgumentException when the name is not valid
         */
        public Builder name(String name) {
            this.name = requireName(name);
            return this;
        }

        /**
         * @param feature a feature version the model needs
         * @return this builder
         */
        public Builder feature(FeatureVersion feature) {
            features.add(Objects.requireNonNull(feature, "Release.feature must not be null"));
            return this;
        }

        /**
         * @param config the serving config version
         * @return this builder
         */
        public Builder config(ConfigVersion config) {
            this.config = Objects.requireNonNull(config, "Release.config must not be null");
            return this;
        }

        /**
         * @param flag a feature flag that must be on while this release serves, e.g. {@code encoder-v5}
         * @return this builder
         */
        public Builder featureFlag(String flag) {
            if (flag == null || !FLAG.matcher(flag).matches()) {
                throw new IllegalArgumentException("Release.featureFlag must be 1 to 128 characters of letters, digits, '.', '_',"
                        + " ':' or '-', starting with a letter or digit, but was '" + flag + "'");
            }
            featureFlags.add(flag);
            return this;
        }

        /**
         * @return the release
         * @throws IllegalArgumentException when the model and features are not compatible, naming both
         */
        public Release build() {
            return new Release(this);
        }
    }
}
