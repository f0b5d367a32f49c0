package io.github.rollback4j;

import java.time.Instant;

/**
 * The health of one release as the router last saw it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param release the release
 * @param state its state; only {@link ReleaseState#READY} serves traffic
 * @param quarantined {@code true} when the release was rolled back and may not serve again without
 *                    an explicit, audited override
 * @param lastProbe when the last warm-up or health probe finished, or {@code null} if none ran yet
 * @param consecutiveFailures failed probes in a row (0 after a success)
 * @param lastFailure why the last probe failed, or {@code null}
 */
public record ReleaseHealth(ReleaseId release, ReleaseState state, boolean quarantined, Instant lastProbe,
                            int consecutiveFailures, String lastFailure) {

    /** @return {@code true} when the release is warm, healthy and not quarantined */
    public boolean isServable() {
        return state == ReleaseState.READY && !quarantined;
    }
}
