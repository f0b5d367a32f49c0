package io.github.rollback4j.core.guard;

import io.github.rollback4j.telemetry.TelemetrySnapshot;

import java.time.Instant;
import java.util.Map;

/**
 * The current test epoch of a candidate: it starts when the candidate's weights change (or it first
 * gets traffic), so sequential tests compare data gathered under one traffic split only.
 *
 * @param start when the epoch began, wall time (a timestamp for evidence)
 * @param startNanos when the epoch began on the monotonic clock: its age is measured from this
 * @param weights the candidate's weights per segment during the epoch
 * @param origin the totals since start at the epoch's beginning; data of the epoch is now minus origin
 */
record Epoch(Instant start, long startNanos, Map<String, Integer> weights, TelemetrySnapshot origin) {
}
