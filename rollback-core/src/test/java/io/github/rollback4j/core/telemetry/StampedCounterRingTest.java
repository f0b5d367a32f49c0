package io.github.rollback4j.core.telemetry;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lap-stamped counter ring on its own, on virtual time. */
class StampedCounterRingTest {

    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @Test
    void addsGoToTheCounterOfTheSlotOfTheirTime() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 4, 3);

        ring.add(T0, 0);
        ring.add(T0 + 999, 0);
        ring.add(T0 + 999, 2, 5);
        ring.add(T0 + 1_000, 1, 7);

        assertThat(ring.sum(T0, 1, 0)).isEqualTo(2);
        assertThat(ring.sum(T0, 1, 2)).isEqualTo(5);
        assertThat(ring.sum(T0 + 1_000, 1, 0)).isZero();
        assertThat(ring.sum(T0 + 1_000, 1, 1)).isEqualTo(7);
        assertThat(ring.sums(T0 + 1_500, 2)).containsExactly(2, 7, 5);
        assertThat(ring.sums(T0 + 1_500, 1)).containsExactly(0, 7, 0);
    }

    @Test
    void sumIntoAddsToWhatIsThere() {
        StampedCounterRing ring = new StampedCounterRing(100, 2, 2);
        ring.add(T0, 1, 3);
        long[] into = {10, 20};

        ring.sumInto(T0, 2, into);

        assertThat(into).containsExactly(10, 23);
    }

    @Test
    void zeroDeltaChangesNothingNotEvenTheStamp() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 2, 1);
        ring.add(T0, 0, 4);

        ring.add(T0 + 2_000, 0, 0);

        assertThat(ring.sum(T0, 1, 0)).as("the old lap is still readable").isEqualTo(4);
        assertThat(ring.dropped()).isZero();
    }

    @Test
    void staleWordsReadAsZeroAndAreReplacedInTheSameCasThatCounts() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 3, 2);
        ring.add(T0, 0, 100);
        ring.add(T0, 1, 100);

        // T0 + 3 s is the same ring position a lap later.
        assertThat(ring.sums(T0 + 3_000, 1)).containsExactly(0, 0);
        ring.add(T0 + 3_000, 0);

        assertThat(ring.sums(T0 + 3_000, 3)).as("counter 1 keeps its stale word but reads as zero").containsExactly(1, 0);
        assertThat(ring.sum(T0, 1, 1)).as("the older period of counter 1 is still intact").isEqualTo(100);
        assertThat(ring.sum(T0, 1, 0)).as("counter 0 now belongs to the newer lap").isZero();
    }

    @Test
    void countsSaturateAtTwoToTheThirtyTwoMinusOneAndTheExcessIsDropped() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 2, 1);

        ring.add(T0, 0, StampedCounterRing.MAX_COUNT - 2);
        ring.add(T0, 0, 5);
        ring.add(T0, 0);

        assertThat(ring.sum(T0, 1, 0)).isEqualTo(StampedCounterRing.MAX_COUNT);
        assertThat(ring.dropped()).isEqualTo(4);

        ring.add(T0 + 1_000, 0, Long.MAX_VALUE);
        assertThat(ring.sum(T0 + 1_000, 1, 0)).as("a fresh word saturates too").isEqualTo(StampedCounterRing.MAX_COUNT);
        assertThat(ring.dropped()).isEqualTo(4 + Long.MAX_VALUE - StampedCounterRing.MAX_COUNT);
        assertThat(ring.sums(T0 + 1_000, 2)).as("sums over sub-windows go beyond 32 bits")
                .containsExactly(2 * StampedCounterRing.MAX_COUNT);
    }

    @Test
    void aWriterLateByAWholeTurnDropsItsDeltaInsteadOfOverwritingTheNewerPeriod() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 2, 2);
        ring.add(T0 + 2_000, 0, 3);

        ring.add(T0, 0, 9);
        ring.add(T0, 1, 9);

        assertThat(ring.dropped()).isEqualTo(9);
        assertThat(ring.sum(T0 + 2_000, 1, 0)).isEqualTo(3);
        assertThat(ring.sum(T0, 1, 1)).as("a word the newer lap never touched takes the late add").isEqualTo(9);
    }

    @Test
    void timesBeforeTheEpochWork() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 3, 1);
        ring.add(-1, 0);
        ring.add(-1_000, 0);
        ring.add(0, 0);

        assertThat(ring.sum(-1, 1, 0)).isEqualTo(2);
        assertThat(ring.sum(0, 2, 0)).isEqualTo(3);
        assertThat(ring.sum(3_000, 3, 0)).isZero();
    }

    @Test
    void subWindowArgumentIsCheckedWithTheCallersName() {
        StampedCounterRing ring = new StampedCounterRing(1_000, 3, 1);

        assertThatThrownBy(() -> ring.requireSubWindows(4, "X.y(now, subWindows)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("X.y(now, subWindows) needs subWindows between 1 and 3 (SlidingWindowConfig.subWindowCount), but was 4");
        assertThatThrownBy(() -> ring.requireSubWindows(0, "X.y")).hasMessageEndingWith("but was 0");
        ring.requireSubWindows(3, "X.y");
    }

    @Test
    void shapeIsValidated() {
        assertThatThrownBy(() -> new StampedCounterRing(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StampedCounterRing(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StampedCounterRing(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StampedCounterRing(1, 1 << 16, 1 << 16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void addAllocatesNothing() {
        StampedCounterRing ring = new StampedCounterRing(100, 8, 16);
        long[] clock = {T0};
        Runnable adds = () -> {
            for (int i = 0; i < 10_000; i++) {
                ring.add(clock[0]++, i & 15);
                ring.add(clock[0], i & 7, 3);
            }
        };
        for (int round = 0; round < 30; round++) {
            adds.run();
        }

        assertThat(Allocations.leastBytesAllocated(adds, 5)).isLessThan(1_024);
    }

    @Test
    void footprint() {
        assertThat(new StampedCounterRing(1_000, 30, 5).estimatedFootprintBytes()).isEqualTo(80 + 8 * 30 * 5);
        assertThat(new StampedCounterRing(1_000, 30, 5, 4).estimatedFootprintBytes()).as("+ the stripe table")
                .isEqualTo(80 + 8 * 30 * 5 + 32);
        assertThat(StampedCounterRing.maxFootprintBytes(30, 5, 4)).isEqualTo(80 + 4 * 8 * 30 * 5 + 32 + 3 * 16);
    }

    @Test
    void theCachedSlotAgreesWithDivisionForAnyTimeInAnyOrder() {
        long[] subWindowMillis = {1, 100, 1_000, 10_000, 3_600_000};
        int[] subWindowCounts = {1, 3, 60, 1_440};
        java.util.SplittableRandom random = new java.util.SplittableRandom(20260101);
        for (long millis : subWindowMillis) {
            for (int count : subWindowCounts) {
                StampedCounterRing ring = new StampedCounterRing(millis, count, 1);
                long now = T0;
                for (int i = 0; i < 20_000; i++) {
                    long t = switch (random.nextInt(6)) {
                        case 0, 1 -> now += random.nextLong(0, 3 * millis); // forward, often in the same slot
                        case 2 -> now - random.nextLong(0, 2 * millis * count); // a late writer
                        case 3 -> -random.nextLong(0, 10 * millis); // before the epoch
                        case 4 -> random.nextBoolean() ? Long.MAX_VALUE - random.nextLong(0, 1_000)
                                : Long.MIN_VALUE + random.nextLong(0, 1_000);
                        default -> (random.nextBoolean() ? 1 : -1) * ((1L << 61) + random.nextLong(-1_000, 1_000));
                    };
                    long slot = Math.floorDiv(t, millis);
                    long expected = (Math.floorDiv(slot, count) << 32) | Math.floorMod(slot, count);
                    assertThat(ring.slotToken(t)).as("%d ms x %d at %d", millis, count, t).isEqualTo(expected);
                }
            }
        }
    }
}
