package io.github.rollback4j.telemetry;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

/**
 * Creates the {@link CallObserver} of one release in one request segment. Called on the control
 * path (when a release is registered, or the first time a segment is seen), never per call.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface CallObserverFactory {

    /**
     * @param router the router's name
     * @param release the release
     * @param segment the request segment
     * @return the observer; {@link CallObserver#NOOP} to observe nothing
     */
    CallObserver create(String router, ReleaseId release, Segment segment);
}
