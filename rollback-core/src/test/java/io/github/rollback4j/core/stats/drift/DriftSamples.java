package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.ValueBuckets;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.core.telemetry.ValueWindow;

import java.util.SplittableRandom;

/** Test data: samples, the histograms telemetry makes of them, and the samples those histograms stand for. */
final class DriftSamples {

    static final long NOW = 1_767_225_600_000L;

    private DriftSamples() {
    }

    static ValueSnapshot snapshot(double... values) {
        ValueWindow window = ValueWindow.ofDefaults();
        for (double v : values) {
            window.record(NOW, v);
        }
        return window.snapshot(NOW);
    }

    /** @return each value replaced by its bucket's representative in the standard layout */
    static double[] representatives(double... values) {
        ValueBuckets buckets = ValueBuckets.standard();
        double[] reps = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            reps[i] = buckets.representative(buckets.bucketOf(values[i]));
        }
        return reps;
    }

    static double[] normal(long seed, int n, double mean, double sd) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            double v = random.nextDouble();
            values[i] = mean + sd * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        }
        return values;
    }
}
