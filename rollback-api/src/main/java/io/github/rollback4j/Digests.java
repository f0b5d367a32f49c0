package io.github.rollback4j;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Validation shared by the versioned artifacts: digests, names and immutable versions. */
final class Digests {

    /** Mutable tags that can point at different artifacts over time; never a version. */
    static final Set<String> MUTABLE_TAGS = Set.of("latest", "stable", "current", "head", "main", "master", "prod", "production", "release");

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-/]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+\\-]{0,63}");

    private Digests() {
    }

    static String requireName(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty, but was " + shown(value)
                    + "; give the artifact's name, e.g. 'fraud-model'");
        }
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1 to 128 characters of letters, digits, '.', '_', '-' or '/',"
                    + " starting with a letter or digit, but was '" + value + "'");
        }
        return value;
    }

    static String requireImmutableVersion(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty, but was " + shown(value)
                    + "; give an immutable version such as '1.3.2'");
        }
        if (MUTABLE_TAGS.contains(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(field + " '" + value + "' is a mutable tag: it can point at a different artifact"
                    + " tomorrow, so a rollback could not tell what it returns to. Use an immutable version such as '1.3.2'"
                    + " together with the artifact's content digest (sha256:<64 hex>)");
        }
        if (!VERSION.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1 to 64 characters of letters, digits, '.', '_', '+' or '-',"
                    + " starting with a letter or digit, but was '" + value + "'");
        }
        return value;
    }

    static String requireSha256(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be empty, but was " + shown(value)
                    + ": an artifact is named by its content digest,"
                    + " 'sha256:' followed by 64 lower-case hex characters (e.g. from `sha256sum model.onnx`)");
        }
        if (MUTABLE_TAGS.contains(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(field + " '" + value + "' is a mutable tag, not a digest. Use the artifact's"
                    + " content digest: 'sha256:' followed by 64 lower-case hex characters");
        }
        if (!SHA256.matcher(value).matches()) {
            String hex = value.startsWith("sha256:") ? value.substring(7) : null;
            String why = hex == null ? "it does not start with 'sha256:'"
                    : hex.length() != 64 ? "after 'sha256:' it has " + hex.length() + " characters where 64 are required"
                    : "after 'sha256:' it has characters other than lower-case hex (0-9, a-f)";
            throw new IllegalArgumentException(field + " must be 'sha256:' followed by 64 lower-case hex characters, but was '"
                    + value + "' (" + why + ")");
        }
        return value;
    }

    /** Shows a refused value in a message: quoted, so that blanks are visible, or {@code null}. */
    private static String shown(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256Hex(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(hash.length * 2);
            for (byte b : hash) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
