package io.github.rollback4j;

/**
 * An output together with the release that served it, so that a business KPI reported later can be
 * attributed to the right release. Returned by {@link ModelRouter#decide(Object, RequestContext)}.
 *
 * <p>Immutable and thread-safe (as far as the output is).
 *
 * @param output the model's output
 * @param release the release that produced the output (the last-known-good when {@code fallback})
 * @param segment the segment whose routing applied
 * @param fallback {@code true} when the routed release failed or its circuit breaker was open and the
 *                 last-known-good served the call instead
 * @param <O> the output type
 */
public record Decision<O>(O output, ReleaseId release, Segment segment, boolean fallback) {
}
