package io.github.rollback4j.core.internal;

import io.github.rollback4j.core.telemetry.SlidingWindowConfig;
import io.github.rollback4j.telemetry.KpiStats;

/**
 * The sufficient statistics of one KPI for one release and segment, in a ring of sub-windows keyed
 * by wall-clock slot. KPI reports are not on the request path (they come later, from the
 * application), so a short lock per report is simpler than a lock-free design and cheap enough; a
 * slot is cleared when it is reused for a later period, and a slot not written in its period reads
 * as empty.
 *
 * <p>Every slot and the never-reset total keep their sums around one shift, the first value reported (see
 * {@link KpiStats}): sums of {@code x − shift} keep the variance of a KPI whose mean is large against its
 * spread, and slots and totals around the same shift merge and subtract exactly.
 */
final class KpiWindow {

    private final String kpi;
    private final long subWindowMillis;
    private final int count;
    private final long[] slots;
    private final long[] counts;
    private final double[] sums;
    private final double[] sumsOfSquares;
    private long totalCount;
    private double totalSum;
    private double totalSumOfSquares;
    private boolean shifted;
    private double shift;

    KpiWindow(String kpi, SlidingWindowConfig config) {
        this.kpi = kpi;
        this.subWindowMillis = config.subWindowMillis();
        this.count = config.subWindowCount();
        this.slots = new long[count];
        java.util.Arrays.fill(slots, Long.MIN_VALUE);
        this.counts = new long[count];
        this.sums = new double[count];
        this.sumsOfSquares = new double[count];
    }

    synchronized void record(long nowMillis, double value) {
        if (!shifted) {
            shift = value;
            shifted = true;
        }
        double d = value - shift;
        totalCount++;
        totalSum += d;
        totalSumOfSquares += d * d;
        long slot = Math.floorDiv(nowMillis, subWindowMillis);
        int i = (int) Math.floorMod(slot, (long) count);
        if (slots[i] != slot) {
            if (slots[i] > slot) {
                return; // a report older than the whole ring: its period is gone
            }
            slots[i] = slot;
            counts[i] = 0;
            sums[i] = 0;
            sumsOfSquares[i] = 0;
        }
        counts[i]++;
        sums[i] += d;
        sumsOfSquares[i] += d * d;
    }

    /** @return every observation since the window was created, never reset */
    synchronized KpiStats total() {
        return stats(totalCount, totalSum, totalSumOfSquares);
    }

    synchronized KpiStats snapshot(long nowMillis, int subWindows) {
        long last = Math.floorDiv(nowMillis, subWindowMillis);
        long n = 0;
        double sum = 0;
        double sumSq = 0;
        for (long slot = last - Math.min(subWindows, count) + 1; slot <= last; slot++) {
            int i = (int) Math.floorMod(slot, (long) count);
            if (slots[i] == slot) {
                n += counts[i];
                sum += sums[i];
                sumSq += sumsOfSquares[i];
            }
        }
        return stats(n, sum, sumSq);
    }

    private KpiStats stats(long n, double s1, double s2) {
        if (n == 0) {
            return new KpiStats(kpi, 0, shift, 0.0, 0.0);
        }
        // Rounding in the running sums may cross the Cauchy–Schwarz bound by an ulp when every value is equal.
        return new KpiStats(kpi, n, shift, s1, Math.max(s2, s1 * s1 / n));
    }
}
