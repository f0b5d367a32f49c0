package io.github.rollback4j.spi;

import java.util.Objects;

/**
 * The decider lease of one router in a {@link FleetStore}: which replica holds it, with which
 * fencing token, and a heartbeat counter the holder increments on every renewal.
 *
 * <p>The lease carries no expiry time on purpose: replicas never compare their clocks. A replica
 * that sees the same {@code (token, beat)} for a whole lease time, measured on its own monotonic
 * clock from when it first saw it, may take the lease over; the holder stops deciding once it has
 * not renewed for two thirds of the lease time on its own monotonic clock. See
 * {@code docs/fleet.md} for the argument.
 *
 * <p>Immutable and thread-safe.
 *
 * @param router the router's name
 * @param holder the replica holding the lease, or {@code null} when nobody does (never taken, or released)
 * @param token the fencing token: increases by one with every change of holder; 0 when never taken
 * @param beat the holder's heartbeat, reset to 0 when the holder changes
 */
public record Lease(String router, String holder, long token, long beat) {

    /**
     * @throws IllegalArgumentException when token or beat is negative
     */
    public Lease {
        Objects.requireNonNull(router, "Lease.router must not be null");
        if (token < 0 || beat < 0) {
            throw new IllegalArgumentException("Lease.token and Lease.beat must be >= 0, but were " + token + " and " + beat);
        }
    }

    /**
     * @param router the router's name
     * @return the lease of a router nobody has held yet
     */
    public static Lease none(String router) {
        return new Lease(router, null, 0, 0);
    }

    /**
     * @param replica a replica id
     * @return whether that replica holds the lease
     */
    public boolean heldBy(String replica) {
        return holder != null && holder.equals(replica);
    }
}
