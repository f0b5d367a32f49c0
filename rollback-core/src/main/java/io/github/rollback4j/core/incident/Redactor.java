package io.github.rollback4j.core.incident;

import io.github.rollback4j.core.CallSample;

/**
 * Removes personal data from a call sample before anything is written or kept in an incident: mask
 * fields of the input or output, replace the stickiness key with a pseudonym, drop what must not be
 * kept. Called once per sample, off the request path, on the thread that opens or updates the
 * incident.
 *
 * <pre>{@code
 * Redactor redactor = sample -> sample.with(null, maskEmail(sample.input()), sample.output());
 * }</pre>
 *
 * <p>A redactor that throws drops the sample (it is counted in the bundle as dropped), so personal
 * data never leaks through a failing redactor. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Redactor {

    /**
     * @param sample the sample as the router kept it
     * @return the sample to keep, typically {@code sample.with(key, input, output)}; {@code null} drops it
     */
    CallSample<?, ?> redact(CallSample<?, ?> sample);

    /** @return a redactor that keeps samples as they are (the default) */
    static Redactor identity() {
        return sample -> sample;
    }
}
