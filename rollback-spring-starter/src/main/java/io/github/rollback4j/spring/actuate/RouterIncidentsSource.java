package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.core.incident.EvidenceStore;
import io.github.rollback4j.core.incident.Incident;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RolloutIncidentsSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code incidents} section of the {@code rollouts} endpoint, read from each starter-built router's
 * {@link Incidents}: per incident, newest first, its id, status, open and end times, cause, the trigger
 * verdict that caused the rollback with its evidence, the frozen releases, impact, recovery verification
 * (state, deadline, latest check verdicts), the sample counts, the last timeline entries and where the
 * bundle is kept. A router whose incidents are disabled shows an empty list.
 *
 * <p>Thread-safe: every call reads immutable incident snapshots.
 */
public final class RouterIncidentsSource implements RolloutIncidentsSource {

    /** Timeline entries shown per incident (the bundle holds all of them). */
    static final int TIMELINE_ENTRIES = 20;

    private final RollbackRouters routers;

    /** @param routers the routers whose incident managers are read */
    public RouterIncidentsSource(RollbackRouters routers) {
        this.routers = routers;
    }

    @Override
    public List<?> incidents(String router) {
        RollbackRouters.Entry e = routers.find(router).orElse(null);
        if (e == null || e.incidents() == null) {
            return List.of();
        }
        EvidenceStore store = e.incidents().store();
        List<Incident> all = e.incidents().incidents();
        List<Map<String, Object>> out = new ArrayList<>(all.size());
        for (int i = all.size() - 1; i >= 0; i--) {
            out.add(describe(e, all.get(i), store));
        }
        return out;
    }

    private static Map<String, Object> describe(RollbackRouters.Entry e, Incident i, EvidenceStore store) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("status", i.status().name());
        m.put("openedAt", Views.text(i.openedAt()));
        m.put("endedAt", Views.text(i.endedAt()));
        m.put("segment", i.segment() == null ? null : i.segment().name());
        Map<String, Object> cause = new LinkedHashMap<>();
        cause.put("actor", i.cause().actor());
        cause.put("trigger", i.cause().trigger());
        cause.put("severity", i.cause().severity());
        cause.put("reason", i.cause().reason());
        m.put("cause", cause);
        m.put("trigger", i.trigger() == null ? null : Views.verdict(e, i.trigger()));
        m.put("lastKnownGood", e.releaseName(i.lastKnownGood()));
        m.put("lastKnownGoodId", i.lastKnownGood().value());
        m.put("frozen", i.frozen().stream().map(f -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("release", e.releaseName(f.release()));
            r.put("id", f.release().value());
            r.put("label", f.label());
            r.put("modelDigest", f.modelDigest());
            r.put("featureDigests", f.featureDigests());
            r.put("configDigest", f.configDigest());
            r.put("quarantined", f.quarantined());
            r.put("flagsDisabled", f.flagsDisabled().stream().sorted().toList());
            return r;
        }).toList());
        m.put("impact", i.impact().stream().map(x -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("release", e.releaseName(x.release()));
            r.put("segment", x.segment() == null ? null : x.segment().name());
            r.put("requests", x.requests());
            r.put("errors", x.errors());
            r.put("distinctStickinessKeys", x.distinctKeys() < 0 ? null : x.distinctKeys());
            return r;
        }).toList());
        Map<String, Object> verification = new LinkedHashMap<>();
        verification.put("state", i.verification().state().name());
        verification.put("deadline", Views.text(i.verification().deadline()));
        verification.put("checks", i.verification().checks().stream().map(v -> Views.verdict(e, v)).toList());
        m.put("verification", verification);
        Map<String, Object> samples = new LinkedHashMap<>();
        samples.put("before", i.samplesBefore().size());
        samples.put("after", i.samplesAfter().size());
        samples.put("dropped", i.samplesDropped());
        m.put("samples", samples);
        List<Incident.TimelineEntry> timeline = i.timeline();
        m.put("timeline", timeline.subList(Math.max(0, timeline.size() - TIMELINE_ENTRIES), timeline.size()).stream().map(t -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("time", Views.text(t.time()));
            r.put("event", t.event());
            return r;
        }).toList());
        m.put("owner", i.owner());
        m.put("channel", i.channel());
        m.put("bundle", store == null ? null : store.location(i.id()));
        return m;
    }
}
