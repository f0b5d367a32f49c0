package io.github.rollback4j.core.guard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Points of (time, cumulative errors, cumulative requests) of one arm, so that the counts of any
 * window up to {@link #MAX_AGE} are a difference of two points. Points closer than
 * {@link #MIN_SPACING} to the previous one replace it, which bounds memory to about 24 h / 10 s =
 * 8,640 points.
 */
final class TotalsHistory {

    static final Duration MAX_AGE = Duration.ofHours(24);
    static final Duration MIN_SPACING = Duration.ofSeconds(10);

    private record Point(Instant time, long errors, long requests) {
    }

    private final ArrayDeque<Point> points = new ArrayDeque<>();

    void add(Instant now, long errors, long requests) {
        Point last = points.peekLast();
        if (last != null && Duration.between(last.time(), now).compareTo(MIN_SPACING) < 0 && points.size() > 1) {
            points.pollLast();
        }
        points.addLast(new Point(now, errors, requests));
        while (points.size() > 2 && Duration.between(points.peekFirst().time(), now).compareTo(MAX_AGE) > 0) {
            points.pollFirst();
        }
    }

    /** @return {errors, requests} since the oldest point at or after {@code from} (all history if none is older) */
    long[] since(Instant from) {
        Point latest = points.peekLast();
        if (latest == null) {
            return new long[2];
        }
        Point start = oldest(from);
        return new long[] {latest.errors() - start.errors(), latest.requests() - start.requests()};
    }

    /** @return the time of the point a window starting at {@code from} is measured from */
    Instant oldestWithin(Instant from) {
        Point p = oldest(from);
        return p == null ? from : p.time();
    }

    /** The newest point at or before {@code from}: the exact window start when the history reaches back that far, else the oldest point. */
    private Point oldest(Instant from) {
        Point start = points.peekFirst();
        for (Point p : points) {
            if (p.time().isAfter(from)) {
                break;
            }
            start = p;
        }
        return start;
    }
}
