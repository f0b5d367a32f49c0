package io.github.rollback4j;

/**
 * One version of a feature a model needs: an encoder, a feature pipeline, a vocabulary.
 * Named like a model version: an immutable version and a content digest.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the feature's name, e.g. {@code categorical-encoder}
 * @param version an immutable version, e.g. {@code v5}; never a mutable tag
 * @param digest {@code sha256:} followed by 64 lower-case hex characters
 */
public record FeatureVersion(String name, String version, String digest) {

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the field, the value and what to use instead
     */
    public FeatureVersion {
        Digests.requireName("FeatureVersion.name", name);
        Digests.requireImmutableVersion("FeatureVersion.version", version);
        Digests.requireSha256("FeatureVersion.digest", digest);
    }

    /**
     * @param name the feature's name
     * @param version an immutable version
     * @param digest {@code sha256:<64 hex>}
     * @return the feature version
     */
    public static FeatureVersion of(String name, String version, String digest) {
        return new FeatureVersion(name, version, digest);
    }

    @Override
    public String toString() {
        return name + ":" + version + "@" + digest.substring(0, 19);
    }
}
