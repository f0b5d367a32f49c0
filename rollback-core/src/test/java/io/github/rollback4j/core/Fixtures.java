package io.github.rollback4j.core;

import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;

import java.util.List;

/** Releases and routers for tests: deterministic digests, a virtual clock, probes on the calling thread. */
final class Fixtures {

    private Fixtures() {
    }

    static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }

    static Release release(String model, String version, int digest) {
        return Release.of(ModelVersion.of(model, version, digest(digest)));
    }

    static Release releaseWithFlag(String model, String version, int digest, String encoderVersion, String flag) {
        ModelVersion mv = ModelVersion.builder(model).version(version).digest(digest(digest))
                .compatibleWith("categorical-encoder", encoderVersion).build();
        return Release.builder(mv)
                .feature(FeatureVersion.of("categorical-encoder", encoderVersion, digest(digest + 1000)))
                .featureFlag(flag)
                .build();
    }

    static <O> ReleaseSpec<String, O> spec(Release release, Model<String, O> model) {
        return ReleaseSpec.builder(release, model).sampleInputs(List.of("probe-a", "probe-b")).warmupCalls(3).build();
    }

    static <O> ModelRouters.Builder<String, O> router(String name, ReleaseSpec<String, O> lkg, VirtualTimeSource clock) {
        return ModelRouters.builder(name, lkg).timeSource(clock).probeExecutor(Runnable::run);
    }
}
