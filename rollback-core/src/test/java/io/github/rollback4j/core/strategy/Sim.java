package io.github.rollback4j.core.strategy;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Model;
import io.github.rollback4j.ModelVersion;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.ModelRouters;
import io.github.rollback4j.core.ReleaseSpec;
import io.github.rollback4j.core.VirtualTimeSource;
import io.github.rollback4j.core.guard.TriggerEngine;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.Predicate;

/** A router with v1 (last-known-good) and v2 (candidate) of synthetic models on a virtual clock, and traffic to drive it. */
final class Sim {

    final VirtualTimeSource clock = VirtualTimeSource.create();
    final SplittableRandom random = new SplittableRandom(7);
    final Release v1 = Release.of(ModelVersion.of("m", "1.0.0", "sha256:" + "01".repeat(32)));
    final Release v2 = Release.of(ModelVersion.of("m", "2.0.0", "sha256:" + "02".repeat(32)));
    double v2LatencyMs = 100;
    double v2ErrorRate = 0;
    /** v2's median latency for requests of segment eu-west (the input names the segment); NaN = as elsewhere. */
    double v2EuWestLatencyMs = Double.NaN;
    final Model<String, String> v2Model;
    final ManagedModelRouter<String, String> router;

    Sim() {
        Model<String, String> v1Model = model("v1", in -> 100, () -> 0);
        v2Model = model("v2", in -> in.equals("eu-west") && !Double.isNaN(v2EuWestLatencyMs) ? v2EuWestLatencyMs : v2LatencyMs,
                () -> v2ErrorRate);
        router = ModelRouters
                .builder("strategy", ReleaseSpec.builder(v1, v1Model).sampleInputs(List.of("probe")).build())
                .release(ReleaseSpec.builder(v2, v2Model).sampleInputs(List.of("probe")).build())
                .timeSource(clock).probeExecutor(Runnable::run).randomBuckets(() -> random.nextInt(10_000))
                .build();
    }

    /** Lognormal latency around a median, a share of errors; probes answer at once with the model's name. */
    private Model<String, String> model(String name, ToDoubleFunction<String> medianMillis, DoubleSupplier errorRate) {
        return in -> {
            if (in.startsWith("probe")) {
                return name;
            }
            double u = 1 - random.nextDouble();
            double gaussian = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
            clock.spend(Duration.ofNanos((long) (medianMillis.applyAsDouble(in) * Math.exp(0.25 * gaussian) * 1_000_000)));
            if (random.nextDouble() < errorRate.getAsDouble()) {
                throw new IllegalStateException(name + " failed");
            }
            return name;
        };
    }

    TriggerEngine engine(TriggerSpec... triggers) {
        return TriggerEngine.builder(router).triggers(List.of(triggers)).timeSource(clock).build();
    }

    static TriggerSpec p95Latency(Duration sustain) {
        return TriggerSpec.builder("p95-latency").metric(new Metric.Latency(0.95)).threshold(Threshold.Kind.INCREASE, 0.30)
                .window(Duration.ofMinutes(1)).sustain(sustain).minSamples(3).build();
    }

    static TriggerSpec errorRate(Severity severity, long minSamples) {
        return TriggerSpec.builder("error-rate").metric(new Metric.ErrorRate()).threshold(Threshold.Kind.ABOVE, 0.05)
                .window(Duration.ofMinutes(1)).minSamples(minSamples).severity(severity).build();
    }

    static Cause operator(String why) {
        return Cause.operator("ana", why);
    }

    /**
     * Sends {@code perSecond} requests each virtual second and ticks the rollout every {@code tickEvery}
     * seconds, until {@code stop} holds after a tick or {@code maxSeconds} have passed.
     *
     * @return seconds driven
     */
    int drive(Rollout rollout, int perSecond, int tickEvery, int maxSeconds, Predicate<RolloutStatus> stop) {
        for (int s = 1; s <= maxSeconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                clock.settle();
                try {
                    router.invoke("x", RequestContext.of("user-" + random.nextInt(1_000_000), Segment.DEFAULT));
                } catch (Exception modelFailure) {
                    // counted by the router's telemetry
                }
            }
            clock.settle();
            clock.advance(Duration.ofSeconds(1));
            if (s % tickEvery == 0 && stop.test(rollout.tick())) {
                return s;
            }
        }
        return maxSeconds;
    }

    /**
     * Sends {@code perSecond} requests each virtual second, spread evenly over {@code segments} (the
     * input names the segment), and every {@code tickEvery} seconds calls {@code tickAndStop} until it
     * returns {@code true} or {@code maxSeconds} have passed.
     *
     * @return seconds driven
     */
    int driveSegments(List<Segment> segments, int perSecond, int tickEvery, int maxSeconds, BooleanSupplier tickAndStop) {
        for (int s = 1; s <= maxSeconds; s++) {
            for (int i = 0; i < perSecond; i++) {
                clock.settle();
                Segment segment = segments.get(i % segments.size());
                try {
                    router.invoke(segment.name(), RequestContext.of("user-" + random.nextInt(1_000_000), segment));
                } catch (Exception modelFailure) {
                    // counted by the router's telemetry
                }
            }
            clock.settle();
            clock.advance(Duration.ofSeconds(1));
            if (s % tickEvery == 0 && tickAndStop.getAsBoolean()) {
                return s;
            }
        }
        return maxSeconds;
    }

    static Predicate<RolloutStatus> phase(RolloutPhase phase) {
        return s -> s.phase() == phase;
    }

    static Predicate<RolloutStatus> terminal() {
        return s -> s.phase().isTerminal();
    }
}
