package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SequentialKpiTestProperties {

    /**
     * Over any run of cumulative looks: the p-value and the bound never rise, the p-value is the reciprocal of the
     * largest likelihood ratio so far, and (absolute threshold, where Λ grows monotonically with the null value)
     * the test rejects exactly when the bound is at or below the threshold.
     */
    @Property(tries = 200, seed = "20261129")
    void runningValuesAreMonotoneAndAgree(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE / 4) long seed,
            @ForAll @DoubleRange(min = -0.1, max = 0.05) double effect, @ForAll @DoubleRange(min = 0, max = 1) double delta,
            @ForAll @IntRange(min = 1, max = 40) int looks) {
        SplittableRandom rng = new SplittableRandom(seed);
        KpiTestConfig config = KpiTestConfig.builder(KpiKind.MEAN, EffectThreshold.absolute(delta)).plannedEffect(1.0).build();
        SequentialKpiTest test = new SequentialKpiTest(config);
        long n = 0;
        double[] c = new double[2];
        double[] b = new double[2];
        double previousP = 1;
        double previousBound = Double.POSITIVE_INFINITY;
        double maxLogLr = 0;
        double previousLower = Double.NEGATIVE_INFINITY;
        double maxLogLrAbove = 0;
        for (int i = 0; i < looks; i++) {
            for (int k = 0; k < 200; k++) {
                add(c, 20 * (1 + effect) + 5 * rng.nextGaussian());
                add(b, 20 + 5 * rng.nextGaussian());
            }
            n += 200;
            KpiTestResult r = test.look(KpiStats.ofSums("k", n, c[0], c[1]), KpiStats.ofSums("k", n, b[0], b[1]));
            maxLogLr = Math.max(maxLogLr, r.logLikelihoodRatio());
            assertThat(r.pValue()).isLessThanOrEqualTo(previousP).isEqualTo(Math.min(1, Math.exp(-maxLogLr)));
            assertThat(r.effectBound()).isLessThanOrEqualTo(previousBound);
            if (r.evaluated()) {
                assertThat(r.rejected()).isEqualTo(r.effectBound() <= -delta + 1e-12 * Math.max(1, delta));
            }
            // the lower end: never falls, stays below the upper end, and (absolute threshold on a mean, where the
            // mirrored ratio is monotone in the null value) excludes a drop of delta exactly when the mirrored test
            // of "a drop of at least delta" has rejected at some look
            assertThat(r.effectLowerBound()).isGreaterThanOrEqualTo(previousLower).isLessThanOrEqualTo(r.effectBound());
            if (r.evaluated()) {
                double se = r.standardError();
                double tau = r.mixtureScale();
                maxLogLrAbove = Math.max(maxLogLrAbove,
                        NormalMixture.logLikelihoodRatio(-(r.estimatedEffect() + delta), se * se, tau * tau));
            }
            if (Math.abs(maxLogLrAbove - Math.log(1 / config.alpha())) > 1e-9) {
                assertThat(r.excludesDrop(delta)).isEqualTo(maxLogLrAbove >= Math.log(1 / config.alpha()));
            }
            previousP = r.pValue();
            previousBound = r.effectBound();
            previousLower = r.effectLowerBound();
        }
    }

    private static void add(double[] sums, double x) {
        sums[0] += x;
        sums[1] += x * x;
    }
}
