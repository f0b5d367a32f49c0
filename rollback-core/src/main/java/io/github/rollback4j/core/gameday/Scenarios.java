package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.guard.ReleaseCheck;
import io.github.rollback4j.core.incident.Incidents;
import io.github.rollback4j.core.shadow.ShadowGate;
import io.github.rollback4j.core.spec.SpecException;
import io.github.rollback4j.core.spec.SpecNode;
import io.github.rollback4j.core.spec.TriggerSpecs;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.TriggerSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@link Scenario}s from YAML or JSON. A bad file is refused whole with the field path, the
 * value and what is allowed ({@link SpecException}). The format is documented field by field in
 * {@code docs/scenarios.md}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Scenarios {

    private static final Set<String> OUTCOMES = Set.of("promoted", "rolled_back", "paused", "blocked", "running");
    private static final List<String> KINDS = List.of("canary", "blueGreen", "shadow", "shadowThenCanary");
    private static final Duration MIN_VERIFICATION = Duration.ofSeconds(1);
    private static final Duration MAX_VERIFICATION = Duration.ofHours(24);
    /** The game day's telemetry sub-window: a check counts once its window and one sub-window lie after the rollback. */
    private static final Duration SUB_WINDOW = GameDay.TELEMETRY.callWindow().subWindowLength();

    private Scenarios() {
    }

    /**
     * @param file a {@code .json} file, or YAML otherwise
     * @return the scenario
     * @throws SpecException naming the file, the field path, the value and what is allowed
     */
    public static Scenario load(Path file) {
        return read(SpecNode.file(file));
    }

    /**
     * @param yaml the scenario as YAML
     * @return the scenario
     * @throws SpecException naming the field path, the value and what is allowed
     */
    public static Scenario fromYaml(String yaml) {
        return read(SpecNode.yaml(yaml, "<scenario>"));
    }

    static Scenario read(SpecNode root) {
        root.requireObject();
        String name = root.string("name");
        String description = root.string("description", "");
        Instant start = instant(root, "start", Instant.parse("2026-01-01T00:00:00Z"));
        Duration duration = positive(root, "duration", null, Duration.ofDays(7));
        Duration tick = root.has("tick") ? positive(root, "tick", null, Duration.ofHours(1)) : Duration.ofSeconds(1);
        long seed = root.integer("seed", 1);
        String expect = root.has("expect") ? root.string("expect").trim().toLowerCase() : null;
        if (expect != null && !OUTCOMES.contains(expect)) {
            throw new SpecException(root.path() + ".expect", "'" + expect + "' is not one of " + OUTCOMES);
        }
        Scenario.Traffic traffic = traffic(root.child("traffic").requireObject());
        List<SyntheticRelease> releases = new ArrayList<>();
        for (SpecNode node : root.list("releases")) {
            releases.add(release(node, traffic.segments().keySet()));
        }
        long lkgs = releases.stream().filter(SyntheticRelease::lastKnownGood).count();
        if (lkgs != 1) {
            throw new SpecException(root.path() + ".releases", "exactly one release must have lastKnownGood: true, but "
                    + lkgs + " have");
        }
        Set<String> names = new java.util.HashSet<>();
        for (SyntheticRelease r : releases) {
            if (!names.add(r.name())) {
                throw new SpecException(root.path() + ".releases", "release name '" + r.name() + "' is used twice");
            }
        }
        Scenario.StrategySpec strategy = strategy(root.child("strategy").requireObject(), names, traffic.segments().keySet());
        List<TriggerSpec> triggers = root.has("triggers") ? TriggerSpecs.readList(root.list("triggers")) : List.of();
        Scenario.IncidentSpec incident = incident(root.has("incident") ? root.child("incident").requireObject() : null, triggers);
        root.requireNoOtherFields();
        return new Scenario(name, description, start, duration, tick, seed, traffic, List.copyOf(releases), strategy,
                triggers, expect, incident);
    }

    /**
     * The {@code incident} section ({@code null}: absent, every default). Without {@code verification.checks}
     * the triggers with absolute thresholds over all traffic (not sequential, not drift) whose window fits in
     * the verification time become the checks.
     */
    private static Scenario.IncidentSpec incident(SpecNode node, List<TriggerSpec> triggers) {
        String owner = node == null ? null : text(node, "owner");
        String channel = node == null ? null : text(node, "channel");
        Duration within = Incidents.DEFAULT_VERIFICATION_TIMEOUT;
        List<TriggerSpec> checks = null;
        if (node != null && node.has("verification")) {
            SpecNode v = node.child("verification").requireObject();
            if (v.has("within")) {
                within = v.duration("within");
                if (within.compareTo(MIN_VERIFICATION) < 0 || within.compareTo(MAX_VERIFICATION) > 0) {
                    throw new SpecException(v.path() + ".within", "must be between 1s and 24h, but was " + within);
                }
            }
            if (v.has("checks")) {
                List<SpecNode> nodes = v.list("checks");
                checks = TriggerSpecs.readList(nodes);
                for (int i = 0; i < checks.size(); i++) {
                    TriggerSpec check = checks.get(i);
                    SpecNode checkNode = nodes.get(i);
                    checkNode.validated(() -> ReleaseCheck.of(check));
                    if (check.perSegment()) {
                        throw new SpecException(checkNode.path() + ".perSegment", "must not be set on a check: a check runs on"
                                + " the last-known-good in the rolled-back scope (the segment, for a segment rollback)");
                    }
                    if (check.window().plus(SUB_WINDOW).compareTo(within) > 0) {
                        throw new SpecException(checkNode.path() + ".window", "must fit with one telemetry sub-window ("
                                + SUB_WINDOW + ") in verification.within " + within + ", but was " + check.window());
                    }
                }
            }
            v.requireNoOtherFields();
        }
        boolean fromTriggers = checks == null;
        if (fromTriggers) {
            List<TriggerSpec> derived = new ArrayList<>();
            for (TriggerSpec trigger : triggers) {
                boolean absolute = !trigger.perSegment() && !trigger.sequential() && trigger.threshold() != null
                        && !trigger.threshold().kind().relativeToBaseline() && !(trigger.metric() instanceof Metric.Drift);
                if (absolute && trigger.window().plus(SUB_WINDOW).compareTo(within) <= 0) {
                    derived.add(trigger);
                }
            }
            checks = derived;
        }
        int before = Incidents.DEFAULT_SAMPLES_BEFORE;
        int after = Incidents.DEFAULT_SAMPLES_AFTER;
        if (node != null && node.has("samples")) {
            SpecNode samples = node.child("samples").requireObject();
            before = sampleCount(samples, "before", before);
            after = sampleCount(samples, "after", after);
            samples.requireNoOtherFields();
        }
        if (node != null) {
            node.requireNoOtherFields();
        }
        return new Scenario.IncidentSpec(owner, channel, within, checks, fromTriggers, before, after);
    }

    private static String text(SpecNode node, String field) {
        if (!node.has(field)) {
            return null;
        }
        String value = node.string(field);
        if (value.isBlank()) {
            throw new SpecException(node.path() + "." + field, "must not be blank; leave it out and the runbook's self-check"
                    + " reports it missing");
        }
        return value.strip();
    }

    private static int sampleCount(SpecNode node, String field, int fallback) {
        long value = node.integer(field, fallback);
        if (value < 0 || value > Incidents.MAX_SAMPLES) {
            throw new SpecException(node.path() + "." + field, "must be between 0 and " + Incidents.MAX_SAMPLES
                    + " sampled calls, but was " + value);
        }
        return (int) value;
    }

    private static Scenario.Traffic traffic(SpecNode node) {
        double rate = node.number("rate");
        if (!(rate > 0 && rate <= 100_000)) {
            throw new SpecException(node.path() + ".rate", "must be between 0 (exclusive) and 100000 requests per second, but was "
                    + rate);
        }
        Map<String, Double> segments = new LinkedHashMap<>();
        if (node.has("segments")) {
            SpecNode s = node.child("segments").requireObject();
            double sum = 0;
            for (String segment : s.fieldNames()) {
                double share = s.number(segment);
                if (!(share > 0 && share <= 1)) {
                    throw new SpecException(s.path() + "." + segment, "must be a share between 0 (exclusive) and 1, but was " + share);
                }
                segment(s, segment);
                segments.put(segment, share);
                sum += share;
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new SpecException(s.path(), "shares must sum to 1, but sum to " + sum);
            }
        } else {
            segments.put("default", 1.0);
        }
        double amplitude = 0;
        int peak = 14;
        if (node.has("diurnal")) {
            SpecNode d = node.child("diurnal").requireObject();
            amplitude = d.number("amplitude", 0);
            long peakHour = d.integer("peakHour", 14);
            d.requireNoOtherFields();
            if (!(amplitude >= 0 && amplitude <= 1)) {
                throw new SpecException(d.path() + ".amplitude", "must be between 0 and 1, but was " + amplitude);
            }
            if (peakHour < 0 || peakHour > 23) {
                throw new SpecException(d.path() + ".peakHour", "must be between 0 and 23, but was " + peakHour);
            }
            peak = (int) peakHour;
        }
        long users = node.integer("users", 100_000);
        if (users < 1 || users > 100_000_000) {
            throw new SpecException(node.path() + ".users", "must be between 1 and 100000000, but was " + users);
        }
        String kpi = node.string("kpi", null);
        node.requireNoOtherFields();
        return new Scenario.Traffic(rate, Map.copyOf(segments), amplitude, peak, (int) users, kpi);
    }

    private static SyntheticRelease release(SpecNode node, Set<String> trafficSegments) {
        node.requireObject();
        String name = node.string("name");
        String model = node.string("model", "model");
        String version = node.string("version");
        Map<String, String> features = new LinkedHashMap<>();
        if (node.has("features")) {
            SpecNode f = node.child("features").requireObject();
            for (String feature : f.fieldNames()) {
                features.put(feature, f.string(feature));
            }
        }
        List<String> flags = new ArrayList<>();
        if (node.has("flags")) {
            for (SpecNode flag : node.list("flags")) {
                flags.add(flag.asText());
            }
        }
        boolean lkg = node.bool("lastKnownGood", false);
        SyntheticRelease.Behaviour base = behaviour(node, new SyntheticRelease.Behaviour(Duration.ofMillis(100), 0.25, 0.0, 0.0, 0.0,
                Map.of()), trafficSegments);
        Map<String, SyntheticRelease.Behaviour> bySegment = new LinkedHashMap<>();
        if (node.has("bySegment")) {
            SpecNode segments = node.child("bySegment").requireObject();
            for (String segment : segments.fieldNames()) {
                knownSegment(segments, segment, trafficSegments);
                SpecNode own = segments.child(segment).requireObject();
                bySegment.put(segment, behaviour(own, base, trafficSegments));
                own.requireNoOtherFields();
            }
        }
        List<SyntheticRelease.Change> changes = new ArrayList<>();
        if (node.has("changes")) {
            SyntheticRelease.Behaviour previous = base;
            Duration last = Duration.ZERO;
            for (SpecNode change : node.list("changes")) {
                change.requireObject();
                Duration at = change.duration("at");
                if (at.compareTo(last) < 0) {
                    throw new SpecException(change.path() + ".at", "changes must be in time order, but " + at + " follows " + last);
                }
                last = at;
                previous = behaviour(change, previous, trafficSegments);
                change.requireNoOtherFields();
                changes.add(new SyntheticRelease.Change(at, previous));
            }
        }
        node.requireNoOtherFields();
        return new SyntheticRelease(name, model, version, Map.copyOf(features), List.copyOf(flags), lkg, base, List.copyOf(changes),
                Map.copyOf(bySegment));
    }

    /** Reads the behaviour keys present on {@code node}, keeping {@code previous} for the absent ones. */
    private static SyntheticRelease.Behaviour behaviour(SpecNode node, SyntheticRelease.Behaviour previous,
                                                        Set<String> trafficSegments) {
        Duration median = previous.medianLatency();
        double sigma = previous.latencySigma();
        if (node.has("latency")) {
            SpecNode l = node.child("latency").requireObject();
            median = positive(l, "median", median, Duration.ofMinutes(10));
            sigma = l.number("sigma", sigma);
            l.requireNoOtherFields();
            if (!(sigma >= 0 && sigma <= 3)) {
                throw new SpecException(l.path() + ".sigma", "must be between 0 and 3, but was " + sigma);
            }
        }
        double errorRate = fraction(node, "errorRate", previous.errorRate());
        double kpiRate = fraction(node, "kpiRate", previous.kpiRate());
        double shift = previous.outputShift();
        Map<String, int[]> distortion = previous.distortion();
        if (node.has("distortion")) {
            SpecNode d = node.child("distortion").requireObject();
            shift = d.number("outputShift");
            Map<String, int[]> bySegment = new LinkedHashMap<>();
            SpecNode segments = d.child("segments").requireObject();
            for (String segment : segments.fieldNames()) {
                knownSegment(segments, segment, trafficSegments);
                List<SpecNode> hours = segments.list(segment);
                if (hours.size() != 2) {
                    throw new SpecException(segments.path() + "." + segment, "must be [fromHour, toHour], e.g. [22, 6]");
                }
                int from = hour(hours.get(0));
                int to = hour(hours.get(1));
                if (from < 0 || from > 23 || to < 0 || to > 24) {
                    throw new SpecException(segments.path() + "." + segment, "hours must be within 0..24, but were [" + from + ", "
                            + to + "]");
                }
                bySegment.put(segment, new int[] {from, to});
            }
            d.requireNoOtherFields();
            distortion = Map.copyOf(bySegment);
        }
        return new SyntheticRelease.Behaviour(median, sigma, errorRate, kpiRate, shift, distortion);
    }

    private static Scenario.StrategySpec strategy(SpecNode node, Set<String> releases, Set<String> trafficSegments) {
        List<String> kinds = node.fieldNames();
        if (kinds.size() != 1 || !KINDS.contains(kinds.get(0))) {
            throw new SpecException(node.path(), "must hold exactly one of " + String.join(", ", KINDS) + ", but holds " + kinds);
        }
        String kind = kinds.get(0);
        SpecNode s = node.child(kind).requireObject();
        String candidate = s.string("candidate");
        if (!releases.contains(candidate)) {
            throw new SpecException(s.path() + ".candidate", "'" + candidate + "' is not a release of this scenario; releases are "
                    + releases);
        }
        Duration startAfter = s.duration("startAfter", Duration.ZERO);
        if (startAfter.isNegative() || startAfter.compareTo(Duration.ofDays(7)) > 0) {
            throw new SpecException(s.path() + ".startAfter", "must be between 0 and 7 days, but was " + startAfter);
        }
        Scenario.StrategySpec spec = switch (kind) {
            case "canary" -> canary(s, kind, candidate, startAfter, null, trafficSegments);
            case "blueGreen" -> new Scenario.StrategySpec(kind, candidate,
                    List.of(new Scenario.Step(10_000, positive(s, "bake", null, Duration.ofDays(1)))), null, Map.of(), null, startAfter);
            case "shadow" -> new Scenario.StrategySpec(kind, candidate, List.of(), null, Map.of(), shadow(s, false), startAfter);
            default -> {
                Scenario.Shadow shadow = shadow(s.child("shadow").requireObject(), true);
                SpecNode canary = s.child("canary").requireObject();
                Scenario.StrategySpec spec1 = canary(canary, kind, candidate, startAfter, shadow, trafficSegments);
                canary.requireNoOtherFields();
                yield spec1;
            }
        };
        s.requireNoOtherFields();
        node.requireNoOtherFields();
        return spec;
    }

    /** A canary plan: {@code steps} (one plan) or {@code segments} (a plan per segment), and {@code stepDeadline}. */
    private static Scenario.StrategySpec canary(SpecNode s, String kind, String candidate, Duration startAfter, Scenario.Shadow shadow,
                                                Set<String> trafficSegments) {
        if (s.has("steps") == s.has("segments")) {
            throw new SpecException(s.path(), "must hold exactly one of steps (one plan for all traffic) or segments (a plan per"
                    + " segment), but holds " + (s.has("steps") ? "both" : "neither"));
        }
        if (s.has("steps")) {
            Scenario.SegmentPlan plan = plan(s);
            return new Scenario.StrategySpec(kind, candidate, plan.steps(), plan.stepDeadline(), Map.of(), shadow, startAfter);
        }
        SpecNode segments = s.child("segments").requireObject();
        Map<String, Scenario.SegmentPlan> plans = new LinkedHashMap<>();
        if (segments.fieldNames().isEmpty()) {
            throw new SpecException(segments.path(), "must name at least one segment with its plan, e.g. {eu-west: {steps: [...]}}");
        }
        for (String segment : segments.fieldNames()) {
            if (!trafficSegments.contains(segment)) {
                throw new SpecException(segments.path() + "." + segment, "'" + segment + "' is not a segment of traffic.segments;"
                        + " segments are " + new java.util.TreeSet<>(trafficSegments));
            }
            SpecNode plan = segments.child(segment).requireObject();
            plans.put(segment, plan(plan));
            plan.requireNoOtherFields();
        }
        return new Scenario.StrategySpec(kind, candidate, List.of(), null, java.util.Collections.unmodifiableMap(plans), shadow,
                startAfter);
    }

    /** {@code steps} and the optional {@code stepDeadline} of one plan; each step checked, weights increasing up to 100 %. */
    private static Scenario.SegmentPlan plan(SpecNode s) {
        List<Scenario.Step> steps = new ArrayList<>();
        List<SpecNode> nodes = s.list("steps");
        if (nodes.isEmpty()) {
            throw new SpecException(s.path() + ".steps", "must hold at least one step, e.g. [{weight: 5%, bake: 10m}, {weight: 100%,"
                    + " bake: 10m}]");
        }
        for (SpecNode step : nodes) {
            step.requireObject();
            double weight = step.number("weight");
            if (!(weight > 0 && weight <= 1)) {
                throw new SpecException(step.path() + ".weight", "must be a share between 0 (exclusive) and 100 %, but was " + weight);
            }
            int bp = (int) Math.round(weight * 10_000);
            if (!steps.isEmpty() && bp <= steps.get(steps.size() - 1).weightBasisPoints()) {
                throw new SpecException(step.path() + ".weight", "must be greater than the step before ("
                        + steps.get(steps.size() - 1).weightBasisPoints() / 100.0 + " %), but was " + bp / 100.0 + " %");
            }
            steps.add(new Scenario.Step(bp, positive(step, "bake", null, Duration.ofDays(1))));
            step.requireNoOtherFields();
        }
        int last = steps.get(steps.size() - 1).weightBasisPoints();
        if (last != 10_000) {
            throw new SpecException(nodes.get(nodes.size() - 1).path() + ".weight", "the last step must be 100 % (the candidate"
                    + " serves all traffic before promotion), but was " + last / 100.0 + " %");
        }
        Duration deadline = s.has("stepDeadline") ? positive(s, "stepDeadline", null, Duration.ofDays(1)) : null;
        return new Scenario.SegmentPlan(List.copyOf(steps), deadline);
    }

    /** The shadow run's fields; {@code duration} is required before a canary and refused otherwise. */
    private static Scenario.Shadow shadow(SpecNode s, boolean thenCanary) {
        double share = s.number("share");
        double threshold = s.number("threshold");
        double tolerance = s.number("tolerance", 0.0);
        long minCompared = s.integer("minCompared", ShadowGate.DEFAULT_MIN_COMPARED);
        if (!(share > 0 && share <= 1)) {
            throw new SpecException(s.path() + ".share", "must be between 0 (exclusive) and 100 %, but was " + share);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new SpecException(s.path() + ".threshold", "must be a mismatch rate between 0 and 1, but was " + threshold);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new SpecException(s.path() + ".tolerance", "must be a finite absolute tolerance >= 0, but was " + tolerance);
        }
        if (minCompared < 1 || minCompared > 1_000_000_000L) {
            throw new SpecException(s.path() + ".minCompared", "must be between 1 and 1000000000 compared calls, but was "
                    + minCompared);
        }
        Duration duration = null;
        if (thenCanary) {
            duration = positive(s, "duration", null, Duration.ofDays(7));
            s.requireNoOtherFields();
        }
        return new Scenario.Shadow(share, threshold, tolerance, minCompared, duration);
    }

    /** A segment name as {@link io.github.rollback4j.Segment#of} takes it, refused with the path otherwise. */
    private static void segment(SpecNode parent, String name) {
        parent.child(name).validated(() -> io.github.rollback4j.Segment.of(name));
    }

    /** Refuses a segment that {@code traffic.segments} does not declare: no call would ever be in it. */
    private static void knownSegment(SpecNode parent, String name, Set<String> trafficSegments) {
        if (!trafficSegments.contains(name)) {
            throw new SpecException(parent.path() + "." + name, "'" + name + "' is not a segment of traffic.segments, so no"
                    + " call is ever in it" + io.github.rollback4j.core.spec.Suggestions.didYouMean(name, trafficSegments)
                    + "; segments are " + new java.util.TreeSet<>(trafficSegments));
        }
    }

    /** An hour of the day, a whole number 0..24. */
    private static int hour(SpecNode node) {
        double value = node.asNumber();
        if (value != Math.rint(value) || value < 0 || value > 24) {
            throw new SpecException(node.path(), "must be a whole hour within 0..24, but was " + value);
        }
        return (int) value;
    }

    private static double fraction(SpecNode node, String field, double fallback) {
        double value = node.number(field, fallback);
        if (!(value >= 0 && value <= 1)) {
            throw new SpecException(node.path() + "." + field, "must be between 0 and 1 (or 0 %..100 %), but was " + value);
        }
        return value;
    }

    private static Duration positive(SpecNode node, String field, Duration fallback, Duration max) {
        Duration value = fallback == null ? node.duration(field) : node.duration(field, fallback);
        if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new SpecException(node.path() + "." + field, "must be longer than 0 and at most " + max + ", but was " + value);
        }
        return value;
    }

    private static Instant instant(SpecNode node, String field, Instant fallback) {
        if (!node.has(field)) {
            return fallback;
        }
        String text = node.string(field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new SpecException(node.path() + "." + field, "'" + text + "' is not an instant; write e.g. 2026-01-01T00:00:00Z");
        }
    }
}
