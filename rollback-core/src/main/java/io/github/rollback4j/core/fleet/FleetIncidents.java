package io.github.rollback4j.core.fleet;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The document of a fleet incident row: what the committing replica knew of the rollback (segment,
 * last-known-good, releases rolled back, flags turned off, cause) and, once the leader keeps the
 * evidence, the id of its local incident (whose bundle has the rest).
 */
final class FleetIncidents {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FleetIncidents() {
    }

    /** The rollback as the document records it. */
    record Opened(Segment segment, ReleaseId lastKnownGood, Set<ReleaseId> rolledBack, Set<String> flagsOff, Cause cause) {
    }

    static String document(String segment, ReleaseId lkg, Set<ReleaseId> rolledBack, Set<String> flagsOff, Cause cause) {
        ObjectNode o = JSON.createObjectNode();
        o.put("segment", segment);
        o.put("lastKnownGood", lkg.value());
        ArrayNode releases = o.putArray("rolledBack");
        rolledBack.forEach(r -> releases.add(r.value()));
        ArrayNode flags = o.putArray("flagsDisabled");
        flagsOff.forEach(flags::add);
        ObjectNode c = o.putObject("cause");
        c.put("actor", cause.actor());
        c.put("reason", cause.reason());
        c.put("trigger", cause.trigger());
        c.put("severity", cause.severity());
        return o.toString();
    }

    static Opened parse(String document) {
        JsonNode o = JSON.readTree(document);
        JsonNode segment = o.get("segment");
        Set<ReleaseId> rolledBack = new LinkedHashSet<>();
        o.get("rolledBack").forEach(n -> rolledBack.add(ReleaseId.of(n.asString())));
        Set<String> flags = new LinkedHashSet<>();
        o.get("flagsDisabled").forEach(n -> flags.add(n.asString()));
        JsonNode c = o.get("cause");
        return new Opened(segment == null || segment.isNull() ? null : Segment.of(segment.asString()),
                ReleaseId.of(o.get("lastKnownGood").asString()), rolledBack, flags,
                new Cause(c.get("actor").asString(), c.get("reason").asString(), c.get("trigger").asString(),
                        c.get("severity").asString()));
    }

    static String withEvidence(String document, String localIncident) {
        ObjectNode o = (ObjectNode) JSON.readTree(document);
        o.put("evidenceIncident", localIncident);
        return o.toString();
    }
}
