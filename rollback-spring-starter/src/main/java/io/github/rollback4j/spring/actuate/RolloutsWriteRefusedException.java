package io.github.rollback4j.spring.actuate;

/**
 * A write operation of the {@code rollouts} endpoint was refused before it ran: writes are
 * disabled, the caller is not authenticated, or lacks the role. {@link #status()} is the HTTP
 * status the endpoint answers with (401 or 403).
 */
public final class RolloutsWriteRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Status when writes are disabled or the principal lacks the role. */
    public static final int FORBIDDEN = 403;
    /** Status when no principal is authenticated. */
    public static final int UNAUTHORIZED = 401;

    private final int status;

    /**
     * @param status {@link #FORBIDDEN} or {@link #UNAUTHORIZED}
     * @param message why, and what to change
     */
    public RolloutsWriteRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status: 401 or 403 */
    public int status() {
        return status;
    }
}
