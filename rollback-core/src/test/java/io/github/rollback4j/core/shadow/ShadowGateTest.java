package io.github.rollback4j.core.shadow;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShadowGateTest {

    private static ShadowReport report(Map<String, ShadowReport.Counts> bySegment) {
        return new ShadowReport("t", 0, 0, 0, ShadowReport.Counts.EMPTY, bySegment, null, Map.of(), "UTC", Map.of(),
                Map.of(), 3_600_000L, List.of());
    }

    private static ShadowReport.Counts counts(long compared, long mismatches, long noiseCompared, long noiseMismatches) {
        return ShadowReport.Counts.of(compared, mismatches, noiseCompared, noiseMismatches, 0, 0, 0, null);
    }

    @Test
    void openWhenEverySegmentHasDataAndIsWithinThreshold() {
        ShadowGate gate = ShadowGate.builder().defaultThreshold(0.02).minCompared(100).build();
        assertThat(gate.evaluate(report(Map.of("eu", counts(200, 2, 0, 0), "us", counts(150, 3, 0, 0)))))
                .isEqualTo(new ShadowGate.Open());
    }

    @Test
    void blockedNamesTheSegmentsAndTheirRates() {
        ShadowGate gate = ShadowGate.builder().defaultThreshold(0.02).threshold("us", 0.10).minCompared(100).build();
        ShadowGate.Decision d = gate.evaluate(report(Map.of("eu", counts(200, 10, 0, 0), "us", counts(200, 10, 0, 0))));
        assertThat(d).isEqualTo(new ShadowGate.Blocked(List.of(new ShadowGate.Breach("eu", null, 0.05, 0.02, 200))));
        assertThat(gate.thresholdFor("us")).isEqualTo(0.10);
        assertThat(gate.thresholdFor("apac")).isEqualTo(0.02);
    }

    @Test
    void inconclusiveWithoutEnoughData() {
        ShadowGate gate = ShadowGate.builder().minCompared(100).requireSegment("apac").build();
        assertThat(gate.evaluate(report(Map.of("eu", counts(500, 0, 0, 0), "us", counts(99, 0, 0, 0)))))
                .isEqualTo(new ShadowGate.Inconclusive(List.of(
                        new ShadowGate.Shortfall("us", 99, 100), new ShadowGate.Shortfall("apac", 0, 100))));
        assertThat(ShadowGate.builder().build().evaluate(report(Map.of()))).isInstanceOf(ShadowGate.Inconclusive.class);
    }

    @Test
    void noiseIsSubtractedByDefaultAndRawOnRequest() {
        ShadowReport r = report(Map.of("eu", counts(1000, 60, 1000, 50)));
        assertThat(ShadowGate.builder().defaultThreshold(0.02).build().evaluate(r)).isInstanceOf(ShadowGate.Open.class);
        assertThat(ShadowGate.builder().defaultThreshold(0.02).metric(ShadowGate.Metric.MISMATCH_RATE).build().evaluate(r))
                .isInstanceOf(ShadowGate.Blocked.class);
    }

    @Test
    void aValueOfTheAttributeOverTheThresholdBlocksWhileNoSegmentIs() {
        Map<String, ShadowReport.Counts> bySegment = Map.of("eu", counts(1000, 30, 500, 0), "us", counts(1000, 30, 500, 0));
        Map<String, ShadowReport.Counts> byDevice = Map.of("tv", counts(100, 60, 50, 0), "ios", counts(1900, 0, 950, 0),
                "web", counts(99, 99, 0, 0));
        ShadowReport r = new ShadowReport("t", 0, 0, 0, ShadowReport.Counts.EMPTY, bySegment, "device", byDevice, "UTC", Map.of(),
                Map.of(), 3_600_000L, List.of());
        ShadowGate gate = ShadowGate.builder().defaultThreshold(0.05).minCompared(100).build();

        ShadowGate.Decision d = gate.evaluate(r);

        // web is over, but with 99 compared calls it is not judged
        assertThat(d).isEqualTo(new ShadowGate.Blocked(List.of(new ShadowGate.Breach(null, null, 0.6, 0.05, 100, "device=tv"))));
        assertThat(((ShadowGate.Blocked) d).breaches().get(0).where()).isEqualTo("device=tv");
        assertThat(ShadowGate.builder().defaultThreshold(0.05).checkAttribute(false).build().evaluate(r))
                .isInstanceOf(ShadowGate.Open.class);
        assertThat(new ShadowGate.Breach("eu", "night", 0.1, 0.05, 200).where()).isEqualTo("eu at night");
    }

    @Test
    void badSettingsNameTheFieldTheValueAndTheRange() {
        assertThatThrownBy(() -> ShadowGate.builder().defaultThreshold(1.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultThreshold").hasMessageContaining("1.1").hasMessageContaining("[0.0, 1.0]");
        assertThatThrownBy(() -> ShadowGate.builder().threshold("eu", -0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold[eu]").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> ShadowGate.builder().minCompared(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minCompared").hasMessageContaining("0");
    }
}
