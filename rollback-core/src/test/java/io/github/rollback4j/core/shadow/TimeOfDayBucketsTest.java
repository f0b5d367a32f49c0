package io.github.rollback4j.core.shadow;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeOfDayBucketsTest {

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void hourlyInAZone() {
        TimeOfDayBuckets utc = TimeOfDayBuckets.hourlyUtc();
        assertThat(utc.bucketOf(at("2026-01-01T03:59:59Z"))).isEqualTo("03");
        assertThat(utc.labels()).hasSize(24).startsWith("00", "01").endsWith("23");
        TimeOfDayBuckets tokyo = TimeOfDayBuckets.hourly(ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.bucketOf(at("2026-01-01T03:30:00Z"))).isEqualTo("12");
        assertThat(utc.bucketOf(at("1969-12-31T23:30:00Z"))).isEqualTo("23");
    }

    @Test
    void namedBucketsWrapPastMidnight() {
        TimeOfDayBuckets b = TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 22, 6).bucket("morning", 6, 12).otherwise("day").build();
        assertThat(b.bucketOf(at("2026-01-01T22:00:00Z"))).isEqualTo("night");
        assertThat(b.bucketOf(at("2026-01-01T05:59:59Z"))).isEqualTo("night");
        assertThat(b.bucketOf(at("2026-01-01T06:00:00Z"))).isEqualTo("morning");
        assertThat(b.bucketOf(at("2026-01-01T15:00:00Z"))).isEqualTo("day");
        assertThat(b.labels()).containsExactly("night", "morning", "day");
    }

    @Test
    void badBucketsAreRejected() {
        assertThatThrownBy(() -> TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 22, 22))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endHour").hasMessageContaining("22");
        assertThatThrownBy(() -> TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 24, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startHour").hasMessageContaining("[0, 23]");
        assertThatThrownBy(() -> TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 22, 6).bucket("late", 4, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps").hasMessageContaining("night");
        assertThatThrownBy(() -> TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("<b>", 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label");
    }
}
