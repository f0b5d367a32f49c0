package io.github.rollback4j.core.stats.errors;

import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.util.ContinuedFraction;

/**
 * The logarithm of the regularized incomplete beta function, {@code ln I_x(a, b)}, finite wherever
 * {@code I_x(a, b) > 0} mathematically, however small.
 *
 * <p>Why not {@code Math.log(Beta.regularizedBeta(x, a, b))}: Commons Math returns the value itself, which
 * underflows to 0 in the far tail (e.g. {@code I_0.5(100005, 5) ≈ e^−69 300}), and its logarithm is then
 * {@code −∞} although the e-value built from it is finite and moderate (the tail cancels against the
 * likelihood terms). Here the same continued fraction (Commons Math's {@link ContinuedFraction}, Lentz's
 * method; the expansion of Numerical Recipes §6.4, which is also what {@code Beta.regularizedBeta} evaluates)
 * is combined with the prefactor {@code x^a (1−x)^b / (a·B(a, b))} in logarithms.
 *
 * <p>Stateless and thread-safe.
 */
final class LogBeta {

    private static final double EPSILON = 1e-15;
    private static final int MAX_ITERATIONS = 10_000_000;

    private LogBeta() {
    }

    /**
     * @param x the point, 0..1
     * @param a the first shape, > 0
     * @param b the second shape, > 0
     * @return {@code ln I_x(a, b)}: {@code −∞} at {@code x = 0}, 0 at {@code x = 1}
     */
    static double logRegularizedBeta(double x, double a, double b) {
        if (x <= 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x >= 1.0) {
            return 0.0;
        }
        if (x > (a + 1.0) / (a + b + 2.0)) {
            // The continued fraction converges fast below the mean only; above it I is large (> ~1/2 of its
            // mass is below x), so 1 − I_{1−x}(b, a) does not underflow and log1p keeps its digits.
            return Math.log1p(-Math.exp(logTail(1.0 - x, b, a)));
        }
        return logTail(x, a, b);
    }

    /**
     * {@code ln I_x(a, b)} by the continued fraction, for {@code x ≤ (a+1)/(a+b+2)}.
     */
    static double logTail(double x, double a, double b) {
        return a * Math.log(x) + b * Math.log1p(-x) - Math.log(a) - Beta.logBeta(a, b) - Math.log(fraction(x, a, b));
    }

    /**
     * The continued fraction {@code F} with {@code I_x(a, b) = x^a (1−x)^b / (a·B(a, b) · F)}.
     */
    static double fraction(double x, double a, double b) {
        ContinuedFraction f = new ContinuedFraction() {
            @Override
            protected double getB(int n, double point) {
                if (n % 2 == 0) {
                    double m = n / 2.0;
                    return (m * (b - m) * point) / ((a + (2 * m) - 1) * (a + (2 * m)));
                }
                double m = (n - 1.0) / 2.0;
                return -((a + m) * (a + b + m) * point) / ((a + (2 * m)) * (a + (2 * m) + 1.0));
            }

            @Override
            protected double getA(int n, double point) {
                return 1.0;
            }
        };
        return f.evaluate(x, EPSILON, MAX_ITERATIONS);
    }
}
