package io.github.rollback4j.telemetry;

import io.github.rollback4j.ReleaseId;

/**
 * How many request segments one release tracks on its own and how many went over the router's
 * segment cap ({@code TelemetryConfig.maxSegments} in rollback-core) and are counted under the
 * {@code default} segment instead. The cap bounds telemetry memory when segments are tenants;
 * a non-zero {@link #foldedSegments()} says the cap is too small for the traffic's segments.
 *
 * <p>Immutable and thread-safe.
 *
 * @param release the release
 * @param trackedSegments segments other than {@code default} with telemetry of their own, at most the cap
 * @param foldedSegments distinct segments over the cap, counted under {@code default}
 * @param foldedCalls calls of those segments, counted under {@code default}, since the release was registered
 */
public record SegmentOverflow(ReleaseId release, int trackedSegments, int foldedSegments, long foldedCalls) {
}
