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
 */
public record Scenario(String name, String description, Instant start, Duration duration, Duration tick, long seed,
                       Traffic traffic, List<SyntheticRelease> releases, StrategySpec strategy, List<TriggerSpec> triggers,
                       String expect, IncidentSpec incident, Duration healthCheckInterval) {

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
}
