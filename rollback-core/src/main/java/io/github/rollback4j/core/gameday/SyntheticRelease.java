package io.github.rollback4j.core.gameday;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A release of a game day with synthetic behaviour: lognormal latency, an error rate, a KPI rate,
 * an output distortion in some segments and hours, and changes at given times.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the release's name in the scenario, e.g. {@code v2}
 * @param model the model's name
 * @param version the model's immutable version
 * @param features feature name → version (e.g. {@code categorical-encoder: v5})
 * @param flags feature flags the release turns on
 * @param lastKnownGood whether this is the release serving before the rollout
 * @param behaviour how it behaves from the start
 * @param changes behaviour changes at given times, in time order
 * @param bySegment request segment → the behaviour in that segment, overriding {@code behaviour} and {@code changes}
 *                  there (a regression in one region only)
 */
public record SyntheticRelease(String name, String model, String version, Map<String, String> features, List<String> flags,
                               boolean lastKnownGood, Behaviour behaviour, List<Change> changes,
                               Map<String, Behaviour> bySegment) {

    /**
     * @param medianLatency median latency
     * @param latencySigma sigma of the lognormal latency (0.25: P95 ≈ 1.5 × median)
     * @param errorRate share of calls that throw, 0..1
     * @param kpiRate probability that a served request converts (the KPI), 0..1
     * @param outputShift how far the prediction score is shifted where a distortion applies
     * @param distortion segment → hours of day (UTC, {@code [from, to)}, wrapping past midnight) where the output is shifted
     */
    public record Behaviour(Duration medianLatency, double latencySigma, double errorRate, double kpiRate, double outputShift,
                            Map<String, int[]> distortion) {
    }

    /**
     * @param at when the change happens, from the start of the run
     * @param behaviour the behaviour from then on
     */
    public record Change(Duration at, Behaviour behaviour) {
    }

    /**
     * @param elapsed time since the start of the run
     * @param segment the request's segment, or {@code null}
     * @return the behaviour in force for a request of that segment
     */
    public Behaviour behaviourAt(Duration elapsed, String segment) {
        Behaviour own = segment == null ? null : bySegment.get(segment);
        return own != null ? own : behaviourAt(elapsed);
    }

    /**
     * @param elapsed time since the start of the run
     * @return the behaviour in force outside the segments of {@link #bySegment()}
     */
    public Behaviour behaviourAt(Duration elapsed) {
        Behaviour current = behaviour;
        for (Change change : changes) {
            if (elapsed.compareTo(change.at()) >= 0) {
                current = change.behaviour();
            }
        }
        return current;
    }
}
