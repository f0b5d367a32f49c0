package io.github.rollback4j.core.telemetry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlidingWindowConfigTest {

    @Test
    void defaultsKeepFiveMinutesInTenSecondSteps() {
        SlidingWindowConfig config = SlidingWindowConfig.ofDefaults();

        assertThat(config.subWindowLength()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.subWindowMillis()).isEqualTo(10_000);
        assertThat(config.subWindowCount()).isEqualTo(30);
        assertThat(config.span()).isEqualTo(Duration.ofMinutes(5));
        assertThat(SlidingWindowConfig.custom().build()).isEqualTo(config).hasSameHashCodeAs(config);
    }

    @Test
    void builderSetsEveryFieldAndFromCopiesThem() {
        SlidingWindowConfig config = SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(250))
                .subWindowCount(8)
                .build();

        assertThat(config.subWindowMillis()).isEqualTo(250);
        assertThat(config.subWindowCount()).isEqualTo(8);
        assertThat(config.span()).isEqualTo(Duration.ofSeconds(2));
        assertThat(SlidingWindowConfig.from(config).build()).isEqualTo(config);
        assertThat(SlidingWindowConfig.from(config).subWindowCount(9).build()).isNotEqualTo(config);
        assertThat(config).hasToString("SlidingWindowConfig{subWindowLength=PT0.25S, subWindowCount=8}");
    }

    @Test
    void boundsOfEveryRangeAreAccepted() {
        assertThat(SlidingWindowConfig.custom().subWindowLength(Duration.ofMillis(100)).subWindowCount(1).build().span())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(SlidingWindowConfig.custom().subWindowLength(Duration.ofHours(1)).subWindowCount(1440).build().span())
                .isEqualTo(Duration.ofDays(60));
    }

    @Test
    void subWindowLengthOutOfRangeIsRejectedWithFieldValueAndRange() {
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowLength(Duration.ofMillis(99)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SlidingWindowConfig.subWindowLength must be between 100ms and 1h, but was PT0.099S");
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowLength(Duration.ofMinutes(61)).build())
                .hasMessage("SlidingWindowConfig.subWindowLength must be between 100ms and 1h, but was PT1H1M");
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowLength(Duration.ofSeconds(-1)).build())
                .hasMessage("SlidingWindowConfig.subWindowLength must be between 100ms and 1h, but was PT-1S");
    }

    @Test
    void subWindowLengthMustBeWholeMilliseconds() {
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowLength(Duration.ofNanos(150_000_500)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SlidingWindowConfig.subWindowLength must be a whole number of milliseconds, but was PT0.1500005S");
    }

    @Test
    void subWindowCountOutOfRangeIsRejectedWithFieldValueAndRange() {
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowCount(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SlidingWindowConfig.subWindowCount must be between 1 and 1440, but was 0");
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowCount(1441).build())
                .hasMessage("SlidingWindowConfig.subWindowCount must be between 1 and 1440, but was 1441");
    }

    @Test
    void nullSubWindowLengthIsRejectedByName() {
        assertThatThrownBy(() -> SlidingWindowConfig.custom().subWindowLength(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("SlidingWindowConfig.subWindowLength must not be null");
    }
}
