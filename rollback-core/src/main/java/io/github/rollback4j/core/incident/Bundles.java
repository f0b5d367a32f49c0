package io.github.rollback4j.core.incident;

import io.github.rollback4j.AuditEntry;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.trigger.Evidence;
import io.github.rollback4j.trigger.Verdict;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders an incident as its bundle: JSON for machines, Markdown for people, the same facts in both. */
final class Bundles {

    /** Version of the bundle's JSON layout; raised when a field changes meaning. */
    static final int FORMAT = 1;
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final int MARKDOWN_SAMPLES = 10;

    private Bundles() {
    }

    static byte[] json(Incident incident) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("incident", incident.id());
        root.put("router", incident.router());
        root.put("status", incident.status().name());
        root.put("rollbackRefused", incident.rollbackRefused());
        root.put("openedAt", text(incident.openedAt()));
        root.put("endedAt", text(incident.endedAt()));
        root.put("segment", incident.segment() == null ? null : incident.segment().name());
        root.put("owner", incident.owner());
        root.put("channel", incident.channel());
        ObjectNode cause = root.putObject("cause");
        cause.put("actor", incident.cause().actor());
        cause.put("reason", incident.cause().reason());
        cause.put("trigger", incident.cause().trigger());
        cause.put("severity", incident.cause().severity());
        if (incident.trigger() == null) {
            root.putNull("trigger");
        } else {
            root.set("trigger", verdict(incident.trigger()));
        }
        root.put("lastKnownGood", incident.lastKnownGood().value());
        root.put("lastKnownGoodName", incident.lastKnownGoodName());
        ArrayNode frozen = root.putArray("frozen");
        for (Incident.FrozenRelease f : incident.frozen()) {
            ObjectNode node = frozen.addObject();
            node.put("release", f.release().value());
            node.put("name", f.name());
            node.put("label", f.label());
            ObjectNode model = node.putObject("model");
            model.put("name", f.modelName());
            model.put("version", f.modelVersion());
            model.put("digest", f.modelDigest());
            ObjectNode features = node.putObject("features");
            f.featureDigests().forEach(features::put);
            node.put("config", f.configDigest());
            node.put("quarantined", f.quarantined());
            ArrayNode flags = node.putArray("flagsDisabled");
            f.flagsDisabled().forEach(flags::add);
        }
        ArrayNode impact = root.putArray("impact");
        for (Incident.Impact i : incident.impact()) {
            ObjectNode node = impact.addObject();
            node.put("release", i.release().value());
            node.put("segment", i.segment() == null ? null : i.segment().name());
            node.put("requests", i.requests());
            node.put("errors", i.errors());
            node.put("distinctStickinessKeys", i.distinctKeys());
        }
        ObjectNode samples = root.putObject("samples");
        samples.set("before", samples(incident.samplesBefore()));
        samples.set("after", samples(incident.samplesAfter()));
        samples.put("dropped", incident.samplesDropped());
        ObjectNode verification = root.putObject("verification");
        verification.put("state", incident.verification().state().name());
        verification.put("deadline", text(incident.verification().deadline()));
        ArrayNode checks = verification.putArray("checks");
        incident.verification().checks().forEach(v -> checks.add(verdict(v)));
        ArrayNode timeline = root.putArray("timeline");
        for (Incident.TimelineEntry t : incident.timeline()) {
            ObjectNode node = timeline.addObject();
            node.put("time", text(t.time()));
            node.put("event", t.event());
        }
        ArrayNode audit = root.putArray("audit");
        for (AuditEntry a : incident.audit()) {
            ObjectNode node = audit.addObject();
            node.put("time", text(a.time()));
            node.put("action", a.action());
            node.put("actor", a.actor());
            node.put("reason", a.reason());
            node.put("detail", a.detail());
        }
        return MAPPER.writeValueAsBytes(root);
    }

    private static ObjectNode verdict(Verdict v) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("trigger", v.trigger());
        node.put("release", v.candidate().value());
        node.put("baseline", v.baseline().value());
        node.put("segment", v.segment() == null ? null : v.segment().name());
        node.put("level", v.level().name());
        node.put("severity", v.severity().name());
        node.put("time", text(v.time()));
        node.put("summary", v.summary());
        Evidence e = v.evidence();
        ObjectNode evidence = node.putObject("evidence");
        evidence.put("metric", e.metric());
        number(evidence, "candidateValue", e.candidateValue());
        number(evidence, "baselineValue", e.baselineValue());
        evidence.put("threshold", e.threshold());
        number(evidence, "limit", e.limit());
        evidence.put("candidateSamples", e.candidateSamples());
        evidence.put("baselineSamples", e.baselineSamples());
        evidence.put("statistic", e.statistic());
        number(evidence, "statisticValue", e.statisticValue());
        number(evidence, "pValue", e.pValue());
        number(evidence, "eValue", e.eValue());
        evidence.put("windowFrom", text(e.windowFrom()));
        evidence.put("windowTo", text(e.windowTo()));
        evidence.put("breachingSince", text(e.breachingSince()));
        evidence.put("note", e.note());
        return node;
    }

    private static ArrayNode samples(List<CallSample<?, ?>> samples) {
        ArrayNode array = MAPPER.createArrayNode();
        for (CallSample<?, ?> s : samples) {
            ObjectNode node = array.addObject();
            node.put("sequence", s.sequence());
            node.put("time", text(s.time()));
            node.put("release", s.release().value());
            node.put("segment", s.segment() == null ? null : s.segment().name());
            node.put("stickinessKey", s.stickinessKey());
            node.put("outcome", s.outcome().name());
            node.put("latencyMs", s.latencyNanos() / 1_000_000.0);
            node.set("input", tree(s.input()));
            node.set("output", tree(s.output()));
            node.put("error", s.error() == null ? null : s.error().toString()); // a RedactedError: type and redacted message
        }
        return array;
    }

    /** Jackson's tree of a value; its {@code String.valueOf} when Jackson cannot serialize it. */
    static JsonNode tree(Object value) {
        if (value == null) {
            return MAPPER.getNodeFactory().nullNode();
        }
        try {
            return MAPPER.valueToTree(value);
        } catch (RuntimeException e) {
            return MAPPER.getNodeFactory().textNode(String.valueOf(value));
        }
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field); // JSON has no NaN
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static byte[] markdown(Incident i, String location) {
        StringBuilder md = new StringBuilder();
        md.append("# Incident ").append(i.id()).append("\n\n");
        md.append("| | |\n| --- | --- |\n");
        row(md, "router", "`" + i.router() + "`");
        row(md, "status", "**" + i.status() + "**");
        row(md, "opened", i.openedAt().toString());
        row(md, "ended", i.endedAt() == null ? "–" : i.endedAt().toString());
        row(md, "duration", i.endedAt() == null ? "–" : java.time.Duration.between(i.openedAt(), i.endedAt()).toString());
        row(md, "scope", i.segment() == null ? "every segment" : "segment `" + i.segment().name() + "`");
        if (i.rollbackRefused()) {
            row(md, "rollback", "**REFUSED**: the last-known-good could not serve; the releases below keep serving");
        }
        row(md, i.rollbackRefused() ? "rollback asked by" : "rolled back by", i.cause().actor() + (i.cause().trigger().equals(io.github.rollback4j.Cause.NONE) ? ""
                : " (trigger `" + i.cause().trigger() + "`, " + i.cause().severity() + ")"));
        row(md, "reason", escape(i.cause().reason()));
        java.util.Map<io.github.rollback4j.ReleaseId, String> names = new java.util.HashMap<>();
        i.frozen().forEach(f -> names.put(f.release(), f.name()));
        names.put(i.lastKnownGood(), i.lastKnownGoodName());
        row(md, "last-known-good", shown(names, i.lastKnownGood()));
        row(md, "owner", i.owner().isEmpty() ? "– (none configured)" : i.owner());
        row(md, "channel", i.channel().isEmpty() ? "– (none configured)" : i.channel());
        if (!location.isEmpty()) {
            row(md, "evidence", "`" + location + "`");
        }
        md.append("\n## Trigger\n\n");
        if (i.trigger() == null) {
            md.append("No trigger verdict (").append(i.cause().trigger().equals(io.github.rollback4j.Cause.NONE)
                    ? "the rollback was not caused by a trigger" : "no trigger engine was attached").append(").\n");
        } else {
            evidence(md, i.trigger(), names);
        }
        md.append("\n## Frozen releases\n\n| release | id | label | model digest | features | config | quarantined | flags off |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Incident.FrozenRelease f : i.frozen()) {
            md.append("| ").append(escape(f.name())).append(" | `").append(f.release().value()).append("` | ").append(f.label()).append(" | `").append(f.modelDigest())
                    .append("` | ").append(f.featureDigests().isEmpty() ? "–" : escape(f.featureDigests().toString()))
                    .append(" | ").append(f.configDigest() == null ? "–" : f.configDigest())
                    .append(" | ").append(f.quarantined() ? "yes" : "no")
                    .append(" | ").append(f.flagsDisabled().isEmpty() ? "–" : String.join(", ", f.flagsDisabled())).append(" |\n");
        }
        md.append("\n## Impact\n\nServed by the rolled-back releases (telemetry since each was registered).\n\n")
                .append("| release | segment | requests | errors | error rate | distinct stickiness keys |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Incident.Impact m : i.impact()) {
            md.append("| ").append(shown(names, m.release())).append(" | ").append(m.segment() == null ? "all" : m.segment().name())
                    .append(" | ").append(m.requests()).append(" | ").append(m.errors()).append(" | ")
                    .append(m.requests() == 0 ? "–" : String.format(Locale.ROOT, "%.2f %%", 100.0 * m.errors() / m.requests()))
                    .append(" | ").append(m.distinctKeys() < 0 ? "– (telemetry off)" : "≈ " + m.distinctKeys()).append(" |\n");
        }
        md.append("\n## Recovery verification\n\n").append("State: **").append(i.verification().state()).append("**, deadline ")
                .append(i.verification().deadline()).append(".\n\n");
        if (!i.verification().checks().isEmpty()) {
            md.append("| check | release | verdict | metric | value on the last-known-good | breaches when | samples | window |\n")
                    .append("| --- | --- | --- | --- | ---: | --- | ---: | --- |\n");
        }
        for (Verdict v : i.verification().checks()) {
            // A check judges the last-known-good alone: one value against an absolute threshold, no baseline.
            Evidence e = v.evidence();
            md.append("| ").append(escape(v.trigger())).append(" | ").append(shown(names, v.candidate())).append(" | ").append(v.level())
                    .append(" | ").append(escape(e.metric())).append(" | ").append(fmt(e.candidateValue())).append(" | ")
                    .append(escape(e.threshold())).append(" | ").append(e.candidateSamples()).append(" | ")
                    .append(e.windowFrom()).append(" .. ").append(e.windowTo()).append(" |\n");
        }
        md.append("\n## Samples\n\n").append(i.samplesBefore().size()).append(" before the rollback (rolled-back releases), ")
                .append(i.samplesAfter().size()).append(" after it (last-known-good), ").append(i.samplesDropped())
                .append(" dropped by the redactor; all of them are in `incident.json`.\n\n");
        sampleTable(md, "Before", i.samplesBefore(), names);
        sampleTable(md, "After", i.samplesAfter(), names);
        md.append("## Timeline\n\n");
        for (Incident.TimelineEntry t : i.timeline()) {
            md.append("- ").append(t.time()).append(" — ").append(escape(t.event())).append('\n');
        }
        md.append("\n## Audit log\n\n| time | action | actor | reason | detail |\n| --- | --- | --- | --- | --- |\n");
        for (AuditEntry a : i.audit()) {
            md.append("| ").append(a.time()).append(" | ").append(a.action()).append(" | ").append(a.actor()).append(" | ")
                    .append(escape(a.reason())).append(" | ").append(escape(a.detail())).append(" |\n");
        }
        return md.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A release as people read it: its display name, then its id in code font; the id alone when the name is unknown. */
    private static String shown(java.util.Map<io.github.rollback4j.ReleaseId, String> names, io.github.rollback4j.ReleaseId release) {
        String name = names.get(release);
        return (name == null || name.equals(String.valueOf(release)) ? "" : escape(name) + " ") + "`" + release + "`";
    }

    private static void evidence(StringBuilder md, Verdict v, java.util.Map<io.github.rollback4j.ReleaseId, String> names) {
        Evidence e = v.evidence();
        String name = names.get(v.candidate());
        md.append(escape(name == null ? v.summary() : v.summary(name + " (" + v.candidate() + ")"))).append("\n\n| evidence | value |\n| --- | --- |\n");
        row(md, "metric", escape(e.metric()));
        row(md, "candidate / baseline", fmt(e.candidateValue()) + " / " + fmt(e.baselineValue()));
        row(md, "threshold (limit)", escape(e.threshold()) + " (" + fmt(e.limit()) + ")");
        row(md, "samples (candidate / baseline)", e.candidateSamples() + " / " + e.baselineSamples());
        if (!e.statistic().isEmpty()) {
            row(md, "statistic", escape(e.statistic()) + " = " + fmt(e.statisticValue()));
        }
        if (!Double.isNaN(e.pValue())) {
            row(md, "p-value", fmt(e.pValue()));
        }
        row(md, "window", e.windowFrom() + " .. " + e.windowTo());
        if (e.breachingSince() != null) {
            row(md, "breaching since", e.breachingSince().toString());
        }
    }

    private static void sampleTable(StringBuilder md, String title, List<CallSample<?, ?>> samples,
                                    java.util.Map<io.github.rollback4j.ReleaseId, String> names) {
        if (samples.isEmpty()) {
            return;
        }
        md.append("### ").append(title).append(samples.size() > MARKDOWN_SAMPLES ? " (last " + MARKDOWN_SAMPLES + ")" : "")
                .append("\n\n| time | release | segment | outcome | latency ms | input | output |\n")
                .append("| --- | --- | --- | --- | ---: | --- | --- |\n");
        for (CallSample<?, ?> s : samples.subList(Math.max(0, samples.size() - MARKDOWN_SAMPLES), samples.size())) {
            md.append("| ").append(s.time()).append(" | ").append(shown(names, s.release())).append(" | ").append(s.segment())
                    .append(" | ").append(s.outcome()).append(" | ").append(String.format(Locale.ROOT, "%.3f", s.latencyNanos() / 1e6))
                    .append(" | ").append(cell(tree(s.input()).toString())).append(" | ")
                    .append(s.error() != null ? cell(s.error().toString()) : cell(tree(s.output()).toString())).append(" |\n");
        }
        md.append('\n');
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String cell(String text) {
        String shortened = text.length() > 80 ? text.substring(0, 79) + "…" : text;
        return "`" + shortened.replace("`", "'").replace("|", "\\|") + "`";
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    static String fmt(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4g", value);
    }
}
