package io.github.rollback4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One model artifact, named by an immutable version and its content digest, together with the
 * feature versions it is compatible with.
 *
 * <p>A model version is never named by a mutable tag: {@code latest}, {@code stable},
 * {@code current} (and a few more, see {@link #MUTABLE_TAGS}) are refused as versions and as
 * digests, because a rollback to "latest" could return to anything. The digest is
 * {@code sha256:} followed by 64 lower-case hex characters.
 *
 * <p>The compatibility declaration lists, per feature name (an encoder, a feature pipeline), the
 * feature versions the model was trained and validated with. {@link Release.Builder#build()} refuses
 * to pair the model with any other feature version, and refuses a release that leaves out a feature
 * the model declares.
 *
 * <p>Immutable and thread-safe.
 */
public final class ModelVersion {

    /** Tags that are refused as versions and digests because they can move (lower-case). */
    public static final Set<String> MUTABLE_TAGS = Digests.MUTABLE_TAGS;

    private final String name;
    private final String version;
    private final String digest;
    private final Map<String, Set<String>> compatibleFeatures;

    private ModelVersion(Builder builder) {
        this.name = Digests.requireName("ModelVersion.name", builder.name);
        this.version = Digests.requireImmutableVersion("ModelVersion.version", builder.version);
        this.digest = Digests.requireSha256("ModelVersion.digest", builder.digest);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        builder.compatibleFeatures.forEach((feature, versions) ->
                copy.put(feature, Collections.unmodifiableSet(new LinkedHashSet<>(versions))));
        this.compatibleFeatures = Collections.unmodifiableMap(copy);
    }

    /**
     * A model version that needs no feature versions.
     *
     * @param name the model's name, e.g. {@code fraud-model}
     * @param version an immutable version, e.g. {@code 1.3.2}; never a mutable tag
     * @param digest {@code sha256:} followed by 64 lower-case hex characters
     * @return the model version
     * @throws IllegalArgumentException naming the field, the value and what to use instead
     */
    public static ModelVersion of(String name, String version, String digest) {
        return builder(name).version(version).digest(digest).build();
    }

    /**
     * Starts a model version with compatibility declarations.
     *
     * @param name the model's name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the model's name */
    public String name() {
        return name;
    }

    /** @return the immutable version */
    public String version() {
        return version;
    }

    /** @return the content digest, {@code sha256:<64 hex>} */
    public String digest() {
        return digest;
    }

    /** @return feature name to the feature versions this model is compatible with; unmodifiable */
    public Map<String, Set<String>> compatibleFeatures() {
        return compatibleFeatures;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelVersion other && name.equals(other.name) && version.equals(other.version)
                && digest.equals(other.digest) && compatibleFeatures.equals(other.compatibleFeatures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, digest, compatibleFeatures);
    }

    @Override
    public String toString() {
        return name + ":" + version + "@" + digest.substring(0, 19);
    }

    /** Builds a {@link ModelVersion}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private String version;
        private String digest;
        private final Map<String, Set<String>> compatibleFeatures = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param version an immutable version such as {@code 1.3.2}
         * @return this builder
         */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * @param digest {@code sha256:} followed by 64 lower-case hex characters
         * @return this builder
         */
        public Builder digest(String digest) {
            this.digest = digest;
            return this;
        }

        /**
         * Declares that this model works with the given versions of a feature (encoder, pipeline).
         * A release of this model must include that feature at one of these versions.
         *
         * @param featureName the feature's name, e.g. {@code categorical-encoder}
         * @param versions the compatible versions, e.g. {@code v5}
         * @return this builder
         */
        public Builder compatibleWith(String featureName, String... versions) {
            Digests.requireName("ModelVersion.compatibleWith.featureName", featureName);
            if (versions == null || versions.length == 0) {
                throw new IllegalArgumentException("ModelVersion.compatibleWith('" + featureName
                        + "') needs at least one feature version, e.g. compatibleWith(\"" + featureName + "\", \"v5\")");
            }
            Set<String> set = compatibleFeatures.computeIfAbsent(featureName, k -> new LinkedHashSet<>());
            for (String v : versions) {
                set.add(Digests.requireImmutableVersion("ModelVersion.compatibleWith('" + featureName + "').version", v));
            }
            return this;
        }

        /**
         * @return the model version
         * @throws IllegalArgumentException naming the field, the value and what to use instead
         */
        public ModelVersion build() {
            return new ModelVersion(this);
        }
    }
}
