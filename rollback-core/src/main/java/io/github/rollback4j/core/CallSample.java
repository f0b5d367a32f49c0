package io.github.rollback4j.core;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.telemetry.Outcome;

import java.time.Instant;

/**
 * One sampled call as the router's sample ring kept it (see {@link ModelRouters.Builder#samples}):
 * what went in, what came out, which release served and how it ended. Incidents keep the samples
 * from before and after a rollback as evidence.
 *
 * <p>Immutable as a record; the input and output are the caller's own objects, referenced, not copied.
 *
 * @param sequence the sample's number in the router's ring, increasing in the order calls were sampled
 * @param time when the call ended, on the router's time source (millisecond precision)
 * @param release the release the call was routed to
 * @param segment the request's segment
 * @param stickinessKey the request's stickiness key, or {@code null}
 * @param input the model input
 * @param output the output the caller received, or {@code null} when the call threw
 * @param error the exception the model threw, or {@code null}
 * @param latencyNanos how long the model took, in nanoseconds
 * @param outcome success, model error, timeout or fallback (to the last-known-good)
 * @param <I> the input type
 * @param <O> the output type
 */
public record CallSample<I, O>(long sequence, Instant time, ReleaseId release, Segment segment, String stickinessKey,
                               I input, O output, Throwable error, long latencyNanos, Outcome outcome) {

    /**
     * @param key the stickiness key to keep, e.g. a pseudonym
     * @param newInput the input to keep, e.g. with personal fields masked
     * @param newOutput the output to keep
     * @return a copy with key, input and output replaced (for redaction)
     */
    public CallSample<Object, Object> with(String key, Object newInput, Object newOutput) {
        return new CallSample<>(sequence, time, release, segment, key, newInput, newOutput, error, latencyNanos, outcome);
    }
}
