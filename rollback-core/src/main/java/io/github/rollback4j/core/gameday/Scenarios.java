package io.github.rollback4j.core.gameday;

import io.github.rollback4j.core.InputProfile;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.RouterConfig;
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
import java.util.Locale;
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

    /** Most request attributes a scenario may declare. */
    static final int MAX_ATTRIBUTES = 16;
    private static final List<String> DISTRIBUTIONS = List.of("normal", "lognormal", "uniform");
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
        return SpecNode.load(file, Scenarios::read);
    }

    /**
     * @param yaml the scenario as YAML
     * @return the scenario
     * @throws SpecException naming the field path, the value and what is allowed
     */
    public static Scenario fromYaml(String yaml) {
        return read(SpecNode.yaml(yaml, ""));
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
            throw new SpecException(root.path("expect"), "'" + expect + "' is not one of " + OUTCOMES);
        }
        Scenario.Traffic traffic = traffic(root.child("traffic").requireObject());
        List<SyntheticRelease> releases = new ArrayList<>();
        List<SpecNode> releaseNodes = root.list("releases");
        for (SpecNode node : releaseNodes) {
            releases.add(release(node, traffic));
        }
        long lkgs = releases.stream().filter(SyntheticRelease::lastKnownGood).count();
        if (lkgs != 1) {
            throw new SpecException(root.path("releases"), "exactly one release must have lastKnownGood: true, but "
                    + lkgs + " have");
        }
        Set<String> names = new java.util.HashSet<>();
        for (SyntheticRelease r : releases) {
            if (!names.add(r.name())) {
                throw new SpecException(root.path("releases"), "release name '" + r.name() + "' is used twice");
            }
        }
        checkPairing(releaseNodes, releases);
        Duration healthChecks = RouterConfig.DEFAULT_HEALTH_CHECK_INTERVAL;
        if (root.has("healthChecks")) {
            SpecNode h = root.child("healthChecks").requireObject();
            healthChecks = h.duration("interval", healthChecks);
            if (healthChecks.compareTo(Duration.ofMillis(100)) < 0 || healthChecks.compareTo(Duration.ofHours(1)) > 0) {
                throw new SpecException(h.path("interval"), "must be between 100ms and 1h, but was " + healthChecks);
            }
            h.requireNoOtherFields();
        }
        Scenario.StrategySpec strategy = strategy(root.child("strategy").requireObject(), names, traffic);
        List<TriggerSpec> triggers = root.has("triggers") ? TriggerSpecs.readList(root.list("triggers")) : List.of();
        Scenario.IncidentSpec incident = incident(root.has("incident") ? root.child("incident").requireObject() : null, triggers);
        Scenario.Fleet fleet = root.has("fleet") ? fleet(root.child("fleet").requireObject(), tick, duration, strategy, releases,
                traffic) : null;
        root.requireNoOtherFields();
        return new Scenario(name, description, start, duration, tick, seed, traffic, List.copyOf(releases), strategy,
                triggers, expect, incident, healthChecks, fleet);
    }

    /**
     * The {@code fleet} section: replicas, load balancer, lease and fail-safe bound (each checked against the tick, a
     * replica's round), per-replica behaviour of releases, and the faults in time order, each naming a replica that is
     * running then; no fault may leave the fleet without a running replica.
     */
    private static Scenario.Fleet fleet(SpecNode node, Duration tick, Duration duration, Scenario.StrategySpec strategy,
                                        List<SyntheticRelease> releases, Scenario.Traffic traffic) {
        String refusal = Scenario.Fleet.refusal(strategy, tick);
        if (refusal != null) {
            throw new SpecException(node.path(), refusal);
        }
        Duration round = Scenario.Fleet.round(tick); // a replica's round: whole seconds, as the game day ticks
        if (!node.has("replicas")) {
            throw new SpecException(node.path("replicas"), "is required: how many replicas share the rollout, 1.."
                    + Scenario.MAX_REPLICAS + " (named r1..rN)");
        }
        long replicas = node.integer("replicas", 1);
        if (replicas < 1 || replicas > Scenario.MAX_REPLICAS) {
            throw new SpecException(node.path("replicas"), "must be between 1 and " + Scenario.MAX_REPLICAS + ", but was " + replicas);
        }
        String balancer = node.string("loadBalancer", Scenario.Fleet.ROUND_ROBIN).trim();
        if (!Scenario.Fleet.LOAD_BALANCERS.contains(balancer)) {
            throw new SpecException(node.path("loadBalancer"), "'" + balancer + "' is not one of " + Scenario.Fleet.LOAD_BALANCERS);
        }
        Duration lease = node.duration("leaseTime", Scenario.Fleet.defaultLeaseTime(round));
        if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new SpecException(node.path("leaseTime"), "must be between 1s and 10m, but was " + lease);
        }
        if (lease.compareTo(round.multipliedBy(3)) < 0) {
            throw new SpecException(node.path("leaseTime"), "must be at least three ticks (" + round.multipliedBy(3) + "): the"
                    + " leader renews its lease at its round, once per tick, and every third of the lease; but was " + lease);
        }
        Duration failSafe = node.duration("failSafeAfter", Scenario.Fleet.defaultFailSafeAfter(round));
        if (failSafe.compareTo(Duration.ofMillis(100)) < 0 || failSafe.compareTo(Duration.ofHours(1)) > 0) {
            throw new SpecException(node.path("failSafeAfter"), "must be between 100ms and 1h, but was " + failSafe);
        }
        if (failSafe.compareTo(round.multipliedBy(2)) < 0) {
            throw new SpecException(node.path("failSafeAfter"), "must be at least two ticks (" + round.multipliedBy(2) + "), a"
                    + " replica's rounds, but was " + failSafe);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= replicas; i++) {
            ids.add("r" + i);
        }
        Map<String, Map<String, SyntheticRelease>> own = new LinkedHashMap<>();
        if (node.has("replica")) {
            SpecNode r = node.child("replica").requireObject();
            for (String replica : r.fieldNames()) {
                if (!ids.contains(replica)) {
                    throw new SpecException(r.path(replica), "'" + replica + "' is not a replica of this fleet; replicas are " + ids);
                }
                SpecNode one = r.child(replica).requireObject();
                SpecNode named = one.child("releases").requireObject();
                Map<String, SyntheticRelease> variants = new LinkedHashMap<>();
                for (String release : named.fieldNames()) {
                    SyntheticRelease base = releases.stream().filter(x -> x.name().equals(release)).findFirst()
                            .orElseThrow(() -> new SpecException(named.path(release), "'" + release + "' is not a release of this"
                                    + " scenario; releases are " + releases.stream().map(SyntheticRelease::name).toList()));
                    SpecNode b = named.child(release).requireObject();
                    SyntheticRelease.Behaviour behaviour = behaviour(b, base.behaviour(), traffic);
                    List<SyntheticRelease.Change> changes = changes(b, behaviour, traffic, true);
                    b.requireNoOtherFields();
                    variants.put(release, new SyntheticRelease(base.name(), base.model(), base.version(), base.features(),
                            base.requires(), base.flags(), base.lastKnownGood(), base.probe(), behaviour, changes, Map.of()));
                }
                named.requireNoOtherFields();
                one.requireNoOtherFields();
                own.put(replica, java.util.Collections.unmodifiableMap(variants));
            }
            r.requireNoOtherFields();
        }
        List<Scenario.FleetEvent> events = new ArrayList<>();
        if (node.has("events")) {
            Map<String, Duration> killedAt = new LinkedHashMap<>();
            Duration last = Duration.ZERO;
            for (SpecNode e : node.list("events")) {
                e.requireObject();
                Duration at = e.duration("at");
                if (at.isNegative() || at.compareTo(duration) > 0) {
                    throw new SpecException(e.path("at"), "must be between 0 and the scenario's duration " + duration + ", but was " + at);
                }
                if (at.compareTo(last) < 0) {
                    throw new SpecException(e.path("at"), "fleet events must be in time order, but " + at + " follows " + last);
                }
                last = at;
                List<String> actions = Scenario.FleetEvent.ACTIONS.stream().filter(e::has).toList();
                if (actions.size() != 1) {
                    throw new SpecException(e.path(), "must hold exactly one of " + Scenario.FleetEvent.ACTIONS + " with a replica,"
                            + " e.g. {at: 8m, kill: r1}, but holds " + actions);
                }
                String action = actions.get(0);
                String replica = e.string(action).trim();
                if (!ids.contains(replica)) {
                    throw new SpecException(e.path(action), "'" + replica + "' is not a replica of this fleet; replicas are " + ids);
                }
                Duration lasting = null;
                if (action.equals(Scenario.FleetEvent.CUT_OFF)) {
                    lasting = positive(e, "for", null, duration);
                } else if (e.has("for")) {
                    throw new SpecException(e.path("for"), "applies to cutOff only (how long the replica cannot reach the store)");
                }
                Duration dead = killedAt.get(replica);
                if (dead != null && !action.equals(Scenario.FleetEvent.RESTART)) {
                    throw new SpecException(e.path(action), "replica " + replica + " is not running at " + at + ": it was killed at "
                            + dead + " (restart it first)");
                }
                if (action.equals(Scenario.FleetEvent.KILL)) {
                    killedAt.put(replica, at);
                    if (killedAt.size() == replicas) {
                        throw new SpecException(e.path(action), "would leave no replica running at " + at + "; the load balancer"
                                + " needs at least one (restart one before)");
                    }
                } else if (action.equals(Scenario.FleetEvent.RESTART)) {
                    killedAt.remove(replica);
                }
                e.requireNoOtherFields();
                events.add(new Scenario.FleetEvent(at, action, replica, lasting));
            }
        }
        node.requireNoOtherFields();
        return new Scenario.Fleet((int) replicas, balancer, lease, failSafe, own, events);
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
                    throw new SpecException(v.path("within"), "must be between 1s and 24h, but was " + within);
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
                        throw new SpecException(checkNode.path("perSegment"), "must not be set on a check: a check runs on"
                                + " the last-known-good in the rolled-back scope (the segment, for a segment rollback)");
                    }
                    if (check.window().plus(SUB_WINDOW).compareTo(within) > 0) {
                        throw new SpecException(checkNode.path("window"), "must fit with one telemetry sub-window ("
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
            throw new SpecException(node.path(field), "must not be blank; leave it out and the runbook's self-check"
                    + " reports it missing");
        }
        return value.strip();
    }

    private static int sampleCount(SpecNode node, String field, int fallback) {
        long value = node.integer(field, fallback);
        if (value < 0 || value > Incidents.MAX_SAMPLES) {
            throw new SpecException(node.path(field), "must be between 0 and " + Incidents.MAX_SAMPLES
                    + " sampled calls, but was " + value);
        }
        return (int) value;
    }

    private static Scenario.Traffic traffic(SpecNode node) {
        double rate = node.number("rate");
        if (!(rate > 0 && rate <= 100_000)) {
            throw new SpecException(node.path("rate"), "must be between 0 (exclusive) and 100000 requests per second, but was "
                    + rate);
        }
        Map<String, Double> segments = new LinkedHashMap<>();
        if (node.has("segments")) {
            SpecNode s = node.child("segments").requireObject();
            segments = shares(s, "segment");
            for (String segment : segments.keySet()) {
                segment(s, segment);
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
                throw new SpecException(d.path("amplitude"), "must be between 0 and 1, but was " + amplitude);
            }
            if (peak < 0 || peak > 23) {
                throw new SpecException(d.path("peakHour"), "must be between 0 and 23, but was " + peak);
            }
            peak = (int) peakHour;
        }
        long users = node.integer("users", 100_000);
        if (users < 1 || users > 100_000_000) {
            throw new SpecException(node.path("users"), "must be between 1 and 100000000, but was " + users);
        }
        String kpi = node.string("kpi", null);
        Map<String, Map<String, Double>> attributes = new LinkedHashMap<>();
        if (node.has("attributes")) {
            SpecNode a = node.child("attributes").requireObject();
            if (a.fieldNames().size() > MAX_ATTRIBUTES) {
                throw new SpecException(a.path(), "declares " + a.fieldNames().size() + " attributes; at most " + MAX_ATTRIBUTES);
            }
            for (String attribute : a.fieldNames()) {
                SpecNode values = a.child(attribute).requireObject();
                attributes.put(attribute, java.util.Collections.unmodifiableMap(shares(values, "value")));
                values.requireNoOtherFields();
            }
            a.requireNoOtherFields();
        }
        Map<String, Scenario.InputField> inputs = new LinkedHashMap<>();
        if (node.has("inputs")) {
            SpecNode in = node.child("inputs").requireObject();
            if (in.fieldNames().isEmpty() || in.fieldNames().size() > InputProfile.MAX_FIELDS) {
                throw new SpecException(in.path(), "must declare between 1 and " + InputProfile.MAX_FIELDS + " fields, but declares "
                        + in.fieldNames().size());
            }
            for (String field : in.fieldNames()) {
                inputs.put(field, inputField(in.child(field).requireObject(), field));
            }
            in.requireNoOtherFields();
        }
        node.requireNoOtherFields();
        return new Scenario.Traffic(rate, java.util.Collections.unmodifiableMap(segments), amplitude, peak, (int) users, kpi,
                java.util.Collections.unmodifiableMap(attributes), java.util.Collections.unmodifiableMap(inputs));
    }

    /** A mapping of names to shares in (0, 1] that sum to 1, in file order. */
    private static Map<String, Double> shares(SpecNode s, String what) {
        Map<String, Double> shares = new LinkedHashMap<>();
        double sum = 0;
        if (s.fieldNames().isEmpty()) {
            throw new SpecException(s.path(), "must name at least one " + what + " with its share, e.g. {a: 0.6, b: 0.4}");
        }
        for (String key : s.fieldNames()) {
            if (key.isBlank()) {
                throw new SpecException(s.path(), "a " + what + " name must not be blank");
            }
            double share = s.number(key);
            if (!(share > 0 && share <= 1)) {
                throw new SpecException(s.path(key), "must be a share between 0 (exclusive) and 1, but was " + share);
            }
            shares.put(key, share);
            sum += share;
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new SpecException(s.path(), "shares must sum to 1, but sum to " + sum);
        }
        return shares;
    }

    /** One field of {@code traffic.inputs}: its type, schema rules and default values. */
    private static Scenario.InputField inputField(SpecNode f, String name) {
        String type = f.string("type").trim().toLowerCase(Locale.ROOT);
        if (!type.equals("numeric") && !type.equals("categorical")) {
            throw new SpecException(f.path("type"), "'" + type + "' is not one of [numeric, categorical]");
        }
        boolean numeric = type.equals("numeric");
        boolean required = f.bool("required", false);
        double min = Double.NEGATIVE_INFINITY;
        double max = Double.POSITIVE_INFINITY;
        List<String> allowed = List.of();
        if (f.has("range")) {
            if (!numeric) {
                throw new SpecException(f.path("range"), "applies to numeric fields only; a categorical field takes allowed: [..]");
            }
            List<SpecNode> bounds = f.list("range");
            if (bounds.size() != 2) {
                throw new SpecException(f.path("range"), "must be [min, max], e.g. [0, 10000]");
            }
            min = bounds.get(0).asNumber();
            max = bounds.get(1).asNumber();
            if (!(min <= max)) {
                throw new SpecException(f.path("range"), "needs min <= max, but was [" + min + ", " + max + "]");
            }
        }
        if (f.has("allowed")) {
            if (numeric) {
                throw new SpecException(f.path("allowed"), "applies to categorical fields only; a numeric field takes range: [min, max]");
            }
            List<String> categories = new ArrayList<>();
            for (SpecNode c : f.list("allowed")) {
                categories.add(c.asText());
            }
            if (categories.isEmpty()) {
                throw new SpecException(f.path("allowed"), "must name at least one category");
            }
            allowed = List.copyOf(categories);
        }
        Scenario.InputField declared = new Scenario.InputField(name, numeric, required, min, max, allowed, null);
        SyntheticRelease.FieldValues values = fieldValues(f, declared, null);
        f.requireNoOtherFields();
        return new Scenario.InputField(name, numeric, required, min, max, allowed, values);
    }

    /**
     * The value keys of an input field ({@code normal}/{@code lognormal}/{@code uniform} or {@code categories},
     * {@code shift}, {@code nullRate}, {@code violationRate}) on {@code f}, keeping {@code previous} for the absent ones
     * ({@code null}: the declaration in {@code traffic.inputs}, where the distribution or categories are required).
     */
    private static SyntheticRelease.FieldValues fieldValues(SpecNode f, Scenario.InputField field,
                                                            SyntheticRelease.FieldValues previous) {
        SyntheticRelease.Distribution distribution = previous == null ? null : previous.distribution();
        Map<String, Double> categories = previous == null ? Map.of() : previous.categories();
        List<String> kinds = new ArrayList<>();
        for (String kind : DISTRIBUTIONS) {
            if (f.has(kind)) {
                kinds.add(kind);
            }
        }
        if (field.numeric()) {
            if (f.has("categories")) {
                throw new SpecException(f.path("categories"), "field '" + field.name() + "' is numeric; give it one of "
                        + DISTRIBUTIONS + " instead");
            }
            if (kinds.size() > 1) {
                throw new SpecException(f.path(), "takes one distribution, but has " + kinds);
            }
            if (kinds.isEmpty() && previous == null) {
                throw new SpecException(f.path(), "numeric field '" + field.name() + "' needs a distribution: one of "
                        + DISTRIBUTIONS + ", e.g. normal: {mean: 50, sd: 10}");
            }
            if (!kinds.isEmpty()) {
                distribution = distribution(f.child(kinds.get(0)).requireObject(), kinds.get(0));
            }
        } else {
            if (!kinds.isEmpty()) {
                throw new SpecException(f.path(kinds.get(0)), "field '" + field.name() + "' is categorical; give it categories:"
                        + " {name: share, ...} instead");
            }
            if (f.has("categories")) {
                SpecNode c = f.child("categories").requireObject();
                categories = java.util.Collections.unmodifiableMap(shares(c, "category"));
                c.requireNoOtherFields();
            } else if (previous == null) {
                throw new SpecException(f.path("categories"), "is required for categorical field '" + field.name()
                        + "', e.g. {grocery: 0.5, travel: 0.3, online: 0.2}");
            }
        }
        double shift = previous == null ? 0.0 : previous.shift();
        if (f.has("shift")) {
            if (!field.numeric()) {
                throw new SpecException(f.path("shift"), "applies to numeric fields only");
            }
            shift = finite(f, "shift");
        }
        double nullRate = fraction(f, "nullRate", previous == null ? 0.0 : previous.nullRate());
        double violationRate = fraction(f, "violationRate", previous == null ? 0.0 : previous.violationRate());
        if (violationRate > 0) {
            if (field.numeric() && field.max() == Double.POSITIVE_INFINITY) {
                throw new SpecException(f.path("violationRate"), "needs a rule to break: give traffic.inputs." + field.name()
                        + " a range: [min, max] (a violating value lies above max)");
            }
            if (!field.numeric() && field.allowed().isEmpty()) {
                throw new SpecException(f.path("violationRate"), "needs a rule to break: give traffic.inputs." + field.name()
                        + " allowed: [..] (a violating value is a category outside it)");
            }
        }
        return new SyntheticRelease.FieldValues(distribution, categories, shift, nullRate, violationRate);
    }

    private static SyntheticRelease.Distribution distribution(SpecNode d, String kind) {
        SyntheticRelease.Distribution out = switch (kind) {
            case "normal" -> {
                double sd = finite(d, "sd");
                if (sd < 0) {
                    throw new SpecException(d.path("sd"), "must be >= 0, but was " + sd);
                }
                yield new SyntheticRelease.Distribution(kind, finite(d, "mean"), sd);
            }
            case "lognormal" -> {
                double median = finite(d, "median");
                double sigma = finite(d, "sigma");
                if (!(median > 0)) {
                    throw new SpecException(d.path("median"), "must be above 0, but was " + median);
                }
                if (!(sigma >= 0 && sigma <= 5)) {
                    throw new SpecException(d.path("sigma"), "must be between 0 and 5, but was " + sigma);
                }
                yield new SyntheticRelease.Distribution(kind, median, sigma);
            }
            default -> {
                double min = finite(d, "min");
                double max = finite(d, "max");
                if (min > max) {
                    throw new SpecException(d.path(), "needs min <= max, but was min " + min + ", max " + max);
                }
                yield new SyntheticRelease.Distribution(kind, min, max);
            }
        };
        d.requireNoOtherFields();
        return out;
    }

    private static double finite(SpecNode node, String field) {
        double value = node.number(field);
        if (!Double.isFinite(value)) {
            throw new SpecException(node.path(field), "must be a finite number, but was " + value);
        }
        return value;
    }

    private static SyntheticRelease release(SpecNode node, Scenario.Traffic traffic) {
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
        Map<String, List<String>> requires = new LinkedHashMap<>();
        if (node.has("requires")) {
            SpecNode r = node.child("requires").requireObject();
            for (String feature : r.fieldNames()) {
                SpecNode versions = r.child(feature);
                List<String> allowed = new ArrayList<>();
                if (versions.isArray()) {
                    versions.elements().forEach(v -> allowed.add(v.asText()));
                } else {
                    allowed.add(versions.asText());
                }
                if (allowed.isEmpty()) {
                    throw new SpecException(r.path(feature), "must name at least one version the model is compatible with, e.g. v5");
                }
                requires.put(feature, List.copyOf(allowed));
            }
        } else {
            // no declaration of its own: the model is declared compatible with exactly the release's features
            features.forEach((feature, v) -> requires.put(feature, List.of(v)));
        }
        List<String> flags = new ArrayList<>();
        if (node.has("flags")) {
            for (SpecNode flag : node.list("flags")) {
                flags.add(flag.asText());
            }
        }
        boolean lkg = node.bool("lastKnownGood", false);
        SyntheticRelease.Probe probe = probe(node);
        Map<String, SyntheticRelease.FieldValues> defaultInputs = new LinkedHashMap<>();
        traffic.inputs().forEach((field, declared) -> defaultInputs.put(field, declared.values()));
        SyntheticRelease.Behaviour defaults = new SyntheticRelease.Behaviour(Duration.ofMillis(100), 0.25, 0.0, 0.0,
                SyntheticRelease.Distortion.NONE, 0.0, SyntheticRelease.Health.HEALTHY,
                java.util.Collections.unmodifiableMap(defaultInputs));
        SyntheticRelease.Behaviour base = behaviour(node, defaults, traffic);
        List<SyntheticRelease.Change> changes = changes(node, base, traffic, true);
        Map<String, SyntheticRelease.SegmentBehaviour> bySegment = new LinkedHashMap<>();
        if (node.has("bySegment")) {
            SpecNode segments = node.child("bySegment").requireObject();
            for (String segment : segments.fieldNames()) {
                knownSegment(segments, segment, traffic.segments().keySet());
                SpecNode own = segments.child(segment).requireObject();
                SyntheticRelease.Behaviour behaviour = behaviour(own, base, traffic);
                bySegment.put(segment, new SyntheticRelease.SegmentBehaviour(behaviour, changes(own, behaviour, traffic, false)));
                own.requireNoOtherFields();
            }
        }
        node.requireNoOtherFields();
        return new SyntheticRelease(name, model, version, java.util.Collections.unmodifiableMap(features),
                java.util.Collections.unmodifiableMap(requires), List.copyOf(flags), lkg, probe, base, List.copyOf(changes),
                java.util.Collections.unmodifiableMap(bySegment));
    }

    /** The {@code changes} of a release (where {@code restart} is allowed) or of one segment's behaviour. */
    private static List<SyntheticRelease.Change> changes(SpecNode node, SyntheticRelease.Behaviour base, Scenario.Traffic traffic,
                                                         boolean restartAllowed) {
        List<SyntheticRelease.Change> changes = new ArrayList<>();
        if (!node.has("changes")) {
            return changes;
        }
        SyntheticRelease.Behaviour previous = base;
        Duration last = Duration.ZERO;
        for (SpecNode change : node.list("changes")) {
            change.requireObject();
            Duration at = change.duration("at");
            if (at.isNegative() || at.compareTo(last) < 0) {
                throw new SpecException(change.path("at"), "changes must be in time order from 0, but " + at + " follows " + last);
            }
            last = at;
            previous = behaviour(change, previous, traffic);
            boolean restart = false;
            if (change.has("restart")) {
                if (!restartAllowed) {
                    throw new SpecException(change.path("restart"), "is not allowed in bySegment: an instance serves every segment;"
                            + " put the restart in the release's own changes");
                }
                restart = change.bool("restart", false);
                if (restart && at.isZero()) {
                    throw new SpecException(change.path("at"), "a restart must come after the start (every release is warmed at 0)");
                }
            }
            change.requireNoOtherFields();
            changes.add(new SyntheticRelease.Change(at, previous, restart));
        }
        return List.copyOf(changes);
    }

    private static SyntheticRelease.Probe probe(SpecNode node) {
        if (!node.has("probe")) {
            return SyntheticRelease.Probe.DEFAULT;
        }
        SpecNode p = node.child("probe").requireObject();
        SyntheticRelease.Probe d = SyntheticRelease.Probe.DEFAULT;
        Duration timeout = p.duration("timeout", d.timeout());
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new SpecException(p.path("timeout"), "must be between 1ms and 10m, but was " + timeout);
        }
        long unhealthyAfter = p.integer("unhealthyAfter", d.unhealthyAfter());
        if (unhealthyAfter < 1 || unhealthyAfter > 100) {
            throw new SpecException(p.path("unhealthyAfter"), "must be between 1 and 100 failed probes, but was " + unhealthyAfter);
        }
        long warmupCalls = p.integer("warmupCalls", d.warmupCalls());
        if (warmupCalls < 0 || warmupCalls > ReleaseSpec.MAX_WARMUP_CALLS) {
            throw new SpecException(p.path("warmupCalls"), "must be between 0 and " + ReleaseSpec.MAX_WARMUP_CALLS + ", but was "
                    + warmupCalls);
        }
        p.requireNoOtherFields();
        return new SyntheticRelease.Probe(timeout, (int) unhealthyAfter, (int) warmupCalls);
    }

    /**
     * A model version has one compatibility declaration, and every release pairs its model with feature versions
     * it declares, and with every feature it declares: otherwise the scenario is refused at load, naming the release's
     * field, as the router would refuse the release ({@link io.github.rollback4j.Release.Builder#build()}).
     */
    private static void checkPairing(List<SpecNode> nodes, List<SyntheticRelease> releases) {
        Map<String, Integer> declaredBy = new LinkedHashMap<>();
        for (int i = 0; i < releases.size(); i++) {
            SyntheticRelease r = releases.get(i);
            SpecNode node = nodes.get(i);
            String model = r.model() + ":" + r.version();
            Integer first = declaredBy.putIfAbsent(model, i);
            if (first != null && !releases.get(first).requires().equals(r.requires())) {
                throw new SpecException(node.path("requires"), "model " + model + " is declared compatible with "
                        + releases.get(first).requires() + " in " + nodes.get(first).path("requires") + ", but with "
                        + r.requires() + " here; one model version has one declaration (write the same requires in both)");
            }
            for (Map.Entry<String, String> f : r.features().entrySet()) {
                List<String> versions = r.requires().get(f.getKey());
                if (versions == null) {
                    throw new SpecException(node.path("features") + "." + f.getKey(), "model " + model + " does not declare feature '"
                            + f.getKey() + "' (" + node.path("requires") + " lists " + r.requires().keySet() + "); declare the"
                            + " versions it was validated with there, or leave the feature out of the release");
                }
                if (!versions.contains(f.getValue())) {
                    throw new SpecException(node.path("features") + "." + f.getKey(), "'" + f.getValue() + "' does not pair with"
                            + " model " + model + ", which requires " + f.getKey() + " at " + versions + " ("
                            + node.path("requires") + "." + f.getKey() + "); pair the model with one of them, so that model and"
                            + " features roll out and back together");
                }
            }
            for (Map.Entry<String, List<String>> need : r.requires().entrySet()) {
                if (!r.features().containsKey(need.getKey())) {
                    throw new SpecException(node.path("features"), "is missing '" + need.getKey() + "', which model " + model
                            + " requires at " + need.getValue() + " (" + node.path("requires") + "); add e.g. "
                            + need.getKey() + ": " + need.getValue().get(0));
                }
            }
            node.validated(() -> GameDay.release(r));
        }
    }

    /** Reads the behaviour keys present on {@code node}, keeping {@code previous} for the absent ones. */
    private static SyntheticRelease.Behaviour behaviour(SpecNode node, SyntheticRelease.Behaviour previous, Scenario.Traffic traffic) {
        Duration median = previous.medianLatency();
        double sigma = previous.latencySigma();
        if (node.has("latency")) {
            SpecNode l = node.child("latency").requireObject();
            median = positive(l, "median", median, Duration.ofMinutes(10));
            sigma = l.number("sigma", sigma);
            l.requireNoOtherFields();
            if (!(sigma >= 0 && sigma <= 3)) {
                throw new SpecException(l.path("sigma"), "must be between 0 and 3, but was " + sigma);
            }
        }
        double errorRate = fraction(node, "errorRate", previous.errorRate());
        double kpiRate = fraction(node, "kpiRate", previous.kpiRate());
        SyntheticRelease.Distortion distortion = node.has("distortion")
                ? distortion(node.child("distortion").requireObject(), traffic) : previous.distortion();
        double noise = previous.noise();
        if (node.has("noise")) {
            noise = finite(node, "noise");
            if (noise < 0) {
                throw new SpecException(node.path("noise"), "must be a standard deviation >= 0, but was " + noise);
            }
        }
        SyntheticRelease.Health health = node.has("health") ? health(node.child("health").requireObject(), previous.health())
                : previous.health();
        Map<String, SyntheticRelease.FieldValues> inputs = previous.inputs();
        if (node.has("inputs")) {
            SpecNode in = node.child("inputs").requireObject();
            Map<String, SyntheticRelease.FieldValues> changed = new LinkedHashMap<>(inputs);
            for (String field : in.fieldNames()) {
                Scenario.InputField declared = traffic.inputs().get(field);
                if (declared == null) {
                    throw new SpecException(in.path(field), "'" + field + "' is not a field of traffic.inputs; fields are "
                            + traffic.inputs().keySet());
                }
                SpecNode f = in.child(field).requireObject();
                changed.put(field, fieldValues(f, declared, inputs.get(field)));
                f.requireNoOtherFields();
            }
            inputs = java.util.Collections.unmodifiableMap(changed);
        }
        return new SyntheticRelease.Behaviour(median, sigma, errorRate, kpiRate, distortion, noise, health, inputs);
    }

    private static SyntheticRelease.Distortion distortion(SpecNode d, Scenario.Traffic traffic) {
        double shift = finite(d, "outputShift");
        Map<String, int[]> bySegment = new LinkedHashMap<>();
        if (d.has("segments")) {
            SpecNode segments = d.child("segments").requireObject();
            for (String segment : segments.fieldNames()) {
                knownSegment(segments, segment, traffic.segments().keySet());
                List<SpecNode> hours = segments.list(segment);
                if (hours.size() != 2) {
                    throw new SpecException(segments.path(segment), "must be [fromHour, toHour], e.g. [22, 6]; [0, 24] for all day");
                }
                int from = hour(hours.get(0));
                int to = hour(hours.get(1));
                if (from < 0 || from > 23 || to < 0 || to > 24) {
                    throw new SpecException(segments.path(segment), "hours must be within 0..24, but were [" + from + ", " + to + "]");
                }
                bySegment.put(segment, new int[] {from, to});
            }
        }
        Map<String, Set<String>> attributes = new LinkedHashMap<>();
        if (d.has("attributes")) {
            SpecNode a = d.child("attributes").requireObject();
            for (String attribute : a.fieldNames()) {
                Map<String, Double> known = traffic.attributes().get(attribute);
                if (known == null) {
                    throw new SpecException(a.path(attribute), "'" + attribute + "' is not an attribute of traffic.attributes;"
                            + " attributes are " + traffic.attributes().keySet());
                }
                Set<String> values = new java.util.LinkedHashSet<>();
                for (SpecNode v : a.list(attribute)) {
                    String value = v.asText();
                    if (!known.containsKey(value)) {
                        throw new SpecException(v.path(), "'" + value + "' is not a value of traffic.attributes." + attribute
                                + "; values are " + known.keySet());
                    }
                    values.add(value);
                }
                attributes.put(attribute, java.util.Collections.unmodifiableSet(values));
            }
        }
        d.requireNoOtherFields();
        return new SyntheticRelease.Distortion(shift, java.util.Collections.unmodifiableMap(bySegment),
                java.util.Collections.unmodifiableMap(attributes));
    }

    private static SyntheticRelease.Health health(SpecNode h, SyntheticRelease.Health previous) {
        boolean probeFails = h.has("probe") ? passOrFail(h, "probe") : previous.probeFails();
        Duration probeLatency = previous.probeLatency();
        if (h.has("probeLatency")) {
            probeLatency = h.duration("probeLatency");
            if (probeLatency.isNegative() || probeLatency.compareTo(Duration.ofHours(1)) > 0) {
                throw new SpecException(h.path("probeLatency"), "must be between 0 and 1h, but was " + probeLatency);
            }
        }
        boolean warmupFails = h.has("warmup") ? passOrFail(h, "warmup") : previous.warmupFails();
        h.requireNoOtherFields();
        return new SyntheticRelease.Health(probeFails, probeLatency, warmupFails);
    }

    /** @return whether the field says {@code fail} ({@code pass} otherwise) */
    private static boolean passOrFail(SpecNode node, String field) {
        String value = node.string(field).trim().toLowerCase(Locale.ROOT);
        if (!value.equals("pass") && !value.equals("fail")) {
            throw new SpecException(node.path(field), "'" + value + "' is not one of [pass, fail]");
        }
        return value.equals("fail");
    }

    private static Scenario.StrategySpec strategy(SpecNode node, Set<String> releases, Scenario.Traffic traffic) {
        Set<String> trafficSegments = traffic.segments().keySet();
        List<String> kinds = node.fieldNames();
        if (kinds.size() != 1 || !KINDS.contains(kinds.get(0))) {
            throw new SpecException(node.path(), "must hold exactly one of " + String.join(", ", KINDS) + ", but holds " + kinds);
        }
        String kind = kinds.get(0);
        SpecNode s = node.child(kind).requireObject();
        String candidate = s.string("candidate");
        if (!releases.contains(candidate)) {
            throw new SpecException(s.path("candidate"), "'" + candidate + "' is not a release of this scenario; releases are "
                    + releases);
        }
        Duration startAfter = s.duration("startAfter", Duration.ZERO);
        if (startAfter.isNegative() || startAfter.compareTo(Duration.ofDays(7)) > 0) {
            throw new SpecException(s.path("startAfter"), "must be between 0 and 7 days, but was " + startAfter);
        }
        Scenario.StrategySpec spec = switch (kind) {
            case "canary" -> canary(s, kind, candidate, startAfter, null, trafficSegments);
            case "blueGreen" -> new Scenario.StrategySpec(kind, candidate,
                    List.of(new Scenario.Step(10_000, positive(s, "bake", null, Duration.ofDays(1)))), null, Map.of(), null, startAfter);
            case "shadow" -> new Scenario.StrategySpec(kind, candidate, List.of(), null, Map.of(), shadow(s, false, traffic), startAfter);
            default -> {
                Scenario.Shadow shadow = shadow(s.child("shadow").requireObject(), true, traffic);
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
                throw new SpecException(segments.path(segment), "'" + segment + "' is not a segment of traffic.segments;"
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
            throw new SpecException(s.path("steps"), "must hold at least one step, e.g. [{weight: 5%, bake: 10m}, {weight: 100%,"
                    + " bake: 10m}]");
        }
        for (SpecNode step : nodes) {
            step.requireObject();
            double weight = step.number("weight");
            if (!(weight > 0 && weight <= 1)) {
                throw new SpecException(step.path("weight"), "must be a share between 0 (exclusive) and 100 %, but was " + weight);
            }
            int bp = (int) Math.round(weight * 10_000);
            if (!steps.isEmpty() && bp <= steps.get(steps.size() - 1).weightBasisPoints()) {
                throw new SpecException(step.path("weight"), "must be greater than the step before ("
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
    private static Scenario.Shadow shadow(SpecNode s, boolean thenCanary, Scenario.Traffic traffic) {
        double share = s.number("share");
        double threshold = s.number("threshold");
        double tolerance = s.number("tolerance", 0.0);
        long minCompared = s.integer("minCompared", ShadowGate.DEFAULT_MIN_COMPARED);
        if (!(share > 0 && share <= 1)) {
            throw new SpecException(s.path("share"), "must be between 0 (exclusive) and 100 %, but was " + share);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new SpecException(s.path("threshold"), "must be a mismatch rate between 0 and 1, but was " + threshold);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new SpecException(s.path("tolerance"), "must be a finite absolute tolerance >= 0, but was " + tolerance);
        }
        if (minCompared < 1 || minCompared > 1_000_000_000L) {
            throw new SpecException(s.path("minCompared"), "must be between 1 and 1000000000 compared calls, but was "
                    + minCompared);
        }
        double noiseRate = fraction(s, "noiseRate", 0.0);
        String attribute = null;
        if (s.has("attribute")) {
            attribute = s.string("attribute");
            if (!traffic.attributes().containsKey(attribute)) {
                throw new SpecException(s.path("attribute"), "'" + attribute + "' is not an attribute of traffic.attributes;"
                        + " attributes are " + traffic.attributes().keySet());
            }
        }
        Duration duration = null;
        if (thenCanary) {
            duration = positive(s, "duration", null, Duration.ofDays(7));
            s.requireNoOtherFields();
        }
        return new Scenario.Shadow(share, threshold, tolerance, minCompared, duration, noiseRate, attribute);
    }

    /** A segment name as {@link io.github.rollback4j.Segment#of} takes it, refused with the path otherwise. */
    private static void segment(SpecNode parent, String name) {
        parent.child(name).validated(() -> io.github.rollback4j.Segment.of(name));
    }

    /** Refuses a segment that {@code traffic.segments} does not declare: no call would ever be in it. */
    private static void knownSegment(SpecNode parent, String name, Set<String> trafficSegments) {
        if (!trafficSegments.contains(name)) {
            throw new SpecException(parent.path(name), "'" + name + "' is not a segment of traffic.segments, so no"
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
            throw new SpecException(node.path(field), "must be between 0 and 1 (or 0 %..100 %), but was " + value);
        }
        return value;
    }

    private static Duration positive(SpecNode node, String field, Duration fallback, Duration max) {
        Duration value = fallback == null ? node.duration(field) : node.duration(field, fallback);
        if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new SpecException(node.path(field), "must be longer than 0 and at most " + max + ", but was " + value);
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
            throw new SpecException(node.path(field), "'" + text + "' is not an instant; write e.g. 2026-01-01T00:00:00Z");
        }
    }
}
