package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SequentialKpiTestBehaviourTest {

    private static final KpiTestConfig CTR = KpiTestConfig.of(KpiKind.PROPORTION, EffectThreshold.relative(0.0));

    private static KpiStats rate(long n, long successes) {
        return KpiStats.ofSums("ctr", n, successes, successes);
    }

    /** n observations with the given mean and (unbiased) sample variance. */
    private static KpiStats mean(String kpi, long n, double mean, double variance) {
        return KpiStats.ofSums(kpi, n, n * mean, (n - 1) * variance + n * mean * mean);
    }

    @Test
    void thresholdsRefuseValuesOutsideTheirRangeNamingParameterValueAndRange() {
        assertThatThrownBy(() -> EffectThreshold.absolute(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EffectThreshold.delta").hasMessageContaining("-0.1").hasMessageContaining(">= 0");
        assertThatThrownBy(() -> EffectThreshold.absolute(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> EffectThreshold.relative(1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EffectThreshold.delta").hasMessageContaining("1.0").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> EffectThreshold.relative(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(EffectThreshold.relative(0.999).nullEffect()).isEqualTo(-0.999);
        assertThat(EffectThreshold.absolute(0).isRelative()).isFalse();
    }

    @Test
    void configDefaultsAndTheirResolution() {
        KpiTestConfig c = KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.relative(0.03));
        assertThat(c.alpha()).isEqualTo(0.05);
        assertThat(c.minSamplesPerArm()).isEqualTo(100);
        assertThat(c.plannedEffect()).as("tuned for the threshold's size").isEqualTo(0.03);
        assertThat(CTR.plannedEffect()).isEqualTo(KpiTestConfig.DEFAULT_PLANNED_RELATIVE_EFFECT);
        assertThat(KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.absolute(2.0)).plannedEffect()).isEqualTo(2.0);
        assertThatThrownBy(() -> KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.absolute(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KpiTestConfig.plannedEffect");
        KpiTestConfig custom = KpiTestConfig.builder(KpiKind.MEAN, EffectThreshold.absolute(0)).plannedEffect(0.5)
                .alpha(0.5).minSamplesPerArm(2).build();
        assertThat(custom).isEqualTo(KpiTestConfig.builder(KpiKind.MEAN, EffectThreshold.absolute(0)).plannedEffect(0.5)
                .alpha(0.5).minSamplesPerArm(2).build()).hasSameHashCodeAs(custom).isNotEqualTo(CTR);
        assertThat(custom.toString()).contains("alpha=0.5", "plannedEffect=0.5", "minSamplesPerArm=2");
    }

    @Test
    void configRefusesValuesOutsideTheirRangeNamingParameterValueAndRange() {
        KpiTestConfig.Builder b = KpiTestConfig.builder(KpiKind.PROPORTION, EffectThreshold.relative(0.02));
        for (double alpha : new double[] {0.0, -0.1, 0.51, Double.NaN}) {
            assertThatThrownBy(() -> KpiTestConfig.builder(KpiKind.PROPORTION, EffectThreshold.relative(0.02)).alpha(alpha).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KpiTestConfig.alpha")
                    .hasMessageContaining("(0, 0.5]").hasMessageContaining(String.valueOf(alpha));
        }
        assertThatThrownBy(() -> b.minSamplesPerArm(1).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KpiTestConfig.minSamplesPerArm").hasMessageContaining("between 2 and 1000000000")
                .hasMessageContaining("was 1");
        assertThatThrownBy(() -> KpiTestConfig.builder(KpiKind.PROPORTION, EffectThreshold.relative(0.02)).plannedEffect(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1]").hasMessageContaining("1.5");
        assertThatThrownBy(() -> KpiTestConfig.builder(KpiKind.MEAN, EffectThreshold.absolute(1)).plannedEffect(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("> 0").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> KpiTestConfig.builder(null, EffectThreshold.absolute(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("kind");
    }

    @Test
    void inputsAreCheckedNamingTheArmTheFieldAndTheValue() {
        SequentialKpiTest t = new SequentialKpiTest(CTR);
        // Impossible statistics are refused where they are built, before any test sees them.
        assertThatThrownBy(() -> KpiStats.ofSums("ctr", -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KpiStats.count").hasMessageContaining("-1");
        assertThatThrownBy(() -> KpiStats.ofSums("ctr", 10, Double.NaN, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KpiStats.shiftedSum").hasMessageContaining("NaN");
        assertThatThrownBy(() -> KpiStats.ofSums("ctr", 10, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KpiStats.shiftedSumOfSquares");
        assertThatThrownBy(() -> t.look(KpiStats.ofSums("ctr", 10, 11, 13), rate(10, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate.sum must be between 0 and count");
        assertThatThrownBy(() -> t.look(KpiStats.ofSums("ctr", 10, 2, 3), rate(10, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate.sumOfSquares must equal sum");
        assertThatThrownBy(() -> t.look(KpiStats.ofSums("ctr", 10, 2.5, 2.5), rate(10, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("candidate.sum must be a whole number")
                .hasMessageContaining("2.5");
        assertThatThrownBy(() -> t.look(rate(10, 1), KpiStats.ofSums("cvr", 10, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same KPI").hasMessageContaining("cvr");
        assertThatThrownBy(() -> t.look(null, rate(10, 1))).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("candidate");
        assertThat(t.looks()).as("refused looks do not count").isZero();
    }

    @Test
    void anAbsoluteTestOfALargeMeanWithASmallSpreadIsTheTestOfTheSameDataAroundZero() {
        // An absolute threshold compares differences: adding 1e8 (or 1e9) to every value changes nothing. With plain
        // sums it did (the variance cancelled: p 0.30 instead of 0.39 at 1e8, NaN at 1e9); KpiStats' shifted sums keep it.
        java.util.Random rng = new java.util.Random(3);
        int n = 2_000;
        double[] c = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = -0.02 + rng.nextGaussian();
            b[i] = rng.nextGaussian();
        }
        KpiTestConfig config = KpiTestConfig.builder(KpiKind.MEAN, EffectThreshold.absolute(0.0)).plannedEffect(0.1).build();
        KpiTestResult aroundZero = SequentialKpiTest.evaluate(config, KpiStats.of("ms", c), KpiStats.of("ms", b));
        for (double offset : new double[] {1e8, 1e9}) {
            double[] cs = c.clone();
            double[] bs = b.clone();
            double[] plain = new double[4];
            for (int i = 0; i < n; i++) {
                cs[i] += offset;
                bs[i] += offset;
                plain[0] += cs[i];
                plain[1] += cs[i] * cs[i];
                plain[2] += bs[i];
                plain[3] += bs[i] * bs[i];
            }
            KpiTestResult shifted = SequentialKpiTest.evaluate(config, KpiStats.of("ms", cs), KpiStats.of("ms", bs));
            assertThat(shifted.standardError()).as("offset %s", offset).isCloseTo(aroundZero.standardError(),
                    org.assertj.core.api.Assertions.within(aroundZero.standardError() * 1e-9));
            assertThat(shifted.pValue()).as("offset %s", offset).isCloseTo(aroundZero.pValue(),
                    org.assertj.core.api.Assertions.within(1e-6));
            assertThat(shifted.effectLowerBound()).isCloseTo(aroundZero.effectLowerBound(),
                    org.assertj.core.api.Assertions.within(1e-6));
            // the plain sums of the same values: their variance is gone, whatever the representation after them
            double plainVariance = (plain[1] - plain[0] * plain[0] / n) / (n - 1);
            assertThat(Math.abs(plainVariance - 1.0)).as("plain sums at offset %s", offset).isGreaterThan(0.1);
        }
    }

    @Test
    void lookSeesCumulativeStatisticsAndRestartForgetsThem() {
        SequentialKpiTest t = new SequentialKpiTest(CTR);
        t.look(rate(1_000, 50), rate(1_000, 50));
        assertThatThrownBy(() -> t.look(rate(999, 50), rate(2_000, 100))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidate.count must not decrease").hasMessageContaining("restart()")
                .hasMessageContaining(">= 1000").hasMessageContaining("999");
        assertThatThrownBy(() -> t.look(rate(2_000, 100), rate(10, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseline.count must not decrease");
        t.restart();
        assertThat(t.looks()).isZero();
        assertThat(t.pValue()).isEqualTo(1.0);
        assertThat(t.effectBound()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(t.look(rate(10, 1), rate(10, 1)).look()).isEqualTo(1);
    }

    @Test
    void pValueAndBoundOnlyFallOverLooksAndRejectionIsFinal() {
        SequentialKpiTest t = new SequentialKpiTest(CTR);
        // a candidate at 4.5 % against 5 %, then back to par: the evidence fades, the p-value stays
        long[][] looks = {{20_000, 900, 20_000, 1_000}, {60_000, 2_700, 60_000, 3_000}, {200_000, 9_000, 200_000, 10_000},
            {400_000, 19_000, 400_000, 20_000}, {2_000_000, 99_000, 2_000_000, 100_000}};
        double p = 1;
        double bound = Double.POSITIVE_INFINITY;
        boolean rejected = false;
        for (long[] l : looks) {
            KpiTestResult r = t.look(rate(l[0], l[1]), rate(l[2], l[3]));
            assertThat(r.pValue()).isLessThanOrEqualTo(p).isEqualTo(t.pValue());
            assertThat(r.effectBound()).isLessThanOrEqualTo(bound).isEqualTo(t.effectBound());
            assertThat(r.pValue()).isEqualTo(Math.min(1.0, Math.exp(-Math.max(-Math.log(p), r.logLikelihoodRatio()))),
                    within(1e-15));
            assertThat(r.rejected()).isEqualTo(r.pValue() <= 0.05).isEqualTo(t.rejected());
            if (rejected) {
                assertThat(r.rejected()).isTrue();
            }
            if (r.rejected()) {
                assertThat(r.effectBound()).isLessThanOrEqualTo(r.threshold().nullEffect());
            }
            p = r.pValue();
            bound = r.effectBound();
            rejected = r.rejected();
        }
        assertThat(rejected).isTrue();
        KpiTestResult last = t.look(rate(2_000_000, 99_000), rate(2_000_000, 100_000));
        assertThat(last.likelihoodRatio()).as("this look's own e-value is small").isLessThan(1.0 / 0.05);
        assertThat(last.rejected()).isTrue();
        assertThat(last.look()).isEqualTo(6);
    }

    @Test
    void lookBelowMinimumSamplesCarriesNoEvidence() {
        KpiTestResult r = SequentialKpiTest.evaluate(CTR, rate(99, 0), rate(10_000, 500));
        assertThat(r.evaluated()).isFalse();
        assertThat(r.likelihoodRatio()).isEqualTo(1.0);
        assertThat(r.pValue()).isEqualTo(1.0);
        assertThat(r.statistic()).isNaN();
        assertThat(r.effectBound()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(r.rejected()).isFalse();
        assertThat(r.estimatedRelativeEffect()).isEqualTo(-1.0);
        assertThat(r.candidateCount()).isEqualTo(99);
        assertThat(SequentialKpiTest.evaluate(CTR, rate(100, 0), rate(10_000, 500)).evaluated()).isTrue();
    }

    @Test
    void relativeThresholdNeedsAPositiveBaselineMean() {
        KpiTestConfig profit = KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.relative(0.05));
        KpiTestResult r = SequentialKpiTest.evaluate(profit, mean("profit", 500, -1.0, 4.0), mean("profit", 500, -0.5, 4.0));
        assertThat(r.evaluated()).isFalse();
        assertThat(r.estimatedRelativeEffect()).isNaN();
        assertThat(r.estimatedEffect()).isEqualTo(-0.5, within(1e-12));
    }

    @Test
    void contrastsAndStatisticFollowTheThresholdForm() {
        KpiStats c = mean("revenue", 10_000, 97.0, 400.0);
        KpiStats b = mean("revenue", 10_000, 100.0, 400.0);
        KpiTestResult abs = SequentialKpiTest.evaluate(KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.absolute(1.0)), c, b);
        assertThat(abs.contrast()).isCloseTo(-2.0, within(1e-9));
        assertThat(abs.standardError()).isCloseTo(Math.sqrt(400.0 / 10_000 * 2), within(1e-12));
        assertThat(abs.statistic()).isCloseTo(abs.contrast() / abs.standardError(), within(1e-12));
        assertThat(abs.mixtureScale()).isEqualTo(1.0);
        KpiTestResult rel = SequentialKpiTest.evaluate(KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.relative(0.02)), c, b);
        assertThat(rel.contrast()).isCloseTo(97.0 - 0.98 * 100.0, within(1e-9));
        assertThat(rel.standardError()).isCloseTo(Math.sqrt(400.0 / 10_000 * (1 + 0.98 * 0.98)), within(1e-12));
        assertThat(rel.mixtureScale()).isCloseTo(0.02 * 100.0, within(1e-12));
        assertThat(rel.estimatedRelativeEffect()).isCloseTo(-0.03, within(1e-12));
        assertThat(rel.rejected()).isTrue();
        assertThat(rel.effectBound()).isLessThan(-0.02).isGreaterThan(-0.03);
    }

    @Test
    void candidateVarianceIsFlooredAtTheBaselines() {
        KpiStats quiet = mean("revenue", 1_000, 95.0, 100.0);
        KpiStats baseline = mean("revenue", 1_000, 100.0, 400.0);
        KpiTestResult r = SequentialKpiTest.evaluate(KpiTestConfig.of(KpiKind.MEAN, EffectThreshold.absolute(1.0)), quiet, baseline);
        assertThat(r.standardError()).isCloseTo(Math.sqrt(400.0 / 1_000 * 2), within(1e-12));
        FixedHorizonResult welch = FixedHorizonKpiTests.welchTTest(EffectThreshold.absolute(1.0), quiet, baseline);
        assertThat(welch.statistic()).as("the textbook test keeps the candidate's own").isCloseTo(-4.0 / Math.sqrt(0.5), within(1e-9));
    }

    @Test
    void hugeEvidenceDoesNotOverflow() {
        KpiTestResult r = SequentialKpiTest.evaluate(CTR, rate(50_000_000, 2_000_000), rate(50_000_000, 2_500_000));
        assertThat(r.logLikelihoodRatio()).isGreaterThan(1_000).isFinite();
        assertThat(r.likelihoodRatio()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(r.pValue()).isZero();
        assertThat(r.rejected()).isTrue();
        assertThat(r.effectBound()).isBetween(-0.2, -0.19);
    }

    @Test
    void fixedHorizonTestsAreUndefinedWithoutTwoObservationsPerArm() {
        FixedHorizonResult z = FixedHorizonKpiTests.zTest(KpiKind.PROPORTION, EffectThreshold.absolute(0), rate(1, 0), rate(10, 1));
        assertThat(z.pValue()).isNaN();
        assertThat(z.rejectedAt(0.05)).isFalse();
        assertThat(FixedHorizonKpiTests.welchTTest(EffectThreshold.absolute(0), rate(10, 1), rate(1, 1)).statistic()).isNaN();
        assertThatThrownBy(() -> z.rejectedAt(0.6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha").hasMessageContaining("0.6").hasMessageContaining("(0, 0.5]");
    }

    @Test
    void toStringShowsTheRunningState() {
        SequentialKpiTest t = new SequentialKpiTest(CTR);
        t.look(rate(1_000, 50), rate(1_000, 50));
        assertThat(t.toString()).contains("looks=1", "pValue=1.0");
        assertThat(t.config()).isSameAs(CTR);
    }
}
