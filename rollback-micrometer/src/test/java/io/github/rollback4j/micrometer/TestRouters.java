package io.github.rollback4j.micrometer;

import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Releases, models and routers for tests: deterministic digests, a virtual clock, probes on the calling
 * thread. The models take their latency from the input: {@code "slow"} advances the virtual clock by
 * {@link #SLOW}, {@code "boom"} throws, {@code "late"} times out, anything else returns at once.
 */
final class TestRouters {

    static final String PROBE = "probe";
    static final Duration SLOW = Duration.ofMillis(7);

    private TestRouters() {
    }

    static Release release(String model, String version, int digest) {
        return Release.of(ModelVersion.of(model, version, "sha256:" + String.format("%064x", digest)));
    }

    /** A model answering {@code answer}, slow for {@code "slow"}, throwing for {@code "boom"}, failing probes while {@code sick}. */
    static Model<String, String> model(VirtualTimeSource clock, String answer, AtomicBoolean sick) {
        return input -> {
            if (sick.get() && PROBE.equals(input)) {
                throw new IllegalStateException("probe failed on purpose");
            }
            switch (input) {
                case "slow" -> clock.advanceNanos(SLOW.toNanos());
                case "boom" -> throw new IllegalArgumentException("the model failed on purpose");
                case "late" -> throw new TimeoutException("the model timed out on purpose");
                default -> { }
            }
            return answer;
        };
    }

    static ReleaseSpec<String, String> spec(Release release, Model<String, String> model) {
        return ReleaseSpec.builder(release, model).sampleInputs(List.of(PROBE)).warmupCalls(2).unhealthyAfterFailures(1).build();
    }

    static ModelRouters.Builder<String, String> router(String name, ReleaseSpec<String, String> lkg, VirtualTimeSource clock) {
        return ModelRouters.builder(name, lkg).timeSource(clock).probeExecutor(Runnable::run);
    }
}
