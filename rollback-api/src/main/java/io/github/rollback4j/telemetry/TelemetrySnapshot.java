package io.github.rollback4j.telemetry;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of a router's telemetry windows over one interval, for triggers, endpoints and
 * reports. Built on demand; later calls do not change it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param router the router's name
 * @param from start of the interval (inclusive; aligned to a sub-window boundary)
 * @param to end of the interval (the time the snapshot was taken)
 * @param bySegment per release and request segment, for every pair that saw anything in the interval
 * @param totals per release, over all segments ({@link ReleaseTelemetry#segment()} is {@code null})
 */
public record TelemetrySnapshot(String router, Instant from, Instant to, List<ReleaseTelemetry> bySegment,
                                List<ReleaseTelemetry> totals) {

    /** Keeps an immutable copy of {@code bySegment}, indexed for {@link #get(ReleaseId, Segment)}. */
    public TelemetrySnapshot {
        bySegment = bySegment == null ? null : ReleaseTelemetryList.of(bySegment);
    }

    /** @return the length of the interval */
    public Duration window() {
        return Duration.between(from, to);
    }

    /**
     * @param release a release
     * @param segment a request segment
     * @return that release's telemetry in that segment, if it saw anything; a hash lookup (the index is
     *     built on the first call), so a caller may look up every pair of a large router
     */
    public Optional<ReleaseTelemetry> get(ReleaseId release, Segment segment) {
        return ((ReleaseTelemetryList) bySegment).find(release, segment);
    }

    /**
     * @param release a release
     * @return that release's telemetry over all segments, if it saw anything
     */
    public Optional<ReleaseTelemetry> total(ReleaseId release) {
        return totals.stream().filter(t -> t.release().equals(release)).findFirst();
    }
}
