package io.github.rollback4j.benchmarks;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.tdunning.math.stats.MergingDigest;
import io.github.rollback4j.core.telemetry.LatencyEstimator;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints the accuracy table of {@code docs/benchmarks.md}: the relative error of each estimator at
 * p50, p90, p95, p99 and p99.9 against the exact lower nearest-rank quantile (sorted samples, 1-based
 * rank {@code max(1, ceil(q·n))}), on 200,000 lognormal and 200,000 Pareto latencies between 1 µs and
 * 60 s (the same distributions and seed as {@code LatencyEstimatorAccuracyTest}), with the memory of
 * rollback4j's estimators. Each library answers with its own quantile method and definition.
 *
 * <p>Run (after {@code mvn -B -q -pl rollback-core,benchmarks -am -DskipTests package}):
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.rollback4j.benchmarks.EstimatorAccuracy
 * </pre>
 */
public final class EstimatorAccuracy {

    private static final int SAMPLES = 200_000;
    private static final long SEED = 20_260_101L;
    private static final double[] QUANTILES = {0.50, 0.90, 0.95, 0.99, 0.999};

    private EstimatorAccuracy() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Map<String, long[]> distributions = new LinkedHashMap<>();
        distributions.put("lognormal", samples(SEED, r -> Math.exp(Math.log(2_000_000.0) + 2.5 * gaussian(r))));
        distributions.put("Pareto", samples(SEED, r -> 1_000.0 / Math.pow(1.0 - r.nextDouble(), 1.0 / 0.5)));

        System.out.println("| distribution | estimator | p50 | p90 | p95 | p99 | p99.9 |");
        System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for (Map.Entry<String, long[]> d : distributions.entrySet()) {
            long[] samples = d.getValue();
            long[] sorted = samples.clone();
            Arrays.sort(sorted);
            for (Estimator estimator : estimators()) {
                for (long sample : samples) {
                    estimator.record(sample);
                }
                StringBuilder row = new StringBuilder("| " + d.getKey() + " | " + estimator.name + " |");
                for (double q : QUANTILES) {
                    long exact = exactQuantile(sorted, q);
                    double error = Math.abs(estimator.quantile(q) - exact) / exact;
                    row.append(String.format(Locale.ROOT, " %.3f %% |", error * 100));
                }
                System.out.println(row);
            }
        }
        System.out.println();
        System.out.println("rollback4j DDSketch estimator: " + LatencyEstimator.ddSketch().estimatedFootprintBytes() + " bytes");
        System.out.println("rollback4j HdrHistogram estimator: " + LatencyEstimator.hdrHistogram().estimatedFootprintBytes() + " bytes");
        System.out.println("HdrHistogram Recorder (1 ns..1 h, 2 digits), per histogram: "
                + new Histogram(1, LatencyEstimator.MAX_TRACKABLE_NANOS, 2).getEstimatedFootprintInBytes() + " bytes");
    }

    /** One estimator under test: how it records and how it answers a quantile. */
    private abstract static class Estimator {
        final String name;

        Estimator(String name) {
            this.name = name;
        }

        abstract void record(long nanos);

        abstract double quantile(double q);
    }

    private static List<Estimator> estimators() {
        List<Estimator> list = new ArrayList<>();
        list.add(of("rollback4j DDSketch (default)", LatencyEstimator.ddSketch()));
        list.add(of("rollback4j HdrHistogram", LatencyEstimator.hdrHistogram()));
        list.add(new Estimator("HdrHistogram Recorder, getValueAtPercentile") {
            final Recorder recorder = new Recorder(1, LatencyEstimator.MAX_TRACKABLE_NANOS, 2);
            Histogram interval;

            @Override
            void record(long nanos) {
                recorder.recordValue(nanos);
            }

            @Override
            double quantile(double q) {
                if (interval == null) {
                    interval = recorder.getIntervalHistogram();
                }
                return interval.getValueAtPercentile(q * 100);
            }
        });
        list.add(new Estimator("DDSketches.unboundedDense(0.01)") {
            final DDSketch sketch = DDSketches.unboundedDense(0.01);

            @Override
            void record(long nanos) {
                sketch.accept(nanos);
            }

            @Override
            double quantile(double q) {
                return sketch.getValueAtQuantile(q);
            }
        });
        list.add(new Estimator("t-digest MergingDigest(100)") {
            final MergingDigest digest = new MergingDigest(100);

            @Override
            void record(long nanos) {
                digest.add(nanos);
            }

            @Override
            double quantile(double q) {
                return digest.quantile(q);
            }
        });
        return list;
    }

    private static Estimator of(String name, LatencyEstimator latencyEstimator) {
        return new Estimator(name) {
            @Override
            void record(long nanos) {
                latencyEstimator.record(nanos);
            }

            @Override
            double quantile(double q) {
                return latencyEstimator.quantile(q);
            }
        };
    }

    private static long[] samples(long seed, DoubleUnaryOperatorOnRandom draw) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[SAMPLES];
        int i = 0;
        while (i < SAMPLES) {
            double v = draw.apply(random);
            if (v >= 1_000 && v <= 60_000_000_000.0) {
                out[i++] = Math.round(v);
            }
        }
        return out;
    }

    /** Draws one value; Pareto uses one uniform, lognormal two (Box-Muller), as in the test. */
    @FunctionalInterface
    private interface DoubleUnaryOperatorOnRandom {
        double apply(SplittableRandom random);
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    private static long exactQuantile(long[] sorted, double q) {
        long rank = BigDecimal.valueOf(q).multiply(BigDecimal.valueOf(sorted.length))
                .setScale(0, RoundingMode.CEILING).longValueExact();
        rank = Math.max(1, Math.min(sorted.length, rank));
        return sorted[(int) (rank - 1)];
    }
}
