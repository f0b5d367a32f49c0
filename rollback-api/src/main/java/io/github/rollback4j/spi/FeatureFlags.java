package io.github.rollback4j.spi;

/**
 * The feature flags a release turns on while it serves (e.g. {@code encoder-v5}). The router enables
 * a release's flags before the release first receives traffic, and a rollback disables the flags of
 * the rolled-back releases that the last-known-good does not also need, so that a new encoder cannot
 * be reused by accident.
 *
 * <p>rollback4j ships an in-memory implementation; plug in your flag service (LaunchDarkly,
 * Unleash, a database) by implementing this interface. Implementations must be thread-safe and
 * should not block for long: they are called on the control path, never on the request path.
 */
public interface FeatureFlags {

    /**
     * @param flag the flag's name
     * @param on {@code true} to enable, {@code false} to disable
     */
    void set(String flag, boolean on);

    /**
     * @param flag the flag's name
     * @return {@code true} when enabled; unknown flags are disabled
     */
    boolean isEnabled(String flag);
}
