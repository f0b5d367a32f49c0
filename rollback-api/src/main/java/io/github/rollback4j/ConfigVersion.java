package io.github.rollback4j;

/**
 * The version of the serving configuration a release needs (thresholds, pre- and post-processing
 * settings), named by an immutable version and the digest of its content.
 *
 * <p>Immutable and thread-safe.
 *
 * @param version an immutable version, e.g. {@code cfg-42}; never a mutable tag
 * @param digest {@code sha256:} followed by 64 lower-case hex characters
 */
public record ConfigVersion(String version, String digest) {

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the field, the value and what to use instead
     */
    public ConfigVersion {
        Digests.requireImmutableVersion("ConfigVersion.version", version);
        Digests.requireSha256("ConfigVersion.digest", digest);
    }

    /**
     * @param version an immutable version
     * @param digest {@code sha256:<64 hex>}
     * @return the config version
     */
    public static ConfigVersion of(String version, String digest) {
        return new ConfigVersion(version, digest);
    }

    @Override
    public String toString() {
        return "config:" + version + "@" + digest.substring(0, 19);
    }
}
