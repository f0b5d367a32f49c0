package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RollbackRefusedException;
import io.github.rollback4j.RouterEventPublisher;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * A rollout of one candidate release on one router: a state machine driven by {@link #tick()}.
 *
 * <p>A rollout owns no thread. Call {@link #tick()} regularly (e.g. every second), from a scheduler
 * ({@link #start(ScheduledExecutorService, Duration)}) or from a test on a virtual clock. By default
 * each tick runs one evaluation of the trigger engine, so the engine should not also be started on
 * its own schedule.
 *
 * <p>Thread-safe: ticks and manual operations are serialized; listeners run on the thread that made
 * the transition, while the rollout's lock is held (they may read the rollout, and must not block).
 */
public interface Rollout extends AutoCloseable {

    /** @return the release being rolled out */
    ReleaseId candidate();

    /** @return the current state */
    RolloutStatus status();

    /** @return every transition so far, oldest first; unmodifiable */
    List<RolloutTransition> timeline();

    /**
     * @param listener called with every transition, on the thread that made it
     * @return a handle that removes the listener when closed
     */
    RouterEventPublisher.Registration onTransition(Consumer<? super RolloutTransition> listener);

    /**
     * @return whether, after promotion, the previous last-known-good has been retired (or there was
     *         none to retire); {@code false} before promotion
     */
    boolean previousRetired();

    /**
     * Observes the router, evaluates the triggers and advances the state machine by at most one step.
     *
     * @return the state after the tick
     */
    RolloutStatus tick();

    /**
     * Makes the candidate the last-known-good now, skipping the remaining steps and bake time.
     *
     * @param cause the operator and why
     * @throws IllegalStateException when the rollout is over, or the router refuses (candidate cold,
     *                               unhealthy or quarantined); nothing changed
     */
    void promote(Cause cause);

    /**
     * Approves the pending mild breaches of this candidate (they no longer hold the current step) and
     * resumes like {@link #resume(Cause)}.
     *
     * @param cause the operator and why
     * @throws IllegalStateException when the rollout is not paused
     */
    void approve(Cause cause);

    /**
     * Holds the current step (canary) or the bake (blue/green) until an operator calls
     * {@link #resume(Cause)} or {@link #approve(Cause)}: the candidate keeps its weight and the
     * triggers keep guarding it (a severe breach still rolls back), but the rollout does not advance
     * or promote by itself. The cause is recorded in the timeline and in the router's audit log
     * ({@code paused}).
     *
     * @param cause the operator and why
     * @throws IllegalStateException when the rollout is not {@link RolloutPhase#PROGRESSING}
     */
    void pause(Cause cause);

    /**
     * Leaves a pause: the current step's bake time and deadline start over and so does the progress
     * deadline. A mild breach that is still pending pauses again at the next tick; use
     * {@link #approve(Cause)} for those.
     *
     * @param cause the operator and why
     * @throws IllegalStateException when the rollout is not paused
     */
    void resume(Cause cause);

    /**
     * Fast rollback that skips analysis: all traffic goes back to the last-known-good at once
     * ({@link io.github.rollback4j.ModelRouter#rollbackToLastKnownGood(Cause)}, which quarantines the
     * candidate) and the rollout ends {@link RolloutPhase#ABORTED}. Before the candidate got traffic
     * it only ends the rollout.
     *
     * @param cause the operator and why
     * @throws IllegalStateException when the rollout is already over
     * @throws RollbackRefusedException when the last-known-good cannot serve; nothing changed
     */
    void abort(Cause cause);

    /**
     * Ticks every {@code interval} on the scheduler until the rollout is over (and, once promoted,
     * the previous last-known-good is retired). Calling it again replaces the schedule.
     *
     * @param scheduler the scheduler; the rollout does not shut it down
     * @param interval between ticks, 10 ms..1 h
     */
    void start(ScheduledExecutorService scheduler, Duration interval);

    /** Stops the schedule and stops listening to the router; the state stays readable. */
    @Override
    void close();

    /**
     * Where this rollout stands, in the form a fleet keeps in its shared state so that a new leader can
     * {@link #restore} it.
     *
     * @return the progress now
     */
    io.github.rollback4j.spi.RolloutProgress progress();

    /**
     * Continues from stored progress (fleet mode: this replica became the leader): phase, step,
     * the step's and the progress deadline's start, whether the candidate had traffic and the approved
     * mild breaches. Times later than this replica's clock count as now. The timeline gets one entry;
     * nothing is audited and the router is not touched (the stored state already routes the step).
     *
     * @param progress what another replica (or this one, earlier) stored
     * @throws IllegalArgumentException when the progress is of another kind, candidate or segment
     */
    void restore(io.github.rollback4j.spi.RolloutProgress progress);
}
