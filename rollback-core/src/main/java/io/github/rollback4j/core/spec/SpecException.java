package io.github.rollback4j.core.spec;

/**
 * A specification file (triggers, scenarios) was refused at load. The message names the field path
 * (e.g. {@code triggers[2].window}), the bad value and what is allowed; {@link #path()} gives the
 * path alone. Nothing of a refused file is used.
 */
public class SpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path the field path, e.g. {@code triggers[2].window}
     * @param message what is wrong and what to write instead
     */
    public SpecException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    /**
     * @param path the field path
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public SpecException(String path, String message, Throwable cause) {
        super(path + ": " + message, cause);
        this.path = path;
    }

    /** @return the field path of the refused value */
    public String path() {
        return path;
    }
}
