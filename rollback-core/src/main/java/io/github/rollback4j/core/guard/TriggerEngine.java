package io.github.rollback4j.core.guard;

import io.github.rollback4j.core.internal.Ticks;
import io.github.rollback4j.core.fleet.FleetTelemetry;
import io.github.rollback4j.telemetry.RouterTelemetry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RollbackRefusedException;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.stats.drift.ReferenceProfile;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.spi.BucketRange;
import io.github.rollback4j.spi.RolloutState;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Evaluates a router's triggers against its telemetry, every tick, and acts on the verdicts: a
 * sustained breach of a {@link Severity#SEVERE} trigger rolls back at once; of a
 * {@link Severity#MILD} one asks for approval (the rollout holds until an operator approves); a
 * {@link Severity#DRY_RUN} one is only reported.
 *
 * <h2>One evaluation</h2>
 * <ol>
 *   <li>The candidates are the releases other than the last-known-good that have weight in some
 *   segment. Each has an epoch that starts when its weights change; sequential tests restart with it.</li>
 *   <li>Each trigger reads candidate and baseline side by side over the same interval: its window of
 *   telemetry, or, for sequential tests, everything since the epoch began.</li>
 *   <li>Below a trigger's minimum samples on either arm the verdict is inconclusive, never a breach.
 *   A breach counts only once it has held at every evaluation for the trigger's sustain time; one
 *   healthy or inconclusive evaluation starts the clock over.</li>
 *   <li>Verdicts carry their evidence, are kept ({@link #latest()}, {@link #history()}) and are
 *   published to listeners.</li>
 * </ol>
 *
 * <p>Thread-safe: evaluations are serialized; listeners run on the evaluating thread.
 */
public final class TriggerEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TriggerEngine.class);

    /** Default evaluation interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** Default number of verdicts kept in {@link #history()}. */
    public static final int DEFAULT_HISTORY = 10_000;

    private final ModelRouter<?, ?> router;
    /** Where verdicts read their data: the router's own telemetry, or its fleet's ({@link Builder#telemetry}). */
    private final RouterTelemetry telemetry;
    private final List<TriggerSpec> triggers;
    private final TimeSource time;
    private final Duration interval;
    private Map<String, ReferenceProfile> references;
    private final int historyCapacity;
    private final ReentrantLock evaluating = new ReentrantLock();
    private final Map<String, ArmState> states = new HashMap<>();
    private final Map<ReleaseId, Epoch> epochs = new HashMap<>();
    private final Map<String, Verdict> latest = new LinkedHashMap<>();
    /** When each latest verdict's evaluation ran, on the monotonic clock, by the same key. */
    private final Map<String, Long> latestNanos = new HashMap<>();
    private final ArrayDeque<Verdict> history = new ArrayDeque<>();
    private final List<Verdict> pendingApprovals = new ArrayList<>();
    /** Triggers short of samples at the latest evaluation, by trigger, candidate and segment. */
    private final Map<String, SampleShortfall> shortfalls = new LinkedHashMap<>();
    /** Starved triggers a rollout reported (they cannot reach their samples within the step's bake), same key. */
    private final Map<String, String> starved = new LinkedHashMap<>();
    private final CopyOnWriteArrayList<Consumer<? super Verdict>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> schedule;

    private TriggerEngine(Builder b) {
        this.router = b.router;
        this.telemetry = b.telemetry != null ? b.telemetry : b.router.telemetry();
        this.triggers = List.copyOf(b.triggers);
        this.time = b.time;
        this.interval = b.interval;
        this.references = Map.copyOf(b.references);
        this.historyCapacity = b.historyCapacity;
    }

    /**
     * @param router the router whose releases are judged
     * @return a builder
     */
    public static Builder builder(ModelRouter<?, ?> router) {
        return new Builder(router);
    }

    /** @return where verdicts read their data: the router's own telemetry or its fleet's */
    public RouterTelemetry telemetry() {
        return telemetry;
    }

    /** @return the triggers, in declaration order */
    public List<TriggerSpec> triggers() {
        return triggers;
    }

    /**
     * Runs one evaluation now and acts on its verdicts.
     *
     * @return the verdicts of this evaluation: one per trigger and candidate (and segment, for per-segment triggers)
     */
    public List<Verdict> evaluate() {
        evaluating.lock();
        try {
            Instant now = time.now();
            long nowNanos = time.nanoTime();
            RolloutState state = router.state();
            ReleaseId baseline = state.lastKnownGood();
            Map<ReleaseId, Map<String, Integer>> candidates = candidates(state);
            TelemetrySnapshot sinceStart = telemetry.sinceStart();
            shortfalls.clear();
            updateEpochs(candidates, now, nowNanos, sinceStart);
            Duration retention = telemetry.retention();
            EvaluationContext ctx = new EvaluationContext(now, nowNanos,
                    window -> telemetry.snapshot(window.compareTo(retention) > 0 ? retention : window),
                    sinceStart, epochs, references);
            List<Verdict> verdicts = new ArrayList<>();
            String sources = telemetry instanceof FleetTelemetry fleet ? fleet.describeSources() : null;
            for (ReleaseId candidate : candidates.keySet()) {
                for (TriggerSpec trigger : triggers) {
                    for (Segment segment : segmentsOf(trigger, candidate, candidates.get(candidate), ctx)) {
                        Verdict verdict = judge(trigger, new Arm(candidate, baseline, segment), ctx);
                        verdicts.add(sources == null ? verdict : withSources(verdict, sources));
                    }
                }
            }
            for (Verdict verdict : verdicts) {
                keep(verdict, nowNanos);
                publish(verdict);
            }
            act(verdicts);
            return verdicts;
        } finally {
            evaluating.unlock();
        }
    }

    /** Releases other than the LKG with weight somewhere, with their weights per segment. */
    private static Map<ReleaseId, Map<String, Integer>> candidates(RolloutState state) {
        Map<ReleaseId, Map<String, Integer>> candidates = new LinkedHashMap<>();
        state.allocations().forEach((segment, ranges) -> {
            for (BucketRange range : ranges) {
                if (!range.release().equals(state.lastKnownGood())) {
                    candidates.computeIfAbsent(range.release(), id -> new LinkedHashMap<>()).merge(segment, range.size(), Integer::sum);
                }
            }
        });
        return candidates;
    }

    private void updateEpochs(Map<ReleaseId, Map<String, Integer>> candidates, Instant now, long nowNanos,
                              TelemetrySnapshot sinceStart) {
        epochs.keySet().retainAll(candidates.keySet());
        candidates.forEach((candidate, weights) -> {
            Epoch epoch = epochs.get(candidate);
            if (epoch == null || !epoch.weights().equals(weights)) {
                epochs.put(candidate, new Epoch(now, nowNanos, Map.copyOf(weights), sinceStart));
                String prefix = "|" + candidate.value() + "|";
                starved.keySet().removeIf(k -> k.contains(prefix));
            }
        });
    }

    private Collection<Segment> segmentsOf(TriggerSpec trigger, ReleaseId candidate, Map<String, Integer> weights, EvaluationContext ctx) {
        if (!trigger.perSegment()) {
            return Collections.singletonList(null);
        }
        // A set: with many segments, a list's contains() made this quadratic in the segments.
        Set<Segment> segments = new LinkedHashSet<>();
        for (ReleaseTelemetry t : ctx.window(trigger.window()).bySegment()) {
            if (t.release().equals(candidate)) {
                segments.add(t.segment());
            }
        }
        if (segments.isEmpty()) {
            weights.keySet().forEach(name -> segments.add(Segment.of(name)));
        }
        return segments;
    }

    private Verdict judge(TriggerSpec trigger, Arm arm, EvaluationContext ctx) {
        ArmState state = states.computeIfAbsent(key(trigger.name(), arm), k -> new ArmState());
        RawResult raw;
        try {
            raw = Evaluators.evaluate(trigger, arm, ctx, state);
        } catch (RuntimeException e) {
            LOG.error("trigger '{}' could not be evaluated for {}: {}", trigger.name(), router.releaseNameAndId(arm.candidate()),
                    e.toString(), e);
            raw = new RawResult(RawResult.State.INCONCLUSIVE, Evidence.builder(trigger.metric().kind(), trigger.threshold())
                    .note(trigger.metric().kind() + " could not be evaluated, so nothing was compared: " + e).build());
        }
        Evidence evidence = raw.evidence();
        VerdictLevel level;
        if (raw.state() == RawResult.State.BREACH) {
            if (state.breachingSince == null) {
                state.breachingSince = ctx.now;
                state.breachingSinceNanos = ctx.nowNanos;
            }
            evidence = evidence.withBreachingSince(state.breachingSince);
            // Sustain ("for 5 minutes") on the monotonic clock: a wall-clock step neither delays nor skips it.
            Duration held = Duration.ofNanos(ctx.nowNanos - state.breachingSinceNanos);
            if (held.compareTo(trigger.sustain()) >= 0) {
                level = switch (trigger.severity()) {
                    case SEVERE -> VerdictLevel.SEVERE_BREACH;
                    case MILD -> VerdictLevel.MILD_BREACH;
                    case DRY_RUN -> VerdictLevel.DRY_RUN_BREACH;
                };
                String sustained = trigger.sustain().isZero() ? "" : ", for " + Texts.duration(held) + " (it must hold "
                        + Texts.duration(trigger.sustain()) + ")";
                evidence = evidence.withNote(evidence.note() + sustained + "; " + consequence(trigger.severity()));
            } else {
                level = VerdictLevel.INCONCLUSIVE;
                evidence = evidence.withNote(join(evidence.note(), "breaching for " + Texts.duration(held) + " of the "
                        + Texts.duration(trigger.sustain()) + " it must hold before it counts"));
            }
        } else {
            state.breachingSince = null;
            level = raw.state() == RawResult.State.OK ? VerdictLevel.HEALTHY : VerdictLevel.INCONCLUSIVE;
        }
        Verdict verdict = new Verdict(trigger.name(), arm.candidate(), arm.baseline(), arm.segment(), level, trigger.severity(),
                ctx.now, evidence);
        noteShortfall(trigger, arm, ctx, raw.shortfall(), verdict);
        return verdict;
    }

    /** Keeps the trigger's shortfall with the rate its arm collects samples at, or forgets it when there is none. */
    private void noteShortfall(TriggerSpec trigger, Arm arm, EvaluationContext ctx, RawResult.Shortfall shortfall, Verdict verdict) {
        String key = key(trigger.name(), arm);
        Epoch epoch = ctx.epochs.get(arm.candidate());
        long elapsedNanos = epoch == null ? 0 : ctx.nowNanos - epoch.startNanos();
        if (shortfall == null || elapsedNanos <= 0) {
            shortfalls.remove(key);
            return;
        }
        boolean windowed = shortfall.windowed();
        long spanNanos = windowed ? Math.min(elapsedNanos, trigger.window().toNanos()) : elapsedNanos;
        double rate = shortfall.samples() / (spanNanos / 1e9);
        Duration timeNeeded = null;
        if (rate > 0 && (!windowed || rate * trigger.window().toNanos() / 1e9 >= shortfall.needed())) {
            double seconds = shortfall.needed() / rate;
            timeNeeded = seconds > 1e9 ? null : Duration.ofNanos((long) (seconds * 1e9));
        }
        shortfalls.put(key, new SampleShortfall(trigger.name(), arm.candidate(), arm.segment(), shortfall.arm(),
                shortfall.samples(), shortfall.needed(), rate, Duration.ofNanos(elapsedNanos), timeNeeded,
                windowed ? trigger.window() : null, verdict.time()));
    }

    /**
     * @return the triggers short of samples at the latest evaluation, with the rates their arms collect samples at
     */
    public List<SampleShortfall> shortfalls() {
        evaluating.lock();
        try {
            return List.copyOf(shortfalls.values());
        } finally {
            evaluating.unlock();
        }
    }

    /**
     * Records that a rollout found a trigger starved: it cannot reach its minimum samples within the step's bake
     * at the observed rate. Kept until the candidate's weights change; a runbook's self-check reports it.
     *
     * @param shortfall the trigger's shortfall
     * @param finding the finding in words, with the numbers
     */
    public void reportStarved(SampleShortfall shortfall, String finding) {
        Objects.requireNonNull(shortfall, "reportStarved: shortfall must not be null");
        Objects.requireNonNull(finding, "reportStarved: finding must not be null");
        evaluating.lock();
        try {
            starved.put(shortfall.trigger() + "|" + shortfall.candidate().value() + "|"
                    + (shortfall.segment() == null ? "*" : shortfall.segment().name()), finding);
        } finally {
            evaluating.unlock();
        }
    }

    /** @return the starved triggers the rollouts reported for the candidates' current weights, in words */
    public List<String> starvedTriggers() {
        evaluating.lock();
        try {
            return List.copyOf(starved.values());
        } finally {
            evaluating.unlock();
        }
    }

    /** Why a sustained breach is the level it is: what its severity does. */
    private static String consequence(Severity severity) {
        return switch (severity) {
            case SEVERE -> "severe: rolls back";
            case MILD -> "mild: pauses for approval";
            case DRY_RUN -> "dry run: reported only";
        };
    }

    /** A fleet's verdict says whose data it read: how many replicas, which are stale and how old. */
    private static Verdict withSources(Verdict v, String sources) {
        return new Verdict(v.trigger(), v.candidate(), v.baseline(), v.segment(), v.level(), v.severity(), v.time(),
                v.evidence().withNote(join(v.evidence().note(), sources)));
    }

    private static String join(String a, String b) {
        return a == null || a.isEmpty() ? b : a + "; " + b;
    }

    private static String key(String trigger, Arm arm) {
        return trigger + "|" + arm.candidate().value() + "|" + (arm.segment() == null ? "*" : arm.segment().name());
    }

    private void keep(Verdict verdict, long nanos) {
        String key = verdict.trigger() + "|" + verdict.candidate().value() + "|"
                + (verdict.segment() == null ? "*" : verdict.segment().name());
        latest.put(key, verdict);
        latestNanos.put(key, nanos);
        history.addLast(verdict);
        while (history.size() > historyCapacity) {
            history.removeFirst();
        }
    }

    /**
     * SEVERE rolls back (once per candidate still serving): the breached segment only for a
     * per-segment trigger, everything otherwise or when the trigger is global; MILD waits for
     * approval; DRY_RUN only reports.
     */
    private void act(List<Verdict> verdicts) {
        Map<String, TriggerSpec> byName = new HashMap<>();
        triggers.forEach(t -> byName.put(t.name(), t));
        for (Verdict verdict : verdicts) {
            boolean segmentOnly = verdict.segment() != null && !byName.get(verdict.trigger()).global();
            if (verdict.level() == VerdictLevel.SEVERE_BREACH
                    && stillServing(verdict.candidate(), segmentOnly ? verdict.segment() : null)) {
                Cause cause = Cause.trigger(verdict.trigger(), Severity.SEVERE.name(), summary(verdict));
                try {
                    if (segmentOnly) {
                        router.rollbackSegment(verdict.segment(), cause);
                    } else {
                        router.rollbackToLastKnownGood(cause);
                    }
                    // The router logged the one WARN line of this rollback; this is its detail.
                    LOG.info("router '{}': rolled back {} on trigger {}", router.name(),
                            segmentOnly ? "segment " + verdict.segment() : "every segment", summary(verdict));
                } catch (RollbackRefusedException e) {
                    LOG.error("router '{}': trigger '{}' asked for a rollback that was refused: {}", router.name(),
                            verdict.trigger(), e.getMessage());
                }
            } else if (verdict.level() == VerdictLevel.MILD_BREACH
                    && pendingApprovals.stream().noneMatch(p -> p.trigger().equals(verdict.trigger())
                    && p.candidate().equals(verdict.candidate()) && Objects.equals(p.segment(), verdict.segment()))) {
                // One pending approval per trigger, candidate and segment: a per-segment trigger's mild breach in
                // one segment must not hide another segment's.
                pendingApprovals.add(verdict);
                LOG.warn("router '{}': rollout paused for approval: {}", router.name(), summary(verdict));
            }
        }
    }

    /** The verdict's one line, naming the candidate by its display name and id. */
    private String summary(Verdict verdict) {
        return verdict.summary(router.releaseNameAndId(verdict.candidate()));
    }

    /** Whether the candidate still has weight in the segment (or anywhere, for {@code null}). */
    private boolean stillServing(ReleaseId candidate, Segment segment) {
        if (segment == null) {
            return router.state().allocations().values().stream()
                    .anyMatch(ranges -> ranges.stream().anyMatch(r -> r.release().equals(candidate)));
        }
        return router.weights(segment).containsKey(candidate);
    }

    private void publish(Verdict verdict) {
        for (Consumer<? super Verdict> listener : listeners) {
            try {
                listener.accept(verdict);
            } catch (RuntimeException e) {
                LOG.warn("verdict listener {} threw on {}; the other listeners still got it", listener, verdict.trigger(), e);
            }
        }
    }

    /**
     * Captures the last-known-good's current profile of every input field and of the prediction score
     * over {@code window} as the fixed reference of drift triggers, replacing earlier references.
     * Save them with {@link io.github.rollback4j.core.spec.ReferenceProfiles#write} to keep them.
     *
     * @param window how much of the last-known-good's telemetry to capture
     * @return the captured profiles (empty when the last-known-good has no sampled inputs or scores)
     */
    public List<ReferenceProfile> captureReferences(Duration window) {
        evaluating.lock();
        try {
            TelemetrySnapshot snapshot = telemetry.snapshot(window);
            List<ReferenceProfile> captured = new ArrayList<>();
            snapshot.total(router.state().lastKnownGood()).ifPresent(lkg -> {
                long at = snapshot.to().toEpochMilli();
                lkg.inputs().values().forEach(field -> captured.add(ReferenceProfile.of(field, at)));
                if (lkg.scores() instanceof ValueSnapshot scores && scores.count() > 0) {
                    captured.add(ReferenceProfile.numeric(io.github.rollback4j.trigger.Metric.Drift.SCORE, scores, at));
                }
            });
            Map<String, ReferenceProfile> next = new HashMap<>();
            captured.forEach(p -> next.put(p.field(), p));
            references = Map.copyOf(next);
            return List.copyOf(captured);
        } finally {
            evaluating.unlock();
        }
    }

    /** @return the fixed drift references by field; drift triggers on other fields compare with the live last-known-good */
    public Map<String, ReferenceProfile> references() {
        evaluating.lock();
        try {
            return references;
        } finally {
            evaluating.unlock();
        }
    }

    /**
     * @param listener called with every verdict of every evaluation, on the evaluating thread
     * @return a handle that removes the listener
     */
    public RouterEventPublisher.Registration onVerdict(Consumer<? super Verdict> listener) {
        Objects.requireNonNull(listener, "onVerdict: listener must not be null");
        Consumer<Verdict> entry = listener::accept;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    /** @return the latest verdict per trigger, candidate and segment */
    public List<Verdict> latest() {
        evaluating.lock();
        try {
            return List.copyOf(latest.values());
        } finally {
            evaluating.unlock();
        }
    }

    /**
     * The latest verdicts of evaluations that ran at or after a moment of the monotonic clock, e.g. since a
     * rollout step began. Measured on {@link TimeSource#nanoTime()}, not on the verdicts' wall-time stamps, so a
     * step of the wall clock neither hides fresh verdicts nor passes off old ones as fresh.
     *
     * @param nanoTime a value of this engine's {@link TimeSource#nanoTime()}
     * @return the latest verdict per trigger, candidate and segment whose evaluation ran at or after it
     */
    public List<Verdict> latestSince(long nanoTime) {
        evaluating.lock();
        try {
            List<Verdict> fresh = new ArrayList<>();
            latest.forEach((key, verdict) -> {
                if (latestNanos.get(key) - nanoTime >= 0) {
                    fresh.add(verdict);
                }
            });
            return fresh;
        } finally {
            evaluating.unlock();
        }
    }

    /** @return the kept verdicts, oldest first (at most the history capacity) */
    public List<Verdict> history() {
        evaluating.lock();
        try {
            return List.copyOf(history);
        } finally {
            evaluating.unlock();
        }
    }

    /** @return mild breaches waiting for an operator's approval; while any waits, a rollout must not advance */
    public List<Verdict> pendingApprovals() {
        evaluating.lock();
        try {
            return List.copyOf(pendingApprovals);
        } finally {
            evaluating.unlock();
        }
    }

    /** @return whether a mild breach waits for approval */
    public boolean awaitingApproval() {
        return !pendingApprovals().isEmpty();
    }

    /**
     * An operator approves going on despite every pending mild breach; written to the router's audit log.
     *
     * @param cause the operator and why
     * @return the verdicts approved
     */
    public List<Verdict> approve(Cause cause) {
        return approve(null, cause);
    }

    /**
     * An operator approves going on despite the pending mild breaches of one candidate; written to the
     * router's audit log. A breach that still holds at the next evaluation asks again.
     *
     * @param candidate the candidate whose breaches are approved, or {@code null} for every candidate
     * @param cause the operator and why
     * @return the verdicts approved
     */
    public List<Verdict> approve(ReleaseId candidate, Cause cause) {
        return approve(candidate, null, cause);
    }

    /**
     * An operator approves going on despite the pending mild breaches of one candidate in one segment:
     * those of per-segment triggers for that segment, and those over all traffic (which hold every
     * segment); the pending breaches of other segments stay pending. Written to the router's audit log.
     *
     * @param candidate the candidate whose breaches are approved, or {@code null} for every candidate
     * @param segment the segment, or {@code null} for every segment
     * @param cause the operator and why
     * @return the verdicts approved
     */
    public List<Verdict> approve(ReleaseId candidate, Segment segment, Cause cause) {
        Objects.requireNonNull(cause, "approve: cause must not be null");
        evaluating.lock();
        try {
            List<Verdict> approved = pendingApprovals.stream()
                    .filter(v -> candidate == null || v.candidate().equals(candidate))
                    .filter(v -> segment == null || v.segment() == null || v.segment().equals(segment)).toList();
            pendingApprovals.removeAll(approved);
            router.audit("approved", cause, approved.isEmpty() ? "nothing was pending"
                    : approved.stream().map(this::summary).collect(java.util.stream.Collectors.joining("; ")));
            LOG.info("router '{}': {} approved {} pending breach(es): {}", router.name(), cause.actor(), approved.size(), cause.reason());
            return approved;
        } finally {
            evaluating.unlock();
        }
    }

    /**
     * Evaluates every {@link Builder#interval} on the given scheduler.
     *
     * @param scheduler the scheduler; the engine does not shut it down
     */
    public synchronized void start(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "start: scheduler must not be null");
        if (schedule != null) {
            schedule.cancel(false);
        }
        schedule = Ticks.every(scheduler, interval, this::evaluate, LOG, () -> "router '" + router.name() + "': trigger evaluation");
    }

    /** Stops the schedule. */
    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.cancel(false);
            schedule = null;
        }
    }

    /** Builds a {@link TriggerEngine}; not thread-safe. */
    public static final class Builder {
        private final ModelRouter<?, ?> router;
        private RouterTelemetry telemetry;
        private final List<TriggerSpec> triggers = new ArrayList<>();
        private TimeSource time = TimeSource.system();
        private Duration interval = DEFAULT_INTERVAL;
        private final Map<String, ReferenceProfile> references = new HashMap<>();
        private int historyCapacity = DEFAULT_HISTORY;

        private Builder(ModelRouter<?, ?> router) {
            this.router = Objects.requireNonNull(router, "TriggerEngine.builder(router): router must not be null");
        }

        /**
         * @param specs triggers to evaluate
         * @return this builder
         */
        public Builder triggers(List<TriggerSpec> specs) {
            triggers.addAll(Objects.requireNonNull(specs, "TriggerEngine.triggers must not be null"));
            return this;
        }

        /**
         * @param spec a trigger to evaluate
         * @return this builder
         */
        public Builder trigger(TriggerSpec spec) {
            triggers.add(Objects.requireNonNull(spec, "TriggerEngine.trigger must not be null"));
            return this;
        }

        /**
         * Where verdicts read their data; default the router's own {@link ModelRouter#telemetry()}. In
         * fleet mode the leader's engine reads its fleet's merged telemetry
         * ({@code FleetMember.telemetry()}), and every verdict's evidence then says how many replicas'
         * data it read and which were stale.
         *
         * @param source the telemetry
         * @return this builder
         */
        public Builder telemetry(RouterTelemetry source) {
            this.telemetry = Objects.requireNonNull(source, "TriggerEngine.telemetry must not be null");
            return this;
        }

        /**
         * @param timeSource the clock of verdicts and sustain times; use the router's (a virtual one in tests)
         * @return this builder
         */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "TriggerEngine.timeSource must not be null");
            return this;
        }

        /**
         * @param every evaluation interval for {@link #start}, 10 ms..1 h (default 1 s)
         * @return this builder
         */
        public Builder interval(Duration every) {
            if (every == null || every.compareTo(Duration.ofMillis(10)) < 0 || every.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("TriggerEngine.interval must be between 10ms and 1h, but was " + every);
            }
            this.interval = every;
            return this;
        }

        /**
         * A fixed reference for drift triggers on its field (instead of the last-known-good's live
         * profile), e.g. loaded from a file or captured earlier.
         *
         * @param profile the reference profile; its field names the drift trigger's field ({@code score} for scores)
         * @return this builder
         */
        public Builder reference(ReferenceProfile profile) {
            Objects.requireNonNull(profile, "TriggerEngine.reference must not be null");
            references.put(profile.field(), profile);
            return this;
        }

        /**
         * @param profiles fixed references, e.g. {@code ReferenceProfiles.read(path)}
         * @return this builder
         */
        public Builder references(List<ReferenceProfile> profiles) {
            profiles.forEach(this::reference);
            return this;
        }

        /**
         * @param capacity verdicts kept in {@link #history()}, 1..1000000
         * @return this builder
         */
        public Builder historyCapacity(int capacity) {
            if (capacity < 1 || capacity > 1_000_000) {
                throw new IllegalArgumentException("TriggerEngine.historyCapacity must be between 1 and 1000000, but was " + capacity);
            }
            this.historyCapacity = capacity;
            return this;
        }

        /**
         * @return the engine
         * @throws IllegalArgumentException when no trigger is given, two share a name, an input-quality trigger
         *         reads what the router does not profile (a field outside its input profile, a schema it does not
         *         declare, scores it does not extract), or a KPI {@code dropBy} of 0 is tested sequentially
         */
        public TriggerEngine build() {
            if (triggers.isEmpty()) {
                throw new IllegalArgumentException("TriggerEngine needs at least one trigger");
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (TriggerSpec t : triggers) {
                if (!names.add(t.name())) {
                    throw new IllegalArgumentException("TriggerEngine: trigger name '" + t.name() + "' is used twice; names must be unique");
                }
            }
            io.github.rollback4j.core.internal.ProfiledInputs.of(router.telemetry()).ifPresent(this::checkProfiled);
            for (TriggerSpec t : triggers) {
                if (t.metric() instanceof io.github.rollback4j.trigger.Metric.Kpi && t.sequential()
                        && t.threshold().kind() == io.github.rollback4j.trigger.Threshold.Kind.DROP_BY
                        && t.threshold().value() == 0) {
                    throw new IllegalArgumentException("TriggerEngine: trigger '" + t.name() + "' tests a KPI dropBy of 0: an"
                            + " absolute drop has no natural scale, so set dropBy to the smallest drop that matters, in the"
                            + " KPI's units (e.g. 0.002), or use drop (a fraction of the baseline)");
                }
            }
            return new TriggerEngine(this);
        }

        /**
         * An input-quality trigger on something the router does not profile would stay inconclusive for ever and hold
         * every rollout it guards: a configuration error, refused here.
         */
        private void checkProfiled(io.github.rollback4j.core.internal.ProfiledInputs profiled) {
            String fields = profiled.fields().isEmpty()
                    ? "the router has no input profile; declare one with ModelRouters.builder(..).inputProfile(..)"
                    : "the router profiles " + profiled.fields();
            for (TriggerSpec t : triggers) {
                String field = null;
                if (t.metric() instanceof io.github.rollback4j.trigger.Metric.InputNullRate nulls) {
                    field = nulls.field();
                } else if (t.metric() instanceof io.github.rollback4j.trigger.Metric.Drift drift) {
                    if (io.github.rollback4j.trigger.Metric.Drift.SCORE.equals(drift.field())) {
                        if (!profiled.scores()) {
                            throw new IllegalArgumentException("TriggerEngine: trigger '" + t.name() + "' watches the drift of"
                                    + " the prediction score, but router '" + router.name() + "' extracts no score; set"
                                    + " ModelRouters.builder(..).scoreExtractor(..) or remove the trigger");
                        }
                        continue;
                    }
                    field = drift.field();
                } else if (t.metric() instanceof io.github.rollback4j.trigger.Metric.SchemaViolationRate && !profiled.schema()) {
                    throw new IllegalArgumentException("TriggerEngine: trigger '" + t.name() + "' reads the schema violation rate,"
                            + " but router '" + router.name() + "' declares no input schema (" + fields + "); add rules"
                            + " (range, allowedCategories, required) to its InputProfile or remove the trigger");
                }
                if (field != null && !profiled.fields().contains(field)) {
                    throw new IllegalArgumentException("TriggerEngine: trigger '" + t.name() + "' reads input field '" + field
                            + "', which router '" + router.name() + "' does not profile (" + fields + "); add '" + field
                            + "' to the InputProfile or name one of its fields");
                }
            }
        }
    }
}
