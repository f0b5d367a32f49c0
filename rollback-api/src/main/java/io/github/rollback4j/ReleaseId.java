package io.github.rollback4j;

import java.util.regex.Pattern;

/**
 * The identity of a {@link Release}: {@code rel-} followed by 16 lower-case hex characters, derived
 * from the digests of the release's model, features and config (see {@link Release#id()}). The same
 * artifacts give the same id on every replica and after every restart.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the id, e.g. {@code rel-3f2a9c0d11b84e57}
 */
public record ReleaseId(String value) {

    private static final Pattern FORMAT = Pattern.compile("rel-[0-9a-f]{16}");

    /**
     * @throws IllegalArgumentException when the value is not {@code rel-} and 16 lower-case hex characters
     */
    public ReleaseId {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("ReleaseId must be 'rel-' followed by 16 lower-case hex characters"
                    + " (as printed by Release.id()), but was '" + value + "'");
        }
    }

    /**
     * @param value the id text
     * @return the id
     */
    public static ReleaseId of(String value) {
        return new ReleaseId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
