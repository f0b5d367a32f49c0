package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** Outcome counts on virtual time: every time is a plain epoch-millisecond value. */
class OutcomeWindowTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private static OutcomeWindow window(long subWindowMillis, int count) {
        return OutcomeWindow.of(SlidingWindowConfig.custom()
                .subWindowLength(Duration.ofMillis(subWindowMillis)).subWindowCount(count).build());
    }

    private static void recordTimes(OutcomeWindow window, long now, Outcome outcome, int times) {
        for (int i = 0; i < times; i++) {
            window.record(now, outcome);
        }
    }

    @Test
    void countsHoldEveryOutcomeInEnumOrderWithZerosIncluded() {
        OutcomeWindow window = window(1_000, 5);
        recordTimes(window, T0, Outcome.SUCCESS, 7);
        recordTimes(window, T0 + 10, Outcome.TIMEOUT, 2);

        Map<Outcome, Long> counts = window.counts(T0 + 999, 1);

        assertThat(counts).containsExactly(entry(Outcome.SUCCESS, 7L), entry(Outcome.MODEL_ERROR, 0L),
                entry(Outcome.TIMEOUT, 2L), entry(Outcome.FALLBACK, 0L), entry(Outcome.SHADOW_DROPPED, 0L));
        assertThat(window.counts(T0 - 1, 1)).hasSize(Outcome.values().length).allSatisfy((o, c) -> assertThat(c).isZero());
        assertThat(window.count(T0, 1, Outcome.TIMEOUT)).isEqualTo(2);
    }

    @Test
    void countsAreAnUnmodifiableCopyThatLaterRecordsDoNotChange() {
        OutcomeWindow window = window(1_000, 2);
        window.record(T0, Outcome.FALLBACK);
        Map<Outcome, Long> counts = window.counts(T0);

        window.record(T0, Outcome.FALLBACK);

        assertThat(counts.get(Outcome.FALLBACK)).isEqualTo(1);
        assertThatThrownBy(() -> counts.put(Outcome.SUCCESS, 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(window.counts(T0).get(Outcome.FALLBACK)).isEqualTo(2);
    }

    @Test
    void queryMergesExactlyTheLastKSubWindowsUpToNow() {
        OutcomeWindow window = window(1_000, 10);
        Outcome[] outcomes = Outcome.values();
        for (int slot = 0; slot < 10; slot++) {
            // slot i holds i + 1 calls of outcome i mod 5
            recordTimes(window, T0 + slot * 1_000L + 500, outcomes[slot % outcomes.length], slot + 1);
        }
        long now = T0 + 9_250;

        for (int k = 1; k <= 10; k++) {
            EnumMap<Outcome, Long> expected = new EnumMap<>(Outcome.class);
            for (Outcome o : outcomes) {
                expected.put(o, 0L);
            }
            for (int slot = 10 - k; slot < 10; slot++) {
                expected.merge(outcomes[slot % outcomes.length], (long) slot + 1, Long::sum);
            }
            assertThat(window.counts(now, k)).as("k = %d", k).isEqualTo(expected);
            for (Outcome o : outcomes) {
                assertThat(window.count(now, k, o)).isEqualTo(expected.get(o));
            }
        }
        assertThat(window.counts(now)).isEqualTo(window.counts(now, 10));
    }

    @Test
    void staleSlotsReadEmptyAfterWrapAround() {
        OutcomeWindow window = window(1_000, 4);
        recordTimes(window, T0, Outcome.SUCCESS, 50);
        recordTimes(window, T0 + 1_000, Outcome.MODEL_ERROR, 20);

        // T0 + 4 s reuses T0's position: nobody wrote there in its period.
        assertThat(window.count(T0 + 4_000, 1, Outcome.SUCCESS)).isZero();
        assertThat(window.counts(T0 + 4_000, 4)).containsEntry(Outcome.SUCCESS, 0L).containsEntry(Outcome.MODEL_ERROR, 20L);

        window.record(T0 + 4_000, Outcome.SUCCESS);
        assertThat(window.count(T0 + 4_000, 4, Outcome.SUCCESS)).as("cleared before reuse").isEqualTo(1);
        assertThat(window.counts(T0 + 8_000, 4).values()).containsOnly(0L);
        assertThat(window.droppedRecords()).isZero();
    }

    @Test
    void nullOutcomeIsNotCountedButDropped() {
        OutcomeWindow window = window(1_000, 2);

        window.record(T0, null);

        assertThat(window.counts(T0).values()).containsOnly(0L);
        assertThat(window.droppedRecords()).isEqualTo(1);
    }

    @Test
    void queriesAreValidated() {
        OutcomeWindow window = window(1_000, 3);

        assertThatThrownBy(() -> window.counts(T0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OutcomeWindow.counts(now, subWindows) needs subWindows between 1 and 3"
                        + " (SlidingWindowConfig.subWindowCount), but was 4");
        assertThatThrownBy(() -> window.count(T0, 0, Outcome.SUCCESS)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> window.count(T0, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OutcomeWindow.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recordAllocatesNothing() {
        OutcomeWindow window = window(100, 16);
        Outcome[] outcomes = Outcome.values();
        long[] clock = {T0};
        Runnable recordAll = () -> {
            for (int i = 0; i < 10_000; i++) {
                window.record(clock[0]++, outcomes[i % outcomes.length]);
            }
        };
        for (int round = 0; round < 30; round++) {
            recordAll.run();
        }

        assertThat(Allocations.leastBytesAllocated(recordAll, 5)).as("bytes allocated by 10,000 records").isLessThan(1_024);
        long total = 0;
        for (long c : window.counts(clock[0] - 1).values()) {
            total += c;
        }
        assertThat(total).as("the last 1,600 ms").isEqualTo(1_600);
    }

    @Test
    void footprintIsTheDocumentedOne() {
        assertThat(OutcomeWindow.of(SlidingWindowConfig.ofDefaults(), 1).estimatedFootprintBytes()).isEqualTo(1_328);
        assertThat(OutcomeWindow.of(SlidingWindowConfig.custom().subWindowCount(60).build(), 1).estimatedFootprintBytes())
                .isEqualTo(2_528);
        // Striped (8 at most): the stripe table (16 + 4 × 8 bytes) from the start, 16 + 8 × 5 × 30 bytes per further stripe.
        assertThat(OutcomeWindow.of(SlidingWindowConfig.ofDefaults(), 8).estimatedFootprintBytes()).isEqualTo(1_328 + 48);
        assertThat(OutcomeWindow.estimatedFootprintBytes(SlidingWindowConfig.ofDefaults()))
                .isEqualTo(OutcomeWindow.ofDefaults().estimatedFootprintBytes());
        int stripes = OutcomeWindow.ofDefaults().maxStripes();
        long table = stripes == 1 ? 0 : (16 + 4L * stripes + 7) / 8 * 8;
        assertThat(OutcomeWindow.maxFootprintBytes(SlidingWindowConfig.ofDefaults()))
                .isEqualTo(1_328 + table + (stripes - 1) * (16 + 8L * 5 * 30));
    }
}
