package io.github.rollback4j.core.internal;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.spi.BucketRange;
import io.github.rollback4j.spi.OperatorRequest;
import io.github.rollback4j.spi.RolloutProgress;
import io.github.rollback4j.spi.StateChange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON columns of a stored rollout state (allocations, quarantine, rollouts, requests, change),
 * written field by field so that the stored form is stable and readable with {@code psql}:
 *
 * <pre>
 * allocations  {"default": [["rel-…", 0, 9000], ["rel-…", 9000, 10000]], "eu-west": [...]}
 * quarantined  ["rel-…"]
 * rollouts     {"default": {"kind": "canary", "candidate": "rel-…", "phase": "PROGRESSING", "step": 1, ...}}
 * requests     [{"id": 12, "action": "PAUSE", "segment": null, "actor": "ana", ...}]
 * change       {"action": "rolled-back", "actor": "automatic", "trigger": "p95-latency", ..., "replica": "r2", "at": "…"}
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class RolloutStateJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RolloutStateJson() {
    }

    public static String allocations(Map<String, List<BucketRange>> allocations) {
        ObjectNode root = JSON.createObjectNode();
        allocations.forEach((segment, ranges) -> {
            ArrayNode list = root.putArray(segment);
            for (BucketRange r : ranges) {
                list.addArray().add(r.release().value()).add(r.from()).add(r.to());
            }
        });
        return root.toString();
    }

    public static Map<String, List<BucketRange>> allocations(String json) {
        Map<String, List<BucketRange>> allocations = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : JSON.readTree(json).properties()) {
            List<BucketRange> ranges = new ArrayList<>();
            for (JsonNode r : e.getValue()) {
                ranges.add(new BucketRange(ReleaseId.of(r.get(0).asString()), r.get(1).asInt(), r.get(2).asInt()));
            }
            allocations.put(e.getKey(), ranges);
        }
        return allocations;
    }

    public static String releases(Set<ReleaseId> releases) {
        ArrayNode list = JSON.createArrayNode();
        releases.forEach(r -> list.add(r.value()));
        return list.toString();
    }

    public static Set<ReleaseId> releases(String json) {
        Set<ReleaseId> releases = new LinkedHashSet<>();
        JSON.readTree(json).forEach(n -> releases.add(ReleaseId.of(n.asString())));
        return releases;
    }

    public static String rollouts(Map<String, RolloutProgress> rollouts) {
        ObjectNode root = JSON.createObjectNode();
        rollouts.forEach((segment, p) -> {
            ObjectNode o = root.putObject(segment);
            o.put("kind", p.kind());
            o.put("candidate", p.candidate().value());
            o.put("segment", p.segment());
            o.put("phase", p.phase());
            o.put("step", p.step());
            o.put("weightBasisPoints", p.weightBasisPoints());
            o.put("reason", p.reason());
            o.put("createdAt", p.createdAt().toString());
            o.put("stepStartedAt", p.stepStartedAt() == null ? null : p.stepStartedAt().toString());
            o.put("progressStartedAt", p.progressStartedAt() == null ? null : p.progressStartedAt().toString());
            o.put("hadTraffic", p.hadTraffic());
            ArrayNode approved = o.putArray("approvedMild");
            p.approvedMild().forEach(approved::add);
            o.put("updatedAt", p.updatedAt().toString());
        });
        return root.toString();
    }

    public static Map<String, RolloutProgress> rollouts(String json) {
        Map<String, RolloutProgress> rollouts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : JSON.readTree(json).properties()) {
            JsonNode o = e.getValue();
            Set<String> approved = new LinkedHashSet<>();
            o.get("approvedMild").forEach(n -> approved.add(n.asString()));
            rollouts.put(e.getKey(), new RolloutProgress(o.get("kind").asString(), ReleaseId.of(o.get("candidate").asString()),
                    o.get("segment").asString(), o.get("phase").asString(), o.get("step").asInt(), o.get("weightBasisPoints").asInt(),
                    o.get("reason").asString(), instant(o.get("createdAt")), instant(o.get("stepStartedAt")),
                    instant(o.get("progressStartedAt")), o.get("hadTraffic").asBoolean(), approved, instant(o.get("updatedAt"))));
        }
        return rollouts;
    }

    public static String requests(List<OperatorRequest> requests) {
        ArrayNode list = JSON.createArrayNode();
        for (OperatorRequest r : requests) {
            ObjectNode o = list.addObject();
            o.put("id", r.id());
            o.put("action", r.action().name());
            o.put("segment", r.segment());
            cause(o, r.cause());
            o.put("replica", r.replica());
            o.put("at", r.at().toString());
        }
        return list.toString();
    }

    public static List<OperatorRequest> requests(String json) {
        List<OperatorRequest> requests = new ArrayList<>();
        for (JsonNode o : JSON.readTree(json)) {
            JsonNode segment = o.get("segment");
            requests.add(new OperatorRequest(o.get("id").asLong(), OperatorRequest.Action.valueOf(o.get("action").asString()),
                    segment == null || segment.isNull() ? null : segment.asString(), cause(o), o.get("replica").asString(),
                    instant(o.get("at"))));
        }
        return requests;
    }

    public static String change(StateChange change) {
        if (change == null) {
            return null;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("action", change.action());
        cause(o, change.cause());
        o.put("replica", change.replica());
        o.put("at", change.at().toString());
        return o.toString();
    }

    public static StateChange change(String json) {
        if (json == null) {
            return null;
        }
        JsonNode o = JSON.readTree(json);
        return new StateChange(o.get("action").asString(), cause(o), o.get("replica").asString(), instant(o.get("at")));
    }

    private static void cause(ObjectNode o, Cause cause) {
        o.put("actor", cause.actor());
        o.put("reason", cause.reason());
        o.put("trigger", cause.trigger());
        o.put("severity", cause.severity());
    }

    private static Cause cause(JsonNode o) {
        return new Cause(o.get("actor").asString(), o.get("reason").asString(), o.get("trigger").asString(),
                o.get("severity").asString());
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asString());
    }
}
