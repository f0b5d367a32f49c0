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
    void theCachedHourIsTheZoneRulesHourAtEveryInstant() {
        // bucketOf keeps the stretch of its last lookup (one local hour without an offset change); walk back and forth
        // across daylight-saving changes, half- and quarter-hour offsets and a 30-minute DST, and compare every answer
        // with java.time's own hour at that instant.
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261203L);
        for (String id : java.util.List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe",
                "America/Santiago", "Pacific/Chatham")) {
            ZoneId zone = ZoneId.of(id);
            TimeOfDayBuckets buckets = TimeOfDayBuckets.hourly(zone);
            java.time.zone.ZoneRules rules = zone.getRules();
            long t = at("2026-01-01T00:00:00Z");
            java.time.zone.ZoneOffsetTransition next = rules.nextTransition(Instant.ofEpochMilli(t));
            long edge = next == null ? t : next.getInstant().toEpochMilli();
            for (int i = 0; i < 20_000; i++) {
                switch (random.nextInt(4)) {
                    case 0 -> t = edge + random.nextLong(-3_600_000L, 3_600_000L); // around a transition
                    case 1 -> t += random.nextLong(-90_000L, 90_000L);              // small steps both ways
                    case 2 -> t += random.nextLong(0, 7_200_000L);                  // hours forward
                    default -> t = edge - 1 + random.nextInt(3);                     // the transition's own millisecond
                }
                int hour = Instant.ofEpochMilli(t).atZone(zone).getHour();
                assertThat(buckets.bucketOf(t)).as("%s at %s", id, Instant.ofEpochMilli(t)).isEqualTo((hour < 10 ? "0" : "") + hour);
                if (i % 2_000 == 1_999 && next != null) {
                    next = rules.nextTransition(next.getInstant());
                    edge = next == null ? edge : next.getInstant().toEpochMilli();
                }
            }
        }
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
