package io.github.rollback4j.core.strategy;

import java.util.Objects;

/**
 * An input green must answer, and the output it must give, before a blue/green flip.
 *
 * <p>Immutable and thread-safe (as far as input and output are).
 *
 * @param input the input sent to green
 * @param expected the output expected back (compared with the rollout's matcher, by default {@link Objects#equals})
 * @param <I> input type
 * @param <O> output type
 */
public record VerificationCase<I, O>(I input, O expected) {

    /**
     * @throws NullPointerException when the input is null
     */
    public VerificationCase {
        Objects.requireNonNull(input, "VerificationCase.input must not be null");
    }

    /**
     * @param input the input
     * @param expected the expected output
     * @param <I> input type
     * @param <O> output type
     * @return the case
     */
    public static <I, O> VerificationCase<I, O> of(I input, O expected) {
        return new VerificationCase<>(input, expected);
    }
}
