package io.github.rollback4j.spi;

import java.util.Objects;

/**
 * One sub-window of one replica's telemetry, as published to a {@link FleetStore}: every release and
 * segment that saw something in that sub-window, encoded by rollback-core (latency sketch bytes, outcome
 * counts, KPI sufficient statistics, score and input profile counts: all mergeable). The store keeps the
 * bytes and never reads them.
 *
 * <p>Immutable as far as the store is concerned: the payload array is not copied, so neither side may
 * change it after handing it over.
 *
 * @param kind which window: 0 calls (latency, outcomes), 1 KPIs, 2 scores and input profiles
 * @param slot the sub-window's index, {@code floor(epochMillis / subWindowMillis)}
 * @param seq the publishing replica's report sequence number that last wrote this slot
 * @param payload the encoded sub-window
 */
public record TelemetrySlot(int kind, long slot, long seq, byte[] payload) {

    /** Kind of the latency and outcome windows. */
    public static final int CALLS = 0;
    /** Kind of the KPI windows. */
    public static final int KPIS = 1;
    /** Kind of the score and input-profile windows. */
    public static final int PROFILES = 2;

    /**
     * @throws IllegalArgumentException when the kind is unknown
     */
    public TelemetrySlot {
        Objects.requireNonNull(payload, "TelemetrySlot.payload must not be null");
        if (kind < CALLS || kind > PROFILES) {
            throw new IllegalArgumentException("TelemetrySlot.kind must be 0 (calls), 1 (KPIs) or 2 (profiles), but was " + kind);
        }
    }
}
