package io.github.rollback4j.core.incident;

import io.github.rollback4j.core.CallSample;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Removes personal data from a call sample before anything is written or kept in an incident: mask
 * fields of the input or output, replace the stickiness key with a pseudonym, drop what must not be
 * kept. Called once per sample, off the request path, on the thread that opens or updates the
 * incident.
 *
 * <pre>{@code
 * Redactor redactor = sample -> sample.with(null, maskEmail(sample.input()), sample.output());
 * Redactor alsoMessages = Redactor.of(redactor, Masks::maskEmails);   // model exception messages too
 * }</pre>
 *
 * <p>The message of an exception a model threw in a sampled call is free text that may quote the
 * input (an e-mail address, a card number), so it passes {@link #redactMessage(String)} before it is
 * kept: a kept sample's {@link CallSample#error() error} is then a {@link RedactedError} with the
 * original exception's type and the redacted message, without stack trace or cause. A redactor
 * that does not override {@code redactMessage} withholds messages (only the exception's type is
 * kept); {@link #identity()} keeps them.
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

    /**
     * @param message the message of an exception a model threw in a sampled call (never {@code null})
     * @return the message to keep, or {@code null} to keep only the exception's type; this default
     *         returns {@code null}, since a redactor written for samples does not know what the
     *         model's messages quote
     */
    default String redactMessage(String message) {
        return null;
    }

    /** @return a redactor that keeps samples and exception messages as they are (the default) */
    static Redactor identity() {
        return IdentityRedactor.INSTANCE;
    }

    /**
     * @param samples redacts samples
     * @param messages redacts the messages of exceptions models threw; returns {@code null} to keep only the type
     * @return a redactor of both
     */
    static Redactor of(Redactor samples, UnaryOperator<String> messages) {
        Objects.requireNonNull(samples, "Redactor.of: samples must not be null");
        Objects.requireNonNull(messages, "Redactor.of: messages must not be null");
        return new Redactor() {
            @Override
            public CallSample<?, ?> redact(CallSample<?, ?> sample) {
                return samples.redact(sample);
            }

            @Override
            public String redactMessage(String message) {
                return messages.apply(message);
            }
        };
    }
}
