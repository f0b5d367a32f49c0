package io.github.rollback4j.core.guard;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one tick of the engine reads: the time, snapshots per window (taken once per tick and shared
 * by every trigger with the same window), the totals since start, and the epoch (since the current
 * weights) of each candidate.
 */
final class EvaluationContext {

    /** Wall time: a timestamp for verdicts and evidence only. */
    final Instant now;
    /** Monotonic time ({@link io.github.rollback4j.TimeSource#nanoTime()}): every duration is measured on it. */
    final long nowNanos;
    private final Function<Duration, TelemetrySnapshot> snapshots;
    private final Map<Duration, TelemetrySnapshot> byWindow = new HashMap<>();
    final TelemetrySnapshot sinceStart;
    final Map<ReleaseId, Epoch> epochs;
    final Map<String, ReferenceProfile> references;

    EvaluationContext(Instant now, long nowNanos, Function<Duration, TelemetrySnapshot> snapshots, TelemetrySnapshot sinceStart,
                      Map<ReleaseId, Epoch> epochs, Map<String, ReferenceProfile> references) {
        this.now = now;
        this.nowNanos = nowNanos;
        this.snapshots = snapshots;
        this.sinceStart = sinceStart;
        this.epochs = epochs;
        this.references = references;
    }

    /** @return how long the epoch has run, on the monotonic clock */
    Duration sinceStartOf(Epoch epoch) {
        return Duration.ofNanos(nowNanos - epoch.startNanos());
    }

    TelemetrySnapshot window(Duration window) {
        return byWindow.computeIfAbsent(window, snapshots);
    }

    /** A release's telemetry over the window, in the arm's segment (or all traffic); empty when it saw nothing. */
    static Optional<ReleaseTelemetry> of(TelemetrySnapshot snapshot, ReleaseId release, Segment segment) {
        return segment == null ? snapshot.total(release) : snapshot.get(release, segment);
    }
}
