package io.github.rollback4j.core.incident;

import io.github.rollback4j.core.internal.Ticks;
import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.Segment;
import io.github.rollback4j.TimeSource;
import io.github.rollback4j.core.AuditQuery;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.guard.ReleaseCheck;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.ReleaseTelemetry;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import io.github.rollback4j.trigger.TriggerSpec;
import io.github.rollback4j.trigger.Verdict;
import io.github.rollback4j.trigger.VerdictLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Runs the incident a rollback opens: freeze, evidence, notify, verify.
 *
 * <ol>
 *   <li><b>Open.</b> On a {@link RouterEvent.RolledBack} or {@link RouterEvent.SegmentRolledBack} (on the
 *   thread that rolled back, after the routing swap): the rolled-back releases are frozen (their model,
 *   feature and config digests and their quarantine are recorded), the last {@code samplesBefore}
 *   sampled calls they served are taken from the router's sample ring, their impact is read from the
 *   telemetry since start (requests, errors, distinct stickiness keys), the trigger verdict that caused
 *   the rollback is attached (when a {@link TriggerEngine} is given), the bundle is written and an
 *   {@code OPENED} notice goes out.</li>
 *   <li><b>Refused.</b> On a {@link RouterEvent.RollbackRefused} (the last-known-good is cold or unhealthy, so the
 *   router would not route to it): an incident {@link IncidentStatus#ESCALATED} at once, with
 *   {@link Incident#rollbackRefused()}, the releases still serving frozen (not quarantined) with their impact and
 *   samples, the trigger's verdict, and an {@code ESCALATED} notice. A trigger asks again at every evaluation while
 *   its breach holds: further refusals at the same routing generation are counted on that incident's timeline
 *   (at the 10th, 100th, ... refusal), not opened anew.</li>
 *   <li><b>Evidence after.</b> Each {@link #evaluate()} adds the sampled calls the last-known-good served
 *   after the rollback, up to {@code samplesAfter} ({@code UPDATED} notice once complete).</li>
 *   <li><b>Verify.</b> Each {@link #evaluate()} runs the verification checks ({@link ReleaseCheck}s:
 *   trigger specs with absolute thresholds) on the last-known-good. A check counts once its window
 *   holds only traffic after the rollback ({@code window + one sub-window} after it). When every
 *   check is healthy the incident is {@link IncidentStatus#RESOLVED}; when the verification timeout
 *   passes first it is {@link IncidentStatus#ESCALATED} ("rollback did not restore the SLOs"), with
 *   the failing checks' evidence. Without checks, an operator resolves it ({@link #resolve}).</li>
 * </ol>
 * Every change rewrites the bundle ({@value EvidenceStore#BUNDLE_JSON} and {@value EvidenceStore#SUMMARY_MD})
 * atomically in the {@link EvidenceStore}. Samples pass the {@link Redactor} before they are kept, and
 * so do the messages of the exceptions models threw in them ({@link Redactor#redactMessage}; a kept
 * sample's error is a {@link RedactedError}).
 *
 * <p>Failure isolation: notifiers run each on a daemon thread of their own, so a slow or failing
 * notifier never delays a rollback or another notifier; failures are logged and counted. A store or
 * redactor failure is logged and never reaches the router.
 *
 * <p>Thread-safe. Drive it with {@link #evaluate()} (a virtual clock in tests and game days) or
 * {@link #start(ScheduledExecutorService)}.
 */
public final class Incidents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Incidents.class);

    /** Default sampled calls kept from before the rollback. */
    public static final int DEFAULT_SAMPLES_BEFORE = 50;
    /** Default sampled calls kept from after the rollback. */
    public static final int DEFAULT_SAMPLES_AFTER = 50;
    /** Default time the SLOs have to recover on the last-known-good. */
    public static final Duration DEFAULT_VERIFICATION_TIMEOUT = Duration.ofMinutes(10);
    /** Default evaluation interval of {@link #start}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** Most samples kept on either side. */
    public static final int MAX_SAMPLES = 10_000;

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final ManagedModelRouter<?, ?> router;
    /** What impact and verification read: the trigger engine's telemetry (a fleet's, in fleet mode) or the router's. */
    private final io.github.rollback4j.telemetry.RouterTelemetry telemetry;
    /** Whether this manager opens incidents for the router's own rollbacks now (fleet mode: only on the leader). */
    private volatile java.util.function.BooleanSupplier opens = () -> true;
    private final TimeSource time;
    private final EvidenceStore store;
    private final List<Notifier> notifiers;
    private final List<ExecutorService> notifierThreads = new ArrayList<>();
    /**
     * Writes bundles in the order they were taken, off the thread that rolled back: a rollback runs
     * the router's listeners while it holds the router's lock, and a write (fsync included) must not
     * hold up the next routing change. Only the newest pending snapshot of an incident is written.
     */
    private final ExecutorService writer;
    private final Map<String, Incident> pendingWrites = new ConcurrentHashMap<>();
    private final Redactor redactor;
    private final int samplesBefore;
    private final int samplesAfter;
    private final List<TriggerSpec> checks;
    private final Duration timeout;
    private final Duration interval;
    private final String owner;
    private final String channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Tracked> incidents = new LinkedHashMap<>();
    /** The refusal incident of each routing generation: refusals repeat at every evaluation while a breach holds. */
    private final Map<Long, Tracked> refusedAt = new LinkedHashMap<>();
    /** Latest verdict per trigger, candidate and segment, fed by the engine's listener (never by calling the engine). */
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    private final List<RouterEventPublisher.Registration> registrations = new ArrayList<>();
    private final AtomicLong notificationFailures = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private ScheduledFuture<?> schedule;

    private Incidents(Builder b) {
        this.telemetry = b.engine != null ? b.engine.telemetry() : b.router.telemetry();
        this.router = b.router;
        this.time = b.time;
        this.store = b.store;
        this.notifiers = List.copyOf(b.notifiers);
        this.redactor = b.redactor;
        this.samplesBefore = b.samplesBefore;
        this.samplesAfter = b.samplesAfter;
        this.checks = List.copyOf(b.checks);
        this.timeout = b.timeout;
        this.interval = b.interval;
        this.owner = b.owner;
        this.channel = b.channel;
        String writerName = "rollback4j-evidence-" + router.name();
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, writerName);
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < notifiers.size(); i++) {
            String threadName = "rollback4j-notify-" + router.name() + "-" + i;
            notifierThreads.add(Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, threadName);
                thread.setDaemon(true);
                return thread;
            }));
        }
        if (b.engine != null) {
            // A listener, not engine.latest(): the engine holds its lock while it rolls back, and an
            // operator's rollback on another thread holds the router's; asking the engine could deadlock.
            registrations.add(b.engine.onVerdict(v -> verdicts.put(key(v.trigger(), v.candidate(), v.segment()), v)));
        }
        registrations.add(router.eventPublisher().onEvent(this::onEvent));
    }

    /**
     * Fleet mode ({@code FleetMember.Builder.incidents}): the manager opens incidents for its router's
     * own rollbacks only while {@code gate} says so (only on the leader, which keeps the evidence of every
     * rollback in the fleet and verifies recovery on fleet-wide data); the rollbacks other replicas commit
     * reach it through {@link #openForFleetRollback}.
     *
     * @param gate whether to open incidents now; called on the thread that rolled back
     */
    public void openOnlyWhen(java.util.function.BooleanSupplier gate) {
        this.opens = Objects.requireNonNull(gate, "openOnlyWhen: gate must not be null");
    }

    /**
     * Opens the incident of a rollback another replica of the fleet committed (fleet mode, on the
     * leader), as if this router had rolled back: frozen releases, impact and samples as this replica
     * knows them, the bundle, notifications and recovery verification.
     *
     * @param at when the rollback was committed
     * @param segment the segment rolled back, or {@code null} for every segment
     * @param lastKnownGood the release that took the traffic back
     * @param rolledBack the releases rolled back
     * @param flagsOff the feature flags turned off
     * @param generation the state generation of the rollback commit
     * @param cause who rolled back and why
     * @param committedBy the replica whose commit it was
     * @return the incident
     */
    public Incident openForFleetRollback(Instant at, Segment segment, ReleaseId lastKnownGood, Set<ReleaseId> rolledBack,
                                         Set<String> flagsOff, long generation, Cause cause, String committedBy) {
        lock.lock();
        try {
            String id = open(at, segment, lastKnownGood, rolledBack, flagsOff, generation, cause);
            Tracked t = incidents.get(id);
            t.event(time.now(), "committed by replica " + committedBy + "; this replica leads the fleet and keeps the evidence");
            Incident snapshot = t.snapshot();
            write(snapshot);
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param router the router whose rollbacks open incidents
     * @return a builder
     */
    public static Builder builder(ManagedModelRouter<?, ?> router) {
        return new Builder(router);
    }

    // ------------------------------------------------------------------ queries

    /** @return every incident this manager opened, oldest first */
    public List<Incident> incidents() {
        lock.lock();
        try {
            return incidents.values().stream().map(Tracked::snapshot).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param id an incident's id
     * @return the incident, if this manager opened it
     */
    public Optional<Incident> incident(String id) {
        lock.lock();
        try {
            return Optional.ofNullable(incidents.get(id)).map(Tracked::snapshot);
        } finally {
            lock.unlock();
        }
    }

    /** @return the incidents still {@link IncidentStatus#OPEN}, oldest first */
    public List<Incident> open() {
        return incidents().stream().filter(i -> i.status() == IncidentStatus.OPEN).toList();
    }

    /** @return notices a notifier failed to deliver (after its own retries) */
    public long notificationFailures() {
        return notificationFailures.get();
    }

    /** @return bundle writes the evidence store refused */
    public long storeFailures() {
        return storeFailures.get();
    }

    /** @return who answers for the router's incidents, if configured (empty when unset or blank) */
    public Optional<String> owner() {
        return Optional.of(owner).filter(s -> !s.isBlank());
    }

    /** @return where the router's incidents are discussed, if configured (empty when unset or blank) */
    public Optional<String> channel() {
        return Optional.of(channel).filter(s -> !s.isBlank());
    }

    /** @return the recovery checks run on the last-known-good after a rollback (empty: none configured) */
    public List<TriggerSpec> verificationChecks() {
        return checks;
    }

    /** @return how long after a rollback the checks have to pass before the incident escalates */
    public Duration verificationTimeout() {
        return timeout;
    }

    /**
     * @return the notifiers, described for people ({@code toString()} of the built-ins, e.g.
     *         {@code WebhookNotifier{https://hooks.example/****}}, with every URL masked by {@link MaskedUrls};
     *         {@code custom notifier} for lambdas)
     */
    public List<String> notifierDescriptions() {
        return notifiers.stream().map(Incidents::describe).toList();
    }

    /** A notifier for people and logs; URLs in a custom notifier's {@code toString()} are masked too. */
    private static String describe(Notifier n) {
        return n.getClass().isSynthetic() || n.getClass().isAnonymousClass() ? "custom notifier" : MaskedUrls.in(n.toString());
    }

    /** @return the evidence store, or {@code null} when bundles are kept in memory only */
    public EvidenceStore store() {
        return store;
    }

    // ------------------------------------------------------------------ open

    private void onEvent(RouterEvent event) {
        if ((event instanceof RouterEvent.RolledBack || event instanceof RouterEvent.SegmentRolledBack) && !opens.getAsBoolean()) {
            return;
        }
        try {
            if (event instanceof RouterEvent.RolledBack r) {
                open(r.time(), null, r.lastKnownGood(), r.rolledBack(), r.flagsDisabled(), r.generation(), r.cause());
            } else if (event instanceof RouterEvent.SegmentRolledBack s) {
                open(s.time(), s.segment(), s.lastKnownGood(), s.rolledBack(), Set.of(), s.generation(), s.cause());
            } else if (event instanceof RouterEvent.RollbackRefused r) {
                refused(r);
            }
        } catch (RuntimeException e) {
            LOG.error("router '{}': could not open the incident of {}", router.name(), event, e);
        }
    }

    private String open(Instant at, Segment segment, ReleaseId lkg, Set<ReleaseId> rolledBack, Set<String> flagsOff,
                        long generation, Cause cause) {
        lock.lock();
        try {
            String id = uniqueId("inc-" + ID_TIME.format(at) + "-" + router.name() + "-g" + generation);
            Tracked t = new Tracked(id, at, segment, lkg, new LinkedHashSet<>(rolledBack), cause);
            t.deadline = at.plus(timeout);
            t.openedNanos = time.nanoTime();
            t.afterComplete = samplesAfter == 0;
            t.verification = checks.isEmpty() ? Incident.Verification.State.NOT_CONFIGURED : Incident.Verification.State.RUNNING;
            checks.forEach(c -> t.checks.add(ReleaseCheck.of(c)));
            Set<ReleaseId> quarantined = router.state().quarantined();
            for (ReleaseId id0 : rolledBack) {
                Release release = router.releases().stream().filter(r -> r.id().equals(id0)).findFirst().orElse(null);
                if (release != null) {
                    t.frozen.add(freeze(release, quarantined.contains(id0), flagsOff));
                }
            }
            TelemetrySnapshot totals = telemetry.sinceStart();
            for (ReleaseId id0 : rolledBack) {
                Optional<ReleaseTelemetry> served = segment == null ? totals.total(id0) : totals.get(id0, segment);
                long requests = served.map(ReleaseTelemetry::requests).orElse(0L);
                long errors = served.map(s -> s.count(Outcome.MODEL_ERROR) + s.count(Outcome.TIMEOUT) + s.count(Outcome.FALLBACK))
                        .orElse(0L);
                long keys = router.distinctKeys(id0).orElse(-1L);
                t.impact.add(new Incident.Impact(id0, segment, requests, errors, keys));
            }
            if (!Cause.NONE.equals(cause.trigger())) {
                t.trigger = verdicts.values().stream()
                        .filter(v -> v.trigger().equals(cause.trigger()) && rolledBack.contains(v.candidate())
                                && (segment == null || v.segment() == null || segment.equals(v.segment())))
                        .filter(v -> v.level().isBreach())
                        .reduce((a, b) -> b).orElse(null);
            }
            List<? extends CallSample<?, ?>> all = router.samples(Instant.MIN, Instant.MAX);
            List<CallSample<?, ?>> before = new ArrayList<>();
            for (CallSample<?, ?> s : all) {
                t.lastSequenceSeen = Math.max(t.lastSequenceSeen, s.sequence());
                if (rolledBack.contains(s.release()) && (segment == null || segment.equals(s.segment()))) {
                    before.add(s);
                }
            }
            for (CallSample<?, ?> s : before.subList(Math.max(0, before.size() - samplesBefore), before.size())) {
                redactInto(t, s, t.before);
            }
            t.event(at, "rolled back " + (segment == null ? "every segment" : "segment " + segment) + " to " + router.releaseNameAndId(lkg) + " by "
                    + cause.actor() + (Cause.NONE.equals(cause.trigger()) ? "" : " (trigger " + cause.trigger() + ")") + ": "
                    + cause.reason());
            t.event(time.now(), "incident opened: " + rolledBack.stream().map(router::releaseNameAndId).toList() + " frozen and quarantined, " + t.before.size()
                    + " samples from before the rollback kept" + (checks.isEmpty() ? "; no verification checks configured"
                    : "; verifying " + checks.stream().map(TriggerSpec::name).collect(Collectors.joining(", "))
                    + " on " + router.releaseNameAndId(lkg) + " until " + t.deadline));
            t.audit = auditSince(lkg, at);
            incidents.put(id, t);
            Incident snapshot = t.snapshot();
            write(snapshot);
            notifyAll(IncidentNotice.Kind.OPENED, snapshot, "[" + router.name() + "] rolled back to "
                    + label(lkg) + ": " + (Cause.NONE.equals(cause.trigger()) ? cause.reason() : cause.trigger()));
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A refused rollback: nothing changed in the routing, so there is nothing to verify; somebody must restore the
     * last-known-good (or promote a healthy release) by hand. Escalated at once, once per routing generation.
     */
    private void refused(RouterEvent.RollbackRefused r) {
        lock.lock();
        try {
            long generation = router.state().generation();
            String base = "inc-" + ID_TIME.format(r.time()) + "-" + router.name() + "-g" + generation + "-refused";
            Tracked already = refusedAt.get(generation);
            if (already != null) {
                already.refusals++;
                if (isPowerOfTen(already.refusals)) {
                    already.event(r.time(), "rollback refused again (" + already.refusals + " times so far): the last-known-good "
                            + router.releaseNameAndId(r.lastKnownGood().release()) + " is still " + r.lastKnownGood().state());
                    write(already.snapshot());
                }
                return;
            }
            ReleaseId lkg = r.lastKnownGood().release();
            Set<ReleaseId> serving = new LinkedHashSet<>();
            router.state().allocations().values().forEach(ranges -> ranges.forEach(range -> {
                if (!range.release().equals(lkg)) {
                    serving.add(range.release());
                }
            }));
            Tracked t = new Tracked(uniqueId(base), r.time(), null, lkg, serving, r.cause());
            t.refused = true;
            t.refusals = 1;
            t.status = IncidentStatus.ESCALATED;
            t.endedAt = r.time();
            t.deadline = r.time();
            t.afterComplete = true;
            t.verification = Incident.Verification.State.SKIPPED;
            for (ReleaseId id0 : serving) {
                router.releases().stream().filter(rel -> rel.id().equals(id0)).findFirst()
                        .ifPresent(release -> t.frozen.add(freeze(release, false, Set.of())));
            }
            TelemetrySnapshot totals = router.telemetry().sinceStart();
            for (ReleaseId id0 : serving) {
                Optional<ReleaseTelemetry> served = totals.total(id0);
                t.impact.add(new Incident.Impact(id0, null, served.map(ReleaseTelemetry::requests).orElse(0L),
                        served.map(s -> s.count(Outcome.MODEL_ERROR) + s.count(Outcome.TIMEOUT) + s.count(Outcome.FALLBACK)).orElse(0L),
                        router.distinctKeys(id0).orElse(-1L)));
            }
            if (!Cause.NONE.equals(r.cause().trigger())) {
                t.trigger = verdicts.values().stream()
                        .filter(v -> v.trigger().equals(r.cause().trigger()) && serving.contains(v.candidate()) && v.level().isBreach())
                        .reduce((a, b) -> b).orElse(null);
            }
            List<CallSample<?, ?>> before = new ArrayList<>();
            for (CallSample<?, ?> s : router.samples(Instant.MIN, Instant.MAX)) {
                if (serving.contains(s.release())) {
                    before.add(s);
                }
            }
            for (CallSample<?, ?> s : before.subList(Math.max(0, before.size() - samplesBefore), before.size())) {
                redactInto(t, s, t.before);
            }
            String health = r.lastKnownGood().state() + (r.lastKnownGood().lastFailure() == null ? ""
                    : " (" + r.lastKnownGood().lastFailure() + ")");
            t.event(r.time(), "rollback refused: " + r.cause().actor() + (Cause.NONE.equals(r.cause().trigger()) ? ""
                    : " (trigger " + r.cause().trigger() + ")") +  " asked for a rollback to " + router.releaseNameAndId(lkg) + ", which is " + health
                    + "; " + serving.stream().map(router::releaseNameAndId).toList() + " keep serving: " + r.cause().reason());
            t.event(r.time(), "escalated: no release can take the traffic back; restore the last-known-good (warmUp/checkHealth"
                    + " until it is READY, then roll back) or promote a healthy release");
            router.audit("incident-escalated", Cause.automatic("rollback refused: the last-known-good is " + r.lastKnownGood().state()),
                    t.id + ": " + serving.stream().map(router::releaseNameAndId).toList() + " keep serving");
            t.audit = auditSince(lkg, r.time());
            incidents.put(t.id, t);
            refusedAt.put(generation, t);
            Incident snapshot = t.snapshot();
            write(snapshot);
            notifyAll(IncidentNotice.Kind.ESCALATED, snapshot, "[" + router.name() + "] rollback REFUSED: the last-known-good "
                    + label(lkg) + " is " + r.lastKnownGood().state() + "; " + serving.stream().map(this::label).toList()
                    + " keep serving");
        } finally {
            lock.unlock();
        }
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }

    private String uniqueId(String base) {
        String id = base;
        for (int n = 2; incidents.containsKey(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    private static Incident.FrozenRelease freeze(Release release, boolean quarantined, Set<String> flagsOff) {
        Map<String, String> features = new LinkedHashMap<>();
        release.features().forEach(f -> features.put(f.name(), f.version() + "@" + f.digest()));
        Set<String> flags = new LinkedHashSet<>(release.featureFlags());
        flags.retainAll(flagsOff);
        return new Incident.FrozenRelease(release.id(), release.name(), release.label(), release.model().name(), release.model().version(),
                release.model().digest(), Map.copyOf(features),
                release.config().map(c -> c.version() + "@" + c.digest()).orElse(null), quarantined, Set.copyOf(flags));
    }

    /** The audit entries since the last-known-good was last promoted (the rollout began), or all of them. */
    private List<AuditEntry> auditSince(ReleaseId lkg, Instant at) {
        Instant since = null;
        for (AuditEntry e : router.auditLog(AuditQuery.all().actions("promoted").to(at))) {
            if (e.detail().startsWith(lkg.value())) {
                since = e.time();
            }
        }
        return router.auditLog(since == null ? AuditQuery.all() : AuditQuery.all().from(since));
    }

    private void redactInto(Tracked t, CallSample<?, ?> sample, List<CallSample<?, ?>> into) {
        try {
            CallSample<?, ?> kept = redactor.redact(sample);
            if (kept == null) {
                t.dropped++;
            } else {
                into.add(withRedactedError(kept));
            }
        } catch (RuntimeException e) {
            t.dropped++;
            // Neither the message nor the stack trace: a redactor's exception may quote the sample it failed on.
            LOG.warn("router '{}': the redactor failed on sample #{} with {}; the sample is dropped", router.name(),
                    sample.sequence(), e.getClass().getName());
        }
    }

    /** The sample with its model exception replaced by a {@link RedactedError}: a message may quote the input. */
    private CallSample<?, ?> withRedactedError(CallSample<?, ?> s) {
        if (s.error() == null || s.error() instanceof RedactedError) {
            return s;
        }
        String message = s.error().getMessage();
        RedactedError error = new RedactedError(s.error().getClass().getName(), message == null ? null : redactor.redactMessage(message));
        return new CallSample<>(s.sequence(), s.time(), s.release(), s.segment(), s.stickinessKey(), s.input(), s.output(), error,
                s.latencyNanos(), s.outcome());
    }

    // ------------------------------------------------------------------ evaluate

    /**
     * Adds the samples served after each rollback, runs recovery verification, and rewrites the bundles
     * that changed. Call it every interval (or {@link #start} a schedule).
     *
     * @return the incidents that changed at this evaluation
     */
    public List<Incident> evaluate() {
        lock.lock();
        try {
            Instant now = time.now();
            long nanos = time.nanoTime();
            List<Incident> changed = new ArrayList<>();
            for (Tracked t : incidents.values()) {
                boolean dirty = collectAfter(t);
                if (t.status == IncidentStatus.OPEN && t.verification == Incident.Verification.State.RUNNING) {
                    dirty |= verify(t, now, nanos);
                }
                if (dirty) {
                    t.audit = auditSince(t.lkg, t.openedAt);
                    Incident snapshot = t.snapshot();
                    write(snapshot);
                    changed.add(snapshot);
                    if (t.pendingNotice != null) {
                        notifyAll(t.pendingNotice, snapshot, t.pendingTitle);
                        t.pendingNotice = null;
                    }
                }
            }
            return changed;
        } finally {
            lock.unlock();
        }
    }

    private boolean collectAfter(Tracked t) {
        if (t.afterComplete) {
            return false;
        }
        int added = 0;
        for (CallSample<?, ?> s : router.samples(t.openedAt, Instant.MAX)) {
            if (s.sequence() <= t.lastSequenceSeen) {
                continue;
            }
            t.lastSequenceSeen = s.sequence();
            if (s.release().equals(t.lkg) && (t.segment == null || t.segment.equals(s.segment())) && t.afterCount < samplesAfter) {
                redactInto(t, s, t.after);
                t.afterCount++;
                added++;
            }
        }
        if (t.afterCount >= samplesAfter && !t.afterComplete) {
            t.afterComplete = true;
            t.event(time.now(), t.after.size() + " samples served by " + router.releaseNameAndId(t.lkg) + " after the rollback kept");
            if (t.pendingNotice == null) {
                t.pendingNotice = IncidentNotice.Kind.UPDATED;
                t.pendingTitle = "[" + router.name() + "] incident " + t.id + " updated: samples after the rollback kept";
            }
            return true;
        }
        return added > 0;
    }

    private boolean verify(Tracked t, Instant now, long nanos) {
        // Durations since the rollback on the monotonic clock: a wall-clock step neither escalates early nor late.
        Duration subWindow = telemetry.subWindow();
        Duration elapsed = Duration.ofNanos(nanos - t.openedNanos);
        List<Verdict> latest = new ArrayList<>();
        boolean allPassed = true;
        for (ReleaseCheck check : t.checks) {
            Verdict v = check.evaluate(telemetry, t.lkg, t.segment, now, nanos);
            boolean counted = elapsed.compareTo(check.spec().window().plus(subWindow)) >= 0;
            if (!counted) {
                v = new Verdict(v.trigger(), v.candidate(), v.baseline(), v.segment(), VerdictLevel.INCONCLUSIVE, v.severity(), now,
                        v.evidence().withNote("its window still reaches back before the rollback; it counts from "
                                + t.openedAt.plus(check.spec().window()).plus(subWindow)));
            }
            latest.add(v);
            allPassed &= counted && v.level() == VerdictLevel.HEALTHY;
        }
        boolean levelsChanged = !levels(latest).equals(levels(t.checkVerdicts));
        t.checkVerdicts = latest;
        if (allPassed) {
            t.verification = Incident.Verification.State.PASSED;
            t.status = IncidentStatus.RESOLVED;
            t.endedAt = now;
            String passed = latest.stream().map(v -> v.trigger() + " " + Bundles.fmt(v.evidence().candidateValue()))
                    .collect(Collectors.joining(", "));
            t.event(now, "verification passed: the SLOs recovered on " + router.releaseNameAndId(t.lkg) + " (" + passed + "); incident resolved");
            router.audit("incident-resolved", Cause.automatic("recovery verified: " + passed), t.id);
            t.pendingNotice = IncidentNotice.Kind.RESOLVED;
            t.pendingTitle = "[" + router.name() + "] incident resolved: the SLOs recovered on " + label(t.lkg);
            return true;
        }
        if (elapsed.compareTo(timeout) >= 0) {
            t.verification = Incident.Verification.State.FAILED;
            t.status = IncidentStatus.ESCALATED;
            t.endedAt = now;
            String failing = latest.stream().filter(v -> v.level() != VerdictLevel.HEALTHY).map(Verdict::summary)
                    .collect(Collectors.joining("; "));
            t.event(now, "rollback did not restore the SLOs within " + timeout + ": " + failing + "; escalated");
            router.audit("incident-escalated", Cause.automatic("rollback did not restore the SLOs"), t.id + ": " + failing);
            t.pendingNotice = IncidentNotice.Kind.ESCALATED;
            t.pendingTitle = "[" + router.name() + "] rollback did not restore the SLOs";
            return true;
        }
        return levelsChanged;
    }

    private static List<VerdictLevel> levels(List<Verdict> verdicts) {
        return verdicts.stream().map(Verdict::level).toList();
    }

    /**
     * An operator resolves an open incident (e.g. one without verification checks). Audited on the router.
     *
     * @param id the incident's id
     * @param cause the operator and why
     * @return the resolved incident
     * @throws IllegalArgumentException when no incident has that id
     * @throws IllegalStateException when it is not open
     */
    public Incident resolve(String id, Cause cause) {
        Objects.requireNonNull(cause, "resolve: cause must not be null");
        lock.lock();
        try {
            Tracked t = incidents.get(id);
            if (t == null) {
                throw new IllegalArgumentException("resolve: no incident '" + id + "'; known incidents are " + incidents.keySet());
            }
            if (t.status != IncidentStatus.OPEN) {
                throw new IllegalStateException("resolve(" + id + "): the incident is already " + t.status);
            }
            Instant now = time.now();
            t.status = IncidentStatus.RESOLVED;
            t.endedAt = now;
            if (t.verification == Incident.Verification.State.RUNNING || t.verification == Incident.Verification.State.NOT_CONFIGURED) {
                t.verification = Incident.Verification.State.SKIPPED;
            }
            t.event(now, "resolved by " + cause.actor() + ": " + cause.reason());
            router.audit("incident-resolved", cause, id);
            t.audit = auditSince(t.lkg, t.openedAt);
            Incident snapshot = t.snapshot();
            write(snapshot);
            notifyAll(IncidentNotice.Kind.RESOLVED, snapshot, "[" + router.name() + "] incident resolved by " + cause.actor());
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ write and notify

    /** Queues the snapshot for the writer thread; a newer snapshot of the same incident replaces one not yet written. */
    private void write(Incident incident) {
        if (store == null) {
            return;
        }
        if (pendingWrites.put(incident.id(), incident) != null) {
            return;
        }
        try {
            writer.execute(() -> {
                Incident newest = pendingWrites.remove(incident.id());
                if (newest != null) {
                    writeNow(newest);
                }
            });
        } catch (RejectedExecutionException e) {
            pendingWrites.remove(incident.id());
            writeNow(incident);
        }
    }

    /**
     * Waits until every bundle taken so far is in the evidence store (the writer thread writes them
     * in order, off the rollback's thread).
     *
     * @param timeout how long to wait at most
     * @return {@code true} when everything was written in time
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "flush: timeout must not be null");
        try {
            writer.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (RejectedExecutionException | java.util.concurrent.ExecutionException e) {
            return pendingWrites.isEmpty();
        }
    }

    private void writeNow(Incident incident) {
        try {
            store.write(incident.id(), EvidenceStore.BUNDLE_JSON, Bundles.json(incident));
            store.write(incident.id(), EvidenceStore.SUMMARY_MD, Bundles.markdown(incident, store.location(incident.id())));
        } catch (Exception e) {
            storeFailures.incrementAndGet();
            LOG.error("router '{}': could not write the bundle of incident {} to {}", router.name(), incident.id(), store, e);
        }
    }

    private void notifyAll(IncidentNotice.Kind kind, Incident incident, String title) {
        if (notifiers.isEmpty()) {
            return;
        }
        IncidentNotice notice = new IncidentNotice(kind, incident.id(), incident.router(), incident.status(), time.now(), title,
                summary(incident), owner, channel, store == null ? "" : store.location(incident.id()));
        for (int i = 0; i < notifiers.size(); i++) {
            Notifier notifier = notifiers.get(i);
            try {
                notifierThreads.get(i).execute(() -> deliver(notifier, notice));
            } catch (RejectedExecutionException e) {
                LOG.warn("router '{}': notice {} of incident {} not sent to {}: the incident manager is closed",
                        router.name(), kind, incident.id(), describe(notifier));
            }
        }
    }

    private void deliver(Notifier notifier, IncidentNotice notice) {
        try {
            notifier.send(notice);
        } catch (Exception | LinkageError | AssertionError e) {
            notificationFailures.incrementAndGet();
            // Masked: an HTTP client's message may name the URL, whose path or user info is the webhook's secret.
            LOG.warn("router '{}': notifier {} failed to deliver {} of incident {}: {}", router.name(), describe(notifier),
                    notice.kind(), notice.incidentId(), MaskedUrls.in(e.toString()));
        }
    }

    private String summary(Incident i) {
        StringBuilder s = new StringBuilder();
        s.append("Rolled back ").append(i.segment() == null ? "every segment" : "segment " + i.segment()).append(" to ")
                .append(label(i.lastKnownGood())).append(" at ").append(i.openedAt()).append(" by ").append(i.cause().actor())
                .append(": ").append(i.cause().reason()).append('\n');
        for (Incident.Impact m : i.impact()) {
            s.append("Impact of ").append(label(m.release())).append(": ").append(m.requests()).append(" requests, ")
                    .append(m.errors()).append(" errors, ").append(m.distinctKeys() < 0 ? "unknown" : "≈ " + m.distinctKeys())
                    .append(" distinct stickiness keys\n");
        }
        s.append("Verification: ").append(i.verification().state());
        if (i.status() == IncidentStatus.ESCALATED) {
            s.append(" — rollback did not restore the SLOs: ").append(i.verification().checks().stream()
                    .filter(v -> v.level() != VerdictLevel.HEALTHY).map(v -> v.summary(router.releaseNameAndId(v.candidate()))).collect(Collectors.joining("; ")));
        } else if (!i.verification().checks().isEmpty()) {
            s.append(" — ").append(i.verification().checks().stream().map(v -> v.trigger() + " " + v.level())
                    .collect(Collectors.joining(", ")));
        }
        s.append("\nStatus: ").append(i.status()).append(i.endedAt() == null ? "" : " at " + i.endedAt());
        return s.toString();
    }

    /** {@code name (rel-…), model:version+features}, or the name and id of a release the router no longer has. */
    private String label(ReleaseId id) {
        return router.release(id).map(r -> r.name() + " (" + r.id() + "), " + r.label()).orElse(router.releaseNameAndId(id));
    }

    private static String key(String trigger, ReleaseId candidate, Segment segment) {
        return trigger + "|" + candidate.value() + "|" + (segment == null ? "*" : segment.name());
    }

    // ------------------------------------------------------------------ schedule

    /**
     * Calls {@link #evaluate()} every {@link Builder#interval} on the given scheduler.
     *
     * @param scheduler the scheduler; this manager does not shut it down
     */
    public void start(ScheduledExecutorService scheduler) {
        Objects.requireNonNull(scheduler, "start: scheduler must not be null");
        synchronized (this) {
            if (schedule != null) {
                schedule.cancel(false);
            }
            schedule = Ticks.every(scheduler, interval, this::evaluate, LOG, () -> "router '" + router.name() + "': incident evaluation");
        }
    }

    /**
     * Stops listening to the router and the engine, stops the schedule and the notifier threads (queued
     * notices are dropped), and waits (up to 30 s) until the bundles taken so far are written.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (schedule != null) {
                schedule.cancel(false);
                schedule = null;
            }
        }
        registrations.forEach(RouterEventPublisher.Registration::close);
        notifierThreads.forEach(ExecutorService::shutdownNow);
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("router '{}': bundles still being written after 30 s at close; giving up on {}", router.name(),
                        pendingWrites.keySet());
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** One incident's mutable state; guarded by the manager's lock. */
    private final class Tracked {
        final String id;
        final Instant openedAt;
        final Segment segment;
        final ReleaseId lkg;
        final String lkgName;
        final Set<ReleaseId> rolledBack;
        final Cause cause;
        final List<Incident.FrozenRelease> frozen = new ArrayList<>();
        final List<Incident.Impact> impact = new ArrayList<>();
        final List<CallSample<?, ?>> before = new ArrayList<>();
        final List<CallSample<?, ?>> after = new ArrayList<>();
        final List<ReleaseCheck> checks = new ArrayList<>();
        final List<Incident.TimelineEntry> timeline = new ArrayList<>();
        List<Verdict> checkVerdicts = List.of();
        List<AuditEntry> audit = List.of();
        Verdict trigger;
        IncidentStatus status = IncidentStatus.OPEN;
        Incident.Verification.State verification;
        /** The verification deadline as a wall time, shown in the incident; the check itself uses the nanos below. */
        Instant deadline;
        /** When the incident opened, on the monotonic clock: the verification timeout and windows count from it. */
        long openedNanos;
        Instant endedAt;
        long lastSequenceSeen = -1;
        int afterCount;
        boolean afterComplete;
        int dropped;
        IncidentNotice.Kind pendingNotice;
        String pendingTitle;
        boolean refused;
        long refusals;

        Tracked(String id, Instant openedAt, Segment segment, ReleaseId lkg, Set<ReleaseId> rolledBack, Cause cause) {
            this.id = id;
            this.openedAt = openedAt;
            this.segment = segment;
            this.lkg = lkg;
            this.lkgName = router.releaseName(lkg);
            this.rolledBack = rolledBack;
            this.cause = cause;
        }

        void event(Instant at, String what) {
            timeline.add(new Incident.TimelineEntry(at, what));
        }

        Incident snapshot() {
            return new Incident(id, router.name(), status, openedAt, endedAt, segment, cause, trigger, lkg, lkgName, List.copyOf(frozen),
                    List.copyOf(impact), List.copyOf(before), List.copyOf(after), dropped,
                    new Incident.Verification(verification, deadline, checkVerdicts), List.copyOf(timeline), audit, owner, channel,
                    refused);
        }
    }

    /** Builds {@link Incidents}; not thread-safe. */
    public static final class Builder {
        private final ManagedModelRouter<?, ?> router;
        private TimeSource time = TimeSource.system();
        private EvidenceStore store;
        private final List<Notifier> notifiers = new ArrayList<>();
        private Redactor redactor = Redactor.identity();
        private int samplesBefore = DEFAULT_SAMPLES_BEFORE;
        private int samplesAfter = DEFAULT_SAMPLES_AFTER;
        private final List<TriggerSpec> checks = new ArrayList<>();
        private Duration timeout = DEFAULT_VERIFICATION_TIMEOUT;
        private Duration interval = DEFAULT_INTERVAL;
        private String owner = "";
        private String channel = "";
        private TriggerEngine engine;

        private Builder(ManagedModelRouter<?, ?> router) {
            this.router = Objects.requireNonNull(router, "Incidents.builder(router): router must not be null");
        }

        /** @param timeSource the clock of timelines and deadlines; use the router's (a virtual one in tests) @return this builder */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "Incidents.timeSource must not be null");
            return this;
        }

        /** @param evidenceStore where bundles are written, e.g. {@link FileSystemEvidenceStore#of}; default none (in memory only) @return this builder */
        public Builder evidenceStore(EvidenceStore evidenceStore) {
            this.store = Objects.requireNonNull(evidenceStore, "Incidents.evidenceStore must not be null");
            return this;
        }

        /** @param notifier told when an incident opens, is updated, resolves or escalates; any number @return this builder */
        public Builder notifier(Notifier notifier) {
            notifiers.add(Objects.requireNonNull(notifier, "Incidents.notifier must not be null"));
            return this;
        }

        /**
         * @param sampleRedactor applied to every sample, and to the message of the exception a model threw in it, before
         *                       it is kept or written; default {@link Redactor#identity()}
         * @return this builder
         */
        public Builder redactor(Redactor sampleRedactor) {
            this.redactor = Objects.requireNonNull(sampleRedactor, "Incidents.redactor must not be null");
            return this;
        }

        /**
         * @param before sampled calls kept from before the rollback, 0..{@value Incidents#MAX_SAMPLES} (default {@value Incidents#DEFAULT_SAMPLES_BEFORE})
         * @param after sampled calls kept from after the rollback, 0..{@value Incidents#MAX_SAMPLES} (default {@value Incidents#DEFAULT_SAMPLES_AFTER})
         * @return this builder
         */
        public Builder samples(int before, int after) {
            if (before < 0 || before > MAX_SAMPLES) {
                throw new IllegalArgumentException("Incidents.samples.before must be between 0 and " + MAX_SAMPLES + ", but was " + before);
            }
            if (after < 0 || after > MAX_SAMPLES) {
                throw new IllegalArgumentException("Incidents.samples.after must be between 0 and " + MAX_SAMPLES + ", but was " + after);
            }
            this.samplesBefore = before;
            this.samplesAfter = after;
            return this;
        }

        /**
         * @param check an SLO the last-known-good must meet after a rollback: a trigger spec with an
         *              absolute threshold, e.g. latency p95 above 250 ms, error rate above 0.01
         * @return this builder
         * @throws IllegalArgumentException when the threshold is relative or the metric needs a baseline
         */
        public Builder verify(TriggerSpec check) {
            ReleaseCheck.of(Objects.requireNonNull(check, "Incidents.verify(check) must not be null"));
            checks.add(check);
            return this;
        }

        /**
         * @param specs SLO checks, see {@link #verify(TriggerSpec)}
         * @return this builder
         */
        public Builder verify(List<TriggerSpec> specs) {
            specs.forEach(this::verify);
            return this;
        }

        /**
         * @param within time the SLOs have to recover, 1 s..24 h (default 10 min); each check's window plus
         *               one telemetry sub-window must fit in it
         * @return this builder
         */
        public Builder verificationTimeout(Duration within) {
            if (within == null || within.compareTo(Duration.ofSeconds(1)) < 0 || within.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("Incidents.verificationTimeout must be between 1s and 24h, but was " + within);
            }
            this.timeout = within;
            return this;
        }

        /** @param every evaluation interval of {@link #start}, 10 ms..1 h (default 1 s) @return this builder */
        public Builder interval(Duration every) {
            if (every == null || every.compareTo(Duration.ofMillis(10)) < 0 || every.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("Incidents.interval must be between 10ms and 1h, but was " + every);
            }
            this.interval = every;
            return this;
        }

        /** @param who the owner of the router's rollouts (a person or team), shown in bundles and notices @return this builder */
        public Builder owner(String who) {
            this.owner = Objects.requireNonNull(who, "Incidents.owner must not be null");
            return this;
        }

        /** @param where the communication channel, e.g. {@code #fraud-oncall} @return this builder */
        public Builder channel(String where) {
            this.channel = Objects.requireNonNull(where, "Incidents.channel must not be null");
            return this;
        }

        /** @param triggers the engine guarding the router; its verdict that caused a rollback goes into the bundle @return this builder */
        public Builder triggerEngine(TriggerEngine triggers) {
            this.engine = Objects.requireNonNull(triggers, "Incidents.triggerEngine must not be null");
            return this;
        }

        /**
         * Attaches the manager to the router's events.
         *
         * @return the manager
         * @throws IllegalArgumentException when a check's window plus one telemetry sub-window is longer than the timeout
         */
        public Incidents build() {
            Duration subWindow = router.telemetry().subWindow();
            for (TriggerSpec check : checks) {
                if (check.window().plus(subWindow).compareTo(timeout) > 0) {
                    throw new IllegalArgumentException("Incidents.verify('" + check.name() + "').window " + check.window()
                            + " plus one telemetry sub-window (" + subWindow + ") must fit in the verificationTimeout " + timeout
                            + ", or the check could never count; shorten the window or lengthen the timeout");
                }
            }
            return new Incidents(this);
        }
    }
}
