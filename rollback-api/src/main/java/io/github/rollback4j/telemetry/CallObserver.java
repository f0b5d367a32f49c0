package io.github.rollback4j.telemetry;

/**
 * Sees every call of one release in one segment, on the request path, after rollback4j's own
 * telemetry recorded it. This is how a metrics binding (Micrometer, OpenTelemetry) gets per-call
 * latencies without looking a meter up per call: the router asks the {@link CallObserverFactory} for
 * one observer per release and segment on the control path, and the request path calls it directly.
 *
 * <p>Implementations run on request threads: they must be thread-safe, fast, allocation-free and must
 * not throw (an exception is caught and counted, and the observer is then skipped for that call).
 */
@FunctionalInterface
public interface CallObserver {

    /** An observer that does nothing; what the router uses when nobody observes. */
    CallObserver NOOP = (latencyNanos, outcome) -> { };

    /**
     * @param latencyNanos how long the routed release took, in nanoseconds; {@code -1} when the
     *                     release was not called at all (its circuit breaker was open and the
     *                     last-known-good served): count the outcome, record no latency
     * @param outcome what became of the call
     */
    void onCall(long latencyNanos, Outcome outcome);
}
