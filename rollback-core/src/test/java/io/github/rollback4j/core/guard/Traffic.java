package io.github.rollback4j.core.guard;

import io.github.rollback4j.Decision;
import io.github.rollback4j.Model;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/** Drives a router on a virtual clock: requests each second, an evaluation every few seconds. */
final class Traffic {

    private Traffic() {
    }

    /** A synthetic model: lognormal latency around a median, a share of errors. */
    static Model<String, String> model(VirtualTimeSource clock, SplittableRandom random, String name, double medianMillis,
                                       double errorRate) {
        return model(clock, random, name, medianMillis, () -> errorRate);
    }

    /** A synthetic model whose error rate can change while traffic runs. */
    static Model<String, String> model(VirtualTimeSource clock, SplittableRandom random, String name, double medianMillis,
                                       java.util.function.DoubleSupplier errorRate) {
        return in -> {
            if (in.startsWith("probe")) {
                return name;
            }
            double latency = medianMillis * Math.exp(0.25 * gaussian(random));
            clock.spend(Duration.ofNanos((long) (latency * 1_000_000)));
            if (random.nextDouble() < errorRate.getAsDouble()) {
                throw new IllegalStateException(name + " failed");
            }
            return name;
        };
    }

    static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Reports KPIs for served decisions. */
    interface KpiReporter extends BiConsumer<RequestContext, Decision<String>> {
    }

    /**
     * @param seconds how long to drive
     * @param perSecond requests per second
     * @param evaluateEvery seconds between evaluations (0 for none)
     * @param onDecision called with each served decision (e.g. to report KPIs)
     */
    static void drive(ManagedModelRouter<String, String> router, TriggerEngine engine, VirtualTimeSource clock,
                      SplittableRandom random, int seconds, int perSecond, int evaluateEvery, Segment[] segments,
                      BiConsumer<RequestContext, Decision<String>> onDecision) {
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                clock.settle();
                Segment segment = segments[random.nextInt(segments.length)];
                RequestContext ctx = RequestContext.of("user-" + random.nextInt(1_000_000), segment);
                try {
                    Decision<String> d = router.decide("x", ctx);
                    if (onDecision != null) {
                        onDecision.accept(ctx, d);
                    }
                } catch (Exception modelFailure) {
                    // the model's own exception: counted by the router's telemetry
                }
            }
            clock.settle();
            clock.advance(Duration.ofSeconds(1));
            if (evaluateEvery > 0 && (s + 1) % evaluateEvery == 0 && engine != null) {
                engine.evaluate();
            }
        }
    }
}
