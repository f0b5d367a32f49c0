package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.shadow.ShadowRunner;
import io.github.rollback4j.core.strategy.BlueGreenRollout;
import io.github.rollback4j.core.strategy.Rollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.core.strategy.SegmentedRollout;
import io.github.rollback4j.core.strategy.RolloutStatus;
import io.github.rollback4j.core.strategy.RolloutTransition;
import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.RolloutIncidentsSource;
import io.github.rollback4j.core.runbook.Runbook;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import io.github.rollback4j.core.fleet.FleetStatus;
import io.github.rollback4j.spi.OperatorRequest;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.util.MimeType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The {@code rollouts} Actuator endpoint: what every starter-built router serves and why, and the
 * operator's controls.
 *
 * <ul>
 *   <li>{@code GET /actuator/rollouts}: every router in one line each (last-known-good, rollout phase,
 *   candidate weight, breaches).</li>
 *   <li>{@code GET /actuator/rollouts/{router}}: releases with their health, the last-known-good, the
 *   routing table (configured and serving weights per segment, in basis points), the rollout's state
 *   and timeline, the latest verdicts with their evidence, pending approvals, shadow counts,
 *   incidents (from a {@link RolloutIncidentsSource} bean, if any), the runbook's self-check findings
 *   and the latest audit entries.</li>
 *   <li>{@code GET /actuator/rollouts/{router}/runbook}: the runbook (Markdown) rendered from the live
 *   configuration and the incident manager; {@code GET /actuator/rollouts/{router}/alert-rules}: the
 *   triggers as Prometheus alerting rules (YAML), when rollback-micrometer is on the classpath.</li>
 *   <li>{@code POST /actuator/rollouts/{router}/{operation}} with an optional JSON body
 *   {@code {"release": "v2", "reason": "…", "segment": "eu-west"}}: {@code promote}, {@code approve}, {@code pause},
 *   {@code resume}, {@code rollback}, {@code flip} (blue/green: flip back to blue),
 *   {@code override-quarantine} (needs {@code release}). Refused unless
 *   {@code rollback4j.actuator.write-enabled=true}, and subject to {@link RolloutsWriteAccess}: the
 *   operator it names goes into the router's audit log.</li>
 * </ul>
 *
 * Answers 404 for an unknown router (naming only the router asked for), 400 for a bad argument (a
 * {@code reason} over 1000 characters among them; control characters such as CR and LF are removed
 * from a reason before it is audited), 401/403 when a write is refused (a refusal is audited as
 * {@code write-refused}, at most once a second per router, and a caller who may not write gets 401/403
 * for an unknown router too), 409 when the router or rollout refuses the operation in its current
 * state.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = RolloutsEndpoint.ID)
public final class RolloutsEndpoint {

    /** The endpoint id. */
    public static final String ID = "rollouts";

    /** {@code GET …/{router}/runbook}: the router's runbook as Markdown. */
    public static final String RUNBOOK = "runbook";

    /** {@code GET …/{router}/alert-rules}: the router's triggers as Prometheus alerting rules (YAML). */
    public static final String ALERT_RULES = "alert-rules";

    /** The write operations, as written in the URL. */
    public static final List<String> OPERATIONS = List.of("promote", "approve", "pause", "resume", "rollback", "flip",
            "override-quarantine");

    private static final Logger LOG = LoggerFactory.getLogger(RolloutsEndpoint.class);
    private static final int TIMELINE_ENTRIES = 50;

    /** The documents of {@code GET /actuator/rollouts/{router}/{document}}. */
    public static final List<String> DOCUMENTS = List.of(RUNBOOK, ALERT_RULES);

    private static final MimeType MARKDOWN = new MimeType("text", "markdown", StandardCharsets.UTF_8);
    private static final MimeType YAML = new MimeType("application", "yaml", StandardCharsets.UTF_8);
    private static final MimeType PLAIN = new MimeType("text", "plain", StandardCharsets.UTF_8);

    private final RollbackRouters routers;
    private final RolloutsWriteAccess access;
    private final ObjectProvider<RolloutIncidentsSource> incidents;
    private final ObjectProvider<AlertRulesExporter> alertRules;
    private final Supplier<String> basePath;
    private final int auditEntries;
    private final RefusalAudit refusals;

    /**
     * @param routers the routers
     * @param access who may write, and as which operator
     * @param incidents the incidents source, if any
     * @param alertRules the alert-rules exporter, if rollback-micrometer is on the classpath
     * @param basePath the endpoint's path as a client reaches it, e.g. {@code /actuator/rollouts}; read
     *                 at each request (the runbook shows it in its Actuator commands)
     * @param auditEntries audit entries shown per router, 0..1000
     */
    public RolloutsEndpoint(RollbackRouters routers, RolloutsWriteAccess access, ObjectProvider<RolloutIncidentsSource> incidents,
                            ObjectProvider<AlertRulesExporter> alertRules, Supplier<String> basePath, int auditEntries) {
        if (auditEntries < 0 || auditEntries > 1000) {
            throw new IllegalArgumentException("rollback4j.actuator.audit-entries must be between 0 and 1000, but was " + auditEntries);
        }
        this.routers = routers;
        this.access = access;
        this.incidents = incidents;
        this.alertRules = alertRules;
        this.basePath = basePath;
        this.auditEntries = auditEntries;
        this.refusals = new RefusalAudit(System::nanoTime);
    }

    /** @return every router in one line each */
    @ReadOperation
    public Map<String, Object> routers() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (RollbackRouters.Entry e : routers.entries()) {
            Map<String, Object> line = new LinkedHashMap<>();
            ManagedModelRouter<Object, Object> router = e.router();
            line.put("lastKnownGood", e.releaseName(router.lastKnownGood().id()));
            line.put("lastKnownGoodServable", router.lastKnownGoodHealth().isServable());
            line.put("strategy", e.strategy());
            if (e.rollout() != null) {
                RolloutStatus s = e.rollout().status();
                line.put("candidate", e.releaseName(e.rollout().candidate()));
                line.put("phase", s.phase().name());
                line.put("weightBasisPoints", s.weightBasisPoints());
            }
            SegmentedRollout segmented = e.segmented();
            if (segmented != null) {
                line.put("candidate", e.releaseName(segmented.candidate()));
                line.put("phase", segmented.phase().name());
                Map<String, Object> perSegment = new LinkedHashMap<>();
                segmented.statuses().forEach((segment, st) -> perSegment.put(segment.name(), Map.of("phase", st.phase().name(),
                        "weightBasisPoints", st.weightBasisPoints())));
                line.put("segments", perSegment);
            }
            line.put("quarantined", router.state().quarantined().stream().map(e::releaseName).sorted().toList());
            line.put("breaches", e.engine() == null ? 0 : e.engine().latest().stream().filter(v -> v.level().isBreach()).count());
            all.put(e.name(), line);
        }
        return Map.of("routers", all);
    }

    /**
     * @param router the router's name
     * @return the router's full state, or 404
     */
    @ReadOperation
    public WebEndpointResponse<Map<String, Object>> router(@Selector String router) {
        Optional<RollbackRouters.Entry> found = routers.find(router);
        if (found.isEmpty()) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, OperatorText.echo(router), null, unknownRouter(router));
        }
        return new WebEndpointResponse<>(describe(found.get()));
    }

    /**
     * A document rendered from the router's live configuration: {@code runbook} (Markdown, see
     * docs/runbook.md) or {@code alert-rules} (Prometheus rules YAML, see docs/alerts.md; needs
     * rollback-micrometer on the classpath).
     *
     * @param router the router's name
     * @param document {@code runbook} or {@code alert-rules}
     * @return the document ({@code text/markdown} or {@code application/yaml}), or a plain-text message
     *         with 404 (unknown router or document, no alert-rules exporter) or 409 (nothing to export)
     */
    @ReadOperation(produces = {"text/markdown", "application/yaml", "text/plain"})
    public WebEndpointResponse<String> document(@Selector String router, @Selector String document) {
        Optional<RollbackRouters.Entry> found = routers.find(router);
        if (found.isEmpty()) {
            return new WebEndpointResponse<>(unknownRouter(router) + "\n", WebEndpointResponse.STATUS_NOT_FOUND, PLAIN);
        }
        RollbackRouters.Entry e = found.get();
        if (RUNBOOK.equals(document)) {
            return new WebEndpointResponse<>(runbook(e).toMarkdown(), WebEndpointResponse.STATUS_OK, MARKDOWN);
        }
        if (ALERT_RULES.equals(document)) {
            AlertRulesExporter exporter = alertRules.getIfAvailable();
            if (exporter == null) {
                return new WebEndpointResponse<>("alert rules need io.github.rollback4j:rollback-micrometer on the classpath"
                        + " (the rules read the meters it exports)\n", WebEndpointResponse.STATUS_NOT_FOUND, PLAIN);
            }
            try {
                return new WebEndpointResponse<>(exporter.toYaml(e, path() + "/" + e.name() + "/" + RUNBOOK),
                        WebEndpointResponse.STATUS_OK, YAML);
            } catch (IllegalArgumentException ex) {
                return new WebEndpointResponse<>("router '" + router + "': " + ex.getMessage() + "\n", 409, PLAIN);
            }
        }
        return new WebEndpointResponse<>("'" + OperatorText.echo(document) + "' is not a document of router '" + router + "'; use one of "
                + DOCUMENTS + " (GET), or POST one of " + OPERATIONS + "\n", WebEndpointResponse.STATUS_NOT_FOUND, PLAIN);
    }

    private Runbook runbook(RollbackRouters.Entry e) {
        Runbook.Builder b = Runbook.builder(e.router()).actuatorBasePath(path());
        if (e.engine() != null) {
            b.engine(e.engine());
        }
        if (e.incidents() != null) {
            b.incidents(e.incidents());
        }
        return b.build();
    }

    private String path() {
        String path = basePath.get();
        return path == null || path.isBlank() ? Runbook.DEFAULT_ACTUATOR_BASE_PATH : path;
    }

    /**
     * Runs one write operation.
     *
     * @param router the router's name
     * @param operation one of {@link #OPERATIONS}
     * @param release the release (name or id) for {@code override-quarantine}, and optionally {@code promote}/{@code approve}
     * @param reason why, for the audit log; default names the endpoint
     * @param securityContext the caller
     * @return the operation's result and the router's state after it
     */
    public WebEndpointResponse<Map<String, Object>> write(String router, String operation, @Nullable String release,
                                                          @Nullable String reason, SecurityContext securityContext) {
        return write(router, operation, release, reason, null, securityContext);
    }

    /**
     * Runs one write operation, optionally on one segment of a router with a plan per segment
     * ({@code strategy.canary.segments}): {@code promote}, {@code approve}, {@code pause}, {@code resume}
     * act on that segment's canary only, {@code rollback} sends that segment's traffic back to the
     * last-known-good (ending its canary {@code ABORTED}). Without {@code segment} they act on every
     * segment they apply to (see docs/spring-boot.md). On a router without per-segment plans only
     * {@code rollback} takes a segment.
     *
     * @param router the router's name
     * @param operation one of {@link #OPERATIONS}
     * @param release the release (name or id) for {@code override-quarantine}, and optionally {@code promote}/{@code approve}
     * @param reason why, for the audit log, at most 1000 characters (control characters are removed);
     *               default names the endpoint
     * @param segment the segment to act on, or {@code null} for the whole router
     * @param securityContext the caller
     * @return the operation's result and the router's state after it
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> write(@Selector String router, @Selector String operation,
                                                          @Nullable String release, @Nullable String reason,
                                                          @Nullable String segment, SecurityContext securityContext) {
        Optional<RollbackRouters.Entry> found = routers.find(router);
        if (!OPERATIONS.contains(operation)) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, OperatorText.echo(router), OperatorText.echo(operation), "'"
                    + OperatorText.echo(operation) + "' is not an operation; use one of " + OPERATIONS);
        }
        // Authorized before the router is looked up: a caller who may not write learns nothing of which routers exist.
        String operator;
        SecurityContext caller = securityContext == null ? SecurityContext.NONE : securityContext;
        try {
            operator = access.authorize(caller, router, operation);
        } catch (RolloutsWriteRefusedException e) {
            String message = OperatorText.clean(e.getMessage());
            LOG.warn("rollouts endpoint: refused '{}' on router '{}': {}", operation, OperatorText.echo(router), message);
            found.ifPresent(entry -> refusals.audit(entry, caller, operation, e.status(), message));
            return error(e.status(), OperatorText.echo(router), operation, message);
        }
        if (found.isEmpty()) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, OperatorText.echo(router), operation, unknownRouter(router));
        }
        String refusedReason = refusedReason(reason);
        if (refusedReason != null) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, router, operation, refusedReason);
        }
        reason = OperatorText.clean(reason); // what the audit log keeps: no CR/LF to forge its lines
        RollbackRouters.Entry entry = found.get();
        Cause cause = Cause.operator(operator, reason == null || reason.isBlank()
                ? operation + " via the rollouts Actuator endpoint" : reason);
        try {
            String result = fleetRequest(entry, operation, release, segment, cause);
            if (result == null) {
                result = segment != null || entry.segmented() != null
                        ? applySegmented(entry, operation, release, segment, cause) : apply(entry, operation, release, cause);
            }
            LOG.info("rollouts endpoint: {} ran '{}' on router '{}': {}", operator, operation, router, result);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("router", router);
            body.put("operation", operation);
            body.put("operator", operator);
            if (segment != null) {
                body.put("segment", segment);
            }
            body.put("result", result);
            body.put("state", describe(entry));
            return new WebEndpointResponse<>(body);
        } catch (IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, router, operation, e.getMessage());
        } catch (IllegalStateException e) {
            return error(409, router, operation, e.getMessage());
        }
    }

    /**
     * Fleet mode: what steers the rollout (approve, pause, resume, promote of the rollout's candidate, a
     * blue/green flip back) goes to the leader, which runs the rollout; taken here, it is stored for the
     * leader unless this replica leads. Rollbacks, overrides and explicit promotions are the router's own
     * and go through the store directly.
     *
     * @return what happened, or {@code null} when the operation is not a fleet request
     */
    private static String fleetRequest(RollbackRouters.Entry e, String operation, String release, String segment, Cause cause) {
        if (e.member() == null || (e.rollout() == null && e.segmented() == null)) {
            return null;
        }
        OperatorRequest.Action action = switch (operation) {
            case "approve" -> OperatorRequest.Action.APPROVE;
            case "pause" -> OperatorRequest.Action.PAUSE;
            case "resume" -> OperatorRequest.Action.RESUME;
            case "promote" -> release == null ? OperatorRequest.Action.PROMOTE : null;
            case "flip" -> OperatorRequest.Action.ABORT;
            default -> null;
        };
        if (action == null) {
            return null;
        }
        return e.member().request(action, segment == null ? null : Segment.of(segment), cause);
    }

    /** The fleet as this replica sees it: who leads, every replica's last report and applied generation. */
    static Map<String, Object> fleetView(FleetStatus fleet) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replica", fleet.replica());
        m.put("leader", fleet.leader());
        m.put("leading", fleet.leading());
        m.put("generation", fleet.generation());
        m.put("failSafe", fleet.failSafe());
        m.put("sinceStoreContactMillis", fleet.sinceStoreContact().toMillis());
        m.put("lastStoreError", fleet.lastStoreError());
        m.put("replicas", fleet.replicas().stream().map(r -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("replica", r.replica());
            v.put("self", r.self());
            v.put("leader", r.leader());
            v.put("failSafe", r.failSafe());
            v.put("appliedGeneration", r.appliedGeneration());
            v.put("reports", r.reports());
            v.put("lastReportAgeMillis", r.lastReportAge().toMillis());
            v.put("stale", r.stale());
            v.put("publishedAt", Views.text(r.publishedAt()));
            return v;
        }).toList());
        m.put("requests", fleet.requests().stream().map(r -> Map.of("id", r.id(), "action", r.action().label(),
                "actor", r.cause().actor(), "replica", r.replica(), "at", Views.text(r.at()))).toList());
        return m;
    }

    private static String apply(RollbackRouters.Entry e, String operation, String release, Cause cause) {
        ManagedModelRouter<Object, Object> router = e.router();
        Rollout rollout = e.rollout();
        boolean active = rollout != null && !rollout.status().phase().isTerminal();
        switch (operation) {
            case "promote" -> {
                if (release == null && active) {
                    rollout.promote(cause);
                    return "promoted " + e.releaseName(rollout.candidate()) + " (" + rollout.candidate() + ") to last-known-good";
                }
                if (release == null) {
                    throw new IllegalArgumentException("promote needs a release (name or id) when no rollout is running");
                }
                ReleaseId id = e.release(release);
                if (active && id.equals(rollout.candidate())) {
                    rollout.promote(cause);
                } else {
                    router.promote(id, cause);
                }
                return "promoted " + e.releaseName(id) + " (" + id + ") to last-known-good";
            }
            case "approve" -> {
                if (active && rollout.status().phase() == io.github.rollback4j.core.strategy.RolloutPhase.PAUSED) {
                    rollout.approve(cause);
                    return "approved and resumed the rollout of " + e.releaseName(rollout.candidate());
                }
                if (e.engine() == null) {
                    throw new IllegalStateException("router '" + e.name() + "' has no triggers, so nothing waits for approval");
                }
                int approved = e.engine().approve(release == null ? null : e.release(release), cause).size();
                return "approved " + approved + " pending breach(es)";
            }
            case "pause" -> {
                requireRollout(e, "pause").pause(cause);
                return "paused the rollout of " + e.releaseName(rollout.candidate());
            }
            case "resume" -> {
                requireRollout(e, "resume").resume(cause);
                return "resumed the rollout of " + e.releaseName(rollout.candidate());
            }
            case "rollback" -> {
                router.rollbackToLastKnownGood(cause);
                return "all traffic back on the last-known-good " + e.releaseName(router.lastKnownGood().id());
            }
            case "flip" -> {
                if (!(requireRollout(e, "flip") instanceof BlueGreenRollout<?, ?> blueGreen)) {
                    throw new IllegalStateException("flip is the blue/green flip back; router '" + e.name() + "' runs a " + e.strategy()
                            + " rollout: use rollback");
                }
                blueGreen.flipBack(cause);
                return "flipped all traffic back to blue " + e.releaseName(router.lastKnownGood().id());
            }
            case "override-quarantine" -> {
                if (release == null) {
                    throw new IllegalArgumentException("override-quarantine needs the release (name or id) to let back into traffic");
                }
                ReleaseId id = e.release(release);
                router.overrideQuarantine(id, cause);
                return "lifted the quarantine of " + e.releaseName(id) + " (" + id + ")";
            }
            default -> throw new IllegalArgumentException("'" + operation + "' is not an operation; use one of " + OPERATIONS);
        }
    }

    /**
     * The operations on a router with a plan per segment, or with a {@code segment} argument. Without a
     * segment: promote = the router now, approve/pause/resume = every segment they apply to.
     */
    private static String applySegmented(RollbackRouters.Entry e, String operation, String release, String segmentName, Cause cause) {
        ManagedModelRouter<Object, Object> router = e.router();
        Segment segment = segmentName == null ? null : Segment.of(segmentName);
        SegmentedRollout segmented = e.segmented();
        if (segmented == null) {
            if (!operation.equals("rollback")) {
                throw new IllegalArgumentException(operation + " takes no segment on router '" + e.name() + "': it has no per-segment plans"
                        + " (rollback4j.routers." + e.name() + ".strategy.canary.segments); only rollback does");
            }
            router.rollbackSegment(segment, cause);
            return "segment " + segment + " back on the last-known-good " + e.releaseName(router.lastKnownGood().id());
        }
        String candidate = e.releaseName(segmented.candidate());
        switch (operation) {
            case "promote" -> {
                if (release != null && !e.release(release).equals(segmented.candidate())) {
                    if (segment != null) {
                        throw new IllegalArgumentException("promote in segment " + segment + " promotes the candidate " + candidate
                                + "; leave out release, or leave out segment to promote " + release + " on the whole router");
                    }
                    ReleaseId id = e.release(release);
                    router.promote(id, cause);
                    return "promoted " + e.releaseName(id) + " (" + id + ") to last-known-good";
                }
                if (segment != null) {
                    segmented.promote(segment, cause);
                    return "segment " + segment + " serves " + candidate + " only" + (segmented.routerPromoted()
                            ? "; every segment is promoted, so " + candidate + " is the last-known-good" : "");
                }
                segmented.promote(cause);
                return "promoted " + candidate + " (" + segmented.candidate() + ") to last-known-good in every segment";
            }
            case "approve" -> {
                if (segment != null) {
                    segmented.approve(segment, cause);
                    return "approved and resumed the canary of " + candidate + " in segment " + segment;
                }
                if (segmented.statuses().values().stream().anyMatch(st -> st.phase() == RolloutPhase.PAUSED)) {
                    return "approved and resumed the canary of " + candidate + " in " + segmented.approve(cause);
                }
                int approved = e.engine().approve(release == null ? null : e.release(release), cause).size();
                return "approved " + approved + " pending breach(es)";
            }
            case "pause" -> {
                if (segment != null) {
                    segmented.pause(segment, cause);
                    return "paused the canary of " + candidate + " in segment " + segment;
                }
                return "paused the canary of " + candidate + " in " + segmented.pause(cause);
            }
            case "resume" -> {
                if (segment != null) {
                    segmented.resume(segment, cause);
                    return "resumed the canary of " + candidate + " in segment " + segment;
                }
                return "resumed the canary of " + candidate + " in " + segmented.resume(cause);
            }
            case "rollback" -> {
                if (segment == null) {
                    router.rollbackToLastKnownGood(cause);
                    return "all traffic back on the last-known-good " + e.releaseName(router.lastKnownGood().id());
                }
                boolean planned = segmented.rollouts().containsKey(segment);
                if (planned && !segmented.rollout(segment).status().phase().isTerminal()) {
                    segmented.abort(segment, cause);
                } else {
                    router.rollbackSegment(segment, cause);
                }
                return "segment " + segment + " back on the last-known-good " + e.releaseName(router.lastKnownGood().id());
            }
            case "flip" -> throw new IllegalStateException("flip is the blue/green flip back; router '" + e.name()
                    + "' runs a canary per segment: use rollback (with a segment for one segment)");
            case "override-quarantine" -> {
                if (segment != null) {
                    throw new IllegalArgumentException("override-quarantine takes no segment: a quarantine holds on the whole router");
                }
                return apply(e, operation, release, cause);
            }
            default -> throw new IllegalArgumentException("'" + operation + "' is not an operation; use one of " + OPERATIONS);
        }
    }

    private static Rollout requireRollout(RollbackRouters.Entry e, String operation) {
        if (e.rollout() == null) {
            throw new IllegalStateException(operation + ": router '" + e.name() + "' has no rollout (rollback4j.routers." + e.name()
                    + ".strategy.type is none)");
        }
        return e.rollout();
    }

    private Map<String, Object> describe(RollbackRouters.Entry e) {
        ManagedModelRouter<Object, Object> router = e.router();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("router", e.name());
        Release lkg = router.lastKnownGood();
        Map<String, Object> lkgOut = new LinkedHashMap<>();
        lkgOut.put("name", e.releaseName(lkg.id()));
        lkgOut.put("id", lkg.id().value());
        lkgOut.put("label", lkg.label());
        lkgOut.put("health", health(router.lastKnownGoodHealth()));
        out.put("lastKnownGood", lkgOut);

        List<Map<String, Object>> releases = new ArrayList<>();
        for (Release r : router.releases()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.releaseName(r.id()));
            m.put("id", r.id().value());
            m.put("label", r.label());
            m.put("lastKnownGood", r.id().equals(lkg.id()));
            m.put("featureFlags", List.copyOf(r.featureFlags()));
            m.put("health", health(router.health(r.id())));
            releases.add(m);
        }
        out.put("releases", releases);

        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("generation", router.state().generation());
        Map<String, Object> segments = new TreeMap<>();
        for (String segment : router.state().allocations().keySet()) {
            Segment s = Segment.of(segment);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("configured", named(e, router.weights(s)));
            m.put("serving", named(e, router.servingWeights(s)));
            segments.put(segment, m);
        }
        routing.put("segments", segments);
        routing.put("unit", "basis points (10000 = all traffic)");
        out.put("routing", routing);
        out.put("quarantined", router.state().quarantined().stream().map(e::releaseName).sorted().toList());

        Map<String, Object> rolloutOut = new LinkedHashMap<>();
        rolloutOut.put("strategy", e.strategy());
        Rollout rollout = e.rollout();
        if (rollout != null) {
            RolloutStatus s = rollout.status();
            rolloutOut.put("candidate", e.releaseName(rollout.candidate()));
            rolloutOut.put("phase", s.phase().name());
            rolloutOut.put("step", s.step());
            rolloutOut.put("weightBasisPoints", s.weightBasisPoints());
            rolloutOut.put("reason", s.reason());
            rolloutOut.put("timeline", timeline(rollout.timeline()));
        }
        SegmentedRollout segmented = e.segmented();
        if (segmented != null) {
            rolloutOut.put("candidate", e.releaseName(segmented.candidate()));
            rolloutOut.put("phase", segmented.phase().name());
            rolloutOut.put("routerPromoted", segmented.routerPromoted());
            Map<String, Object> perSegment = new LinkedHashMap<>();
            segmented.rollouts().forEach((segment, r) -> {
                RolloutStatus s = r.status();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("phase", s.phase().name());
                m.put("step", s.step());
                m.put("steps", r.plan().steps().size());
                m.put("weightBasisPoints", s.weightBasisPoints());
                m.put("reason", s.reason());
                m.put("timeline", timeline(r.timeline()));
                perSegment.put(segment.name(), m);
            });
            rolloutOut.put("segments", perSegment);
        }
        if (e.member() != null) {
            FleetStatus fleet = e.member().status();
            if (!fleet.leading()) {
                // Only the leader runs the rollout: show the progress it stored, not this replica's idle copy.
                rolloutOut.put("decidedBy", fleet.leader());
                fleet.rollouts().forEach((segmentName, p) -> {
                    if (e.segmented() == null) {
                        rolloutOut.put("phase", p.phase());
                        rolloutOut.put("step", p.step());
                        rolloutOut.put("weightBasisPoints", p.weightBasisPoints());
                        rolloutOut.put("reason", p.reason());
                    } else if (rolloutOut.get("segments") instanceof Map<?, ?> perSegment
                            && perSegment.get(segmentName) instanceof Map<?, ?> m) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> view = (Map<String, Object>) m;
                        view.put("phase", p.phase());
                        view.put("step", p.step());
                        view.put("weightBasisPoints", p.weightBasisPoints());
                        view.put("reason", p.reason());
                    }
                });
            }
            out.put("fleet", fleetView(fleet));
        }
        out.put("rollout", rolloutOut);

        if (e.engine() != null) {
            out.put("triggers", e.engine().triggers().stream().map(t -> t.name()).toList());
            out.put("verdicts", e.engine().latest().stream().map(v -> Views.verdict(e, v)).toList());
            out.put("pendingApprovals", e.engine().pendingApprovals().stream().map(v -> Views.verdict(e, v)).toList());
        } else {
            out.put("triggers", List.of());
            out.put("verdicts", List.of());
            out.put("pendingApprovals", List.of());
        }
        ShadowRunner<Object, Object> shadow = e.shadow();
        if (shadow != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("candidate", e.releaseName(e.shadowCandidate()));
            m.put("compared", shadow.compared());
            m.put("errors", shadow.errors());
            m.put("timeouts", shadow.timeouts());
            m.put("dropped", shadow.dropped());
            out.put("shadow", m);
        }
        RolloutIncidentsSource source = incidents.getIfAvailable();
        out.put("incidents", source == null ? List.of() : source.incidents(e.name()));
        out.put("runbookSelfCheck", runbook(e).selfCheck().stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", f.severity().name());
            m.put("code", f.code().name());
            m.put("message", f.message());
            return m;
        }).toList());
        List<AuditEntry> audit = router.auditLog();
        out.put("audit", audit.subList(Math.max(0, audit.size() - auditEntries), audit.size()).stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", Views.text(a.time()));
            m.put("action", a.action());
            m.put("actor", a.actor());
            m.put("reason", a.reason());
            m.put("detail", a.detail());
            return m;
        }).toList());
        return out;
    }

    /** The last {@value #TIMELINE_ENTRIES} transitions, oldest first. */
    private static List<Map<String, Object>> timeline(List<RolloutTransition> timeline) {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (RolloutTransition t : timeline.subList(Math.max(0, timeline.size() - TIMELINE_ENTRIES), timeline.size())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", Views.text(t.time()));
            m.put("from", t.from().label());
            m.put("to", t.to().label());
            m.put("reason", t.reason());
            m.put("actor", t.cause().actor());
            m.put("trigger", t.cause().trigger());
            lines.add(m);
        }
        return lines;
    }

    private static Map<String, Integer> named(RollbackRouters.Entry e, Map<ReleaseId, Integer> weights) {
        Map<String, Integer> out = new TreeMap<>();
        weights.forEach((id, bp) -> out.put(e.releaseName(id), bp));
        return out;
    }

    private static Map<String, Object> health(ReleaseHealth h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", h.state().name());
        m.put("servable", h.isServable());
        m.put("quarantined", h.quarantined());
        m.put("lastProbe", Views.text(h.lastProbe()));
        m.put("consecutiveFailures", h.consecutiveFailures());
        m.put("lastFailure", h.lastFailure());
        return m;
    }

    /** The 404 of an unknown router: it names what was asked for, not the routers there are (GET the endpoint for those). */
    private String unknownRouter(String router) {
        return "no router named '" + OperatorText.echo(router) + "'; GET " + path() + " lists the routers";
    }

    /** @return why the reason is refused (too long), or {@code null} when it is taken */
    private static String refusedReason(String reason) {
        if (reason == null) {
            return null;
        }
        // A 30 MB reason is refused without cleaning it first: its raw length is bound enough.
        int length = reason.length() > 4 * OperatorText.MAX_REASON_LENGTH ? reason.length() : OperatorText.clean(reason).length();
        if (length <= OperatorText.MAX_REASON_LENGTH) {
            return null;
        }
        return "reason is " + length + " characters long; at most " + OperatorText.MAX_REASON_LENGTH + " are taken (control"
                + " characters such as CR, LF and tab are removed, each run becoming one space). Shorten it and link to the"
                + " details instead";
    }

    private static WebEndpointResponse<Map<String, Object>> error(int status, String router, String operation, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("router", router);
        if (operation != null) {
            body.put("operation", operation);
        }
        body.put("status", status);
        body.put("error", message);
        return new WebEndpointResponse<>(body, status);
    }
}
