package io.github.rollback4j.core.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Points of (time, cumulative errors, cumulative requests) of one arm, so that the counts of any
 * window up to {@link #MAX_AGE} are a difference of two points. Windows are measured on the monotonic
 * clock (a point's nano-time); its wall time is only a timestamp for the evidence. Points closer than
 * {@link #MIN_SPACING} to the previous one replace it, which bounds memory to about 24 h / 10 s =
 * 8,640 points.
 */
final class TotalsHistory {

    static final Duration MAX_AGE = Duration.ofHours(24);
    static final Duration MIN_SPACING = Duration.ofSeconds(10);

    private record Point(long nanos, Instant time, long errors, long requests) {
    }

    private static final long MIN_SPACING_NANOS = MIN_SPACING.toNanos();
    private static final long MAX_AGE_NANOS = MAX_AGE.toNanos();

    private final ArrayDeque<Point> points = new ArrayDeque<>();

    void add(long nowNanos, Instant now, long errors, long requests) {
        Point last = points.peekLast();
        if (last != null && nowNanos - last.nanos() < MIN_SPACING_NANOS && points.size() > 1) {
            points.pollLast();
        }
        points.addLast(new Point(nowNanos, now, errors, requests));
        while (points.size() > 2 && nowNanos - points.peekFirst().nanos() > MAX_AGE_NANOS) {
            points.pollFirst();
        }
    }

    /**
     * @param fromNanos the window's start on the monotonic clock
     * @return {errors, requests} since the newest point at or before {@code fromNanos} (all history if none is older)
     */
    long[] since(long fromNanos) {
        Point latest = points.peekLast();
        if (latest == null) {
            return new long[2];
        }
        Point start = oldest(fromNanos);
        return new long[] {latest.errors() - start.errors(), latest.requests() - start.requests()};
    }

    /** @return the wall time of the point a window starting at {@code fromNanos} is measured from, or {@code fallback} */
    Instant oldestWithin(long fromNanos, Instant fallback) {
        Point p = oldest(fromNanos);
        return p == null ? fallback : p.time();
    }

    /** The newest point at or before {@code from}: the exact window start when the history reaches back that far, else the oldest point. */
    private Point oldest(long fromNanos) {
        Point start = points.peekFirst();
        for (Point p : points) {
            if (p.nanos() - fromNanos > 0) {
                break;
            }
            start = p;
        }
        return start;
    }
}
