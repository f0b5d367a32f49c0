package io.github.rollback4j.core.incident;

import java.util.Objects;

/**
 * The exception of a sampled call as an incident keeps it: the type of what the model threw and its
 * message as the {@link Redactor#redactMessage(String) redactor} returned it, without the original's
 * stack trace or cause (whose messages could quote the input too). {@link #toString()} reads like the
 * original's: {@code java.lang.IllegalArgumentException: <redacted message>}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RedactedError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String type;

    /**
     * @param type the class name of the exception the model threw
     * @param message the redacted message, or {@code null} when it is withheld
     */
    public RedactedError(String type, String message) {
        super(message, null, false, false);
        this.type = Objects.requireNonNull(type, "RedactedError.type must not be null");
    }

    /** @return the class name of the exception the model threw, e.g. {@code java.lang.IllegalArgumentException} */
    public String type() {
        return type;
    }

    @Override
    public String toString() {
        return getMessage() == null ? type : type + ": " + getMessage();
    }
}
