package io.github.rollback4j.spi;

/**
 * A {@link FleetStore} could not do what was asked because the store itself failed or could not be
 * reached (a dropped connection, a restarting database, a timeout). Fleet mode counts the time since
 * the last call that did not throw this towards its fail-safe bound.
 */
public class FleetStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with the store's address masked of credentials
     * @param cause the driver's exception
     */
    public FleetStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
