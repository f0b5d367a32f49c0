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
 */
public record Scenario(String name, String description, Instant start, Duration duration, Duration tick, long seed,
                       Traffic traffic, List<SyntheticRelease> releases, StrategySpec strategy, List<TriggerSpec> triggers,
                       String expect) {

    /**
     * The request stream.
     *
     * @param rate requests per second on average
     * @param segments request segment → share of traffic (shares sum to 1)
     * @param diurnalAmplitude 0..1: the rate is {@code rate × (1 + amplitude × cos(2π (hour − peakHour)/24))}
     * @param peakHour hour of day (UTC) of the peak, 0..23
     * @param users distinct stickiness keys
     * @param kpi the KPI reported for each request ({@code null} for none)
     */
    public record Traffic(double rate, Map<String, Double> segments, double diurnalAmplitude, int peakHour, int users,
                          String kpi) {
    }

    /**
     * How the candidate is rolled out.
     *
     * @param kind canary, blue_green or shadow
     * @param candidate the name of the release rolled out
     * @param steps canary steps: weight in basis points and bake time
     * @param stepDeadline how long a step may stay inconclusive before the rollout pauses ({@code null}: none)
     * @param shadowShare share of traffic mirrored in shadow mode, 0..1
     * @param shadowThreshold mismatch rate above which a segment blocks the canary in shadow mode
     * @param shadowTolerance absolute tolerance of the numeric comparator in shadow mode
     * @param startAfter how long the last-known-good serves alone before the rollout starts
     */
    public record StrategySpec(String kind, String candidate, List<Step> steps, Duration stepDeadline, double shadowShare,
                               double shadowThreshold, double shadowTolerance, Duration startAfter) {
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
