package io.github.rollback4j;

/**
 * The user's model: one loaded model artifact that turns an input into a prediction.
 *
 * <p>rollback4j never changes what a model returns or throws: a model's own exception reaches the
 * caller of {@link ModelRouter#invoke(Object, RequestContext)} unchanged, unless a per-call fallback
 * to the last-known-good release is configured for that release.
 *
 * <p>Thread-safety: a model is called concurrently from every request thread and from the warm-up
 * and health-probe threads; implementations must be thread-safe.
 *
 * @param <I> the input type
 * @param <O> the output (prediction) type
 */
@FunctionalInterface
public interface Model<I, O> {

    /**
     * Predicts the output for one input.
     *
     * @param input the input, as given to the router
     * @return the prediction
     * @throws Exception any failure of the model; it reaches the caller unchanged
     */
    O predict(I input) throws Exception;
}
