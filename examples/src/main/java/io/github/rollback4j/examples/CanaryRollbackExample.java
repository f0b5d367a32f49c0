package io.github.rollback4j.examples;

import io.github.rollback4j.Decision;
import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseAttribution;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.core.InMemoryFeatureFlags;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.core.strategy.CanaryPlan;
import io.github.rollback4j.core.strategy.CanaryRollout;
import io.github.rollback4j.core.strategy.RolloutPhase;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A canary of a fraud-scoring model that rolls itself back: two paired releases (model v1 + encoder
 * v4, model v2 + encoder v5), a {@link CanaryRollout} (10 % → 50 % → 100 %) ticking on a real
 * scheduler, guarded by a {@link TriggerEngine} with an error-rate trigger; the service reports a
 * business KPI (conversion) for every decision. v2 fails on 12 % of its calls, the trigger sees it
 * within seconds and the router sends all traffic back to v1, quarantines v2 and turns its feature
 * flag off — nobody rolls back by hand.
 *
 * <p>Run it with {@code mvn -q -pl examples -am -Prun-example -DskipTests verify}; it takes a few
 * seconds of real time.
 */
public final class CanaryRollbackExample {

    /** Give up (and report "not rolled back") after this much real time. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private CanaryRollbackExample() {
    }

    public static void main(String[] args) throws Exception {
        Outcome outcome = run(System.out);
        System.out.println(outcome.rolledBack() ? "Outcome: rolled_back" : "Outcome: " + outcome.phase());
    }

    /** What the run ended with, for the example's test. */
    record Outcome(boolean rolledBack, RolloutPhase phase, Map<String, Integer> servedAfterRollback, boolean encoderV5FlagOn,
                   int callerErrorsNamingV2) {
    }

    static Outcome run(PrintStream out) throws Exception {
        ModelVersion modelV1 = ModelVersion.builder("fraud-model").version("1.3.2")
                .digest("sha256:" + "1a".repeat(32)).compatibleWith("categorical-encoder", "v4").build();
        ModelVersion modelV2 = ModelVersion.builder("fraud-model").version("2.0.0")
                .digest("sha256:" + "2b".repeat(32)).compatibleWith("categorical-encoder", "v5").build();
        Release v1 = Release.builder(modelV1).name("v1")
                .feature(FeatureVersion.of("categorical-encoder", "v4", "sha256:" + "4c".repeat(32)))
                .build();
        Release v2 = Release.builder(modelV2).name("v2")
                .feature(FeatureVersion.of("categorical-encoder", "v5", "sha256:" + "5d".repeat(32)))
                .featureFlag("encoder-v5")
                .build();

        List<double[]> samples = List.of(new double[] {120.0, 3}, new double[] {9_800.0, 1});
        InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "rollout-ticks");
            thread.setDaemon(true);
            return thread;
        });
        try (ManagedModelRouter<double[], Double> router = ModelRouters
                .builder("fraud-scoring", ReleaseSpec.<double[], Double>builder(v1, in -> Math.min(1.0, in[0] / 10_000))
                        .sampleInputs(samples).build())
                // v2's new encoder has never seen merchant category 8: it fails on those inputs (1 in 9).
                .release(ReleaseSpec.<double[], Double>builder(v2, in -> {
                    if (in[1] >= 8) {
                        throw new IllegalArgumentException("encoder v5: unseen merchant category " + (int) in[1]);
                    }
                    return Math.min(1.0, in[0] / 9_000);
                }).sampleInputs(samples).build())
                .featureFlags(flags)
                .build();
             TriggerEngine guard = TriggerEngine.builder(router)
                     // Roll back when the candidate's errors are above 5 % of its calls over 5 s (at least 200 calls).
                     .trigger(TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate())
                             .threshold(Threshold.Kind.ABOVE, 0.05).window(Duration.ofSeconds(5)).minSamples(200).build())
                     // Report (dry run) when the candidate's conversion drops more than 2 points below v1's.
                     .trigger(TriggerSpec.builder("conversion").metric(new Metric.Kpi("conversion", true))
                             .threshold(Threshold.Kind.DROP, 0.02).severity(Severity.DRY_RUN).build())
                     .build();
             CanaryRollout canary = CanaryRollout.builder(router, v2.id(), guard, CanaryPlan.builder()
                     .step(1_000, Duration.ofSeconds(3)).step(5_000, Duration.ofSeconds(3)).step(10_000, Duration.ofSeconds(3))
                     .build()).build()) {

            router.eventPublisher().onEvent(event -> out.println("  event: " + describe(router, event)));
            canary.onTransition(t -> out.println("  rollout: " + t.from().label() + " -> " + t.to().label() + ": " + t.reason()));
            out.printf("%s serves all traffic; %s is warm: %s%n", v1, v2, router.health(v2.id()).state());
            out.println("Canary: 10 % -> 50 % -> 100 %, 3 s bake per step, a tick every 100 ms");
            canary.start(scheduler, Duration.ofMillis(100));

            SplittableRandom random = new SplittableRandom(7);
            Map<String, Integer> served = new LinkedHashMap<>();
            int callerErrorsNamingV2 = 0;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!canary.status().phase().isTerminal() && System.nanoTime() < deadline) {
                double[] input = {random.nextDouble(10_000), random.nextInt(9)};
                RequestContext context = RequestContext.of("customer-" + random.nextInt(50_000));
                try {
                    Decision<Double> decision = router.decide(input, context);
                    // The business KPI, reported by the service later (here at once): did the customer convert?
                    router.telemetry().reportKpi("conversion", decision, random.nextDouble() < 0.3 ? 1 : 0);
                } catch (IllegalArgumentException e) {
                    // The model's own exception, with the release that threw attached.
                    if (ReleaseAttribution.of(e).map(a -> a.release().equals(v2.id())).orElse(false)) {
                        callerErrorsNamingV2++;
                    }
                }
            }
            RolloutPhase phase = canary.status().phase();
            out.println();
            out.println("Rollout ended " + phase + "; callers saw " + callerErrorsNamingV2 + " errors, each naming v2");

            boolean rolledBack = phase == RolloutPhase.ROLLED_BACK;
            if (rolledBack) {
                for (int i = 0; i < 10_000; i++) {
                    double[] input = {random.nextDouble(10_000), random.nextInt(9)};
                    Decision<Double> decision = router.decide(input, RequestContext.of("customer-" + random.nextInt(50_000)));
                    served.merge(router.releaseName(decision.release()), 1, Integer::sum);
                }
                out.println("After the rollback, 10000 calls served by: " + served);
            }
            out.println("Quarantined: " + router.state().quarantined().stream().map(router::releaseName).toList());
            out.println("Feature flags: " + flags.snapshot());
            out.println("Audit log:");
            router.auditLog().forEach(entry -> out.printf("  %s %-16s by %-12s %s%n",
                    entry.time(), entry.action(), entry.actor(), entry.reason()));
            return new Outcome(rolledBack, phase, served, flags.isEnabled("encoder-v5"), callerErrorsNamingV2);
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static String describe(ManagedModelRouter<?, ?> router, RouterEvent event) {
        if (event instanceof RouterEvent.WeightsChanged e) {
            Map<String, Integer> after = new LinkedHashMap<>();
            e.after().forEach((id, bp) -> after.put(router.releaseName(id), bp));
            return "weights of " + e.segment() + " -> " + after + " basis points";
        }
        if (event instanceof RouterEvent.RolledBack e) {
            return "ROLLED BACK to " + router.releaseName(e.lastKnownGood()) + "; quarantined "
                    + e.rolledBack().stream().map(router::releaseName).toList() + "; flags off " + e.flagsDisabled()
                    + " (" + e.cause().reason() + ")";
        }
        return event.getClass().getSimpleName();
    }
}
