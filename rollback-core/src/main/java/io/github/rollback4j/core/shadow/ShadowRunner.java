package io.github.rollback4j.core.shadow;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.rollback4j.Model;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.TimeSource;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Mirrors a share of calls to a candidate ("shadow") model off the request path and compares its
 * output with the primary output the caller received.
 *
 * <p>{@link #offer(Object, Object, RequestContext, long)} (and {@link #tryOffer}, which also says
 * whether a call was not sampled or dropped) returns at once: it samples the call, takes
 * a permit of a Resilience4j {@link Bulkhead} without waiting, and hands the work to the shadow
 * executor. When the bulkhead or the executor is full, the call is dropped and counted
 * ({@link #dropped()}; the router reports it as {@code Outcome.SHADOW_DROPPED}). The candidate runs
 * under a Resilience4j {@link TimeLimiter}; its exceptions and timeouts are counted, never
 * propagated. The primary output is only read (by the comparator), never changed or replaced.
 *
 * <p>Noise cancellation: with a baseline (last-known-good) model and a noise rate above 0, a share
 * of shadowed calls also runs the baseline a second time on the same input and compares it with the
 * primary output, measuring the baseline's own nondeterminism; the report's
 * {@code excessMismatchRate} is the candidate's mismatch rate minus that noise, never below 0.
 *
 * <p>Settings and defaults (see {@link Builder}): sample rate 0.1, noise rate 0 (off), comparator
 * {@link ShadowComparator#exact()}, 4 concurrent shadow calls, timeout 1 s, hourly time-of-day
 * buckets in UTC, 1 h over-time intervals, no attribute breakdown.
 *
 * <p>Thread-safe: {@code offer} may be called from any number of request threads. Close the runner
 * to stop the threads it owns (an injected executor or scheduler is never shut down by it).
 *
 * <h2>Concurrency design</h2>
 * <p>The hand-off runs on the caller's (request) thread, so it must be cheap. Two paths exist:
 * <ul>
 *   <li><b>Default (no {@link Builder#executor executor} given): a pre-allocated ring.</b> Admission is
 *   the Resilience4j {@link Bulkhead}: a sampled call takes a permit with
 *   {@link Bulkhead#tryAcquirePermission()} (never waits; no permit = drop, counted). The permit is held
 *   until the candidate call has <em>ended</em> (even after a timeout), so at most
 *   {@code maxConcurrentCalls} calls are queued or running. The call's data (input, primary output,
 *   context, served-at millis, noise flag) is then written into a bounded multi-producer /
 *   multi-consumer ring of pre-allocated slots (Vyukov's sequence-numbered array queue): one CAS on
 *   the tail index claims a slot, plain stores fill it, one release store publishes it. No lock, no
 *   allocation, no {@code unpark}: the caller never wakes a thread. The ring holds at least
 *   {@code maxConcurrentCalls} slots, so with the bulkhead in front it cannot fill; if it ever did,
 *   the call would be dropped and counted like any other drop. {@code maxConcurrentCalls} daemon
 *   worker threads owned by the runner poll the ring (one CAS on the head index) and, when it is
 *   empty, park with {@link LockSupport#parkNanos} for 50 µs, doubling to 1.6 ms while idle, so a
 *   handed-over call waits at most about 1.6 ms before it starts and an idle worker wakes about 600
 *   times a second. Timeouts use the
 *   {@link TimeLimiter}'s configured duration, enforced by <em>one</em> periodic sweep on the timeout
 *   scheduler (every timeout/10, clamped to [1 ms, 50 ms]) instead of one scheduled task per call.
 *   Each worker publishes its current call in a versioned state word (odd = running); the sweeper
 *   and the worker race with a CAS on that word, so a call is recorded exactly once: as a timeout
 *   by the sweeper (and reported to the time limiter with {@link TimeLimiter#onError}), or as its
 *   result by the worker ({@link TimeLimiter#onSuccess}). A late result after a timeout is discarded,
 *   as with the time limiter's own futures; running candidate calls are never interrupted.</li>
 *   <li><b>Injected executor</b> (tests use direct or controlled executors for determinism):
 *   unchanged behaviour. Bulkhead permit, one task per call handed to the executor (a
 *   {@link RejectedExecutionException} is a drop), and {@link TimeLimiter#executeCompletionStage} with
 *   the timeout scheduler for the timeout.</li>
 * </ul>
 * <p>On {@link #close()}, the workers finish the calls already in the ring and then exit.
 *
 * @param <I> the model input type
 * @param <O> the model output type
 */
public final class ShadowRunner<I, O> implements AutoCloseable {

    private static final long UNIT = 1L << 53;
    /** Example mismatches kept per segment by default. */
    public static final int DEFAULT_EXAMPLES = 3;
    /** Longest text of an example's input or output in the report. */
    public static final int MAX_EXAMPLE_TEXT = 300;

    private final String name;
    private final Model<I, O> candidate;
    private final Model<I, O> baseline;
    private final ShadowComparator<O> comparator;
    private final long sampleThreshold;
    private final long noiseThreshold;
    private final long seed;
    private final long timeoutNanos;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final TimeSource clock;
    private final Bulkhead bulkhead;
    private final TimeLimiter timeLimiter;
    private final ShadowStats stats;
    private final java.util.function.Function<? super I, String> describeInput;
    private final AtomicLong sequence = new AtomicLong();
    /** Default path only (no injected executor), otherwise {@code null}. */
    private final Ring ring;
    /** Default path only, otherwise {@code null}. */
    private final Worker[] workers;
    /** Default path only: the periodic timeout sweep, otherwise {@code null}. */
    private final ScheduledFuture<?> sweeper;
    private volatile boolean closed;
    /**
     * Default path only: after a candidate call that kept a worker busy for {@code d}, the worker rests
     * {@code d * restFactor} before taking the next one ({@code 1 / maxBusyShare - 1}; 0 = no rest).
     */
    private final double restFactor;

    private ShadowRunner(Builder<I, O> b) {
        this.name = b.name;
        this.candidate = b.candidate;
        this.baseline = b.baseline;
        this.comparator = b.comparator;
        this.sampleThreshold = threshold(b.sampleRate);
        this.noiseThreshold = threshold(b.noiseRate);
        this.seed = b.seed;
        this.timeoutNanos = b.timeout.toNanos();
        this.restFactor = 1.0 / b.maxBusyShare - 1.0;
        this.clock = b.timeSource;
        this.bulkhead = Bulkhead.of("rollback4j-shadow-" + name, BulkheadConfig.custom()
                .maxConcurrentCalls(b.maxConcurrentCalls).maxWaitDuration(Duration.ZERO).build());
        this.timeLimiter = TimeLimiter.of("rollback4j-shadow-" + name, TimeLimiterConfig.custom()
                .timeoutDuration(b.timeout).cancelRunningFuture(false).build());
        this.executor = b.executor;
        this.ownsScheduler = b.timeoutScheduler == null;
        this.scheduler = ownsScheduler ? defaultScheduler(name) : b.timeoutScheduler;
        this.stats = new ShadowStats(b.attributeName, b.maxAttributeValues, b.timeOfDay, b.interval.toMillis(), b.maxIntervals,
                b.examples);
        this.describeInput = b.describeInput;
        if (b.executor == null) {
            this.ring = new Ring(b.maxConcurrentCalls);
            @SuppressWarnings("unchecked")
            Worker[] own = (Worker[]) new ShadowRunner<?, ?>.Worker[b.maxConcurrentCalls];
            for (int i = 0; i < own.length; i++) {
                own[i] = new Worker();
            }
            this.workers = own;
            long limitNanos = timeLimiter.getTimeLimiterConfig().getTimeoutDuration().toNanos();
            long period = Math.max(1_000_000L, Math.min(50_000_000L, limitNanos / 10));
            this.sweeper = scheduler.scheduleAtFixedRate(() -> sweep(limitNanos), period, period, TimeUnit.NANOSECONDS);
            ThreadFactory threads = daemon("rollback4j-shadow-" + name);
            for (Worker w : workers) {
                threads.newThread(w).start();
            }
        } else {
            this.ring = null;
            this.workers = null;
            this.sweeper = null;
        }
    }

    /**
     * @param candidate the shadow (candidate) model
     * @param <I> input type
     * @param <O> output type
     * @return a builder
     */
    public static <I, O> Builder<I, O> builder(Model<I, O> candidate) {
        return new Builder<>(candidate);
    }

    /**
     * What became of one {@linkplain #tryOffer offered} call.
     */
    public enum Offer {
        /** Sampled and handed to the shadow executor. */
        HANDED_OVER,
        /** Not picked by the sample rate (the common case; nothing was allocated). */
        NOT_SAMPLED,
        /** Sampled, but the bulkhead or the executor was full: dropped and counted ({@link #dropped()}). */
        DROPPED,
        /** The runner is closed. */
        CLOSED,
        /** The runner failed to take the call (an unexpected internal exception); nothing was run. */
        FAILED
    }

    /**
     * Offers one served call for shadowing. Never blocks, never throws, never changes
     * {@code primaryOutput}. Same as {@link #tryOffer} but only says whether the call was handed over.
     *
     * @param input the input the primary model saw
     * @param primaryOutput the output the caller received
     * @param ctx the request context (segment and attributes are used for the breakdown)
     * @param nowMillis when the call was served (epoch millis): picks the time-of-day bucket and the
     *                  over-time interval
     * @return {@code true} when the call was handed to the shadow executor; {@code false} when it was
     *         not sampled, dropped (executor full) or the runner is closed
     */
    public boolean offer(I input, O primaryOutput, RequestContext ctx, long nowMillis) {
        return tryOffer(input, primaryOutput, ctx, nowMillis) == Offer.HANDED_OVER;
    }

    /**
     * Offers one served call for shadowing and says what became of it, so that a caller can tell a
     * drop (executor full) from a call that simply was not sampled. Never blocks, never throws, never
     * changes {@code primaryOutput}; allocates nothing when the call is not sampled.
     *
     * @param input the input the primary model saw
     * @param primaryOutput the output the caller received
     * @param ctx the request context (segment and attributes are used for the breakdown)
     * @param nowMillis when the call was served (epoch millis): picks the time-of-day bucket and the
     *                  over-time interval
     * @return what became of the call; never {@code null}
     */
    public Offer tryOffer(I input, O primaryOutput, RequestContext ctx, long nowMillis) {
        if (closed) {
            return Offer.CLOSED;
        }
        try {
            stats.offered.increment();
            long seq = sequence.getAndIncrement();
            if (!pick(seq, sampleThreshold, 0)) {
                return Offer.NOT_SAMPLED;
            }
            stats.sampled.increment();
            RequestContext context = ctx == null ? RequestContext.EMPTY : ctx;
            // A full bulkhead is seen before asking it for a permit: Resilience4j's tryAcquirePermission builds an
            // event supplier (a capturing lambda, 24 B) on every call, listened to or not, and only the JIT's escape
            // analysis removes it; a saturated shadow drops most sampled calls, on the request thread.
            if (bulkhead.getMetrics().getAvailableConcurrentCalls() <= 0 || !bulkhead.tryAcquirePermission()) {
                stats.record(context, nowMillis, ShadowStats.Kind.DROP, null, null);
                return Offer.DROPPED;
            }
            boolean noise = baseline != null && pick(seq, noiseThreshold, 0x9E3779B97F4A7C15L);
            if (ring != null) {
                if (!ring.offer(input, primaryOutput, context, nowMillis, noise)) {
                    bulkhead.onComplete();
                    stats.record(context, nowMillis, ShadowStats.Kind.DROP, null, null);
                    return Offer.DROPPED;
                }
                return Offer.HANDED_OVER;
            }
            CompletableFuture<Result> work = new CompletableFuture<>();
            try {
                executor.execute(() -> {
                    try {
                        work.complete(run(input, primaryOutput, noise));
                    } catch (Throwable t) {
                        work.complete(new Result(ShadowStats.Kind.ERROR, null, null));
                    } finally {
                        bulkhead.onComplete();
                    }
                });
            } catch (RejectedExecutionException e) {
                bulkhead.onComplete();
                stats.record(context, nowMillis, ShadowStats.Kind.DROP, null, null);
                return Offer.DROPPED;
            }
            timeLimiter.executeCompletionStage(scheduler, () -> work).whenComplete((result, failure) -> {
                if (failure == null) {
                    stats.record(context, nowMillis, result.kind, result.comparison, result.noise);
                    keepExample(context, nowMillis, input, primaryOutput, result);
                } else {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    stats.record(context, nowMillis,
                            cause instanceof TimeoutException ? ShadowStats.Kind.TIMEOUT : ShadowStats.Kind.ERROR, null, null);
                }
            });
            return Offer.HANDED_OVER;
        } catch (RuntimeException | Error e) {
            return Offer.FAILED;
        }
    }

    /** Timeout sweep of the default path: runs on the timeout scheduler, one task for the runner. */
    private void sweep(long limitNanos) {
        try {
            long now = System.nanoTime();
            for (Worker w : workers) {
                w.timeOutIfOverdue(now, limitNanos);
            }
        } catch (Throwable t) {
            // never let the periodic sweep die
        }
    }

    /**
     * A bounded MPMC ring of pre-allocated slots (D. Vyukov's bounded queue): slot {@code i} is free
     * for the producer at position {@code p} when {@code seq[i] == p}, and full for the consumer at
     * position {@code p} when {@code seq[i] == p + 1}. Offering allocates nothing.
     */
    private static final class Ring {
        private final int mask;
        private final AtomicLongArray seq;
        private final Object[] inputs;
        private final Object[] outputs;
        private final RequestContext[] contexts;
        private final long[] times;
        private final boolean[] noise;
        private final AtomicLong tail = new AtomicLong();
        private final AtomicLong head = new AtomicLong();

        Ring(int minCapacity) {
            int capacity = Integer.highestOneBit(Math.max(2, minCapacity) - 1) << 1;
            this.mask = capacity - 1;
            this.seq = new AtomicLongArray(capacity);
            for (int i = 0; i < capacity; i++) {
                seq.set(i, i);
            }
            this.inputs = new Object[capacity];
            this.outputs = new Object[capacity];
            this.contexts = new RequestContext[capacity];
            this.times = new long[capacity];
            this.noise = new boolean[capacity];
        }

        /** @return {@code false} when the ring is full */
        boolean offer(Object input, Object output, RequestContext ctx, long nowMillis, boolean measureNoise) {
            long pos = tail.get();
            while (true) {
                int i = (int) pos & mask;
                long d = seq.getAcquire(i) - pos;
                if (d == 0) {
                    if (tail.compareAndSet(pos, pos + 1)) {
                        inputs[i] = input;
                        outputs[i] = output;
                        contexts[i] = ctx;
                        times[i] = nowMillis;
                        noise[i] = measureNoise;
                        seq.setRelease(i, pos + 1);
                        return true;
                    }
                    pos = tail.get();
                } else if (d < 0) {
                    return false;
                } else {
                    pos = tail.get();
                }
            }
        }

        /** Moves the oldest call into {@code w}; {@code false} when the ring is empty. */
        boolean poll(ShadowRunner<?, ?>.Worker w) {
            long pos = head.get();
            while (true) {
                int i = (int) pos & mask;
                long d = seq.getAcquire(i) - (pos + 1);
                if (d == 0) {
                    if (head.compareAndSet(pos, pos + 1)) {
                        w.input = inputs[i];
                        w.primary = outputs[i];
                        w.ctx = contexts[i];
                        w.nowMillis = times[i];
                        w.measureNoise = noise[i];
                        inputs[i] = null;
                        outputs[i] = null;
                        contexts[i] = null;
                        seq.setRelease(i, pos + mask + 1);
                        return true;
                    }
                    pos = head.get();
                } else if (d < 0) {
                    return false;
                } else {
                    pos = head.get();
                }
            }
        }
    }

    /**
     * One of the runner's own shadow threads (default path). {@code state} is even while idle and odd
     * while a call runs; every call has its own odd value, so the sweeper's CAS from that value can
     * only time out the call it inspected.
     */
    private final class Worker implements Runnable {
        private final AtomicLong state = new AtomicLong();
        volatile Object input;
        volatile Object primary;
        volatile RequestContext ctx;
        volatile long nowMillis;
        volatile boolean measureNoise;
        private volatile long startNanos;

        @Override
        public void run() {
            int idle = 0;
            while (true) {
                boolean got;
                try {
                    got = ring.poll(this);
                } catch (Throwable t) {
                    got = false;
                }
                if (!got) {
                    if (closed) {
                        return;
                    }
                    // 50 µs doubling to 1.6 ms while idle: under load a call waits little, an idle runner wakes ~600 times a second
                    LockSupport.parkNanos(50_000L << Math.min(idle++, 5));
                    continue;
                }
                idle = 0;
                long began = System.nanoTime();
                runOne();
                if (restFactor > 0) {
                    rest((long) ((System.nanoTime() - began) * restFactor));
                }
            }
        }

        /** Keeps the worker off the CPU for the given time (the CPU budget), or until the runner closes. */
        private void rest(long nanos) {
            long until = System.nanoTime() + nanos;
            for (long left = nanos; left > 0 && !closed; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }

        @SuppressWarnings("unchecked")
        private void runOne() {
            try {
                long running = state.get() + 1;
                startNanos = System.nanoTime();
                state.set(running);
                Result result;
                try {
                    result = ShadowRunner.this.run((I) input, (O) primary, measureNoise);
                } catch (Throwable t) {
                    result = new Result(ShadowStats.Kind.ERROR, null, null);
                }
                if (state.compareAndSet(running, running + 1)) {
                    try {
                        timeLimiter.onSuccess();
                    } catch (RuntimeException ignored) {
                        // an event consumer's failure must not lose the result
                    }
                    stats.record(ctx, nowMillis, result.kind, result.comparison, result.noise);
                    keepExample(ctx, nowMillis, (I) input, (O) primary, result);
                } // else: the sweeper already counted it as a timeout; the late result is discarded
            } catch (Throwable t) {
                // never let a worker die
            } finally {
                input = null;
                primary = null;
                ctx = null;
                bulkhead.onComplete();
            }
        }

        void timeOutIfOverdue(long now, long limitNanos) {
            long s = state.get();
            if ((s & 1) == 0) {
                return;
            }
            long start = startNanos;
            RequestContext c = ctx;
            long served = nowMillis;
            if (now - start > limitNanos && state.compareAndSet(s, s + 1)) {
                try {
                    timeLimiter.onError(TimeLimiter.createdTimeoutExceptionWithName(timeLimiter.getName(), null));
                } catch (RuntimeException ignored) {
                    // an event consumer's failure must not lose the count
                }
                stats.record(c, served, ShadowStats.Kind.TIMEOUT, null, null);
            }
        }
    }

    /** Keeps a compared mismatch as an example of the report when the stats want one (off the request path). */
    private void keepExample(RequestContext ctx, long nowMillis, I input, O primary, Result result) {
        if (result.kind != ShadowStats.Kind.COMPARED || result.comparison.match()) {
            return;
        }
        try {
            double distance = result.comparison.distance();
            if (stats.wantsExample(ctx, distance)) {
                stats.example(ctx, nowMillis, cut(describeInput.apply(input)), cut(String.valueOf(primary)),
                        cut(String.valueOf(result.shadow)), distance);
            }
        } catch (RuntimeException e) {
            // an example is best effort: the mismatch itself is already counted
        }
    }

    private static String cut(String text) {
        return text == null ? "null" : text.length() <= MAX_EXAMPLE_TEXT ? text : text.substring(0, MAX_EXAMPLE_TEXT - 1) + "…";
    }

    private Result run(I input, O primaryOutput, boolean measureNoise) {
        ShadowComparison noise = null;
        if (measureNoise) {
            try {
                O again = baseline.predict(input);
                noise = comparator.compare(primaryOutput, again);
            } catch (Exception e) {
                noise = null; // the baseline's own failure says nothing about noise
            }
        }
        long t0 = clock.nanoTime();
        O shadow;
        try {
            shadow = candidate.predict(input);
        } catch (TimeoutException e) {
            return new Result(ShadowStats.Kind.TIMEOUT, null, noise);
        } catch (Exception e) {
            return new Result(ShadowStats.Kind.ERROR, null, noise);
        }
        if (clock.nanoTime() - t0 > timeoutNanos) {
            return new Result(ShadowStats.Kind.TIMEOUT, null, noise);
        }
        try {
            ShadowComparison c = comparator.compare(primaryOutput, shadow);
            if (c == null) {
                return new Result(ShadowStats.Kind.ERROR, null, noise);
            }
            return new Result(ShadowStats.Kind.COMPARED, c, noise, shadow);
        } catch (RuntimeException e) {
            return new Result(ShadowStats.Kind.ERROR, null, noise);
        }
    }

    private boolean pick(long seq, long threshold, long salt) {
        if (threshold >= UNIT) {
            return true;
        }
        if (threshold <= 0) {
            return false;
        }
        return (mix64(seed ^ salt ^ (seq * 0xBF58476D1CE4E5B9L)) >>> 11) < threshold;
    }

    private static long mix64(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long threshold(double rate) {
        return rate >= 1.0 ? UNIT : (long) (rate * UNIT);
    }

    /** @return a snapshot of everything measured so far */
    public ShadowReport report() {
        return stats.snapshot(name, clock.currentTimeMillis());
    }

    /** @return sampled calls dropped because the shadow executor was full (Outcome.SHADOW_DROPPED) */
    public long dropped() {
        return stats.totalDrops();
    }

    /** @return shadow calls whose candidate or comparator threw */
    public long errors() {
        return stats.totalErrors();
    }

    /** @return shadow calls that exceeded the timeout */
    public long timeouts() {
        return stats.totalTimeouts();
    }

    /** @return shadow calls whose output was compared */
    public long compared() {
        return stats.totalCompared();
    }

    /** @return shadow calls running or queued now */
    public int inFlight() {
        return bulkhead.getBulkheadConfig().getMaxConcurrentCalls() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    /** @return the runner's name */
    public String name() {
        return name;
    }

    /**
     * Stops accepting calls, stops the worker threads the runner created itself (after the calls
     * already handed over) and shuts down the scheduler it created itself (running shadow calls are
     * not interrupted). Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        // the default path's workers notice `closed` within one park (<= 200 µs), finish what is in
        // the ring and exit
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (ownsScheduler) {
            scheduler.shutdown();
        }
    }

    private record Result(ShadowStats.Kind kind, ShadowComparison comparison, ShadowComparison noise, Object shadow) {
        Result(ShadowStats.Kind kind, ShadowComparison comparison, ShadowComparison noise) {
            this(kind, comparison, noise, null);
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ScheduledExecutorService defaultScheduler(String name) {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("rollback4j-shadow-timeout-" + name));
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /**
     * Configures a {@link ShadowRunner}; not thread-safe. Every setter validates its value and throws
     * {@link IllegalArgumentException} naming the field, the value and the allowed range.
     *
     * @param <I> input type
     * @param <O> output type
     */
    public static final class Builder<I, O> {
        private final Model<I, O> candidate;
        private String name = "shadow";
        private Model<I, O> baseline;
        private ShadowComparator<O> comparator = ShadowComparator.exact();
        private double sampleRate = 0.1;
        private double noiseRate = 0.0;
        private long seed = 0x5EEDL;
        private int maxConcurrentCalls = 4;
        private double maxBusyShare = 1.0;
        private Duration timeout = Duration.ofSeconds(1);
        private Executor executor;
        private ScheduledExecutorService timeoutScheduler;
        private TimeSource timeSource = TimeSource.system();
        private String attributeName;
        private int maxAttributeValues = 100;
        private TimeOfDayBuckets timeOfDay = TimeOfDayBuckets.hourlyUtc();
        private Duration interval = Duration.ofHours(1);
        private int maxIntervals = 2_000;
        private int examples = DEFAULT_EXAMPLES;
        private java.util.function.Function<? super I, String> describeInput = String::valueOf;

        private Builder(Model<I, O> candidate) {
            this.candidate = Objects.requireNonNull(candidate, "ShadowRunner.candidate must not be null");
        }

        /**
         * @param name used in thread names and the report; 1 to 64 characters; default {@code shadow}
         * @return this builder
         */
        public Builder<I, O> name(String name) {
            if (name == null || name.isBlank() || name.length() > 64) {
                throw new IllegalArgumentException("ShadowRunner.name must be 1 to 64 non-blank characters, but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * @param baseline the last-known-good model, run a second time for noise cancellation; default none
         * @return this builder
         */
        public Builder<I, O> baseline(Model<I, O> baseline) {
            this.baseline = baseline;
            return this;
        }

        /**
         * @param comparator how outputs are compared; default {@link ShadowComparator#exact()}
         * @return this builder
         */
        public Builder<I, O> comparator(ShadowComparator<O> comparator) {
            this.comparator = Objects.requireNonNull(comparator, "ShadowRunner.comparator must not be null");
            return this;
        }

        /**
         * @param rate share of offered calls mirrored to the candidate, in [0.0, 1.0]; default 0.1
         * @return this builder
         */
        public Builder<I, O> sampleRate(double rate) {
            this.sampleRate = rate("sampleRate", rate);
            return this;
        }

        /**
         * @param rate share of mirrored calls that also run the baseline a second time to measure its
         *             noise, in [0.0, 1.0]; default 0.0 (off); above 0 needs a {@link #baseline(Model)}
         * @return this builder
         */
        public Builder<I, O> noiseRate(double rate) {
            this.noiseRate = rate("noiseRate", rate);
            return this;
        }

        /**
         * @param seed seed of the deterministic sampling sequence; default 0x5EED
         * @return this builder
         */
        public Builder<I, O> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param calls shadow calls running or queued at once (bulkhead size, and the default
         *              executor's thread count), in [1, 1024]; default 4
         * @return this builder
         */
        public Builder<I, O> maxConcurrentCalls(int calls) {
            if (calls < 1 || calls > 1024) {
                throw new IllegalArgumentException("ShadowRunner.maxConcurrentCalls must be in [1, 1024], but was " + calls);
            }
            this.maxConcurrentCalls = calls;
            return this;
        }

        /**
         * A CPU budget for the shadow, for hosts where the candidate competes with request threads for
         * cores: each of the runner's own workers spends at most this share of its time in candidate
         * calls. After a call that took {@code d}, the worker rests {@code d * (1 / share - 1)} before it
         * takes the next call; calls sampled meanwhile wait in the ring or, once the bulkhead is full, are
         * dropped and counted as usual. A candidate 10× slower than the primary at a 10 % sample rate
         * wants a whole core; {@code maxBusyShare(0.25)} caps it at a quarter of one per worker, at the
         * price of fewer compared calls.
         *
         * @param share in (0, 1]; default 1 (no budget: a worker takes the next call at once). Applies to
         *              the runner's own workers only; refused at {@code build()} with an injected
         *              {@link #executor executor}
         * @return this builder
         */
        public Builder<I, O> maxBusyShare(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("ShadowRunner.maxBusyShare must be in (0, 1], but was " + share);
            }
            this.maxBusyShare = share;
            return this;
        }

        /**
         * @param timeout longest a candidate call may take, in (0, 1 h]; default 1 s. Enforced by
         *                the time limiter (real time) and by the time source's nano-time.
         * @return this builder
         */
        public Builder<I, O> timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("ShadowRunner.timeout must be in (0, PT1H], but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * @param executor runs shadow calls, one task per call; default none: {@code maxConcurrentCalls}
         *                 daemon threads owned by the runner poll a pre-allocated ring (see the class
         *                 comment), so handing a call over allocates nothing and wakes no thread. An executor that throws
         *                 {@link RejectedExecutionException} makes the call a drop.
         * @return this builder
         */
        public Builder<I, O> executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "ShadowRunner.executor must not be null");
            return this;
        }

        /**
         * @param scheduler fires the time limiter's timeouts (with an injected executor: one task per
         *                  call; by default: one periodic sweep for the runner); default one daemon
         *                  thread owned by the runner
         * @return this builder
         */
        public Builder<I, O> timeoutScheduler(ScheduledExecutorService scheduler) {
            this.timeoutScheduler = Objects.requireNonNull(scheduler, "ShadowRunner.timeoutScheduler must not be null");
            return this;
        }

        /**
         * @param timeSource measures candidate latency and stamps reports; default {@link TimeSource#system()}
         * @return this builder
         */
        public Builder<I, O> timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "ShadowRunner.timeSource must not be null");
            return this;
        }

        /**
         * @param attributeName a {@link RequestContext#attributes()} key to break mismatches down by
         *                      (e.g. {@code tenant}); default none
         * @return this builder
         */
        public Builder<I, O> attribute(String attributeName) {
            if (attributeName != null && attributeName.isBlank()) {
                throw new IllegalArgumentException("ShadowRunner.attribute must be null or non-blank, but was '" + attributeName + "'");
            }
            this.attributeName = attributeName;
            return this;
        }

        /**
         * @param max distinct attribute values tracked, in [1, 10000]; later values count as
         *            {@code (other)}; default 100
         * @return this builder
         */
        public Builder<I, O> maxAttributeValues(int max) {
            if (max < 1 || max > 10_000) {
                throw new IllegalArgumentException("ShadowRunner.maxAttributeValues must be in [1, 10000], but was " + max);
            }
            this.maxAttributeValues = max;
            return this;
        }

        /**
         * @param buckets time-of-day buckets; default {@link TimeOfDayBuckets#hourlyUtc()}
         * @return this builder
         */
        public Builder<I, O> timeOfDay(TimeOfDayBuckets buckets) {
            this.timeOfDay = Objects.requireNonNull(buckets, "ShadowRunner.timeOfDay must not be null");
            return this;
        }

        /**
         * @param interval width of an over-time point, in [1 s, 1 d], whole milliseconds; default 1 h
         * @return this builder
         */
        public Builder<I, O> interval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("ShadowRunner.interval must be in [PT1S, PT24H], but was " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * @param max over-time intervals kept (oldest dropped first), in [1, 1000000]; default 2000
         * @return this builder
         */
        public Builder<I, O> maxIntervals(int max) {
            if (max < 1 || max > 1_000_000) {
                throw new IllegalArgumentException("ShadowRunner.maxIntervals must be in [1, 1000000], but was " + max);
            }
            this.maxIntervals = max;
            return this;
        }

        /**
         * @param perSegment example mismatches kept per segment for the report (those with the largest distance, the
         *                   first ones when the comparator gives none), in [0, 100]; 0 keeps none; default
         *                   {@value ShadowRunner#DEFAULT_EXAMPLES}
         * @return this builder
         */
        public Builder<I, O> examples(int perSegment) {
            if (perSegment < 0 || perSegment > 100) {
                throw new IllegalArgumentException("ShadowRunner.examples must be in [0, 100], but was " + perSegment);
            }
            this.examples = perSegment;
            return this;
        }

        /**
         * @param describe how an example mismatch's input appears in the report (redact personal data here); its text
         *                 is cut to {@value ShadowRunner#MAX_EXAMPLE_TEXT} characters; default {@code String.valueOf}.
         *                 Outputs appear as {@code String.valueOf}. Runs on the shadow thread of a kept mismatch only.
         * @return this builder
         */
        public Builder<I, O> describeInput(java.util.function.Function<? super I, String> describe) {
            this.describeInput = Objects.requireNonNull(describe, "ShadowRunner.describeInput must not be null");
            return this;
        }

        /**
         * @return the runner
         * @throws IllegalArgumentException when noiseRate &gt; 0 without a baseline
         */
        public ShadowRunner<I, O> build() {
            if (noiseRate > 0 && baseline == null) {
                throw new IllegalArgumentException("ShadowRunner.noiseRate is " + noiseRate
                        + " but no baseline model is set; set baseline(...) or use noiseRate 0.0");
            }
            if (maxBusyShare < 1 && executor != null) {
                throw new IllegalArgumentException("ShadowRunner.maxBusyShare is " + maxBusyShare + " but an executor is set;"
                        + " the CPU budget paces the runner's own workers: drop executor(...) or use maxBusyShare 1.0");
            }
            return new ShadowRunner<>(this);
        }

        private static double rate(String field, double rate) {
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException("ShadowRunner." + field + " must be in [0.0, 1.0], but was " + rate);
            }
            return rate;
        }
    }
}
