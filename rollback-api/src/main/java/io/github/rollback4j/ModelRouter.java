package io.github.rollback4j;

import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.telemetry.RouterTelemetry;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routes each call to one of several releases of a model by weight, sticky per user, per segment,
 * and rolls back to the last-known-good release in one atomic swap.
 *
 * <h2>The request path</h2>
 * {@link #invoke(Object, RequestContext)} reads the current routing table (one volatile read),
 * finds the segment's routing, maps the request to a bucket 0..9999 (by the stickiness key, or at
 * random) and calls the release that owns the bucket. It takes no lock, allocates nothing of its own
 * and throws nothing of its own: a model's exception reaches the caller with its own type, carrying a
 * suppressed {@link ReleaseAttribution} that names the release that threw, unless the
 * release has a circuit breaker with fallback to the last-known-good.
 *
 * <h2>The control path</h2>
 * Weight changes, promotion, rollback and overrides are serialized, persisted through the router's
 * {@link io.github.rollback4j.spi.RolloutStateStore} with compare-and-set, audited with their
 * {@link Cause} and published as {@link RouterEvent}s. Only releases that are warm, healthy and not
 * quarantined receive traffic; the buckets of any other release are served by the last-known-good.
 *
 * <p>Thread-safe: any number of threads may call {@code invoke} while others change the routing.
 *
 * @param <I> the model input type
 * @param <O> the model output type
 */
public interface ModelRouter<I, O> {

    /** @return the router's name, unique within an application */
    String name();

    /**
     * Calls the routed release with no stickiness key in the default segment.
     *
     * @param input the model input
     * @return the output of the release that served
     * @throws Exception the model's own exception (same type), with a suppressed {@link ReleaseAttribution}
     */
    O invoke(I input) throws Exception;

    /**
     * Calls the release the context routes to.
     *
     * @param input the model input
     * @param context stickiness key, segment and attributes; {@link RequestContext#EMPTY} for none
     * @return the output of the release that served
     * @throws Exception the model's own exception (same type), with a suppressed {@link ReleaseAttribution}
     */
    O invoke(I input, RequestContext context) throws Exception;

    /**
     * Like {@link #invoke(Object, RequestContext)}, and also says which release served, for KPI
     * attribution. Allocates the returned {@link Decision}.
     *
     * @param input the model input
     * @param context stickiness key, segment and attributes
     * @return the output and the release that produced it
     * @throws Exception the model's own exception (same type), with a suppressed {@link ReleaseAttribution}
     */
    Decision<O> decide(I input, RequestContext context) throws Exception;

    /** @return the release that serves all traffic when nothing is being rolled out */
    Release lastKnownGood();

    /** @return every release this router knows, the last-known-good first */
    List<Release> releases();

    /**
     * @param release a release id
     * @return the release of this router with that id, if it has one (a retired release is gone)
     */
    default Optional<Release> release(ReleaseId release) {
        for (Release r : releases()) {
            if (r.id().equals(release)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds a release by its display name ({@link Release#name()}) or, failing that, by its id text.
     *
     * @param nameOrId e.g. {@code v2} or {@code rel-3f2a9c0d11b84e57}
     * @return the release, if this router has one by that name or id
     */
    default Optional<Release> releaseNamed(String nameOrId) {
        for (Release r : releases()) {
            if (r.name().equals(nameOrId)) {
                return Optional.of(r);
            }
        }
        for (Release r : releases()) {
            if (r.id().value().equals(nameOrId)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The display name of a release for messages people read. Control path only (it may search the
     * releases).
     *
     * @param release a release id
     * @return its {@link Release#name()}; a router that remembers retired releases still names them,
     *         otherwise an unknown release shows its id
     */
    default String releaseName(ReleaseId release) {
        return release(release).map(Release::name).orElse(String.valueOf(release));
    }

    /**
     * @param release a release id
     * @return {@code <name> (<id>)}, e.g. {@code v2 (rel-3f2a9c0d11b84e57)}: how log lines, verdicts and
     *         audit entries show a release, readable and still exact
     */
    default String releaseNameAndId(ReleaseId release) {
        return releaseName(release) + " (" + release + ")";
    }

    /** @return the durable rollout state: generation, allocations per segment, quarantine */
    RolloutState state();

    /**
     * The configured weights of a segment (what the rollout asks for).
     *
     * @param segment the segment; a segment without routing of its own reads the default's
     * @return release to basis points (sum 10000), releases at 0 left out
     */
    Map<ReleaseId, Integer> weights(Segment segment);

    /**
     * The weights that actually serve: the configured weights, with the share of every release that
     * is not warm and healthy moved to the last-known-good.
     *
     * @param segment the segment
     * @return release to basis points (sum 10000), releases at 0 left out
     */
    Map<ReleaseId, Integer> servingWeights(Segment segment);

    /**
     * Sets the weights of one segment. Keys move minimally: a release whose weight grows keeps every
     * key it had, a release whose weight shrinks gains none, a release whose weight is unchanged keeps
     * exactly its keys. Setting a segment other than {@link Segment#DEFAULT} gives it routing of its own.
     *
     * @param segment the segment
     * @param basisPoints release to weight in basis points (0.01 %); each 0..10000, summing to 10000;
     *                    releases left out get 0
     * @param cause who and why, for the audit log
     * @throws IllegalArgumentException when a weight is out of range, the sum is not 10000 or a release is unknown
     * @throws IllegalStateException when a release is quarantined or was never warmed
     */
    void setWeights(Segment segment, Map<ReleaseId, Integer> basisPoints, Cause cause);

    /**
     * Makes a release the last-known-good with all traffic in every segment. The previous
     * last-known-good stays loaded and probed.
     *
     * @param release a warm, healthy, non-quarantined release
     * @param cause who and why
     * @throws IllegalStateException when the release cannot serve
     */
    void promote(ReleaseId release, Cause cause);

    /**
     * Rolls back on behalf of {@link Cause#AUTOMATIC}; see {@link #rollbackToLastKnownGood(Cause)}.
     *
     * @throws RollbackRefusedException when the last-known-good is cold or unhealthy
     */
    void rollbackToLastKnownGood();

    /**
     * Sends all traffic of every segment to the last-known-good in one atomic swap: after this
     * method returns, no new call reaches any other release. The releases that lost traffic are
     * quarantined and the feature flags they enabled (and the last-known-good does not need) are
     * turned off. Refused loudly, with a {@link RouterEvent.RollbackRefused} event and an exception,
     * when the last-known-good is cold or unhealthy.
     *
     * @param cause who and why
     * @throws RollbackRefusedException when the last-known-good is cold or unhealthy; nothing changed
     */
    void rollbackToLastKnownGood(Cause cause);

    /**
     * Sends all traffic of one segment to the last-known-good in one atomic swap; the other segments
     * keep their routing. A segment without routing of its own gets one (all on the last-known-good)
     * while the others keep following the default. The releases that lost the segment's traffic are not
     * quarantined (they may still serve elsewhere); a release left with no traffic anywhere is
     * quarantined and its flags turned off, as by a full rollback. Refused like a full rollback when
     * the last-known-good is cold or unhealthy.
     *
     * @param segment the segment to roll back
     * @param cause who and why
     * @throws RollbackRefusedException when the last-known-good is cold or unhealthy; nothing changed
     */
    void rollbackSegment(Segment segment, Cause cause);

    /**
     * Lets a quarantined release receive traffic again. Audited.
     *
     * @param release the quarantined release
     * @param cause the operator and the reason (an override is never {@code automatic})
     * @throws IllegalArgumentException when the release is not quarantined or the actor is {@code automatic}
     */
    void overrideQuarantine(ReleaseId release, Cause cause);

    /**
     * @param release a release of this router
     * @return its health as last probed
     * @throws IllegalArgumentException when the release is unknown
     */
    ReleaseHealth health(ReleaseId release);

    /** @return the health of the last-known-good: a rollback needs it {@link ReleaseHealth#isServable() servable} */
    ReleaseHealth lastKnownGoodHealth();

    /** Runs the health probe of every release now (warming cold ones first) and updates routing. */
    void checkHealth();

    /** @return the audit log, oldest first (bounded; the oldest entries are dropped first) */
    List<AuditEntry> auditLog();

    /**
     * Adds an entry to this router's audit log for a decision taken on the router's behalf by a
     * strategy or a trigger engine (an approval, a pause, an abort), so that the log holds every
     * routing decision with who and why. Thread-safe.
     *
     * @param action what happened, e.g. {@code approved}
     * @param cause who and why
     * @param detail what it concerned, in one line
     * @throws IllegalArgumentException when the action is empty
     */
    void audit(String action, Cause cause, String detail);

    /** @return where to register event listeners */
    RouterEventPublisher eventPublisher();

    /** @return the router's telemetry: windows per release and segment, KPI reporting, snapshots */
    RouterTelemetry telemetry();

    /**
     * Retires a release: it is unloaded from the router, no longer probed, and its telemetry and
     * meters are dropped. Only a release without traffic in any segment that is not the
     * last-known-good can be retired. Audited.
     *
     * @param release the release
     * @param cause who and why
     * @throws IllegalStateException when the release is the last-known-good or still has weight
     */
    void retire(ReleaseId release, Cause cause);
}
