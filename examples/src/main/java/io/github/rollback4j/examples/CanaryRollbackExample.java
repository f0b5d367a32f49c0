package io.github.rollback4j.examples;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Decision;
import io.github.rollback4j.FeatureVersion;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.RouterEvent;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.InMemoryFeatureFlags;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A canary of a fraud-scoring model, rolled back by hand when the candidate's error rate breaks
 * the runbook's threshold: two paired releases (model v1 + encoder v4, model v2 + encoder v5),
 * weights shifted 1 % → 5 % → 25 %, a rollback to the warm last-known-good, and what happened,
 * printed.
 *
 * <p>Run it with {@code mvn -q -pl examples -am -Prun-example -DskipTests verify}.
 */
public final class CanaryRollbackExample {

    /** Runbook threshold: roll back when the candidate's error rate is above 5 %. */
    static final double MAX_ERROR_RATE = 0.05;
    static final int CALLS_PER_STEP = 20_000;

    private CanaryRollbackExample() {
    }

    public static void main(String[] args) throws Exception {
        Outcome outcome = run(System.out);
        System.out.println(outcome.rolledBack() ? "Outcome: rolled_back" : "Outcome: promoted");
    }

    /** What the run ended with, for the example's test. */
    record Outcome(boolean rolledBack, Map<String, Integer> servedAfterRollback, boolean encoderV5FlagOn) {
    }

    static Outcome run(PrintStream out) throws Exception {
        ModelVersion modelV1 = ModelVersion.builder("fraud-model").version("1.3.2")
                .digest("sha256:" + "1a".repeat(32)).compatibleWith("categorical-encoder", "v4").build();
        ModelVersion modelV2 = ModelVersion.builder("fraud-model").version("2.0.0")
                .digest("sha256:" + "2b".repeat(32)).compatibleWith("categorical-encoder", "v5").build();
        Release v1 = Release.builder(modelV1)
                .feature(FeatureVersion.of("categorical-encoder", "v4", "sha256:" + "4c".repeat(32)))
                .build();
        Release v2 = Release.builder(modelV2)
                .feature(FeatureVersion.of("categorical-encoder", "v5", "sha256:" + "5d".repeat(32)))
                .featureFlag("encoder-v5")
                .build();

        // v2 fails on 12 % of the inputs its new encoder has never seen; v1 is steady.
        SplittableRandom random = new SplittableRandom(7);
        List<double[]> samples = List.of(new double[] {120.0, 3}, new double[] {9_800.0, 1});
        InMemoryFeatureFlags flags = new InMemoryFeatureFlags();
        try (ManagedModelRouter<double[], Double> router = ModelRouters
                .builder("fraud-scoring", ReleaseSpec.<double[], Double>builder(v1, in -> Math.min(1.0, in[0] / 10_000))
                        .sampleInputs(samples).build())
                .release(ReleaseSpec.<double[], Double>builder(v2, in -> {
                    if (in[1] >= 8) {
                        throw new IllegalArgumentException("encoder v5: unseen merchant category " + (int) in[1]);
                    }
                    return Math.min(1.0, in[0] / 9_000);
                }).sampleInputs(samples).build())
                .featureFlags(flags)
                .build()) {

            router.eventPublisher().onEvent(event -> out.println("  event: " + describe(event)));
            out.printf("%s serves all traffic; %s is warm: %s%n", v1, v2, router.health(v2.id()).state());

            boolean rolledBack = false;
            for (int weight : new int[] {100, 500, 2500}) {
                out.printf("%nCanary step: %s at %.0f %%%n", v2.id(), weight / 100.0);
                router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 10_000 - weight, v2.id(), weight),
                        Cause.operator("release-bot", "canary step " + weight / 100.0 + " %"));
                Map<ReleaseId, int[]> stats = drive(router, random, out);
                int[] candidate = stats.getOrDefault(v2.id(), new int[2]);
                double errorRate = candidate[0] == 0 ? 0 : (double) candidate[1] / candidate[0];
                out.printf("  %s: %d calls, error rate %.1f %% (threshold %.0f %%)%n",
                        v2.id(), candidate[0], errorRate * 100, MAX_ERROR_RATE * 100);
                if (candidate[0] >= 200 && errorRate > MAX_ERROR_RATE) {
                    out.printf("%nTrigger: error rate %.1f %% > %.0f %% -> rollback%n", errorRate * 100, MAX_ERROR_RATE * 100);
                    router.rollbackToLastKnownGood(Cause.automatic(String.format(
                            "error rate %.1f %% > %.0f %% on %d calls", errorRate * 100, MAX_ERROR_RATE * 100, candidate[0])));
                    rolledBack = true;
                    break;
                }
            }

            Map<String, Integer> after = new LinkedHashMap<>();
            if (rolledBack) {
                out.println();
                out.println("After the rollback:");
                Map<ReleaseId, int[]> stats = drive(router, random, out);
                stats.forEach((id, counts) -> after.put(id.value(), counts[0]));
            }
            out.println();
            out.println("Quarantined: " + router.state().quarantined());
            out.println("Feature flags: " + flags.snapshot());
            out.println("Audit log:");
            router.auditLog().forEach(entry -> out.printf("  %s %-16s by %-12s %s%n",
                    entry.time(), entry.action(), entry.actor(), entry.reason()));
            return new Outcome(rolledBack, after, flags.isEnabled("encoder-v5"));
        }
    }

    /** Sends one step's traffic; returns per release {calls, errors}. */
    private static Map<ReleaseId, int[]> drive(ManagedModelRouter<double[], Double> router, SplittableRandom random,
                                               PrintStream out) {
        Map<ReleaseId, int[]> stats = new LinkedHashMap<>();
        int errors = 0;
        for (int i = 0; i < CALLS_PER_STEP; i++) {
            double[] input = {random.nextDouble(10_000), random.nextInt(9)};
            RequestContext context = RequestContext.of("customer-" + random.nextInt(50_000));
            try {
                Decision<Double> decision = router.decide(input, context);
                stats.computeIfAbsent(decision.release(), id -> new int[2])[0]++;
            } catch (Exception e) {
                // The model's own exception reached us unchanged; attribute it to the candidate that threw it.
                errors++;
                ReleaseId candidate = router.releases().get(1).id();
                int[] counts = stats.computeIfAbsent(candidate, id -> new int[2]);
                counts[0]++;
                counts[1]++;
            }
        }
        stats.forEach((id, counts) -> out.printf("  served by %s: %d%n", id, counts[0]));
        if (errors > 0) {
            out.printf("  errors seen by callers: %d%n", errors);
        }
        return stats;
    }

    private static String describe(RouterEvent event) {
        if (event instanceof RouterEvent.WeightsChanged e) {
            return "weights of " + e.segment() + " " + e.before() + " -> " + e.after() + " (generation " + e.generation() + ")";
        }
        if (event instanceof RouterEvent.RolledBack e) {
            return "ROLLED BACK to " + e.lastKnownGood() + "; quarantined " + e.rolledBack() + "; flags off " + e.flagsDisabled()
                    + " (" + e.cause().reason() + ")";
        }
        return event.toString();
    }
}
