package io.github.rollback4j.spi;

import io.github.rollback4j.ReleaseId;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.Collections;

/**
 * Where one rollout (a canary or blue/green of one candidate in one segment) stands, as kept in the
 * shared {@link RolloutState} so that a new leader continues it from the same step instead of
 * restarting it.
 *
 * <p>Instants are wall-clock timestamps of the replica that wrote them. A replica that takes over
 * measures how long the current step has baked from {@code stepStartedAt} once, at the handover (clamped
 * to zero when its clock is behind), and from then on on its own monotonic clock.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind {@code canary} or {@code blue-green}
 * @param candidate the release being rolled out
 * @param segment the segment whose weights the rollout sets ({@code default} for the whole router)
 * @param phase the phase's name ({@code PENDING}, {@code PROGRESSING}, {@code PAUSED}, {@code BLOCKED},
 *              {@code PROMOTED}, {@code ROLLED_BACK}, {@code ABORTED}, {@code REFUSED})
 * @param step the index of the current step (0-based), or -1 before the first
 * @param weightBasisPoints the candidate's weight asked for by the current step, 0..10000
 * @param reason why the rollout is in this phase, in a sentence
 * @param createdAt when the rollout was created (its progress deadline before the first step counts from here)
 * @param stepStartedAt when the current step began (its bake counts from here), or {@code null} before the first
 * @param progressStartedAt since when the progress deadline counts, or {@code null} before the first step
 * @param hadTraffic whether the candidate has had traffic from this rollout
 * @param approvedMild names of the triggers whose mild breach an operator approved for the current step
 * @param updatedAt when this progress was written
 */
public record RolloutProgress(String kind, ReleaseId candidate, String segment, String phase, int step,
                              int weightBasisPoints, String reason, Instant createdAt, Instant stepStartedAt,
                              Instant progressStartedAt, boolean hadTraffic, Set<String> approvedMild, Instant updatedAt) {

    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException when a component is out of range
     */
    public RolloutProgress {
        Objects.requireNonNull(kind, "RolloutProgress.kind must not be null");
        Objects.requireNonNull(candidate, "RolloutProgress.candidate must not be null");
        Objects.requireNonNull(segment, "RolloutProgress.segment must not be null");
        Objects.requireNonNull(phase, "RolloutProgress.phase must not be null");
        Objects.requireNonNull(reason, "RolloutProgress.reason must not be null");
        Objects.requireNonNull(createdAt, "RolloutProgress.createdAt must not be null");
        Objects.requireNonNull(updatedAt, "RolloutProgress.updatedAt must not be null");
        if (step < -1) {
            throw new IllegalArgumentException("RolloutProgress.step must be -1 or a step index >= 0, but was " + step);
        }
        if (weightBasisPoints < 0 || weightBasisPoints > BucketRange.BUCKETS) {
            throw new IllegalArgumentException("RolloutProgress.weightBasisPoints must be between 0 and 10000, but was "
                    + weightBasisPoints);
        }
        approvedMild = approvedMild == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(approvedMild));
    }

    /**
     * @param other progress to compare with
     * @return whether both describe the same point of the rollout: everything but {@code updatedAt} equal, the
     *         instants within a second of each other
     */
    public boolean samePointAs(RolloutProgress other) {
        return other != null && kind.equals(other.kind) && candidate.equals(other.candidate) && segment.equals(other.segment)
                && phase.equals(other.phase) && step == other.step && weightBasisPoints == other.weightBasisPoints
                && reason.equals(other.reason) && close(createdAt, other.createdAt)
                && close(stepStartedAt, other.stepStartedAt) && close(progressStartedAt, other.progressStartedAt)
                && hadTraffic == other.hadTraffic && approvedMild.equals(other.approvedMild);
    }

    /** Instants derived from a monotonic clock at different moments differ by rounding: within a second is the same. */
    private static boolean close(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Math.abs(a.toEpochMilli() - b.toEpochMilli()) <= 1_000;
    }
}
