package io.github.rollback4j.core.guard;

import io.github.rollback4j.trigger.Evidence;

/**
 * What one evaluation of one trigger found before sustain and severity are applied.
 *
 * @param state breach, no breach, or not enough data
 * @param evidence the values behind it ({@code breachingSince} is filled in by the engine)
 */
record RawResult(State state, Evidence evidence) {

    enum State {
        BREACH, OK, INCONCLUSIVE
    }
}
