package io.github.rollback4j.core.guard;

import io.github.rollback4j.trigger.Threshold;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TextsTest {

    @Test
    void aComparisonNamesWhatWasComparedTheThresholdTheBaselineAndWhichSideItIsOn() {
        Threshold above = new Threshold(Threshold.Kind.ABOVE, 0.05);
        assertThat(Texts.comparison("error rate", Texts.Unit.PERCENT, 0.0155, 0, above, false))
                .isEqualTo("error rate of the candidate 1.55 % is below the threshold 5 % (baseline 0 %)");
        assertThat(Texts.comparison("error rate", Texts.Unit.PERCENT, 0.072, 0.009, above, true))
                .isEqualTo("error rate of the candidate 7.2 % is above the threshold 5 % (baseline 0.9 %)");
        assertThat(Texts.comparison("error rate", Texts.Unit.PERCENT, 0.05, Double.NaN, above, false))
                .isEqualTo("error rate of the candidate 5 % is at the threshold, not above, 5 %");
        Threshold increase = new Threshold(Threshold.Kind.INCREASE, 0.3);
        assertThat(Texts.comparison("p95 latency", Texts.Unit.MILLIS, 142.25, 100, increase, true))
                .isEqualTo("p95 latency of the candidate 142.3 ms is more than 30 % above the baseline 100 ms (limit 130 ms)");
        assertThat(Texts.comparison("p95 latency", Texts.Unit.MILLIS, 120, 100, increase, false))
                .isEqualTo("p95 latency of the candidate 120 ms is not more than 30 % above the baseline 100 ms (limit 130 ms)");
        assertThat(Texts.comparison("error rate", Texts.Unit.PERCENT, 0.03, 0.01, new Threshold(Threshold.Kind.INCREASE_BY, 0.01),
                true)).isEqualTo("error rate of the candidate 3 % exceeds the baseline 1 % by more than 1 percentage point"
                + " (limit 2 %)");
        assertThat(Texts.comparison("KPI ctr", Texts.Unit.PERCENT, 0.029, 0.031, new Threshold(Threshold.Kind.DROP, 0.02), true))
                .isEqualTo("KPI ctr of the candidate 2.9 % is more than 2 % below the baseline 3.1 % (limit 3.038 %)");
        assertThat(Texts.comparison("KPI revenue", Texts.Unit.NUMBER, 9.5, 10, new Threshold(Threshold.Kind.DROP_BY, 1), false))
                .isEqualTo("KPI revenue of the candidate 9.5 is not below the baseline 10 by more than 1 (limit 9)");
        assertThat(Texts.comparison("KPI ctr", Texts.Unit.PERCENT, 0.02, Double.NaN, new Threshold(Threshold.Kind.BELOW, 0.025),
                true)).isEqualTo("KPI ctr of the candidate 2 % is below the floor 2.5 %");
    }

    @Test
    void numbersAndDurationsReadTheSameInAnyLocale() {
        assertThat(Texts.number(1e9)).isEqualTo("1000000000");
        assertThat(Texts.number(0.000012345)).isEqualTo("0.00001235");
        assertThat(Texts.number(Double.NaN)).isEqualTo("n/a");
        assertThat(Texts.percent(0.0155)).isEqualTo("1.55 %");
        assertThat(Texts.duration(Duration.ofSeconds(5430))).isEqualTo("1 h 30 min 30 s");
        assertThat(Texts.duration(Duration.ofMinutes(15))).isEqualTo("15 min");
        assertThat(Texts.duration(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Texts.threshold(new Threshold(Threshold.Kind.INCREASE_BY, 20), Texts.Unit.MILLIS))
                .isEqualTo("the baseline + 20 ms");
    }
}
