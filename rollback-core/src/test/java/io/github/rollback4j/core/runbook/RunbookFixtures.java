package io.github.rollback4j.core.runbook;

import io.github.rollback4j.Cause;
import io.github.rollback4j.ConfigVersion;
import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelRouter;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseHealth;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** The fraud-scoring configuration the runbook tests render: paired releases, a canary, triggers, checks. */
final class RunbookFixtures {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    static final Segment EU = Segment.of("eu-west");

    private RunbookFixtures() {
    }

    static String digest(int n) {
        return "sha256:" + String.format("%064x", n);
    }

    /** fraud-model 1.3.2 with categorical-encoder v4 and config cfg-7. */
    static Release v1() {
        ModelVersion model = ModelVersion.builder("fraud-model").version("1.3.2").digest(digest(1))
                .compatibleWith("categorical-encoder", "v4").build();
        return Release.builder(model).feature(FeatureVersion.of("categorical-encoder", "v4", digest(101)))
                .config(ConfigVersion.of("cfg-7", digest(201))).build();
    }

    /** fraud-model 2.0.0 with categorical-encoder v5 and the flag encoder-v5. */
    static Release v2() {
        ModelVersion model = ModelVersion.builder("fraud-model").version("2.0.0").digest(digest(2))
                .compatibleWith("categorical-encoder", "v5").build();
        return Release.builder(model).feature(FeatureVersion.of("categorical-encoder", "v5", digest(102)))
                .featureFlag("encoder-v5").build();
    }

    static Model<String, String> model(String answer, AtomicBoolean sick) {
        return in -> {
            if (sick.get() && in.startsWith("probe")) {
                throw new IllegalStateException(answer + " weights file truncated");
            }
            return answer;
        };
    }

    static ReleaseSpec<String, String> spec(Release release, Model<String, String> model) {
        return ReleaseSpec.builder(release, model).sampleInputs(List.of("probe-a")).warmupCalls(2).unhealthyAfterFailures(1).build();
    }

    static ModelRouters.Builder<String, String> router(String name, Release lkg, AtomicBoolean lkgSick) {
        return ModelRouters.builder(name, spec(lkg, model("v1", lkgSick)))
                .timeSource(VirtualTimeSource.startingAt(START)).probeExecutor(Runnable::run);
    }

    /** v1 as LKG, v2 at 5 % of the default segment and 20 % of eu-west. */
    static ManagedModelRouter<String, String> canary(String name) {
        Release v1 = v1();
        Release v2 = v2();
        ManagedModelRouter<String, String> router = router(name, v1, new AtomicBoolean())
                .release(spec(v2, model("v2", new AtomicBoolean()))).build();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), Cause.operator("ana", "canary 5 %"));
        router.setWeights(EU, Map.of(v1.id(), 8_000, v2.id(), 2_000), Cause.operator("ana", "canary 20 % in eu-west"));
        return router;
    }

    static TriggerSpec p95() {
        return TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.INCREASE, 0.3)
                .window(Duration.ofMinutes(1)).sustain(Duration.ofMinutes(5)).perSegment(true).build();
    }

    static TriggerSpec errors() {
        return TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                .window(Duration.ofMinutes(2)).sustain(Duration.ofMinutes(3)).minSamples(200).severity(Severity.MILD).build();
    }

    static TriggerSpec conversion() {
        return TriggerSpec.builder("conversion-drop").metric(new Metric.Kpi("conversion", true)).threshold(Threshold.Kind.DROP, 0.02)
                .window(Duration.ofMinutes(30)).minSamples(1_000).severity(Severity.DRY_RUN).build();
    }

    static TriggerSpec burn() {
        return TriggerSpec.builder("error-budget")
                .metric(new Metric.BurnRate(0.999, List.of(new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
                        new BurnWindow(Duration.ofHours(6), Duration.ofMinutes(30), 6))))
                .perSegment(true).global(true).build();
    }

    static TriggerSpec lkgErrors() {
        return TriggerSpec.builder("lkg-errors").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.01)
                .window(Duration.ofMinutes(5)).build();
    }

    static TriggerSpec lkgP99() {
        return TriggerSpec.builder("lkg-p99").metric(new Metric.Latency(0.99)).threshold(Threshold.Kind.ABOVE, 250)
                .window(Duration.ofMinutes(5)).sustain(Duration.ofSeconds(90)).minSamples(20).build();
    }

    /** Everything in place: no finding. */
    static Runbook.Builder clean(ModelRouter<?, ?> router) {
        return Runbook.builder(router).triggers(List.of(p95(), errors(), conversion(), burn()))
                .verification(List.of(lkgErrors(), lkgP99()), Duration.ofMinutes(10))
                .owner("team-fraud").channel("#fraud-oncall").notifiers(List.of("webhook", "log", "chat"));
    }

    /** The router, except that its last-known-good reports the given health. */
    @SuppressWarnings("unchecked")
    static ModelRouter<String, String> withLkgHealth(ModelRouter<String, String> router, ReleaseHealth health) {
        return (ModelRouter<String, String>) Proxy.newProxyInstance(RunbookFixtures.class.getClassLoader(),
                new Class<?>[] {ModelRouter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("lastKnownGoodHealth")) {
                        return health;
                    }
                    try {
                        return method.invoke(router, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
