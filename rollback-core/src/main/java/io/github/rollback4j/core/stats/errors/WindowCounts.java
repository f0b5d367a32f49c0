package io.github.rollback4j.core.stats.errors;

/**
 * Errors and requests of one arm over one window, the input of {@link BurnRateGuard}.
 *
 * <p>The constructor refuses bad components with an {@code IllegalArgumentException} naming the
 * component, its value and its allowed range.
 *
 * <p>Immutable and thread-safe.
 *
 * @param errors   errors in the window, {@code 0..requests}
 * @param requests requests in the window, at least 0
 */
public record WindowCounts(long errors, long requests) {

    /** No request. */
    public static final WindowCounts EMPTY = new WindowCounts(0, 0);

    /**
     * Validates every component.
     *
     * @param errors   errors in the window, {@code 0..requests}
     * @param requests requests in the window, at least 0
     * @throws IllegalArgumentException naming the component, its value and its allowed range
     */
    public WindowCounts {
        Args.atMost(errors, requests, "WindowCounts", "errors", "requests");
    }

    /** @return {@code errors / requests}, a fraction; NaN without requests */
    public double errorRate() {
        return requests == 0 ? Double.NaN : (double) errors / requests;
    }
}
