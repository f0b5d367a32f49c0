package io.github.rollback4j.core.stats;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NormalMixtureTest {

    @Test
    void atTheNullBoundaryTheRatioIsTheVarianceShare() {
        // x = 0: Λ = 2 sqrt(V/(V+τ²)) Φ(0) = sqrt(V/(V+τ²))
        assertThat(NormalMixture.likelihoodRatio(0, 1e-6, 3e-6)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void oneSidedRatioDominatesTheTwoSidedOneForADropAndFallsForARise() {
        double v = 2e-6;
        double tau2 = 1e-6;
        double previous = 0;
        for (double x = 0.01; x >= -0.01; x -= 0.0005) {
            double one = NormalMixture.likelihoodRatio(x, v, tau2);
            double two = Math.sqrt(v / (v + tau2)) * Math.exp(x * x * tau2 / (2 * v * (v + tau2)));
            if (x < 0) {
                assertThat(one).isGreaterThan(two);
            }
            assertThat(one).isGreaterThan(previous);
            previous = one;
        }
    }

    @Test
    void scaledTailIsContinuousWhereItsMethodsMeet() {
        for (double a : new double[] {0.0, 30.0}) {
            double below = NormalMixture.logScaledUpperTail(Math.nextDown(a));
            double above = NormalMixture.logScaledUpperTail(Math.nextUp(a));
            assertThat(above).isCloseTo(below, within(1e-12));
        }
        // exp(a²/2)Φ(−a) against Commons Math where Φ(−a) is comfortably representable
        NormalDistribution n = new NormalDistribution(null, 0, 1);
        for (double a = -8; a <= 8; a += 0.25) {
            double expected = 0.5 * a * a + Math.log(n.cumulativeProbability(-a));
            assertThat(NormalMixture.logScaledUpperTail(a)).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
        }
        // Mills' ratio: exp(a²/2)Φ(−a) ~ 1/(a sqrt(2π)) for large a
        assertThat(NormalMixture.logScaledUpperTail(1e6)).isCloseTo(-Math.log(1e6 * Math.sqrt(2 * Math.PI)), within(1e-12));
        assertThat(NormalMixture.logScaledUpperTail(-40)).isCloseTo(800.0, within(1e-12));
    }

    @Test
    void degenerateArguments() {
        assertThat(NormalMixture.logLikelihoodRatio(-1, 0, 1)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(NormalMixture.logLikelihoodRatio(0, 0, 1)).isNaN();
        assertThat(NormalMixture.logLikelihoodRatio(-1, 1, 0)).isNaN();
        assertThat(NormalMixture.logLikelihoodRatio(Double.NaN, 1, 1)).isNaN();
        assertThat(NormalMixture.logLikelihoodRatio(-1, -1, 1)).isNaN();
    }
}
