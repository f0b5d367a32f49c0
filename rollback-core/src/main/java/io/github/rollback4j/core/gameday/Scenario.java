package io.github.rollback4j.core.gameday;

import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A game day: traffic, releases with synthetic behaviour, a strategy and triggers, run on a virtual
 * clock by {@link GameDay}. Load one with {@link Scenarios}; every field is documented in
 * {@code docs/scenarios.md}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the scenario's name
 * @param description one paragraph on what it rehearses
 * @param start the virtual wall time the run starts at
 * @param duration how long to run at most (virtual time)
 * @param tick the evaluation interval of triggers and strategy
 * @param seed the default random seed
 * @param traffic the request stream
 * @param releases the releases; exactly one is the last-known-good
 * @param strategy how the candidate is rolled out
 * @param triggers the guardrails
 * @param expect the outcome the scenario is written to reach, or {@code null}
 * @param incident how a rollback's incident is run in a game day with evidence (owner, channel, recovery
 *                 verification, samples); the defaults when the scenario has no {@code incident} section
 * @param healthCheckInterval how often the router probes every release ({@code ManagedModelRouter.checkHealth()}),
 *                            100 ms..1 h (default {@link io.github.rollback4j.core.RouterConfig#DEFAULT_HEALTH_CHECK_INTERVAL})
 * @param fleet the {@code fleet} section: N replicas sharing one rollout through a fleet store, or {@code null} for
 *              one router (no fleet section)
 */
public record Scenario(String name, String description, Instant start, Duration duration, Duration tick, long seed,
                       Traffic traffic, List<SyntheticRelease> releases, StrategySpec strategy, List<TriggerSpec> triggers,
                       String expect, IncidentSpec incident, Duration healthCheckInterval, Fleet fleet) {

    /** @return e.g. {@code 90s}, {@code 5m}, {@code 2h}, {@code 250ms}: how a scenario file writes the duration */
    static String durationText(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Most replicas a game day runs (each is a whole router, and on PostgreSQL its own connection pool). */
    public static final int MAX_REPLICAS = 16;
    /** The longest {@code tick} of a fleet: a replica's round (publish, re-read, decide) is at most a minute apart. */
    public static final Duration MAX_FLEET_TICK = Duration.ofMinutes(1);

    /**
     * The scenario run by {@code n} replicas: its {@code fleet} section with {@code replicas: n} (its load balancer,
     * lease, fail-safe bound, per-replica behaviour and faults kept), or a plain round-robin fleet of {@code n} when
     * it has none. What {@code ./gameday SCENARIO --replicas N} runs.
     *
     * @param n the number of replicas, 1..{@value #MAX_REPLICAS}
     * @return the scenario with that fleet
     * @throws IllegalArgumentException when {@code n} is out of range, the scenario's faults or per-replica behaviour
     *                                  name a replica beyond {@code n}, or the strategy cannot run on a fleet (named)
     */
    public Scenario withReplicas(int n) {
        String problem = Fleet.refusal(strategy, tick);
        if (problem != null) {
            throw new IllegalArgumentException("--replicas " + n + ": " + problem);
        }
        if (n < 1 || n > MAX_REPLICAS) {
            throw new IllegalArgumentException("--replicas must be between 1 and " + MAX_REPLICAS + ", but was " + n);
        }
        Fleet f = fleet != null ? new Fleet(n, fleet.loadBalancer(), fleet.leaseTime(), fleet.failSafeAfter(), fleet.releases(),
                fleet.events()) : Fleet.of(n, tick);
        String beyond = f.unknownReplica();
        if (beyond != null) {
            throw new IllegalArgumentException("--replicas " + n + ": " + beyond + "; run with more replicas or change the"
                    + " scenario's fleet section");
        }
        return new Scenario(name, description, start, duration, tick, seed, traffic, releases, strategy, triggers, expect, incident,
                healthCheckInterval, f);
    }

    /** @return the last-known-good release */
    public SyntheticRelease lastKnownGood() {
        return releases.stream().filter(SyntheticRelease::lastKnownGood).findFirst().orElseThrow();
    }

    /**
     * @param name a release's name
     * @return that release
     * @throws IllegalArgumentException when the scenario has no release of that name
     */
    public SyntheticRelease release(String name) {
        return releases.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("scenario '" + this.name + "' has no release '" + name + "'"));
    }

    /**
     * The scenario's {@code incident} section: what {@link GameDay#run(Scenario, long, java.nio.file.Path)}
     * gives the incident manager and the runbook.
     *
     * @param owner who answers for the router's incidents, or {@code null} when not set (the runbook's
     *              self-check then reports {@code NO_OWNER})
     * @param channel where incidents are discussed, e.g. {@code #fraud-oncall}, or {@code null} when not set
     * @param verificationWithin how long after a rollback the SLOs have to recover on the last-known-good,
     *                           1 s..24 h (default 10 min)
     * @param checks the recovery checks (absolute thresholds); when the scenario lists none, its triggers
     *               with absolute thresholds that judge all traffic and are not sequential
     * @param checksFromTriggers whether {@code checks} were derived from the triggers (no
     *                           {@code verification.checks} in the file)
     * @param samplesBefore sampled calls kept from before the rollback, 0..10000 (default 50)
     * @param samplesAfter sampled calls kept from after the rollback, 0..10000 (default 50)
     */
    public record IncidentSpec(String owner, String channel, Duration verificationWithin, List<TriggerSpec> checks,
                               boolean checksFromTriggers, int samplesBefore, int samplesAfter) {

        /** Copies the checks. */
        public IncidentSpec {
            checks = List.copyOf(checks);
        }
    }

    /**
     * The request stream.
     *
     * @param rate requests per second on average
     * @param segments request segment → share of traffic (shares sum to 1)
     * @param diurnalAmplitude 0..1: the rate is {@code rate × (1 + amplitude × cos(2π (hour − peakHour)/24))}
     * @param peakHour hour of day (UTC) of the peak, 0..23
     * @param users distinct stickiness keys
     * @param kpi the KPI reported for each request ({@code null} for none)
     * @param attributes request context attribute → value → share (shares sum to 1), in file order: every request
     *                   carries one value of each ({@link io.github.rollback4j.RequestContext#attributes()})
     * @param inputs input field → its declaration, in file order: every request carries these fields, as the serving
     *               release's feature pipeline emits them; the router profiles them (its
     *               {@link io.github.rollback4j.core.InputProfile}), and their rules are its input schema
     */
    public record Traffic(double rate, Map<String, Double> segments, double diurnalAmplitude, int peakHour, int users,
                          String kpi, Map<String, Map<String, Double>> attributes, Map<String, InputField> inputs) {
    }

    /**
     * One input field of the traffic: its rules (the router's input schema) and the values a feature pipeline emits
     * by default (each release may emit others: {@code releases[].inputs}).
     *
     * @param name the field's name
     * @param numeric numeric ({@code true}) or categorical
     * @param required a missing value breaks the schema
     * @param min smallest allowed value of a numeric field ({@code -Infinity}: none)
     * @param max largest allowed value of a numeric field ({@code +Infinity}: none)
     * @param allowed allowed categories of a categorical field (empty: any)
     * @param values the values emitted by default
     */
    public record InputField(String name, boolean numeric, boolean required, double min, double max, List<String> allowed,
                             SyntheticRelease.FieldValues values) {

        /** @return whether the field has a schema rule at all */
        public boolean hasRule() {
            return required || min != Double.NEGATIVE_INFINITY || max != Double.POSITIVE_INFINITY || !allowed.isEmpty();
        }
    }

    /**
     * How the candidate is rolled out.
     *
     * @param kind {@code canary}, {@code blueGreen}, {@code shadow} or {@code shadowThenCanary}
     * @param candidate the name of the release rolled out
     * @param steps canary steps (weight in basis points and bake time) when the canary has one plan; blue/green: one
     *              step of 10000 bp with the bake time; empty for shadow and for a plan per segment
     * @param stepDeadline how long a step may stay inconclusive before the rollout pauses ({@code null}: none)
     * @param segments segment name → its own canary plan (per-segment rollouts), in file order; empty for one plan
     * @param shadow the shadow run ({@code shadow} and {@code shadowThenCanary}), or {@code null}
     * @param startAfter how long the last-known-good serves alone before the rollout (or the shadow) starts
     */
    public record StrategySpec(String kind, String candidate, List<Step> steps, Duration stepDeadline,
                               Map<String, SegmentPlan> segments, Shadow shadow, Duration startAfter) {

        /** @return whether the canary has a plan per segment */
        public boolean perSegment() {
            return !segments.isEmpty();
        }
    }

    /**
     * The canary plan of one segment.
     *
     * @param steps its steps, in order
     * @param stepDeadline how long a step may stay inconclusive before that segment pauses ({@code null}: none)
     */
    public record SegmentPlan(List<Step> steps, Duration stepDeadline) {
    }

    /**
     * A shadow run and its promotion gate.
     *
     * @param share share of the last-known-good's calls mirrored to the candidate, (0, 1]
     * @param threshold excess mismatch rate above which a segment (or its night or day) blocks, [0, 1]
     * @param tolerance absolute tolerance of the numeric comparator, &gt;= 0
     * @param minCompared compared calls a segment needs before the gate decides, 1..1000000000
     * @param duration how long the shadow runs before the canary consults the gate ({@code shadowThenCanary}), or
     *                 {@code null} for the whole run ({@code shadow})
     * @param noiseRate share of mirrored calls that also run the last-known-good a second time to measure its own
     *                  noise (noise cancellation), 0..1; 0: off
     * @param attribute a {@code traffic.attributes} name the report breaks mismatches down by and the gate judges
     *                  value by value, or {@code null}
     */
    public record Shadow(double share, double threshold, double tolerance, long minCompared, Duration duration, double noiseRate,
                         String attribute) {
    }

    /**
     * One canary step.
     *
     * @param weightBasisPoints the candidate's weight, 1..10000
     * @param bake how long to hold the step when healthy
     */
    public record Step(int weightBasisPoints, Duration bake) {
    }

    /**
     * The {@code fleet} section: N replicas of the router in one JVM, each with its own fleet membership, router,
     * trigger engine, rollout and fleet member, sharing the rollout through one fleet store; the traffic spread over
     * the live replicas by a load balancer; faults at given times.
     *
     * @param replicas how many replicas, 1..{@value Scenario#MAX_REPLICAS}; named {@code r1}..{@code rN}
     * @param loadBalancer {@code round-robin} (each request to the next live replica) or {@code random} (a seeded
     *                     uniform pick among the live replicas)
     * @param leaseTime the decider lease ({@code Fleet.leaseTime}); default the longer of 10 s and three ticks
     * @param failSafeAfter how long a replica may be cut off from the store before it serves only its last-known-good
     *                      ({@code Fleet.failSafeAfter}); default the longer of 30 s and three ticks
     * @param releases replica id → release name → how that release behaves on that replica (a bad node), in file order
     * @param events the faults, in time order
     */
    public record Fleet(int replicas, String loadBalancer, Duration leaseTime, Duration failSafeAfter,
                        Map<String, Map<String, SyntheticRelease>> releases, List<FleetEvent> events) {

        /** The load balancer that sends each request to the next live replica in turn. */
        public static final String ROUND_ROBIN = "round-robin";
        /** The load balancer that picks a live replica at random (seeded) for each request. */
        public static final String RANDOM = "random";
        /** The load balancers a scenario may name. */
        public static final List<String> LOAD_BALANCERS = List.of(ROUND_ROBIN, RANDOM);

        /** Copies the collections. */
        public Fleet {
            releases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(releases));
            events = List.copyOf(events);
        }

        /**
         * @param n replicas
         * @param tick the scenario's tick
         * @return a round-robin fleet of {@code n} with the default lease and fail-safe bound, no faults
         */
        static Fleet of(int n, Duration tick) {
            return new Fleet(n, ROUND_ROBIN, defaultLeaseTime(round(tick)), defaultFailSafeAfter(round(tick)), Map.of(), List.of());
        }

        /** @return how often a replica's round runs for the scenario's tick: whole seconds, at least one (as a game day ticks) */
        static Duration round(Duration tick) {
            return Duration.ofSeconds(Math.max(1, tick.toSeconds()));
        }

        /** @return the longer of 10 s and three ticks (a leader renews every third of its lease, once per tick) */
        static Duration defaultLeaseTime(Duration tick) {
            Duration three = tick.multipliedBy(3);
            return three.compareTo(Duration.ofSeconds(10)) > 0 ? three : Duration.ofSeconds(10);
        }

        /** @return the longer of 30 s and three ticks */
        static Duration defaultFailSafeAfter(Duration tick) {
            Duration three = tick.multipliedBy(3);
            return three.compareTo(Duration.ofSeconds(30)) > 0 ? three : Duration.ofSeconds(30);
        }

        /** @return why a scenario with this strategy and tick cannot run on a fleet, or {@code null} when it can */
        static String refusal(StrategySpec strategy, Duration tick) {
            if (strategy.shadow() != null) {
                return "a fleet game day runs canary and blueGreen strategies, not " + strategy.kind() + " (a shadow runner and"
                        + " its gate are one replica's)";
            }
            if (tick.compareTo(MAX_FLEET_TICK) > 0) {
                return "a fleet's tick (each replica's round: publish, re-read, decide) must be at most " + MAX_FLEET_TICK
                        + ", but the scenario's tick is " + tick;
            }
            return null;
        }

        /** @return the replica ids, {@code r1}..{@code rN} */
        public List<String> ids() {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 1; i <= replicas; i++) {
                ids.add("r" + i);
            }
            return ids;
        }

        /** @return a sentence naming the first fault or per-replica behaviour whose replica is not r1..rN, or null */
        String unknownReplica() {
            List<String> ids = ids();
            for (String replica : releases.keySet()) {
                if (!ids.contains(replica)) {
                    return "fleet.replica." + replica + " names a replica the fleet of " + replicas + " (r1..r" + replicas
                            + ") does not have";
                }
            }
            for (int i = 0; i < events.size(); i++) {
                FleetEvent e = events.get(i);
                if (!ids.contains(e.replica())) {
                    return "fleet.events[" + i + "] (" + e.describe() + ") names a replica the fleet of " + replicas + " (r1..r"
                            + replicas + ") does not have";
                }
            }
            return null;
        }

        /**
         * @param replica a replica id
         * @param release a release
         * @return how that release behaves on that replica: its own behaviour unless {@code fleet.replica} says otherwise
         */
        public SyntheticRelease release(String replica, SyntheticRelease release) {
            Map<String, SyntheticRelease> own = releases.get(replica);
            SyntheticRelease r = own == null ? null : own.get(release.name());
            return r == null ? release : r;
        }
    }

    /**
     * A fault of a fleet game day.
     *
     * @param at when, from the start of the run
     * @param action {@code kill} (the replica stops serving and deciding at once, like a killed process: its lease is
     *               not given up and its connections close), {@code cutOff} (the replica keeps serving but cannot
     *               reach the store for {@code duration}) or {@code restart} (a new process of the replica starts,
     *               reading the current state before its first call; a live one is killed first)
     * @param replica the replica, {@code r1}..{@code rN}
     * @param duration how long a {@code cutOff} lasts; {@code null} for the others
     */
    public record FleetEvent(Duration at, String action, String replica, Duration duration) {

        /** Kills a replica. */
        public static final String KILL = "kill";
        /** Cuts a replica off from the store for a while. */
        public static final String CUT_OFF = "cutOff";
        /** Starts a new process of a replica. */
        public static final String RESTART = "restart";
        /** The faults a scenario may name, in the order the docs list them. */
        public static final List<String> ACTIONS = List.of(KILL, CUT_OFF, RESTART);

        /** @return e.g. {@code cutOff r2 at 5m for 2m} */
        public String describe() {
            return action + " " + replica + " at " + durationText(at) + (duration == null ? "" : " for "
                    + durationText(duration));
        }
    }
}
