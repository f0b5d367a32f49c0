package io.github.rollback4j.core.internal;

import io.github.rollback4j.Decision;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEventPublisher;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.TelemetryConfig;
import io.github.rollback4j.core.fleet.FleetTelemetry;
import io.github.rollback4j.core.fleet.ReplicaView;
import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.spi.ReplicaReport;
import io.github.rollback4j.spi.TelemetrySlot;
import io.github.rollback4j.telemetry.CallObserverFactory;
import io.github.rollback4j.telemetry.TelemetrySnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The fleet-wide telemetry of one router on one replica, and that replica's side of publishing.
 *
 * <p>Publishing ({@link #report}): every sub-window of each window kind that changed since the last
 * report (the still-filling one, and the one just closed), encoded by {@link FleetTelemetryCodec},
 * plus the never-reset totals. Reading ({@link #absorb}): the other replicas' new sub-windows are
 * decoded once and cached by replica, kind and slot, older than the ring dropped; a snapshot adds the
 * cached sub-windows in the window's slot range to this replica's live ones and assembles them like a
 * local snapshot. Totals are the sum of every replica's latest totals, dead replicas included (their
 * calls happened), so differences of totals (sequential tests) stay monotone.
 *
 * <p>Thread-safe: publishing state is confined to the publishing thread; the cache is guarded by this.
 */
public final class MergedTelemetry<I, O> implements FleetTelemetry {

    private static final Logger LOG = LoggerFactory.getLogger(MergedTelemetry.class);
    private static final int KINDS = 3;

    private final DefaultModelRouter<I, O> router;
    private final TelemetryHub<I, O> hub;
    private final String self;
    private final Duration staleAfter;
    private final long[] lastPublished = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
    private long seq;
    private long lastPublishNanos = Long.MIN_VALUE;
    private Instant lastPublishedAt;
    /** What the last {@link #report} covered, taken over by {@link #published()}. */
    private final long[] pending = new long[KINDS];
    private Instant pendingAt;
    private volatile boolean leader;
    /** Other replicas by id: what was decoded of them. Guarded by this. */
    private final Map<String, Remote> remotes = new TreeMap<>();

    /** What this replica holds of another one. */
    private static final class Remote {
        long seq;
        long seenSeq;
        long changedAtNanos;
        ReplicaReport latest;
        List<TelemetrySnapshots.Part> totals = List.of();
        /** The last totals of earlier incarnations of this replica id (it restarted): their calls happened too. */
        final List<TelemetrySnapshots.Part> earlierTotals = new ArrayList<>();
        @SuppressWarnings("unchecked")
        final TreeMap<Long, List<TelemetrySnapshots.Part>>[] slots = new TreeMap[]{new TreeMap<>(), new TreeMap<>(), new TreeMap<>()};
        String incompatible;
    }

    private MergedTelemetry(DefaultModelRouter<I, O> router, String self, Duration staleAfter) {
        this.router = router;
        this.hub = router.hub();
        this.self = self;
        this.staleAfter = staleAfter;
    }

    /**
     * @param router a router built by {@code ModelRouters}
     * @param self this replica's id
     * @param staleAfter how long a replica may be silent before it counts as stale
     * @return the router's fleet telemetry on this replica
     * @throws IllegalArgumentException when the router was not built by {@code ModelRouters}
     */
    @SuppressWarnings("unchecked")
    public static MergedTelemetry<?, ?> of(ManagedModelRouter<?, ?> router, String self, Duration staleAfter) {
        if (!(router instanceof DefaultModelRouter<?, ?> r)) {
            throw new IllegalArgumentException("fleet telemetry needs a router built by ModelRouters, but got " + router.getClass());
        }
        return new MergedTelemetry<>((DefaultModelRouter<Object, Object>) r, Objects.requireNonNull(self, "self"),
                Objects.requireNonNull(staleAfter, "staleAfter"));
    }

    // ------------------------------------------------------------------ publishing (one thread)

    /**
     * The report to publish now: heartbeat, the sub-windows that changed since the last report, totals.
     *
     * @param appliedGeneration the generation this replica routes by
     * @param leader whether it holds the lease
     * @param failSafe whether it is in fail-safe
     * @param startedAt when it joined
     * @return the report; {@link #published()} must be called once the store took it
     */
    public ReplicaReport report(long appliedGeneration, boolean leader, boolean failSafe, Instant startedAt) {
        TelemetryConfig config = hub.config();
        long now = hub.nowMillis();
        List<ReleaseSlot<I, O>> slots = router.slotsInOrder();
        List<TelemetrySlot> changed = new ArrayList<>();
        Map<Integer, Long> keepFrom = new HashMap<>();
        long nextSeq = seq + 1;
        for (int kind = 0; kind < KINDS; kind++) {
            SlidingWindowConfig window = window(config, kind);
            long current = Math.floorDiv(now, window.subWindowMillis());
            long oldest = current - window.subWindowCount() + 1;
            keepFrom.put(kind, oldest);
            for (long slot = Math.max(oldest, lastPublished[kind]); slot <= current; slot++) {
                List<TelemetrySnapshots.Part> parts = TelemetrySnapshots.slotParts(slots, config, kind, slot);
                if (!parts.isEmpty()) {
                    changed.add(new TelemetrySlot(kind, slot, nextSeq,
                            FleetTelemetryCodec.encode(kind, window.subWindowMillis(), parts)));
                }
            }
            pending[kind] = current;
        }
        byte[] totals = FleetTelemetryCodec.encode(FleetTelemetryCodec.TOTALS, 0, TelemetrySnapshots.totalParts(slots));
        Instant publishedAt = Instant.ofEpochMilli(now);
        pendingAt = publishedAt;
        return new ReplicaReport(router.name(), self, nextSeq, appliedGeneration, leader, failSafe, startedAt, publishedAt, totals,
                changed, keepFrom);
    }

    /** The store took the last {@link #report}: the next one starts from the sub-windows that were current then. */
    public void published() {
        seq++;
        System.arraycopy(pending, 0, lastPublished, 0, KINDS);
        lastPublishNanos = router.timeSource().nanoTime();
        lastPublishedAt = pendingAt;
    }

    /**
     * Continues the sequence numbers of an earlier process that published under the same replica id, so
     * that readers, who ask for sub-windows above the highest sequence number they have seen, see this
     * process's sub-windows too.
     *
     * @param earlier the sequence number of the stored report of this replica id
     */
    public void continueAfter(long earlier) {
        if (seq == 0 && earlier > 0) {
            seq = earlier;
        }
    }

    /** @return this replica's report sequence number (reports the store took) */
    public long seq() {
        return seq;
    }

    private static SlidingWindowConfig window(TelemetryConfig config, int kind) {
        return switch (kind) {
            case TelemetrySlot.CALLS -> config.callWindow();
            case TelemetrySlot.KPIS -> config.kpiWindow();
            default -> config.profileWindow();
        };
    }

    // ------------------------------------------------------------------ reading

    /** @return per other replica, the highest sub-window sequence number already absorbed */
    public synchronized Map<String, Long> seen() {
        Map<String, Long> seen = new HashMap<>();
        remotes.forEach((id, r) -> seen.put(id, r.seenSeq));
        return seen;
    }

    /**
     * Takes in the other replicas' reports (this replica's own is skipped).
     *
     * @param reports what {@code FleetStore.reports(router, seen())} returned
     */
    public synchronized void absorb(List<ReplicaReport> reports) {
        long nowNanos = router.timeSource().nanoTime();
        TelemetryConfig config = hub.config();
        long now = hub.nowMillis();
        for (ReplicaReport report : reports) {
            if (report.replica().equals(self)) {
                continue;
            }
            Remote remote = remotes.computeIfAbsent(report.replica(), id -> {
                Remote r = new Remote();
                r.changedAtNanos = nowNanos;
                return r;
            });
            if (remote.latest != null && !remote.latest.startedAt().equals(report.startedAt())) {
                // A new process under the same replica id: its totals start from zero again. Keep what the old
                // one had counted, so the fleet's totals never go down (sequential tests read their differences).
                remote.earlierTotals.addAll(remote.totals);
                remote.totals = List.of();
            }
            if (report.seq() != remote.seq) {
                remote.seq = report.seq();
                remote.changedAtNanos = nowNanos;
            }
            remote.latest = report;
            try {
                remote.totals = FleetTelemetryCodec.decode(report.totals()).parts();
                for (TelemetrySlot slot : report.slots()) {
                    FleetTelemetryCodec.Decoded decoded = FleetTelemetryCodec.decode(slot.payload());
                    long expected = window(config, slot.kind()).subWindowMillis();
                    if (decoded.subWindowMillis() != expected) {
                        remote.incompatible = "its " + kindName(slot.kind()) + " sub-windows are " + decoded.subWindowMillis()
                                + " ms, this replica's " + expected + " ms (configure the same TelemetryConfig on every replica)";
                        continue;
                    }
                    remote.slots[slot.kind()].put(slot.slot(), decoded.parts());
                    remote.seenSeq = Math.max(remote.seenSeq, slot.seq());
                }
            } catch (IllegalArgumentException e) {
                remote.incompatible = "its report could not be read: " + e.getMessage();
                LOG.warn("router '{}': telemetry report of replica {} could not be read: {}", router.name(), report.replica(),
                        e.getMessage());
            }
            for (int kind = 0; kind < KINDS; kind++) {
                SlidingWindowConfig window = window(config, kind);
                long oldest = Math.floorDiv(now, window.subWindowMillis()) - window.subWindowCount() + 1;
                remote.slots[kind].headMap(oldest).clear();
            }
        }
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case TelemetrySlot.CALLS -> "call";
            case TelemetrySlot.KPIS -> "KPI";
            default -> "profile";
        };
    }

    @Override
    public TelemetrySnapshot snapshot(Duration window) {
        TelemetrySnapshots.checkWindow(window, retention());
        TelemetryConfig config = hub.config();
        long now = hub.nowMillis();
        List<TelemetrySnapshots.Part> parts = new ArrayList<>(TelemetrySnapshots.windowParts(router.slotsInOrder(), config,
                window, now));
        synchronized (this) {
            for (Remote remote : remotes.values()) {
                for (int kind = 0; kind < KINDS; kind++) {
                    SlidingWindowConfig w = window(config, kind);
                    long k = Math.max(1, Math.min((window.toMillis() + w.subWindowMillis() - 1) / w.subWindowMillis(),
                            w.subWindowCount()));
                    long last = Math.floorDiv(now, w.subWindowMillis());
                    remote.slots[kind].subMap(last - k + 1, true, last, true).values().forEach(parts::addAll);
                }
            }
        }
        return TelemetrySnapshots.assemble(router.name(), Instant.ofEpochMilli(TelemetrySnapshots.windowStart(config, window, now)),
                Instant.ofEpochMilli(now), parts);
    }

    @Override
    public TelemetrySnapshot sinceStart() {
        List<TelemetrySnapshots.Part> parts = new ArrayList<>(TelemetrySnapshots.totalParts(router.slotsInOrder()));
        synchronized (this) {
            remotes.values().forEach(r -> {
                parts.addAll(r.earlierTotals);
                parts.addAll(r.totals);
            });
        }
        return TelemetrySnapshots.assemble(router.name(), Instant.ofEpochMilli(hub.startMillis()),
                Instant.ofEpochMilli(hub.nowMillis()), parts);
    }

    @Override
    public synchronized List<ReplicaView> replicas() {
        long nowNanos = router.timeSource().nanoTime();
        List<ReplicaView> views = new ArrayList<>();
        Duration ownAge = lastPublishNanos == Long.MIN_VALUE ? Duration.ZERO : Duration.ofNanos(nowNanos - lastPublishNanos);
        views.add(new ReplicaView(self, true, leader, router.failSafe().isPresent(), router.state().generation(), seq, ownAge,
                false, lastPublishedAt));
        remotes.forEach((id, r) -> {
            Duration age = Duration.ofNanos(nowNanos - r.changedAtNanos);
            views.add(new ReplicaView(id, false, r.latest.leader(), r.latest.failSafe(), r.latest.appliedGeneration(), r.seq, age,
                    age.compareTo(staleAfter) > 0, r.latest.publishedAt()));
        });
        return List.copyOf(views);
    }

    /** @param holdsLease whether this replica holds the router's lease now, as its own view shows */
    public void leader(boolean holdsLease) {
        this.leader = holdsLease;
    }

    @Override
    public synchronized String describeSources() {
        List<ReplicaView> views = replicas();
        StringBuilder text = new StringBuilder("fleet-wide data of ").append(views.size()).append(views.size() == 1 ? " replica" : " replicas");
        List<String> notes = new ArrayList<>();
        for (ReplicaView v : views) {
            if (v.stale()) {
                notes.add(v.replica() + " STALE: silent for " + String.format(java.util.Locale.ROOT, "%.1f s",
                        v.lastReportAge().toMillis() / 1000.0) + ", its data up to then included");
            }
        }
        remotes.forEach((id, r) -> {
            if (r.incompatible != null) {
                notes.add(id + " partly left out: " + r.incompatible);
            }
        });
        if (!notes.isEmpty()) {
            text.append(" (").append(String.join("; ", notes)).append(')');
        }
        return text.toString();
    }

    // ------------------------------------------------------------------ this replica's own telemetry

    @Override
    public void reportKpi(String kpi, Decision<?> decision, double value) {
        hub.reportKpi(kpi, decision, value);
    }

    @Override
    public void reportKpi(String kpi, RequestContext context, double value) {
        hub.reportKpi(kpi, context, value);
    }

    @Override
    public RouterEventPublisher.Registration addCallObserver(CallObserverFactory factory) {
        return hub.addCallObserver(factory);
    }

    @Override
    public Duration subWindow() {
        return hub.subWindow();
    }

    @Override
    public Duration retention() {
        return hub.retention();
    }
}
