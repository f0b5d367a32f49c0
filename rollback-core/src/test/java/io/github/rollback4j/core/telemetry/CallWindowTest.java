package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Latency and outcome recorded together, with one slot lookup, hold what separate windows would. */
class CallWindowTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final SlidingWindowConfig CONFIG = SlidingWindowConfig.custom()
            .subWindowLength(Duration.ofMillis(100)).subWindowCount(8).build();

    @Test
    void recordingTogetherEqualsRecordingEachWindowOnItsOwn() {
        CallWindow together = CallWindow.of(CONFIG);
        SlidingWindow latency = SlidingWindow.of(CONFIG);
        OutcomeWindow outcomes = OutcomeWindow.of(CONFIG);
        SplittableRandom random = new SplittableRandom(20260101);
        Outcome[] kinds = Outcome.values();
        long now = T0;
        for (int i = 0; i < 50_000; i++) {
            now += random.nextInt(3); // 0..2 ms: many calls per slot, the ring wraps about 15 times
            long nanos = 1_000 + random.nextLong(50_000_000);
            Outcome outcome = kinds[random.nextInt(kinds.length)];
            if (random.nextInt(10) == 0) {
                together.recordOutcome(now, outcome);
                outcomes.record(now, outcome);
            } else {
                together.record(now, nanos, outcome);
                latency.record(now, nanos);
                outcomes.record(now, outcome);
            }
            if (i % 997 == 0) {
                for (int k = 1; k <= CONFIG.subWindowCount(); k++) {
                    assertThat(together.outcomes().counts(now, k)).isEqualTo(outcomes.counts(now, k));
                    LatencyEstimator a = together.latency().snapshot(now, k);
                    LatencyEstimator b = latency.snapshot(now, k);
                    assertThat(a.count()).isEqualTo(b.count());
                    if (b.count() > 0) {
                        assertThat(a.quantile(0.99)).isEqualTo(b.quantile(0.99));
                        assertThat(a.quantile(0.5)).isEqualTo(b.quantile(0.5));
                    }
                }
            }
        }
        assertThat(together.latency().droppedSamples()).isZero();
        assertThat(together.outcomes().droppedRecords()).isZero();
    }

    @Test
    void aNullOutcomeIsCountedAsDroppedAndItsLatencyIsKept() {
        CallWindow window = CallWindow.of(CONFIG);
        window.record(T0, 5_000, null);
        assertThat(window.outcomes().droppedRecords()).isEqualTo(1);
        assertThat(window.latency().snapshot(T0, 1).count()).isEqualTo(1);
    }

    @Test
    void recordingAllocatesNothing() {
        CallWindow window = CallWindow.of(CONFIG);
        long[] clock = {T0};
        Runnable calls = () -> {
            for (int i = 0; i < 10_000; i++) {
                window.record(clock[0]++ / 4, 1_000 + i, Outcome.SUCCESS);
                window.recordOutcome(clock[0], Outcome.FALLBACK);
            }
        };
        for (int round = 0; round < 30; round++) {
            calls.run();
        }
        assertThat(Allocations.leastBytesAllocated(calls, 5)).isLessThan(1_024);
    }

    @Test
    void footprintIsTheTwoWindowsAndAHeader() {
        CallWindow window = CallWindow.of(CONFIG, 1, 1);
        assertThat(window.estimatedFootprintBytes())
                .isEqualTo(24 + SlidingWindow.of(CONFIG, 1).estimatedFootprintBytes() + OutcomeWindow.of(CONFIG, 1).estimatedFootprintBytes());
        assertThat(CallWindow.estimatedFootprintBytes(CONFIG)).isEqualTo(CallWindow.of(CONFIG).estimatedFootprintBytes());
        assertThat(CallWindow.maxFootprintBytes(CONFIG)).isEqualTo(24 + SlidingWindow.maxFootprintBytes(CONFIG)
                + OutcomeWindow.maxFootprintBytes(CONFIG));
        assertThatThrownBy(() -> CallWindow.of(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("CallWindow.of");
    }
}
