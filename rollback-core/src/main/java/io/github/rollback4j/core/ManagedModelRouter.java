package io.github.rollback4j.core;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.Cause;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.core.shadow.ShadowRunner;

import io.github.rollback4j.RouterEventPublisher;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * A {@link ModelRouter} built by {@link ModelRouters}, with the operations that need the
 * implementation's types: adding releases, warming them, scheduling health probes, re-reading the
 * shared state, closing.
 *
 * <p>Thread-safe.
 *
 * @param <I> the model input type
 * @param <O> the model output type
 */
public interface ManagedModelRouter<I, O> extends ModelRouter<I, O>, AutoCloseable {

    /**
     * Registers a release and warms it synchronously on the calling thread (warm-up calls, then a
     * health probe). It receives traffic only once it is warm and healthy and a weight is set for it.
     *
     * @param spec the release, its model and its warm-up and health settings
     * @throws IllegalArgumentException when a release with the same id is already registered
     */
    void addRelease(ReleaseSpec<I, O> spec);

    /**
     * Warms a release again (warm-up calls, then a health probe) on the calling thread.
     *
     * @param release a registered release
     */
    void warmUp(ReleaseId release);

    /**
     * Probes every release every {@link RouterConfig#healthCheckInterval()} on the given scheduler.
     * Calling it again replaces the schedule.
     *
     * @param scheduler the scheduler; the router does not shut it down
     */
    void startHealthChecks(ScheduledExecutorService scheduler);

    /**
     * Re-reads the rollout state from the {@link io.github.rollback4j.spi.RolloutStateStore} and routes
     * by it when it is newer, for replicas that share a store. The store is read outside the router's
     * lock, so a slow store never holds up a rollback. A newer generation that another replica
     * committed is applied with the same atomic table swap as a local change; releases it quarantined
     * have their feature flags turned off here too; listeners get {@link io.github.rollback4j.RouterEvent.WeightsChanged} for
     * every segment whose weights changed and one {@link io.github.rollback4j.RouterEvent.StateApplied}. A rollback this
     * router made while the store was unreachable is proposed again on top of the stored state first.
     *
     * @throws RuntimeException what the store throws when it cannot be reached (nothing changes then)
     * @throws IllegalStateException when the stored state routes to a release this router does not have
     *     (it keeps routing by the state it has)
     */
    void reloadState();

    /**
     * Fail-safe, for fleet mode: from now on every call goes to the last-known-good, whatever the stored
     * state says, until {@link #leaveFailSafe}; routing changes other than rollbacks are refused
     * meanwhile, and {@link #reloadState()} keeps tracking the stored state. Audited
     * ({@code fail-safe-entered}) and published as {@link io.github.rollback4j.RouterEvent.FailSafeEntered}; does nothing when
     * already in fail-safe. Thread-safe.
     *
     * @param reason why, e.g. "the state store was unreachable for 30 s"
     */
    void enterFailSafe(String reason);

    /**
     * Leaves fail-safe and routes by the stored state again (audited, {@link io.github.rollback4j.RouterEvent.FailSafeLeft});
     * does nothing when not in fail-safe. Thread-safe.
     *
     * @param reason why, e.g. "the state store answers again"
     */
    void leaveFailSafe(String reason);

    /** @return why the router is in fail-safe, or empty when it routes by the stored state */
    Optional<String> failSafe();

    /**
     * Adds a listener for every audit entry the router writes (e.g. to ship them to a fleet's shared
     * log or a SIEM). Called on the thread that made the change, after the entry is kept; a listener that
     * throws is logged and skipped. Must not block.
     *
     * @param listener called with each entry
     * @return a handle that removes the listener
     */
    RouterEventPublisher.Registration onAudit(Consumer<? super AuditEntry> listener);

    /**
     * Mirrors calls served by the last-known-good to a shadow runner: after the last-known-good
     * returned normally to a call routed to it, the router hands the input, the output the caller
     * gets, the request context and the time (epoch milliseconds on the router's time source) to
     * {@link ShadowRunner#tryOffer}. The runner samples (its {@code sampleRate}), runs the candidate on
     * its own bounded executor and compares; the caller's output is never changed, and the call is
     * neither blocked nor slowed beyond the offer itself (no allocation when the call is not sampled).
     * A call the runner drops because its executor is full is counted as
     * {@link io.github.rollback4j.telemetry.Outcome#SHADOW_DROPPED} of {@code candidate} in the call's
     * segment (telemetry and the Micrometer binding show it; it is not a request of the candidate).
     * Calls routed to other releases, and calls the last-known-good served as a circuit-breaker
     * fallback, are not mirrored.
     *
     * <p>Build the runner with the candidate release's model, e.g.
     * {@code ShadowRunner.builder(candidateSpec.model())}. The router does not own the runner: it never
     * closes it, and {@link #stopShadow()} and {@link #close()} leave it open. Starting again replaces
     * the previous runner. Mirroring pauses while {@code candidate} is the last-known-good (after a
     * promotion), and a shadowed release cannot be retired before {@link #stopShadow()}. Audited
     * ({@code shadow-started}); no router event is published.
     *
     * <p>Thread-safe; takes effect for calls that read the routing after it returns.
     *
     * @param candidate a registered release, warm and healthy (READY), not the last-known-good
     * @param runner the runner that mirrors calls to {@code candidate}
     * @throws IllegalArgumentException when {@code candidate} is not registered or is the last-known-good
     * @throws IllegalStateException when {@code candidate} is not READY (cold, warming or unhealthy)
     */
    default void startShadow(ReleaseId candidate, ShadowRunner<I, O> runner) {
        startShadow(candidate, runner, Cause.automatic("startShadow(" + candidate + ") called"));
    }

    /**
     * {@link #startShadow(ReleaseId, ShadowRunner)} with the cause that goes into the audit log.
     *
     * @param candidate a registered release, warm and healthy (READY), not the last-known-good
     * @param runner the runner that mirrors calls to {@code candidate}
     * @param cause who asked and why
     * @throws IllegalArgumentException when {@code candidate} is not registered or is the last-known-good
     * @throws IllegalStateException when {@code candidate} is not READY (cold, warming or unhealthy)
     */
    void startShadow(ReleaseId candidate, ShadowRunner<I, O> runner, Cause cause);

    /**
     * Stops mirroring: calls that read the routing after it returns are not offered to the runner.
     * Shadow calls already handed over finish on the runner's executor and still reach its report.
     * Does not close the runner. Audited ({@code shadow-stopped}) when a shadow was running; does
     * nothing otherwise. Thread-safe.
     */
    default void stopShadow() {
        stopShadow(Cause.automatic("stopShadow() called"));
    }

    /**
     * {@link #stopShadow()} with the cause that goes into the audit log.
     *
     * @param cause who asked and why
     */
    void stopShadow(Cause cause);

    /**
     * The audit entries that match a query, oldest first; only those are copied.
     *
     * @param query time range, actions, actor; {@link AuditQuery#all()} for every entry
     * @return the matching entries; unmodifiable
     */
    List<AuditEntry> auditLog(AuditQuery query);

    /**
     * The sampled calls still in the router's sample ring (see {@link ModelRouters.Builder#samples})
     * that ended between {@code from} and {@code to}, both inclusive, oldest first. Reads the ring
     * without stopping writers; a slot being written at that moment is skipped. Off the request path:
     * allocates the returned list. Thread-safe.
     *
     * @param from the earliest end time
     * @param to the latest end time
     * @return the samples; empty when sampling is off
     */
    List<CallSample<I, O>> samples(Instant from, Instant to);

    /**
     * Estimated distinct stickiness keys a release has served since it was registered (HyperLogLog,
     * standard error about 0.8 %). Requests without a key are not counted. Thread-safe.
     *
     * @param release a registered release
     * @return the estimate; empty when telemetry is off
     * @throws IllegalArgumentException when the release is unknown
     */
    OptionalLong distinctKeys(ReleaseId release);

    /** Stops the health-check schedule and the probe threads the router created itself. */
    @Override
    void close();
}
