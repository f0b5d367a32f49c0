package io.github.rollback4j;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Something that happened to a router's routing or to one of its releases. Events are published
 * synchronously, on the thread that made the change, to the listeners registered on
 * {@link ModelRouter#eventPublisher()}; an event object is only allocated when somebody listens.
 *
 * <p>All events are immutable records.
 */
public sealed interface RouterEvent {

    /** @return the router's name */
    String router();

    /** @return when it happened, from the router's {@link TimeSource} */
    Instant time();

    /**
     * The weights of one segment changed.
     *
     * @param router the router's name
     * @param time when
     * @param segment the segment
     * @param before the weights before, in basis points (sum 10000)
     * @param after the weights after, in basis points (sum 10000)
     * @param generation the routing generation after the change
     * @param cause who and why
     */
    record WeightsChanged(String router, Instant time, Segment segment, Map<ReleaseId, Integer> before,
                          Map<ReleaseId, Integer> after, long generation, Cause cause) implements RouterEvent {
    }

    /**
     * A release became the last-known-good and took all traffic.
     *
     * @param router the router's name
     * @param time when
     * @param promoted the new last-known-good
     * @param previous the previous last-known-good; it stays loaded and probed until retired
     * @param generation the routing generation after the change
     * @param cause who and why
     */
    record Promoted(String router, Instant time, ReleaseId promoted, ReleaseId previous, long generation, Cause cause)
            implements RouterEvent {
    }

    /**
     * All traffic went back to the last-known-good in one atomic swap.
     *
     * @param router the router's name
     * @param time when
     * @param lastKnownGood the release that now takes all traffic
     * @param rolledBack the releases that lost their traffic; they are quarantined
     * @param flagsDisabled the feature flags that were turned off
     * @param generation the routing generation after the change
     * @param cause who and why
     */
    record RolledBack(String router, Instant time, ReleaseId lastKnownGood, Set<ReleaseId> rolledBack,
                      Set<String> flagsDisabled, long generation, Cause cause) implements RouterEvent {
    }

    /**
     * One segment's traffic went back to the last-known-good in one atomic swap; other segments kept theirs.
     *
     * @param router the router's name
     * @param time when
     * @param segment the segment rolled back
     * @param lastKnownGood the release that now takes all of the segment's traffic
     * @param rolledBack the releases that lost the segment's traffic
     * @param quarantined those of them left with no traffic anywhere, now quarantined
     * @param generation the routing generation after the change
     * @param cause who and why
     */
    record SegmentRolledBack(String router, Instant time, Segment segment, ReleaseId lastKnownGood, Set<ReleaseId> rolledBack,
                             Set<ReleaseId> quarantined, long generation, Cause cause) implements RouterEvent {
    }

    /**
     * A rollback was refused because the last-known-good cannot serve; nothing changed.
     *
     * @param router the router's name
     * @param time when
     * @param lastKnownGood the health of the last-known-good
     * @param cause who asked and why
     */
    record RollbackRefused(String router, Instant time, ReleaseHealth lastKnownGood, Cause cause) implements RouterEvent {
    }

    /**
     * A release finished its warm-up calls and passed its first health probe: it may now serve.
     *
     * @param router the router's name
     * @param time when
     * @param release the release
     * @param warmupCalls how many warm-up calls ran
     * @param took how long warm-up and the first probe took
     */
    record ReleaseWarmed(String router, Instant time, ReleaseId release, int warmupCalls, Duration took)
            implements RouterEvent {
    }

    /**
     * A warm-up or health probe failed.
     *
     * @param router the router's name
     * @param time when
     * @param release the release
     * @param reason why (exception, timeout or rejected output)
     * @param consecutiveFailures failures in a row
     * @param unhealthy {@code true} when the release is now out of traffic
     */
    record HealthCheckFailed(String router, Instant time, ReleaseId release, String reason, int consecutiveFailures,
                             boolean unhealthy) implements RouterEvent {
    }

    /**
     * An unhealthy release passed its health probe again and may serve again.
     *
     * @param router the router's name
     * @param time when
     * @param release the release
     */
    record HealthRecovered(String router, Instant time, ReleaseId release) implements RouterEvent {
    }

    /**
     * A release was registered with the router (it is warmed next).
     *
     * @param router the router's name
     * @param time when
     * @param release the release
     */
    record ReleaseAdded(String router, Instant time, ReleaseId release) implements RouterEvent {
    }

    /**
     * A release was retired: it is no longer loaded, probed or routable, and its telemetry is dropped.
     *
     * @param router the router's name
     * @param time when
     * @param release the release
     * @param cause who and why
     */
    record ReleaseRetired(String router, Instant time, ReleaseId release, Cause cause) implements RouterEvent {
    }

    /**
     * An operator allowed a quarantined release to receive traffic again.
     *
     * @param router the router's name
     * @param time when
     * @param release the release
     * @param cause who and why
     */
    record QuarantineOverridden(String router, Instant time, ReleaseId release, Cause cause) implements RouterEvent {
    }

    /**
     * The router now routes by a state generation that another replica committed (fleet mode), or
     * that another replica had already committed when this router tried to roll back.
     *
     * @param router the router's name
     * @param time when it was applied here
     * @param fromGeneration the generation routed by before
     * @param toGeneration the generation routed by now
     * @param quarantined releases the new generation quarantined (rolled back elsewhere); empty otherwise
     * @param flagsDisabled the feature flags turned off here because of that
     * @param change what made the generation and which replica committed it, or {@code null} when not recorded
     */
    record StateApplied(String router, Instant time, long fromGeneration, long toGeneration,
                        Set<ReleaseId> quarantined, Set<String> flagsDisabled, io.github.rollback4j.spi.StateChange change)
            implements RouterEvent {
    }

    /**
     * The router entered fail-safe: every call goes to the last-known-good (fleet mode, the shared
     * store unreachable for longer than the bound).
     *
     * @param router the router's name
     * @param time when
     * @param lastKnownGood the release that takes all traffic
     * @param reason why
     */
    record FailSafeEntered(String router, Instant time, ReleaseId lastKnownGood, String reason) implements RouterEvent {
    }

    /**
     * The router left fail-safe and routes by the stored state again.
     *
     * @param router the router's name
     * @param time when
     * @param generation the generation it routes by
     * @param reason why
     */
    record FailSafeLeft(String router, Instant time, long generation, String reason) implements RouterEvent {
    }
}
