package io.github.rollback4j.core.internal;

import io.github.rollback4j.Model;

import java.util.concurrent.Callable;

/**
 * One warm-up or probe call, run on the probe executor. It remembers whether it has returned, so
 * that a call that timed out and was interrupted, but whose model ignores interrupts, keeps its
 * release from taking a second probe thread (a {@link java.util.concurrent.FutureTask} reports
 * itself done as soon as it is cancelled, whether or not the model returned).
 */
final class ProbeCall<O> implements Callable<O> {

    private final Model<Object, O> model;
    private final Object input;
    private volatile boolean returned;

    @SuppressWarnings("unchecked")
    <I> ProbeCall(Model<I, O> model, I input) {
        this.model = (Model<Object, O>) model;
        this.input = input;
    }

    @Override
    public O call() throws Exception {
        try {
            return model.predict(input);
        } finally {
            returned = true;
        }
    }

    /** @return whether the model's call has returned (with a value or an exception) */
    boolean returned() {
        return returned;
    }
}
