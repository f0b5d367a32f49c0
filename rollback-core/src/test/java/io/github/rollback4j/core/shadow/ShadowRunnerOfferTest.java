package io.github.rollback4j.core.shadow;

import io.github.rollback4j.RequestContext;
import io.github.rollback4j.core.VirtualTimeSource;
import org.junit.jupiter.api.Test;

import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ShadowRunner#tryOffer} tells a drop from a call that was not sampled. */
class ShadowRunnerOfferTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();

    @Test
    void tryOfferSaysWhatBecameOfTheCall() {
        ShadowRunnerTest.ControlledExecutor executor = new ShadowRunnerTest.ControlledExecutor();
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> x).executor(executor)
                .timeSource(clock).sampleRate(1.0).maxConcurrentCalls(1).build()) {
            assertThat(r.tryOffer(1, 1, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.HANDED_OVER);
            // the only permit is taken until the queued task runs
            assertThat(r.tryOffer(2, 2, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.DROPPED);
            executor.runAll();
            executor.reject = true;
            assertThat(r.tryOffer(3, 3, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.DROPPED);
            assertThat(r.dropped()).isEqualTo(2);
            assertThat(r.compared()).isEqualTo(1);
            r.close();
            assertThat(r.tryOffer(4, 4, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.CLOSED);
        }
    }

    @Test
    void anUnsampledCallIsNotADrop() {
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.<Integer, Integer>builder(x -> x).executor(task -> {
                    throw new RejectedExecutionException("never reached");
                }).timeSource(clock).sampleRate(0.0).build()) {
            for (int i = 0; i < 100; i++) {
                assertThat(r.tryOffer(i, i, RequestContext.EMPTY, 0)).isEqualTo(ShadowRunner.Offer.NOT_SAMPLED);
                assertThat(r.offer(i, i, RequestContext.EMPTY, 0)).isFalse();
            }
            assertThat(r.dropped()).isZero();
            assertThat(r.report().offered()).isEqualTo(200);
            assertThat(r.report().sampled()).isZero();
        }
    }
}
