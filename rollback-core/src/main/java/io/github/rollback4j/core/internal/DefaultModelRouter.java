package io.github.rollback4j.core.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.ReleaseState;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RollbackRefusedException;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.AuditQuery;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.RouterConfig;
import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.StickyBuckets;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.spi.BucketRange;
import io.github.rollback4j.spi.FeatureFlags;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.spi.RolloutStateStore;
import io.github.rollback4j.spi.StateChange;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.RouterTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * The router behind {@link io.github.rollback4j.core.ModelRouters}.
 *
 * <p>Concurrency design: the request path reads {@link #table} (volatile) once and then only final
 * fields and arrays of immutable objects; it takes no lock and allocates nothing. Every change of
 * routing (weights, promotion, rollback, override, health) runs under {@link #control}, computes a
 * new {@link RolloutState}, stores it through the {@link RolloutStateStore} with compare-and-set,
 * compiles a new {@link RoutingTable} and publishes it with one volatile write. A rollback swaps the
 * table before it persists, so that a slow or contended store can never delay it; a rollback the store
 * did not take (unreachable) stays pending and is proposed again on top of the stored state at the next
 * {@link #reloadState()}. Reloads read the store outside the lock and apply a newer generation under it.
 * Health probes run outside the lock (a hanging model must not block a rollback) and take it only to
 * publish results. In fail-safe (fleet mode, store unreachable for too long) every table sends all
 * buckets to the last-known-good while the stored state keeps being tracked.
 */
public final class DefaultModelRouter<I, O> implements ManagedModelRouter<I, O> {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultModelRouter.class);
    /** How long an idle probe thread is kept. */
    private static final Duration PROBE_THREAD_KEEP_ALIVE = Duration.ofSeconds(30);
    /** How long an idle call thread (of releases with a call timeout) is kept. */
    private static final Duration CALL_THREAD_KEEP_ALIVE = Duration.ofSeconds(60);

    private final String name;
    private final RouterConfig config;
    /** The salt of states that record none, and the salt recorded in the first state this router stores. */
    private final int configuredSalt;
    private final TimeSource time;
    private final RolloutStateStore store;
    private final FeatureFlags flags;
    private final IntSupplier randomBuckets;
    private final EventBus events;
    private final AuditTrail audit;
    private final ReentrantLock control = new ReentrantLock();
    private final ReentrantLock probing = new ReentrantLock();
    private final Map<ReleaseId, ReleaseSlot<I, O>> slots = new ConcurrentHashMap<>();
    private final List<ReleaseId> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Display name of every release ever registered, kept after retirement so incidents and logs can still name it. */
    private final Map<ReleaseId, String> names = new ConcurrentHashMap<>();
    private final Executor probeExecutor;
    private final ExecutorService ownedProbeExecutor;
    private final TelemetryHub<I, O> telemetry;
    private final boolean telemetryOn;
    /** The sample ring; {@code null} when sampling is off. */
    private final CallSampleRing<I, O> samples;
    private ScheduledFuture<?> healthSchedule;
    /** The call executor of releases with a call timeout; created with the first such release, guarded by {@code this}. */
    private ThreadPoolExecutor callPool;
    /** Set by {@link #close()}: no health round runs or publishes after it. */
    private volatile boolean closed;
    /** The shadow binding compiled into every table; guarded by {@link #control}. */
    private RoutingTable.Shadow<I, O> shadow;
    /** Why the router is in fail-safe, or {@code null}; written under {@link #control}. */
    private volatile String failSafeReason;
    /** A rollback that routes locally but the store has not taken yet; guarded by {@link #control}. */
    private PendingRollback pendingRollback;
    private final CopyOnWriteArrayList<Consumer<? super AuditEntry>> auditListeners = new CopyOnWriteArrayList<>();

    private volatile RoutingTable<I, O> table;

    public DefaultModelRouter(String name, ReleaseSpec<I, O> lastKnownGood, List<ReleaseSpec<I, O>> candidates,
                              RouterConfig config, TimeSource time, RolloutStateStore store, FeatureFlags flags,
                              IntSupplier randomBuckets, Executor probeExecutor, TelemetryConfig telemetryConfig,
                              ToDoubleFunction<? super O> scoreExtractor, InputProfile<? super I> inputProfile,
                              int sampleCapacity, double sampleRate) {
        this.name = name;
        this.config = config;
        this.configuredSalt = config.saltFor(name);
        this.time = time;
        this.store = store;
        this.flags = flags;
        this.randomBuckets = randomBuckets;
        this.events = new EventBus(name);
        this.audit = new AuditTrail(config.auditLogCapacity());
        this.telemetry = new TelemetryHub<>(this, telemetryConfig, time, randomBuckets, scoreExtractor, inputProfile);
        this.telemetryOn = telemetryConfig.enabled();
        this.samples = sampleCapacity > 0 && sampleRate > 0
                ? new CallSampleRing<>(sampleCapacity, sampleRate, randomBuckets != null) : null;
        if (probeExecutor != null) {
            this.probeExecutor = probeExecutor;
            this.ownedProbeExecutor = null;
        } else {
            // Bounded, with no queue: a probe that finds every thread taken is not run (and is no verdict),
            // so hanging models can hold at most probeThreads threads.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(config.probeThreads(), config.probeThreads(),
                    PROBE_THREAD_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS, new SynchronousQueue<>(),
                    daemonThreads("rollback4j-probe-" + name));
            pool.allowCoreThreadTimeOut(true);
            this.ownedProbeExecutor = pool;
            this.probeExecutor = ownedProbeExecutor;
        }
        register(lastKnownGood);
        for (ReleaseSpec<I, O> candidate : candidates) {
            register(candidate);
        }
        control.lock();
        try {
            Optional<RolloutState> stored = store.load(name);
            RolloutState state;
            if (stored.isPresent()) {
                state = stored.get();
                checkKnown(state);
            } else {
                state = new RolloutState(name, 1, lastKnownGood.release().id(),
                        Map.of(RolloutState.DEFAULT_SEGMENT, BucketAllocator.all(lastKnownGood.release().id())), Set.of(),
                        configuredSalt, Map.of(), List.of(),
                        change(StateChange.CREATED, Cause.automatic("router '" + name + "' created its first rollout state")));
                if (!store.compareAndSet(0, state)) {
                    state = store.load(name).orElseThrow(() -> new IllegalStateException(
                            "router '" + name + "': the state store refused the first state and holds none"));
                    checkKnown(state);
                }
            }
            table = compile(state);
            if (state.salt() != null && state.salt() != configuredSalt) {
                LOG.info("router '{}': routes sticky keys with the salt recorded in the stored rollout state, not the"
                        + " configured one, so that every replica maps a key to the same bucket", name);
            }
        } finally {
            control.unlock();
        }
        for (ReleaseId id : order) {
            warmUp(id);
        }
        enableFlagsOfServingReleases(table.state);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The call executor of releases with a call timeout, created on first use. */
    private synchronized ExecutorService callExecutor() {
        if (callPool == null) {
            callPool = new ThreadPoolExecutor(config.callThreads(), config.callThreads(), CALL_THREAD_KEEP_ALIVE.toMillis(),
                    TimeUnit.MILLISECONDS, config.callQueueCapacity() == 0 ? new SynchronousQueue<>()
                    : new ArrayBlockingQueue<>(config.callQueueCapacity()), daemonThreads("rollback4j-call-" + name));
            callPool.allowCoreThreadTimeOut(true);
        }
        return callPool;
    }

    private void register(ReleaseSpec<I, O> spec) {
        ReleaseId id = spec.release().id();
        String releaseName = spec.release().name();
        // Registration runs on one control thread at a time (builder, addRelease), so check-then-put is not racy.
        for (ReleaseSlot<I, O> other : slots.values()) {
            if (!other.id.equals(id) && other.release.name().equals(releaseName)) {
                throw new IllegalArgumentException("router '" + name + "': releases " + other.id + " and " + id
                        + " are both named '" + releaseName + "'; release names must be unique within a router. Name one of"
                        + " them with ReleaseSpec.builder(..).name(\"...\") or Release.builder(..).name(\"...\"), e.g. 'v2'");
            }
        }
        ExecutorService calls = spec.callTimeout() != null ? callExecutor() : null;
        if (slots.putIfAbsent(id, new ReleaseSlot<>(name, spec, telemetryOn, calls)) != null) {
            throw new IllegalArgumentException("router '" + name + "': release " + spec.release()
                    + " is registered twice; each release (same model, feature and config digests) may be added once");
        }
        names.put(id, releaseName);
        order.add(id);
    }

    /** The release's display name; a release never registered shows its id. */
    @Override
    public String releaseName(ReleaseId release) {
        String known = release == null ? null : names.get(release);
        return known != null ? known : String.valueOf(release);
    }

    @Override
    public Optional<Release> release(ReleaseId release) {
        ReleaseSlot<I, O> slot = release == null ? null : slots.get(release);
        return slot == null ? Optional.empty() : Optional.of(slot.release);
    }

    /** {@code name (rel-…)}, for messages people read. */
    private String shown(ReleaseId release) {
        return releaseName(release) + " (" + release + ")";
    }

    /** {@code [name (rel-…), …]}, for messages people read. */
    private String shown(Collection<ReleaseId> releases) {
        List<String> out = new ArrayList<>(releases.size());
        for (ReleaseId id : releases) {
            out.add(shown(id));
        }
        return out.toString();
    }

    /** {@code [name, …]}, for the one-line rollback warning. */
    private String names(Collection<ReleaseId> releases) {
        List<String> out = new ArrayList<>(releases.size());
        for (ReleaseId id : releases) {
            out.add(releaseName(id));
        }
        return out.toString();
    }

    /** {@code {name (rel-…)=bp, …}}, for audit lines people read. */
    private String shownWeights(Map<ReleaseId, Integer> weights) {
        Map<String, Integer> out = new LinkedHashMap<>();
        weights.forEach((id, bp) -> out.put(shown(id), bp));
        return out.toString();
    }

    private void checkKnown(RolloutState state) {
        Set<ReleaseId> referenced = new LinkedHashSet<>();
        referenced.add(state.lastKnownGood());
        state.allocations().values().forEach(ranges -> ranges.forEach(r -> referenced.add(r.release())));
        for (ReleaseId id : referenced) {
            if (!slots.containsKey(id)) {
                throw new IllegalStateException("router '" + name + "': the stored rollout state (generation " + state.generation()
                        + ") routes to release " + shown(id) + ", which is not registered with this router. Register that release"
                        + " (ModelRouters.builder(..).release(..)) or remove the router's state from the store");
            }
        }
    }

    // ---------------------------------------------------------------- request path

    @Override
    public String name() {
        return name;
    }

    @Override
    public O invoke(I input) throws Exception {
        return invoke(input, RequestContext.EMPTY);
    }

    @Override
    public O invoke(I input, RequestContext context) throws Exception {
        RoutingTable<I, O> current = table;
        RequestContext request = context == null ? RequestContext.EMPTY : context;
        return serve(current, routeAndCount(current, request), input, request, null);
    }

    @Override
    public Decision<O> decide(I input, RequestContext context) throws Exception {
        RoutingTable<I, O> current = table;
        RequestContext request = context == null ? RequestContext.EMPTY : context;
        ReleaseSlot<I, O> slot = routeAndCount(current, request);
        boolean[] fellBack = slot.breaker != null && slot != current.lastKnownGood ? new boolean[1] : null;
        O output = serve(current, slot, input, request, fellBack);
        boolean fallback = fellBack != null && fellBack[0];
        return new Decision<>(output, (fallback ? current.lastKnownGood : slot).id, request.segment(), fallback);
    }

    /**
     * The call path {@link #invoke} and {@link #decide} share: call the routed release (behind its
     * circuit breaker when it has one and is not the last-known-good), record it, and mirror a call
     * the last-known-good served to the shadow runner.
     *
     * @param fellBack {@code null}, or set to {@code true} when the breaker sent the call to the last-known-good
     */
    private O serve(RoutingTable<I, O> current, ReleaseSlot<I, O> slot, I input, RequestContext request, boolean[] fellBack)
            throws Exception {
        CallStats<I, O> stats = null;
        if (telemetryOn) {
            stats = slot.stats(request.segment(), telemetry);
            if (stats.segment != request.segment()) {
                slot.overflowCalls.increment(); // the segment is over TelemetryConfig.maxSegments: counted under default
            }
        }
        if (slot.breaker != null && slot != current.lastKnownGood) {
            return callGuarded(slot, current.lastKnownGood, input, stats, fellBack, request);
        }
        return call(slot, stats, input, request, slot == current.lastKnownGood ? current.shadow : null);
    }

    /**
     * Hands a call the last-known-good served to the shadow runner, which samples it. A drop (the
     * shadow executor was full), or a runner that failed, is counted as {@link Outcome#SHADOW_DROPPED}
     * of the candidate in the request's segment. Never throws; allocates nothing when not sampled.
     *
     * @param now when the call was served (epoch millis of the router's time base), from the clock
     *            reading that ended the call when there was one, so the hand-off reads no clock of its own
     */
    private void mirror(RoutingTable.Shadow<I, O> mirror, I input, O output, RequestContext request, long now) {
        ShadowRunner.Offer offer;
        try {
            offer = mirror.runner().tryOffer(input, output, request, now);
        } catch (RuntimeException e) {
            offer = ShadowRunner.Offer.FAILED; // tryOffer never throws; should it, the call counts as dropped
        }
        if ((offer == ShadowRunner.Offer.DROPPED || offer == ShadowRunner.Offer.FAILED) && telemetryOn) {
            try {
                mirror.candidate().stats(request.segment(), telemetry).recordOutcome(now, Outcome.SHADOW_DROPPED);
            } catch (RuntimeException e) {
                // counting must never reach the caller, whose call already succeeded
            }
        }
    }

    /**
     * Calls the routed release, timing the call and recording it when telemetry or sampling is on, then
     * offers a successful call to the shadow runner when {@code mirror} is not {@code null}.
     */
    private O call(ReleaseSlot<I, O> slot, CallStats<I, O> stats, I input, RequestContext request,
                   RoutingTable.Shadow<I, O> mirror) throws Exception {
        // Decided before the call, so a call that is neither recorded nor sampled reads no clock.
        CallSampleRing<I, O> ring = samples != null && samples.sample() ? samples : null;
        if (stats == null && ring == null) {
            O output;
            try {
                output = predict(slot, input);
            } catch (Exception e) {
                throw slot.attribution.attach(e);
            }
            if (mirror != null) {
                mirror(mirror, input, output, request, telemetry.nowMillis());
            }
            return output;
        }
        long start = time.nanoTime();
        O output;
        try {
            output = predict(slot, input);
        } catch (Exception e) {
            long end = time.nanoTime();
            Outcome outcome = outcomeOf(e);
            if (stats != null) {
                stats.recordCall(telemetry.millis(end), end - start, outcome);
            }
            keep(ring, end, slot, request, input, null, e, end - start, outcome);
            throw slot.attribution.attach(e);
        }
        long end = time.nanoTime();
        if (stats != null) {
            recordSuccess(stats, end, end - start, input, output);
        }
        keep(ring, end, slot, request, input, output, null, end - start, Outcome.SUCCESS);
        if (mirror != null) {
            mirror(mirror, input, output, request, telemetry.millis(end));
        }
        return output;
    }

    /** The last-known-good serving a failed call; its own exception says it came from the LKG. */
    private O fallback(ReleaseSlot<I, O> lkg, I input) throws Exception {
        try {
            return predict(lkg, input);
        } catch (Exception e) {
            throw lkg.attribution.attach(e);
        }
    }

    private void recordSuccess(CallStats<I, O> stats, long end, long latency, I input, O output) {
        long now = telemetry.millis(end);
        stats.recordCall(now, latency, Outcome.SUCCESS);
        if (telemetry.sample()) {
            stats.profile(now, input, output);
        }
    }

    /** Draws whether to sample the call, then keeps it when drawn; allocates nothing, never throws. */
    private void keepSample(CallSampleRing<I, O> ring, long end, ReleaseSlot<I, O> slot, RequestContext request, I input,
                            O output, Throwable error, long latency, Outcome outcome) {
        keep(ring != null && ring.sample() ? ring : null, end, slot, request, input, output, error, latency, outcome);
    }

    /** Puts a call already drawn for sampling ({@code ring != null}) into the ring; allocates nothing, never throws. */
    private void keep(CallSampleRing<I, O> ring, long end, ReleaseSlot<I, O> slot, RequestContext request, I input,
                      O output, Throwable error, long latency, Outcome outcome) {
        if (ring == null) {
            return;
        }
        try {
            ring.record(telemetry.millis(end), slot.id, request.segment(), request.stickinessKey(), input, output, error,
                    latency, outcome);
        } catch (RuntimeException e) {
            // evidence is best effort; the caller's call already completed
        }
    }

    /**
     * Calls a release behind its circuit breaker: a failed call, or any call while the breaker is
     * open, is served by the last-known-good and counted as a {@link Outcome#FALLBACK} of the routed
     * release. Exceptions the breaker is told to ignore (the caller's own fault, such as bad input)
     * and {@link Error}s reach the caller unchanged.
     */
    private O callGuarded(ReleaseSlot<I, O> slot, ReleaseSlot<I, O> lkg, I input, CallStats<I, O> stats,
                          boolean[] fellBack, RequestContext request) throws Exception {
        CircuitBreaker breaker = slot.breaker;
        long start = time.nanoTime();
        if (!breaker.tryAcquirePermission()) {
            if (stats != null) {
                stats.recordOutcome(telemetry.millis(start), Outcome.FALLBACK);
            }
            if (fellBack != null) {
                fellBack[0] = true;
            }
            return fallback(lkg, input);
        }
        O output;
        try {
            output = predict(slot, input);
        } catch (Exception e) {
            long end = time.nanoTime();
            breaker.onError(end - start, TimeUnit.NANOSECONDS, e);
            boolean ignored = breaker.getCircuitBreakerConfig().getIgnoreExceptionPredicate().test(e);
            Outcome outcome = ignored ? outcomeOf(e) : Outcome.FALLBACK;
            if (stats != null) {
                stats.recordCall(telemetry.millis(end), end - start, outcome);
            }
            keepSample(samples, end, slot, request, input, null, e, end - start, outcome);
            if (ignored) {
                throw slot.attribution.attach(e);
            }
            if (fellBack != null) {
                fellBack[0] = true;
            }
            return fallback(lkg, input);
        } catch (Error e) {
            breaker.releasePermission();
            throw e;
        }
        long end = time.nanoTime();
        breaker.onResult(end - start, TimeUnit.NANOSECONDS, output);
        if (stats != null) {
            recordSuccess(stats, end, end - start, input, output);
        }
        keepSample(samples, end, slot, request, input, output, null, end - start, Outcome.SUCCESS);
        return output;
    }

    /**
     * Calls the release's model: on the caller's thread when it has no call timeout (one field read,
     * nothing allocated), otherwise on the call executor, limited by its {@link TimeLimiter}.
     */
    private O predict(ReleaseSlot<I, O> slot, I input) throws Exception {
        TimeLimiter limiter = slot.timeLimiter;
        return limiter == null ? slot.model.predict(input) : predictTimed(slot, limiter, input);
    }

    /**
     * A call with the release's call timeout. Thread model: the caller submits the call to the
     * router's bounded call executor and waits for it at most the timeout; then the call is
     * cancelled (its thread interrupted) and the caller gets a {@link TimeoutException}. Allocates a
     * task and a future per call; see docs/routing.md for the measured cost.
     */
    private O predictTimed(ReleaseSlot<I, O> slot, TimeLimiter limiter, I input) throws Exception {
        if (closed) {
            return slot.model.predict(input); // the call executor is shut down; calls of a closed router run in place
        }
        Future<O> future;
        try {
            future = slot.callExecutor.submit(() -> slot.model.predict(input));
        } catch (RejectedExecutionException e) {
            if (closed) {
                return slot.model.predict(input);
            }
            throw new TimeoutException("router '" + name + "': release " + slot.id + " (" + slot.release.label()
                    + ") call not started: all " + config.callThreads() + " call threads are busy and "
                    + config.callQueueCapacity() + " calls wait (RouterConfig.callThreads, callQueueCapacity)");
        }
        try {
            return limiter.executeFutureSupplier(() -> future);
        } catch (TimeoutException e) {
            TimeoutException timeout = new TimeoutException("router '" + name + "': release " + slot.id + " ("
                    + slot.release.label() + ") did not answer within its call timeout of "
                    + slot.spec.callTimeout().toMillis() + " ms; the call was interrupted");
            timeout.initCause(e);
            throw timeout;
        } catch (InterruptedException e) {
            future.cancel(true); // the caller gave up: so does the call
            throw e;
        }
    }

    private static Outcome outcomeOf(Exception e) {
        return e instanceof TimeoutException ? Outcome.TIMEOUT : Outcome.MODEL_ERROR;
    }

    /** Routes the call and counts its stickiness key for the release, hashing the key once for both. */
    private ReleaseSlot<I, O> routeAndCount(RoutingTable<I, O> current, RequestContext context) {
        String key = context.stickinessKey();
        if (key == null) {
            return current.owners(context.segment().index())[randomBucket()];
        }
        int hash = StickyBuckets.murmur3x86_32Utf8(key, current.salt);
        ReleaseSlot<I, O> slot = current.owners(context.segment().index())[Integer.remainderUnsigned(hash, StickyBuckets.BUCKETS)];
        DistinctKeys keys = slot.keys;
        if (keys != null) {
            keys.offer(hash);
        }
        return slot;
    }

    private ReleaseSlot<I, O> route(RoutingTable<I, O> current, RequestContext context) {
        String key = context.stickinessKey();
        int bucket = key != null ? StickyBuckets.bucket(key, current.salt) : randomBucket();
        return current.owners(context.segment().index())[bucket];
    }

    private int randomBucket() {
        return randomBuckets == null ? ThreadLocalRandom.current().nextInt(StickyBuckets.BUCKETS)
                : Math.floorMod(randomBuckets.getAsInt(), StickyBuckets.BUCKETS);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Release lastKnownGood() {
        return table.lastKnownGood.release;
    }

    @Override
    public List<Release> releases() {
        List<Release> releases = new ArrayList<>();
        ReleaseId lkg = table.state.lastKnownGood();
        releases.add(slots.get(lkg).release);
        for (ReleaseId id : order) {
            ReleaseSlot<I, O> slot = slots.get(id);
            if (slot != null && !id.equals(lkg)) { // null: retired while this list was read
                releases.add(slot.release);
            }
        }
        return Collections.unmodifiableList(releases);
    }

    @Override
    public RolloutState state() {
        return table.state;
    }

    @Override
    public Map<ReleaseId, Integer> weights(Segment segment) {
        return table.state.weights(Objects.requireNonNull(segment, "segment must not be null").name());
    }

    @Override
    public Map<ReleaseId, Integer> servingWeights(Segment segment) {
        return Collections.unmodifiableMap(table.servingWeights(Objects.requireNonNull(segment, "segment must not be null").index()));
    }

    @Override
    public ReleaseHealth health(ReleaseId release) {
        return slot(release, "health").health(table.state.quarantined().contains(release));
    }

    @Override
    public ReleaseHealth lastKnownGoodHealth() {
        return health(table.state.lastKnownGood());
    }

    @Override
    public List<AuditEntry> auditLog() {
        return audit.snapshot();
    }

    @Override
    public List<AuditEntry> auditLog(AuditQuery query) {
        Objects.requireNonNull(query, "auditLog: query must not be null");
        return audit.select(query::matches);
    }

    @Override
    public List<CallSample<I, O>> samples(Instant from, Instant to) {
        Objects.requireNonNull(from, "samples: from must not be null");
        Objects.requireNonNull(to, "samples: to must not be null");
        if (samples == null) {
            return List.of();
        }
        long fromMillis = from.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : from.toEpochMilli();
        long toMillis = to.isAfter(Instant.ofEpochMilli(Long.MAX_VALUE)) ? Long.MAX_VALUE : to.toEpochMilli();
        return samples.read(fromMillis, toMillis);
    }

    @Override
    public OptionalLong distinctKeys(ReleaseId release) {
        DistinctKeys keys = slot(release, "distinctKeys").keys;
        return keys == null ? OptionalLong.empty() : OptionalLong.of(keys.estimate());
    }

    @Override
    public RouterEventPublisher eventPublisher() {
        return events;
    }

    @Override
    public void audit(String action, Cause cause, String detail) {
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("audit: action must name what happened, e.g. 'approved'");
        }
        record(action, Objects.requireNonNull(cause, "audit: cause must not be null"), detail == null ? "" : detail);
    }

    @Override
    public RouterTelemetry telemetry() {
        return telemetry;
    }

    TelemetryHub<I, O> hub() {
        return telemetry;
    }

    TimeSource timeSource() {
        return time;
    }

    /** The registered releases' slots, in registration order. */
    List<ReleaseSlot<I, O>> slotsInOrder() {
        List<ReleaseSlot<I, O>> inOrder = new ArrayList<>();
        for (ReleaseId id : order) {
            ReleaseSlot<I, O> slot = slots.get(id);
            if (slot != null) {
                inOrder.add(slot);
            }
        }
        return inOrder;
    }

    ReleaseSlot<I, O> slotOrNull(ReleaseId release) {
        return release == null ? null : slots.get(release);
    }

    /** The release that owns the context's sticky bucket in its segment now (by the serving table). */
    ReleaseId ownerOf(RequestContext context) {
        return route(table, context).id;
    }

    private ReleaseSlot<I, O> slot(ReleaseId release, String operation) {
        Objects.requireNonNull(release, operation + ": release must not be null");
        ReleaseSlot<I, O> slot = slots.get(release);
        if (slot == null) {
            throw new IllegalArgumentException(operation + ": router '" + name + "' has no release " + release
                    + "; known releases are " + shown(order));
        }
        return slot;
    }

    // ---------------------------------------------------------------- control path

    @Override
    public void setWeights(Segment segment, Map<ReleaseId, Integer> basisPoints, Cause cause) {
        Objects.requireNonNull(segment, "setWeights: segment must not be null");
        Objects.requireNonNull(basisPoints, "setWeights: basisPoints must not be null");
        Objects.requireNonNull(cause, "setWeights: cause must not be null");
        control.lock();
        try {
            requireNotFailSafe("setWeights(" + segment + ")");
            // Validated under the lock: a release looked up before it could be retired in between.
            Map<ReleaseId, Integer> target = validateWeights(segment, basisPoints);
            RolloutState base = table.state;
            for (ReleaseId id : target.keySet()) {
                if (base.quarantined().contains(id)) {
                    throw new IllegalStateException("setWeights(" + segment + "): release " + shown(id) + " is quarantined since it was"
                            + " rolled back; it may receive traffic again only after overrideQuarantine(" + id
                            + ", Cause.operator(..)) by an operator");
                }
                if (slots.get(id).state == ReleaseState.COLD) {
                    throw new IllegalStateException("setWeights(" + segment + "): release " + shown(id) + " was never warmed;"
                            + " call warmUp(" + id + ") or checkHealth() first");
                }
            }
            Map<ReleaseId, Integer> before = base.weights(segment.name());
            List<BucketRange> current = base.allocations().getOrDefault(segment.name(),
                    base.allocations().get(RolloutState.DEFAULT_SEGMENT));
            List<BucketRange> next = BucketAllocator.reallocate(current, target);
            RolloutState state = commit(base, s -> withAllocation(s, segment.name(), next,
                    change("weights-changed", cause)));
            enableFlags(target.keySet());
            Map<ReleaseId, Integer> after = state.weights(segment.name());
            record("weights-changed", cause, segment + ": " + shownWeights(before) + " -> " + shownWeights(after) + " (basis points)");
            if (events.hasListeners()) {
                events.publish(new RouterEvent.WeightsChanged(name, time.now(), segment, before, after, state.generation(), cause));
            }
        } finally {
            control.unlock();
        }
    }

    private Map<ReleaseId, Integer> validateWeights(Segment segment, Map<ReleaseId, Integer> basisPoints) {
        Map<ReleaseId, Integer> target = new LinkedHashMap<>();
        long sum = 0;
        for (Map.Entry<ReleaseId, Integer> entry : basisPoints.entrySet()) {
            ReleaseId id = entry.getKey();
            Integer weight = entry.getValue();
            String field = "setWeights(" + segment + ").basisPoints[" + id + "]";
            if (id == null || !slots.containsKey(id)) {
                throw new IllegalArgumentException(field + ": router '" + name + "' has no such release; known releases are " + shown(order));
            }
            if (weight == null || weight < 0 || weight > StickyBuckets.BUCKETS) {
                throw new IllegalArgumentException(field + " must be between 0 and " + StickyBuckets.BUCKETS
                        + " basis points (0.01 % each), but was " + weight);
            }
            sum += weight;
            if (weight > 0) {
                target.put(id, weight);
            }
        }
        if (sum != StickyBuckets.BUCKETS) {
            throw new IllegalArgumentException("setWeights(" + segment + ").basisPoints must sum to " + StickyBuckets.BUCKETS
                    + " (100 %), but sum to " + sum + ": " + basisPoints);
        }
        return target;
    }

    @Override
    public void promote(ReleaseId release, Cause cause) {
        Objects.requireNonNull(cause, "promote: cause must not be null");
        control.lock();
        try {
            requireNotFailSafe("promote(" + release + ")");
            ReleaseSlot<I, O> slot = slot(release, "promote");
            RolloutState base = table.state;
            if (base.quarantined().contains(release)) {
                throw new IllegalStateException("promote: release " + shown(release) + " is quarantined since it was rolled back;"
                        + " an operator must call overrideQuarantine(" + release + ", ..) first");
            }
            if (!slot.isReady()) {
                throw new IllegalStateException("promote: release " + shown(release) + " is " + slot.state
                        + " and cannot take all traffic; it must be warm and healthy (READY). Last failure: " + slot.lastFailure);
            }
            ReleaseId previous = base.lastKnownGood();
            RolloutState state = commit(base, s -> allTo(s, release, release, s.quarantined(), change("promoted", cause)));
            enableFlags(Set.of(release));
            record("promoted", cause, shown(release) + ", " + slot.release.label() + ", is the last-known-good; previous "
                    + shown(previous));
            if (events.hasListeners()) {
                events.publish(new RouterEvent.Promoted(name, time.now(), release, previous, state.generation(), cause));
            }
        } finally {
            control.unlock();
        }
    }

    @Override
    public void rollbackToLastKnownGood() {
        rollbackToLastKnownGood(Cause.automatic("rollbackToLastKnownGood() called"));
    }

    @Override
    public void rollbackToLastKnownGood(Cause cause) {
        Objects.requireNonNull(cause, "rollbackToLastKnownGood: cause must not be null");
        control.lock();
        try {
            RoutingTable<I, O> before = table;
            RolloutState base = before.state;
            ReleaseSlot<I, O> lkg = before.lastKnownGood;
            refuseUnlessServable(lkg, cause);
            Set<ReleaseId> rolledBack = new LinkedHashSet<>();
            StateChange why = change(StateChange.ROLLED_BACK, cause);
            UnaryOperator<RolloutState> rollback = s -> {
                // Releases a newer state gave traffic to lose it too, so they are rolled back and quarantined as well.
                s.allocations().values().forEach(ranges -> ranges.forEach(r -> {
                    if (!r.release().equals(lkg.id)) {
                        rolledBack.add(r.release());
                    }
                }));
                Set<ReleaseId> quarantine = new LinkedHashSet<>(s.quarantined());
                quarantine.addAll(rolledBack);
                return allTo(s, lkg.id, lkg.id, quarantine, why);
            };
            RolloutState next = rollback.apply(base);
            // The swap: from here on no new call reaches a rolled-back release.
            table = compile(next);
            Persisted stored = persistRollback(base, next, rollback, rolledBack);
            // Past the swap nothing may stop the audit entry and the event (which opens the incident).
            Set<String> disabled = Set.of();
            try {
                disabled = disableFlags(rolledBack, lkg);
            } catch (RuntimeException e) {
                LOG.error("router '{}': rolled back, but turning feature flags off failed", name, e);
            }
            if (stored.byAnother()) {
                appliedRemoteRollback(base, stored.state(), disabled);
                return;
            }
            record("rolled-back", cause, "all traffic to " + shown(lkg.id) + ", " + lkg.release.label() + "; quarantined "
                    + shown(rolledBack) + "; flags off " + disabled + stored.notStored());
            // The one WARN line of a rollback; triggers, rollouts and incidents add their detail at INFO.
            LOG.warn("router '{}': rolled back {} to {}: {} ({}); quarantined; feature flags turned off {}",
                    name, names(rolledBack), lkg.release.name(), cause.reason(), cause.actor(), disabled);
            if (events.hasListeners()) {
                events.publish(new RouterEvent.RolledBack(name, time.now(), lkg.id, Set.copyOf(rolledBack), Set.copyOf(disabled),
                        stored.state().generation(), cause));
            }
        } finally {
            control.unlock();
        }
    }

    /** Refuses, loudly, a rollback onto a last-known-good that cannot serve. */
    private void refuseUnlessServable(ReleaseSlot<I, O> lkg, Cause cause) {
        if (lkg.isReady()) {
            return;
        }
        ReleaseHealth lkgHealth = lkg.health(false);
        String message = "router '" + name + "': rollback refused: the last-known-good " + shown(lkg.id) + ", " + lkg.release.label()
                + ", is " + lkg.state + (lkg.lastFailure != null ? " (" + lkg.lastFailure + ")" : "")
                + "; rolling back onto a release that cannot serve would trade one outage for another. Fix or warm the"
                + " last-known-good (warmUp/checkHealth), or promote a healthy release, then roll back";
        record("rollback-refused", cause, message);
        LOG.error(message);
        if (events.hasListeners()) {
            events.publish(new RouterEvent.RollbackRefused(name, time.now(), lkgHealth, cause));
        }
        throw new RollbackRefusedException(message, lkgHealth);
    }

    /** How a rollback that already routes ended up in the store. */
    private record Persisted(RolloutState state, boolean byAnother, boolean pending, String failure) {

        /** @return for the audit line: why the rollback is not in the store yet, or empty */
        String notStored() {
            return pending ? "; not stored yet (" + failure + "): the state store did not take it, other replicas may still"
                    + " route to the releases rolled back; it is proposed again at the next reload" : "";
        }
    }

    /** A rollback that routes locally but is not in the store yet: re-applied on the stored state at the next reload. */
    private record PendingRollback(UnaryOperator<RolloutState> change, Set<ReleaseId> rolledBack) {
    }

    /**
     * Stores a rollback that is already routing. When another writer won, re-applies it on top of the
     * newer state (and routes by that) until the store accepts it, the retries run out, or the newer
     * state already routes exactly as the rollback would (another replica rolled back first: nothing is
     * written and {@code byAnother} is set). When the store cannot be reached the rollback stays pending.
     */
    private Persisted persistRollback(RolloutState base, RolloutState next, UnaryOperator<RolloutState> reapply,
                                      Set<ReleaseId> rolledBack) {
        RolloutState expected = base;
        RolloutState candidate = next;
        RolloutState routing = next;
        String failure;
        try {
            for (int attempt = 0; attempt <= config.stateStoreRetries(); attempt++) {
                if (store.compareAndSet(expected.generation(), candidate)) {
                    pendingRollback = null;
                    return new Persisted(candidate, false, false, null);
                }
                Optional<RolloutState> latest = store.load(name);
                if (latest.isEmpty()) {
                    break;
                }
                expected = latest.get();
                candidate = reapply.apply(expected);
                try {
                    checkKnown(candidate);
                } catch (IllegalStateException e) {
                    // Another writer stored a state naming a release this router does not have: keep the local rollback.
                    LOG.error("router '{}': {}", name, e.getMessage());
                    break;
                }
                if (candidate.sameRoutingAs(expected)) {
                    pendingRollback = null;
                    table = compile(expected);
                    return new Persisted(expected, true, false, null);
                }
                table = compile(candidate);
                routing = candidate;
            }
            failure = "the store did not accept it after " + (config.stateStoreRetries() + 1) + " attempts";
            LOG.error("router '{}': rolled back locally, but the state store did not accept the rollback after {} attempts;"
                    + " other replicas may still route to {}", name, config.stateStoreRetries() + 1, shown(rolledBack));
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error("router '{}': rolled back locally, but the state store could not be reached ({}); the rollback stays"
                    + " pending and is proposed again at the next reload; other replicas may still route to {}", name, e.toString(),
                    shown(rolledBack));
        }
        pendingRollback = new PendingRollback(reapply, Set.copyOf(rolledBack));
        return new Persisted(routing, false, true, failure);
    }

    /**
     * Another replica committed the rollback first: this router routes by that commit, records that it
     * applied it and publishes {@link RouterEvent.StateApplied} (no {@code RolledBack}: one rollback, one
     * incident, opened by the replica whose commit won).
     */
    private void appliedRemoteRollback(RolloutState before, RolloutState applied, Set<String> disabled) {
        StateChange by = applied.change();
        record("state-applied", by != null ? by.cause() : Cause.automatic("rollout state reloaded"),
                "generation " + before.generation() + " -> " + applied.generation() + (by == null ? "" : " (" + by.action()
                + (by.replica().isEmpty() ? "" : " by replica " + by.replica()) + ")") + "; flags off " + disabled);
        LOG.info("router '{}': another replica rolled back first; routes by its generation {}", name, applied.generation());
        if (events.hasListeners()) {
            Set<ReleaseId> lost = newlyQuarantined(before, applied);
            events.publish(new RouterEvent.StateApplied(name, time.now(), before.generation(), applied.generation(), lost,
                    Set.copyOf(disabled), by));
        }
    }

    private static Set<ReleaseId> newlyQuarantined(RolloutState before, RolloutState after) {
        Set<ReleaseId> lost = new LinkedHashSet<>(after.quarantined());
        lost.removeAll(before.quarantined());
        return Set.copyOf(lost);
    }

    @Override
    public void rollbackSegment(Segment segment, Cause cause) {
        Objects.requireNonNull(segment, "rollbackSegment: segment must not be null");
        Objects.requireNonNull(cause, "rollbackSegment: cause must not be null");
        control.lock();
        try {
            RolloutState base = table.state;
            ReleaseSlot<I, O> lkg = table.lastKnownGood;
            refuseUnlessServable(lkg, cause);
            Set<ReleaseId> lost = new LinkedHashSet<>();
            base.allocations().getOrDefault(segment.name(), base.allocations().get(RolloutState.DEFAULT_SEGMENT))
                    .forEach(r -> {
                        if (!r.release().equals(lkg.id)) {
                            lost.add(r.release());
                        }
                    });
            Set<ReleaseId> orphaned = new LinkedHashSet<>();
            StateChange why = change(StateChange.SEGMENT_ROLLED_BACK, cause);
            UnaryOperator<RolloutState> rollback = s -> segmentToLastKnownGood(s, segment, lkg.id, lost, orphaned, why);
            RolloutState next = rollback.apply(base);
            // The swap: from here on no new call of this segment reaches the releases it lost.
            table = compile(next);
            Persisted stored = persistRollback(base, next, rollback, lost);
            // Past the swap nothing may stop the audit entry and the event (which opens the incident).
            Set<String> disabled = Set.of();
            try {
                disabled = disableFlags(orphaned, lkg);
            } catch (RuntimeException e) {
                LOG.error("router '{}': segment {} rolled back, but turning feature flags off failed", name, segment, e);
            }
            if (stored.byAnother()) {
                appliedRemoteRollback(base, stored.state(), disabled);
                return;
            }
            record("segment-rolled-back", cause, segment + ": all traffic to " + shown(lkg.id) + "; lost by " + shown(lost)
                    + (orphaned.isEmpty() ? "" : "; quarantined " + shown(orphaned) + "; flags off " + disabled) + stored.notStored());
            LOG.warn("router '{}': segment {} rolled back {} to {}: {} ({})",
                    name, segment, names(lost), lkg.release.name(), cause.reason(), cause.actor());
            if (events.hasListeners()) {
                events.publish(new RouterEvent.SegmentRolledBack(name, time.now(), segment, lkg.id, Set.copyOf(lost),
                        Set.copyOf(orphaned), stored.state().generation(), cause));
            }
        } finally {
            control.unlock();
        }
    }

    /** The state with one segment all on the LKG; releases left with no traffic anywhere are added to {@code orphaned} and quarantined. */
    private RolloutState segmentToLastKnownGood(RolloutState s, Segment segment, ReleaseId lkg, Set<ReleaseId> lost,
                                                Set<ReleaseId> orphaned, StateChange why) {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>(s.allocations());
        allocations.put(segment.name(), BucketAllocator.all(lkg));
        Set<ReleaseId> serving = new LinkedHashSet<>();
        allocations.values().forEach(ranges -> ranges.forEach(r -> serving.add(r.release())));
        for (ReleaseId release : lost) {
            if (!serving.contains(release)) {
                orphaned.add(release);
            }
        }
        Set<ReleaseId> quarantine = new LinkedHashSet<>(s.quarantined());
        quarantine.addAll(orphaned);
        return s.next(s.lastKnownGood(), allocations, quarantine, why);
    }

    @Override
    public void overrideQuarantine(ReleaseId release, Cause cause) {
        Objects.requireNonNull(cause, "overrideQuarantine: cause must not be null");
        Objects.requireNonNull(release, "overrideQuarantine: release must not be null");
        if (Cause.AUTOMATIC.equals(cause.actor())) {
            throw new IllegalArgumentException("overrideQuarantine(" + shown(release) + "): the actor must be an operator, not '"
                    + Cause.AUTOMATIC + "'; a quarantine is only lifted by a person, on the record");
        }
        control.lock();
        try {
            requireNotFailSafe("overrideQuarantine(" + release + ")");
            slot(release, "overrideQuarantine");
            RolloutState base = table.state;
            if (!base.quarantined().contains(release)) {
                throw new IllegalArgumentException("overrideQuarantine(" + shown(release) + "): the release is not quarantined;"
                        + " quarantined releases are " + shown(base.quarantined()));
            }
            Set<ReleaseId> quarantine = new LinkedHashSet<>(base.quarantined());
            quarantine.remove(release);
            commit(base, s -> s.next(s.lastKnownGood(), s.allocations(), quarantine, change("quarantine-overridden", cause)));
            record("quarantine-overridden", cause, shown(release) + " may receive traffic again");
            LOG.warn("router '{}': quarantine of {} lifted by {}: {}", name, shown(release), cause.actor(), cause.reason());
            if (events.hasListeners()) {
                events.publish(new RouterEvent.QuarantineOverridden(name, time.now(), release, cause));
            }
        } finally {
            control.unlock();
        }
    }

    @Override
    public void retire(ReleaseId release, Cause cause) {
        Objects.requireNonNull(cause, "retire: cause must not be null");
        control.lock();
        try {
            slot(release, "retire");
            RolloutState state = table.state;
            if (release.equals(state.lastKnownGood())) {
                throw new IllegalStateException("retire(" + shown(release) + "): the release is the last-known-good; promote"
                        + " another release first");
            }
            if (shadow != null && shadow.candidate().id.equals(release)) {
                throw new IllegalStateException("retire(" + shown(release) + "): the release is the shadow candidate; call"
                        + " stopShadow() first");
            }
            for (Map.Entry<String, List<BucketRange>> entry : state.allocations().entrySet()) {
                for (BucketRange range : entry.getValue()) {
                    if (range.release().equals(release)) {
                        throw new IllegalStateException("retire(" + shown(release) + "): the release still has "
                                + state.weights(entry.getKey()).get(release) + " basis points in segment '" + entry.getKey()
                                + "'; set its weight to 0 (or roll back) first");
                    }
                }
            }
            slots.remove(release);
            order.remove(release);
            record("retired", cause, shown(release) + " is unloaded; its telemetry is dropped");
            if (events.hasListeners()) {
                events.publish(new RouterEvent.ReleaseRetired(name, time.now(), release, cause));
            }
        } finally {
            control.unlock();
        }
    }

    @Override
    public void startShadow(ReleaseId candidate, ShadowRunner<I, O> runner, Cause cause) {
        Objects.requireNonNull(runner, "startShadow: runner must not be null");
        Objects.requireNonNull(cause, "startShadow: cause must not be null");
        control.lock();
        try {
            ReleaseSlot<I, O> slot = slot(candidate, "startShadow");
            if (candidate.equals(table.state.lastKnownGood())) {
                throw new IllegalArgumentException("startShadow(" + shown(candidate) + "): the release is the last-known-good, which"
                        + " serves the calls that are mirrored; shadow a candidate release instead");
            }
            if (!slot.isReady()) {
                throw new IllegalStateException("startShadow(" + shown(candidate) + "): the release is " + slot.state
                        + "; it must be warm and healthy (READY) to be shadowed. Last failure: " + slot.lastFailure);
            }
            RoutingTable.Shadow<I, O> previous = shadow;
            shadow = new RoutingTable.Shadow<>(slot, runner);
            table = compile(table.state);
            record("shadow-started", cause, "calls served by " + shown(table.state.lastKnownGood()) + " are offered to shadow runner '"
                    + runner.name() + "' for " + shown(candidate) + ", " + slot.release.label()
                    + (previous == null ? "" : "; replaces runner '" + previous.runner().name() + "' for " + shown(previous.candidate().id)));
        } finally {
            control.unlock();
        }
    }

    @Override
    public void stopShadow(Cause cause) {
        Objects.requireNonNull(cause, "stopShadow: cause must not be null");
        control.lock();
        try {
            RoutingTable.Shadow<I, O> previous = shadow;
            if (previous == null) {
                return;
            }
            shadow = null;
            table = compile(table.state);
            record("shadow-stopped", cause, "shadow runner '" + previous.runner().name() + "' for " + shown(previous.candidate().id)
                    + " receives no more calls");
        } finally {
            control.unlock();
        }
    }

    @Override
    public void reloadState() {
        // Read outside the lock: a slow store must never hold up a rollback waiting for the lock.
        Optional<RolloutState> stored = store.load(name);
        control.lock();
        try {
            if (pendingRollback != null) {
                proposePendingRollback(stored);
                return;
            }
            if (stored.isEmpty() || stored.get().generation() <= table.state.generation()) {
                return;
            }
            apply(stored.get());
        } finally {
            control.unlock();
        }
    }

    /** Routes by a newer stored state; tells listeners what another replica changed. Lock held. */
    private void apply(RolloutState state) {
        RolloutState before = table.state;
        checkKnown(state);
        table = compile(state);
        StateChange by = state.change();
        Set<ReleaseId> lost = newlyQuarantined(before, state);
        Set<String> disabled = lost.isEmpty() ? Set.of() : disableFlags(lost, table.lastKnownGood);
        boolean routingChanged = !before.sameRoutingAs(state);
        if (routingChanged) {
            record("state-applied", by != null ? by.cause() : Cause.automatic("rollout state reloaded from the store"),
                    "generation " + before.generation() + " -> " + state.generation() + (by == null ? "" : " (" + by.action()
                    + (by.replica().isEmpty() ? "" : " by replica " + by.replica()) + ")")
                    + (lost.isEmpty() ? "" : "; quarantined " + shown(lost) + "; flags off " + disabled));
        }
        if (!events.hasListeners()) {
            return;
        }
        // Listeners (metrics, rollouts) learn about every segment whose weights another replica changed.
        Set<String> segments = new LinkedHashSet<>(before.allocations().keySet());
        segments.addAll(state.allocations().keySet());
        Cause cause = by != null ? by.cause() : Cause.automatic("rollout state reloaded from the store (generation "
                + before.generation() + " -> " + state.generation() + ")");
        for (String segment : segments) {
            Map<ReleaseId, Integer> was = before.weights(segment);
            Map<ReleaseId, Integer> now = state.weights(segment);
            if (!was.equals(now) || before.allocations().containsKey(segment) != state.allocations().containsKey(segment)) {
                events.publish(new RouterEvent.WeightsChanged(name, time.now(), Segment.of(segment), was, now,
                        state.generation(), cause));
            }
        }
        events.publish(new RouterEvent.StateApplied(name, time.now(), before.generation(), state.generation(), lost,
                Set.copyOf(disabled), by));
    }

    /**
     * The store is reachable again after a rollback it did not take: propose the rollback on top of the
     * stored state (unless that already routes as the rollback would), and route by the result. Lock held.
     */
    private void proposePendingRollback(Optional<RolloutState> stored) {
        if (stored.isEmpty()) {
            return;
        }
        PendingRollback pending = pendingRollback;
        RolloutState latest = stored.get();
        RolloutState next = pending.change().apply(latest);
        if (next.sameRoutingAs(latest)) {
            pendingRollback = null;
            apply(latest);
            return;
        }
        table = compile(next);
        if (store.compareAndSet(latest.generation(), next)) {
            pendingRollback = null;
            record("rollback-stored", next.change() != null ? next.change().cause() : Cause.automatic("pending rollback"),
                    "the rollback that routed locally while the store was unreachable is stored as generation " + next.generation());
            LOG.warn("router '{}': the pending rollback of {} is stored now (generation {})", name, shown(pending.rolledBack()),
                    next.generation());
        }
        // else: another writer got there first; the next reload proposes it again on that state
    }

    /**
     * Stores the change with compare-and-set and publishes the new table. When another writer got
     * there first, routes by the newer stored state and refuses the change.
     */
    private RolloutState commit(RolloutState base, UnaryOperator<RolloutState> change) {
        RolloutState next = change.apply(base);
        checkKnown(next); // never store a state this router could not compile
        if (!store.compareAndSet(base.generation(), next)) {
            RolloutState latest = store.load(name).orElse(base);
            checkKnown(latest);
            table = compile(latest);
            throw new IllegalStateException("router '" + name + "': the rollout state changed concurrently (generation "
                    + base.generation() + " -> " + latest.generation() + " by another writer), so this change was not applied;"
                    + " the router now routes by the newer state. Re-read it and retry if the change is still wanted");
        }
        table = compile(next);
        return next;
    }

    private static RolloutState withAllocation(RolloutState s, String segment, List<BucketRange> ranges, StateChange why) {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>(s.allocations());
        allocations.put(segment, ranges);
        return s.next(s.lastKnownGood(), allocations, s.quarantined(), why);
    }

    private static RolloutState allTo(RolloutState s, ReleaseId owner, ReleaseId lastKnownGood, Set<ReleaseId> quarantined,
                                      StateChange why) {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>();
        for (String segment : s.allocations().keySet()) {
            allocations.put(segment, BucketAllocator.all(owner));
        }
        return s.next(lastKnownGood, allocations, quarantined, why);
    }

    /** What a commit records as the generation's cause; fleet mode fills in the replica. */
    private StateChange change(String action, Cause cause) {
        return new StateChange(action, cause, "", time.now());
    }

    private void requireNotFailSafe(String operation) {
        if (failSafeReason != null) {
            throw new IllegalStateException(operation + ": router '" + name + "' is in fail-safe and serves only its"
                    + " last-known-good (" + failSafeReason + "); routing changes other than rollbacks wait until it"
                    + " rejoins its fleet");
        }
    }

    // ---------------------------------------------------------------- fail-safe (fleet mode)

    @Override
    public void enterFailSafe(String reason) {
        Objects.requireNonNull(reason, "enterFailSafe: reason must not be null");
        control.lock();
        try {
            if (failSafeReason != null) {
                return;
            }
            failSafeReason = reason;
            table = compile(table.state);
            record("fail-safe-entered", Cause.automatic(reason), "all traffic to the last-known-good " + shown(table.lastKnownGood.id)
                    + " until the router rejoins its fleet");
            LOG.warn("router '{}': fail-safe: serves only its last-known-good {}: {}", name, shown(table.lastKnownGood.id), reason);
            if (events.hasListeners()) {
                events.publish(new RouterEvent.FailSafeEntered(name, time.now(), table.lastKnownGood.id, reason));
            }
        } finally {
            control.unlock();
        }
    }

    @Override
    public void leaveFailSafe(String reason) {
        Objects.requireNonNull(reason, "leaveFailSafe: reason must not be null");
        control.lock();
        try {
            if (failSafeReason == null) {
                return;
            }
            failSafeReason = null;
            table = compile(table.state);
            record("fail-safe-left", Cause.automatic(reason), "routes by the stored state again (generation "
                    + table.state.generation() + ")");
            LOG.warn("router '{}': left fail-safe, routes by generation {} again: {}", name, table.state.generation(), reason);
            if (events.hasListeners()) {
                events.publish(new RouterEvent.FailSafeLeft(name, time.now(), table.state.generation(), reason));
            }
        } finally {
            control.unlock();
        }
    }

    @Override
    public Optional<String> failSafe() {
        return Optional.ofNullable(failSafeReason);
    }

    @Override
    public RouterEventPublisher.Registration onAudit(Consumer<? super AuditEntry> listener) {
        Objects.requireNonNull(listener, "onAudit: listener must not be null");
        Consumer<AuditEntry> entry = listener::accept;
        auditListeners.add(entry);
        return () -> auditListeners.remove(entry);
    }

    /** Compiles a state into the table the request path reads; buckets of releases that cannot serve go to the LKG. */
    @SuppressWarnings("unchecked")
    private RoutingTable<I, O> compile(RolloutState state) {
        ReleaseSlot<I, O> lkg = slots.get(state.lastKnownGood());
        ReleaseSlot<I, O>[] defaultOwners = null;
        int maxIndex = -1;
        Map<Segment, ReleaseSlot<I, O>[]> bySegment = new LinkedHashMap<>();
        for (Map.Entry<String, List<BucketRange>> entry : state.allocations().entrySet()) {
            ReleaseSlot<I, O>[] owners = new ReleaseSlot[StickyBuckets.BUCKETS];
            for (BucketRange range : entry.getValue()) {
                ReleaseSlot<I, O> slot = slots.get(range.release());
                boolean serves = failSafeReason == null && slot.isReady() && !state.quarantined().contains(slot.id);
                java.util.Arrays.fill(owners, range.from(), range.to(), serves ? slot : lkg);
            }
            Segment segment = Segment.of(entry.getKey());
            bySegment.put(segment, owners);
            maxIndex = Math.max(maxIndex, segment.index());
            if (segment.equals(Segment.DEFAULT)) {
                defaultOwners = owners;
            }
        }
        ReleaseSlot<I, O>[][] indexed = new ReleaseSlot[maxIndex + 1][];
        bySegment.forEach((segment, owners) -> indexed[segment.index()] = owners);
        RoutingTable.Shadow<I, O> mirror = shadow;
        if (mirror != null && (mirror.candidate() == lkg || slots.get(mirror.candidate().id) != mirror.candidate())) {
            mirror = null; // the candidate became the last-known-good: nothing left to compare it with
        }
        int salt = state.salt() != null ? state.salt() : configuredSalt;
        return new RoutingTable<>(state, lkg, salt, failSafeReason != null, defaultOwners, indexed, mirror);
    }

    private void record(String action, Cause cause, String detail) {
        AuditEntry entry = new AuditEntry(time.now(), name, action, cause.actor(), cause.reason(), detail);
        audit.add(entry);
        for (Consumer<? super AuditEntry> listener : auditListeners) {
            try {
                listener.accept(entry);
            } catch (RuntimeException e) {
                LOG.warn("router '{}': audit listener {} threw on '{}'", name, listener, action, e);
            }
        }
    }

    // ---------------------------------------------------------------- feature flags

    private void enableFlagsOfServingReleases(RolloutState state) {
        Set<ReleaseId> serving = new LinkedHashSet<>();
        state.allocations().values().forEach(ranges -> ranges.forEach(r -> serving.add(r.release())));
        enableFlags(serving);
    }

    private void enableFlags(Set<ReleaseId> releases) {
        for (ReleaseId id : releases) {
            for (String flag : slots.get(id).release.featureFlags()) {
                try {
                    flags.set(flag, true);
                } catch (RuntimeException e) {
                    LOG.error("router '{}': could not enable feature flag '{}' of release {}", name, flag, shown(id), e);
                }
            }
        }
    }

    private Set<String> disableFlags(Set<ReleaseId> rolledBack, ReleaseSlot<I, O> lkg) {
        Set<String> disabled = new LinkedHashSet<>();
        for (ReleaseId id : rolledBack) {
            ReleaseSlot<I, O> slot = slots.get(id);
            if (slot == null) {
                continue; // not registered here (another replica's release): it has no flags this router knows
            }
            for (String flag : slot.release.featureFlags()) {
                if (!lkg.release.featureFlags().contains(flag) && disabled.add(flag)) {
                    try {
                        flags.set(flag, false);
                    } catch (RuntimeException e) {
                        // The traffic is already back on the LKG; a flag service outage must not undo that.
                        LOG.error("router '{}': rolled back, but could not turn off feature flag '{}' of release {}", name, flag, shown(id), e);
                    }
                }
            }
        }
        return disabled;
    }

    // ---------------------------------------------------------------- warm standby

    @Override
    public void addRelease(ReleaseSpec<I, O> spec) {
        Objects.requireNonNull(spec, "addRelease: spec must not be null");
        register(spec);
        if (events.hasListeners()) {
            events.publish(new RouterEvent.ReleaseAdded(name, time.now(), spec.release().id()));
        }
        warmUp(spec.release().id());
    }

    @Override
    public void warmUp(ReleaseId release) {
        warmUp(slot(release, "warmUp"));
    }

    private void warmUp(ReleaseSlot<I, O> slot) {
        ReleaseId release = slot.id;
        probing.lock();
        try {
            if (closed) {
                LOG.debug("router '{}': closed; release {} is not warmed", name, release);
                return;
            }
            long start = time.nanoTime();
            ReleaseState before = slot.state;
            updateHealth(slot, ReleaseState.WARMING, null);
            ReleaseSpec<I, O> spec = slot.spec;
            List<I> samples = spec.sampleInputs();
            String failure = null;
            try {
                for (int call = 0; call < spec.warmupCalls() && failure == null; call++) {
                    failure = callOnce(slot, samples.get(call % samples.size()), call % samples.size(), false);
                }
                if (failure == null) {
                    failure = probe(slot);
                } else {
                    failure = "warm-up failed: " + failure;
                }
            } catch (ProbeNotRun e) {
                // No verdict on the release: it stays as it was before the warm-up began.
                updateHealth(slot, before == ReleaseState.WARMING ? ReleaseState.COLD : before, slot.lastFailure);
                LOG.warn("router '{}': warm-up of {} not run: {}", name, release, e.getMessage());
                return;
            }
            if (failure == null) {
                updateHealth(slot, ReleaseState.READY, null);
                if (events.hasListeners()) {
                    events.publish(new RouterEvent.ReleaseWarmed(name, time.now(), release, spec.warmupCalls(),
                            Duration.ofNanos(time.nanoTime() - start)));
                }
            } else {
                failed(slot, failure, true);
            }
        } finally {
            probing.unlock();
        }
    }

    @Override
    public void checkHealth() {
        probing.lock();
        try {
            for (ReleaseId id : order) {
                if (closed) {
                    return; // a round racing close() publishes nothing: its probes were cut short, not failed
                }
                ReleaseSlot<I, O> slot = slots.get(id);
                if (slot == null) {
                    continue; // retired since the round began
                }
                if (slot.state == ReleaseState.COLD) {
                    warmUp(slot);
                    continue;
                }
                String failure;
                try {
                    failure = probe(slot);
                } catch (ProbeNotRun e) {
                    LOG.warn("router '{}': health probe of {} not run, its health is unchanged: {}", name, id, e.getMessage());
                    continue;
                }
                if (failure == null) {
                    boolean recovered = slot.state != ReleaseState.READY;
                    updateHealth(slot, ReleaseState.READY, null);
                    if (recovered && slots.get(id) == slot) { // not retired while probed
                        record("release-recovered", Cause.automatic("health probe passed again"),
                                shown(id) + " may serve its buckets again");
                        LOG.info("router '{}': release {} passed its health probe again and may serve", name, shown(id));
                        if (events.hasListeners()) {
                            events.publish(new RouterEvent.HealthRecovered(name, time.now(), id));
                        }
                    }
                } else {
                    failed(slot, failure, false);
                }
            }
        } finally {
            probing.unlock();
        }
    }

    private void failed(ReleaseSlot<I, O> slot, String failure, boolean immediately) {
        int failures = slot.consecutiveFailures + 1;
        boolean unhealthy = immediately || failures >= slot.spec.unhealthyAfterFailures() || slot.state == ReleaseState.UNHEALTHY;
        control.lock();
        try {
            slot.consecutiveFailures = failures;
            slot.lastFailure = failure;
            slot.lastProbe = time.now();
            ReleaseState next = unhealthy ? ReleaseState.UNHEALTHY : slot.state;
            if (next != slot.state) {
                boolean wasServing = slot.state == ReleaseState.READY;
                slot.state = next;
                table = compile(table.state);
                if (wasServing && slots.get(slot.id) == slot) {
                    // Its buckets now go to the last-known-good: a routing change, so it is audited.
                    record("release-unhealthy", Cause.automatic("health probe failed " + failures + " time(s): " + failure),
                            shown(slot.id) + " is out of traffic; its buckets are served by the last-known-good");
                }
            }
        } finally {
            control.unlock();
        }
        boolean isLkg = slot.id.equals(table.state.lastKnownGood());
        LOG.warn("router '{}': health probe of {}{} failed ({} in a row): {}{}", name, shown(slot.id), isLkg ? " (last-known-good)" : "",
                failures, failure, unhealthy ? "; it is out of traffic" : "");
        if (events.hasListeners()) {
            events.publish(new RouterEvent.HealthCheckFailed(name, time.now(), slot.id, failure, failures, unhealthy));
        }
    }

    private void updateHealth(ReleaseSlot<I, O> slot, ReleaseState state, String failure) {
        control.lock();
        try {
            boolean servabilityChanged = (slot.state == ReleaseState.READY) != (state == ReleaseState.READY);
            slot.state = state;
            slot.lastFailure = failure;
            if (state == ReleaseState.READY) {
                slot.consecutiveFailures = 0;
            }
            if (state != ReleaseState.WARMING) {
                slot.lastProbe = time.now();
            }
            if (servabilityChanged && table != null) {
                table = compile(table.state);
            }
        } finally {
            control.unlock();
        }
    }

    /**
     * Runs every sample input once; returns why the probe failed, or {@code null}.
     *
     * @throws ProbeNotRun when a call could not be run at all (router closed, no probe thread free)
     */
    private String probe(ReleaseSlot<I, O> slot) throws ProbeNotRun {
        List<I> samples = slot.spec.sampleInputs();
        for (int i = 0; i < samples.size(); i++) {
            String failure = callOnce(slot, samples.get(i), i, true);
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    /**
     * One call with the probe timeout, enforced on the probe executor (the call's thread is
     * interrupted when the time is up) and measured on the router's clock. A release whose earlier
     * timed-out call has not returned fails at once instead of taking another thread.
     */
    private String callOnce(ReleaseSlot<I, O> slot, I input, int sampleIndex, boolean check) throws ProbeNotRun {
        long timeoutNanos = slot.spec.probeTimeout().toNanos();
        ProbeCall<?> stuck = slot.stuckProbe;
        if (stuck != null) {
            if (!stuck.returned()) {
                return "a probe call that timed out earlier is still running though it was interrupted (the model ignores"
                        + " interrupts); no further probe thread is given to this release until it returns";
            }
            slot.stuckProbe = null;
        }
        if (closed) {
            throw new ProbeNotRun("the router is closed");
        }
        ProbeCall<O> call = new ProbeCall<>(slot.model, input);
        FutureTask<O> task = new FutureTask<>(call);
        long start = time.nanoTime();
        O output;
        try {
            probeExecutor.execute(task);
            output = task.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new ProbeNotRun(closed ? "the router is closed" : "no probe thread free (all "
                    + config.probeThreads() + " are taken by probes of hanging models; RouterConfig.probeThreads)");
        } catch (TimeoutException e) {
            task.cancel(true);
            if (!call.returned()) {
                slot.stuckProbe = call;
            }
            if (closed) {
                throw new ProbeNotRun("the router was closed during the probe");
            }
            return "sample input #" + sampleIndex + " timed out after " + slot.spec.probeTimeout().toMillis()
                    + " ms; the call was interrupted";
        } catch (ExecutionException e) {
            if (closed) {
                throw new ProbeNotRun("the router was closed during the probe"); // close() interrupted the call
            }
            return "sample input #" + sampleIndex + " threw " + e.getCause();
        } catch (CancellationException e) {
            throw new ProbeNotRun("the probe call was cancelled");
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new ProbeNotRun("interrupted while probing" + (closed ? " (the router was closed)" : ""));
        }
        if (closed) {
            throw new ProbeNotRun("the router was closed during the probe");
        }
        long took = time.nanoTime() - start;
        if (took > timeoutNanos) {
            return "sample input #" + sampleIndex + " took " + took / 1_000_000 + " ms, over the probe timeout of "
                    + slot.spec.probeTimeout().toMillis() + " ms";
        }
        if (check) {
            boolean healthy;
            try {
                healthy = slot.spec.healthCheck().test(output);
            } catch (RuntimeException e) {
                return "health check threw " + e + " on the output of sample input #" + sampleIndex;
            }
            if (!healthy) {
                return "health check rejected output '" + output + "' of sample input #" + sampleIndex;
            }
        }
        return null;
    }

    /** A probe call that could not be run at all: no verdict on the release's health. */
    private static final class ProbeNotRun extends Exception {
        private static final long serialVersionUID = 1L;

        ProbeNotRun(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void startHealthChecks(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "startHealthChecks: scheduler must not be null");
        long interval = config.healthCheckInterval().toMillis();
        synchronized (this) {
            if (healthSchedule != null) {
                healthSchedule.cancel(false);
            }
            healthSchedule = scheduler.scheduleWithFixedDelay(() -> {
                try {
                    checkHealth();
                } catch (RuntimeException e) {
                    LOG.error("router '{}': health check round failed", name, e);
                }
            }, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        ThreadPoolExecutor calls;
        synchronized (this) {
            if (healthSchedule != null) {
                healthSchedule.cancel(false);
                healthSchedule = null;
            }
            calls = callPool;
        }
        if (ownedProbeExecutor != null) {
            ownedProbeExecutor.shutdownNow();
        }
        if (calls != null) {
            // Timed calls still running are interrupted; later calls of releases with a call timeout run in place.
            calls.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "ModelRouter{" + name + ", generation " + table.state.generation() + ", last-known-good "
                + table.state.lastKnownGood() + '}';
    }
}
