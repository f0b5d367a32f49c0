package io.github.rollback4j.core.guard;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A trigger that is inconclusive because an arm has fewer samples than its {@code minSamples}, with the rate at
 * which that arm has collected them since the candidate's weights last changed, so a rollout can tell whether
 * its step's bake will ever be long enough.
 *
 * <p>Immutable and thread-safe.
 *
 * @param trigger the trigger's name
 * @param candidate the candidate release
 * @param segment the segment of a per-segment trigger, or {@code null} for all traffic
 * @param arm {@code candidate} or {@code baseline}: the arm short of samples
 * @param samples the samples that arm has now (tail samples {@code n·(1−q)} for latency), {@code >= 0}
 * @param needed the trigger's {@code minSamples}
 * @param ratePerSecond samples per second collected since the weights last changed (over the window, for a
 *                      windowed trigger), {@code >= 0}
 * @param observedFor how long the rate was observed
 * @param timeNeeded how long, from the weights' change, that arm needs at this rate to reach {@code needed};
 *                   {@code null} when it never does (no samples yet, or a window that at this rate holds fewer
 *                   than {@code needed})
 * @param window the trigger's window when it reads a sliding window (which can never hold more than a window's
 *               worth), {@code null} for a sequential trigger that reads everything since the weights changed
 * @param at when the shortfall was seen (wall time)
 */
public record SampleShortfall(String trigger, ReleaseId candidate, Segment segment, String arm, double samples, long needed,
                              double ratePerSecond, Duration observedFor, Duration timeNeeded, Duration window, Instant at) {

    /** @throws NullPointerException when a required component is null */
    public SampleShortfall {
        Objects.requireNonNull(trigger, "SampleShortfall.trigger must not be null");
        Objects.requireNonNull(candidate, "SampleShortfall.candidate must not be null");
        Objects.requireNonNull(arm, "SampleShortfall.arm must not be null");
        Objects.requireNonNull(observedFor, "SampleShortfall.observedFor must not be null");
        Objects.requireNonNull(at, "SampleShortfall.at must not be null");
    }

    /**
     * @param bake how long the step bakes
     * @return whether the arm cannot reach {@code needed} within {@code bake} at the observed rate
     */
    public boolean starvesWithin(Duration bake) {
        return timeNeeded == null || timeNeeded.compareTo(bake) > 0;
    }

    /**
     * @param bake the step's bake
     * @param step the step, e.g. {@code step 0 (100 bp)}
     * @return the finding in words, with the numbers: rate, samples needed, time needed
     */
    public String describe(Duration bake, String step) {
        String rate = Texts.number(ratePerSecond) + " samples/s on the " + arm + " (" + Texts.number(Math.floor(samples))
                + " in " + Texts.duration(observedFor) + ")";
        String need = needed + " needed";
        String time;
        if (timeNeeded != null) {
            time = "about " + Texts.duration(timeNeeded.withNanos(0)) + " at this rate";
        } else if (window != null && ratePerSecond > 0) {
            time = "its window of " + Texts.duration(window) + " holds about " + Texts.number(Math.floor(ratePerSecond
                    * window.toNanos() / 1e9)) + " at this rate, so it never decides";
        } else {
            time = "no samples yet, so it never decides at this rate";
        }
        return "trigger '" + trigger + "'" + (segment == null ? "" : " in segment " + segment) + " cannot reach its"
                + " minimum samples within the bake of " + Texts.duration(bake) + " of " + step + ": " + rate + ", " + need
                + ", " + time;
    }
}
