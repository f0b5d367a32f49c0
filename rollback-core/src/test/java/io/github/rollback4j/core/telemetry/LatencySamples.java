package io.github.rollback4j.core.telemetry;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded synthetic latencies for the estimator tests, and the exact quantile they are checked against. */
final class LatencySamples {

    static final long ONE_MICROSECOND = 1_000L;
    static final long SIXTY_SECONDS = 60_000_000_000L;

    private LatencySamples() {
    }

    /** The latency distributions of the accuracy requirement, truncated to 1 µs..60 s by rejection. */
    enum Distribution {
        /** Lognormal, median 2 ms, sigma 2.5: p0.1 near 1 µs, the upper tail beyond 60 s. */
        LOGNORMAL {
            @Override
            double draw(SplittableRandom random) {
                return Math.exp(Math.log(2_000_000.0) + 2.5 * gaussian(random));
            }
        },
        /** Pareto, scale 1 µs, shape 0.5: p50 4 µs, p99 10 ms, p99.9 1 s. */
        PARETO {
            @Override
            double draw(SplittableRandom random) {
                return ONE_MICROSECOND / Math.pow(1.0 - random.nextDouble(), 1.0 / 0.5);
            }
        };

        abstract double draw(SplittableRandom random);

        /**
         * @param n    how many
         * @param seed the seed
         * @return n latencies in nanoseconds, each between 1 µs and 60 s
         */
        long[] samples(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            long[] out = new long[n];
            int i = 0;
            while (i < n) {
                double v = draw(random);
                if (v >= ONE_MICROSECOND && v <= SIXTY_SECONDS) {
                    out[i++] = Math.round(v);
                }
            }
            return out;
        }
    }

    /** Box-Muller, so that the sequence depends on the seed only. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * The exact lower nearest-rank quantile: sort ascending, take the sample at 1-based rank
     * {@code max(1, ceil(q·n))}, with {@code q·n} computed in decimal so that 0.999 × 200000 is exactly 199800.
     *
     * @param sorted samples sorted ascending
     * @param q      the quantile, 0..1
     * @return the exact quantile
     */
    static long exactQuantile(long[] sorted, double q) {
        long rank = BigDecimal.valueOf(q).multiply(BigDecimal.valueOf(sorted.length))
                .setScale(0, RoundingMode.CEILING).longValueExact();
        rank = Math.max(1, Math.min(sorted.length, rank));
        return sorted[(int) (rank - 1)];
    }

    static long[] sortedCopy(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted;
    }
}
