package io.github.rollback4j.core.guard;

import io.github.rollback4j.trigger.Evidence;

/**
 * What one evaluation of one trigger found before sustain and severity are applied.
 *
 * @param state breach, no breach, or not enough data
 * @param evidence the values behind it ({@code breachingSince} is filled in by the engine); its note says in
 *                 words what was compared, the threshold, and why
 * @param shortfall when inconclusive for lack of samples: which arm, how many it has and needs; else {@code null}
 */
record RawResult(State state, Evidence evidence, Shortfall shortfall) {

    enum State {
        BREACH, OK, INCONCLUSIVE
    }

    RawResult(State state, Evidence evidence) {
        this(state, evidence, null);
    }

    /**
     * @param arm "candidate" or "baseline": the arm short of samples
     * @param samples the samples it has, in the unit of {@code minSamples} (tail samples for latency)
     * @param needed {@code minSamples}
     * @param windowed whether the samples are those of a sliding window (which can never hold more than the
     *                 window's worth) rather than everything since the epoch began
     */
    record Shortfall(String arm, double samples, long needed, boolean windowed) {
    }

    /** Inconclusive for lack of samples on one arm. */
    static RawResult notEnough(Evidence evidence, String arm, double samples, long needed, boolean windowed) {
        return new RawResult(State.INCONCLUSIVE, evidence, new Shortfall(arm, samples, needed, windowed));
    }
}
