package io.github.rollback4j.core.spec;

import java.nio.file.Path;

/**
 * A specification file (triggers, scenarios) was refused at load. The message names the file (when
 * the specification came from one), the field path (e.g. {@code triggers[2].window}), the bad value
 * and what is allowed, as {@code FILE: PATH: what is wrong}; {@link #file()}, {@link #path()} and
 * {@link #detail()} give each part alone. Nothing of a refused file is used.
 */
public class SpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String path;
    private final String detail;

    /**
     * @param path the field path, e.g. {@code triggers[2].window}; empty for the whole document
     * @param message what is wrong and what to write instead
     */
    public SpecException(String path, String message) {
        this(null, path, message, null);
    }

    /**
     * @param path the field path
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public SpecException(String path, String message, Throwable cause) {
        this(null, path, message, cause);
    }

    /**
     * @param file the file the specification was read from, or {@code null}
     * @param path the field path inside it; empty for the whole document
     * @param message what is wrong
     * @param cause the underlying failure, or {@code null}
     */
    public SpecException(Path file, String path, String message, Throwable cause) {
        super(format(file, path, message), cause);
        this.file = file;
        this.path = path == null ? "" : path;
        this.detail = message;
    }

    private static String format(Path file, String path, String message) {
        StringBuilder text = new StringBuilder();
        if (file != null) {
            text.append(file).append(": ");
        }
        if (path != null && !path.isEmpty()) {
            text.append(path).append(": ");
        }
        return text.append(message).toString();
    }

    /**
     * @param source the file the specification was read from
     * @return this refusal naming that file (this one when it already names a file)
     */
    public SpecException inFile(Path source) {
        if (file != null || source == null) {
            return this;
        }
        SpecException named = new SpecException(source, path, detail, getCause());
        named.setStackTrace(getStackTrace());
        return named;
    }

    /** @return the file the refused specification came from, or {@code null} when it did not come from a file */
    public Path file() {
        return file;
    }

    /** @return the field path of the refused value (without the file), e.g. {@code releases[1].requires} */
    public String path() {
        return path;
    }

    /** @return what is wrong and what to write instead, without the file and the path */
    public String detail() {
        return detail;
    }
}
