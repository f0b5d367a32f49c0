package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.core.telemetry.LatencySamples.Distribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The accuracy requirement: relative error at most 1 % at p50, p90, p95, p99 and p99.9 against the
 * exact lower nearest-rank quantile ({@link LatencySamples#exactQuantile}), on 200,000 lognormal and
 * 200,000 Pareto latencies between 1 µs and 60 s, with a fixed seed.
 */
class LatencyEstimatorAccuracyTest {

    private static final int SAMPLES = 200_000;
    private static final long SEED = 20_260_101L;
    private static final double[] QUANTILES = {0.50, 0.90, 0.95, 0.99, 0.999};
    private static final double REQUIRED_RELATIVE_ERROR = 0.01;

    static Stream<Arguments> estimatorsAndDistributions() {
        Supplier<LatencyEstimator> ddSketch = LatencyEstimator::ddSketch;
        Supplier<LatencyEstimator> hdr = LatencyEstimator::hdrHistogram;
        return Stream.of(
                Arguments.of("DDSKETCH", ddSketch, Distribution.LOGNORMAL),
                Arguments.of("DDSKETCH", ddSketch, Distribution.PARETO),
                Arguments.of("HDR_HISTOGRAM", hdr, Distribution.LOGNORMAL),
                Arguments.of("HDR_HISTOGRAM", hdr, Distribution.PARETO));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("estimatorsAndDistributions")
    void quantilesAreWithinOnePercentOfExactQuantiles(String kind, Supplier<LatencyEstimator> factory, Distribution distribution) {
        long[] samples = distribution.samples(SAMPLES, SEED);
        long[] sorted = LatencySamples.sortedCopy(samples);
        assertThat(sorted[0]).isGreaterThanOrEqualTo(LatencySamples.ONE_MICROSECOND);
        assertThat(sorted[sorted.length - 1]).isLessThanOrEqualTo(LatencySamples.SIXTY_SECONDS);
        // The samples really span the range: four and more decades between p0.1 and p99.9.
        assertThat((double) LatencySamples.exactQuantile(sorted, 0.999) / LatencySamples.exactQuantile(sorted, 0.001))
                .isGreaterThan(1e4);

        LatencyEstimator estimator = factory.get();
        assertThat(estimator.kind().name()).isEqualTo(kind);
        for (long sample : samples) {
            estimator.record(sample);
        }

        assertThat(estimator.count()).isEqualTo(SAMPLES);
        StringBuilder table = new StringBuilder(kind + " " + distribution + ":");
        for (double q : QUANTILES) {
            long exact = LatencySamples.exactQuantile(sorted, q);
            long estimated = estimator.quantile(q);
            double relativeError = Math.abs(estimated - exact) / (double) exact;
            table.append(String.format(Locale.ROOT, " p%s exact=%d est=%d err=%.4f%%;", q * 100, exact, estimated, relativeError * 100));
            assertThat(relativeError).as("relative error at q=%s (exact %d ns, estimated %d ns)", q, exact, estimated)
                    .isLessThanOrEqualTo(REQUIRED_RELATIVE_ERROR);
            // The documented bound: relativeAccuracy() plus half a nanosecond of rounding.
            assertThat((double) estimated).isCloseTo(exact, within(estimator.relativeAccuracy() * exact + 0.5));
        }
        System.out.println(table);
    }
}
