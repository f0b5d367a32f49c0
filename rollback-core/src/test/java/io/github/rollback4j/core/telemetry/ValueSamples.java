package io.github.rollback4j.core.telemetry;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded synthetic values for the value-window tests, and the exact statistics they are checked against. */
final class ValueSamples {

    private ValueSamples() {
    }

    /** The value distributions of the accuracy tests. */
    enum Shape {
        /** Normal, mean 50, standard deviation 10 (a few values near zero or negative in the far tail). */
        NORMAL {
            @Override
            double draw(SplittableRandom random) {
                return 50 + 10 * gaussian(random);
            }
        },
        /** Uniform in [0, 1): prediction scores. */
        UNIFORM_0_1 {
            @Override
            double draw(SplittableRandom random) {
                return random.nextDouble();
            }
        },
        /**
         * Mixed sign over 18 orders of magnitude: 5 % exact zeros, otherwise a random sign times
         * {@code e^u}, u uniform in [-20, 20] (magnitudes 2e-9..4.9e8).
         */
        MIXED_SIGN {
            @Override
            double draw(SplittableRandom random) {
                if (random.nextDouble() < 0.05) {
                    return 0.0;
                }
                double magnitude = Math.exp(random.nextDouble(-20, 20));
                return random.nextBoolean() ? magnitude : -magnitude;
            }
        };

        abstract double draw(SplittableRandom random);

        /**
         * @param n    how many
         * @param seed the seed
         * @return n values
         */
        double[] samples(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = draw(random);
            }
            return out;
        }
    }

    /** Box-Muller, so that the sequence depends on the seed only. */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    static double[] sortedCopy(double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    /**
     * The exact lower nearest-rank quantile: the sorted sample at 1-based rank {@code max(1, ceil(q·n))},
     * with {@code q·n} in decimal.
     */
    static double exactQuantile(double[] sorted, double q) {
        long rank = BigDecimal.valueOf(q).multiply(BigDecimal.valueOf(sorted.length))
                .setScale(0, RoundingMode.CEILING).longValueExact();
        rank = Math.max(1, Math.min(sorted.length, rank));
        return sorted[(int) (rank - 1)];
    }

    /** The exact fraction of samples at or below {@code value}. */
    static double exactFractionAtOrBelow(double[] sorted, double value) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) lo / sorted.length;
    }

    static double mean(double[] samples) {
        double sum = 0;
        for (double v : samples) {
            sum += v;
        }
        return sum / samples.length;
    }

    static double meanMagnitude(double[] samples) {
        double sum = 0;
        for (double v : samples) {
            sum += Math.abs(v);
        }
        return sum / samples.length;
    }
}
