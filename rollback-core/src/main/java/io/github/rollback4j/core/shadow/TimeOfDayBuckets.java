package io.github.rollback4j.core.shadow;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Maps the time a call was served to a time-of-day bucket, in a chosen time zone: either one bucket
 * per hour ({@link #hourly(ZoneId)}, labels {@code "00"} to {@code "23"}) or named ranges of whole
 * hours such as {@code night} 22–06 ({@link #named(ZoneId)}), with a label for the hours no range
 * covers (default {@code "other"}).
 *
 * <p>Immutable and thread-safe.
 */
public final class TimeOfDayBuckets {

    private static final long HOUR_MILLIS = 3_600_000L;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\- ]{0,63}");

    private final ZoneId zone;
    private final String[] byHour;
    private final List<String> labels;
    /** The stretch of the last lookup; replaced, never mutated (a racing lookup just computes its own). */
    private volatile Block last = new Block(0, 0, null);

    private TimeOfDayBuckets(ZoneId zone, String[] byHour) {
        this.zone = zone;
        this.byHour = byHour;
        this.labels = Collections.unmodifiableList(new ArrayList<>(new LinkedHashSet<>(List.of(byHour))));
    }

    /**
     * One bucket per hour of the day.
     *
     * @param zone the time zone the hours are read in, e.g. {@code ZoneOffset.UTC}
     * @return buckets labelled {@code "00"} to {@code "23"}
     */
    public static TimeOfDayBuckets hourly(ZoneId zone) {
        Objects.requireNonNull(zone, "TimeOfDayBuckets.zone must not be null");
        String[] byHour = new String[24];
        for (int h = 0; h < 24; h++) {
            byHour[h] = (h < 10 ? "0" : "") + h;
        }
        return new TimeOfDayBuckets(zone, byHour);
    }

    /** @return one bucket per hour in UTC */
    public static TimeOfDayBuckets hourlyUtc() {
        return hourly(ZoneOffset.UTC);
    }

    /**
     * Named ranges of hours, e.g. {@code named(zone).bucket("night", 22, 6).otherwise("day").build()}.
     *
     * @param zone the time zone the hours are read in
     * @return a builder
     */
    public static Builder named(ZoneId zone) {
        return new Builder(Objects.requireNonNull(zone, "TimeOfDayBuckets.zone must not be null"));
    }

    /**
     * @param epochMillis a wall time in milliseconds since the epoch
     * @return the label of its bucket
     */
    public String bucketOf(long epochMillis) {
        Block block = last;
        if (epochMillis >= block.from && epochMillis < block.to) {
            return block.label;
        }
        block = blockOf(epochMillis);
        last = block;
        return block.label;
    }

    /**
     * The longest stretch around {@code epochMillis} that lies in one local hour and holds no offset
     * transition, so every instant in it has the same label. Looking up a zone's offset allocates
     * (an {@code Instant}, and for a region zone its per-year transitions), and {@link #bucketOf} is
     * called on the request thread for every dropped shadow call: it looks up once per hour instead.
     */
    private Block blockOf(long epochMillis) {
        ZoneRules rules = zone.getRules();
        Instant at = Instant.ofEpochMilli(epochMillis);
        long localMillis = epochMillis + rules.getOffset(at).getTotalSeconds() * 1000L;
        int hour = (int) Math.floorMod(Math.floorDiv(localMillis, HOUR_MILLIS), 24L);
        long from = epochMillis - Math.floorMod(localMillis, HOUR_MILLIS);
        long to = from > Long.MAX_VALUE - HOUR_MILLIS ? Long.MAX_VALUE : from + HOUR_MILLIS;
        ZoneOffsetTransition next = rules.nextTransition(at);
        if (next != null) {
            to = Math.min(to, next.getInstant().toEpochMilli());
        }
        ZoneOffsetTransition previous = rules.previousTransition(at.plusMillis(1));
        if (previous != null) {
            from = Math.max(from, previous.getInstant().toEpochMilli());
        }
        return new Block(from, to, byHour[hour]);
    }

    /** Instants in {@code [from, to)} (epoch millis) all have {@code label}; immutable, so it can be shared by threads. */
    private static final class Block {
        final long from;
        final long to;
        final String label;

        Block(long from, long to, String label) {
            this.from = from;
            this.to = to;
            this.label = label;
        }
    }

    /** @return the time zone */
    public ZoneId zone() {
        return zone;
    }

    /** @return the labels in order of their first hour from 00:00 */
    public List<String> labels() {
        return labels;
    }

    @Override
    public String toString() {
        return "TimeOfDayBuckets{zone=" + zone + ", labels=" + labels + '}';
    }

    /** Builds named buckets; not thread-safe. */
    public static final class Builder {
        private final ZoneId zone;
        private final String[] byHour = new String[24];
        private String otherwise = "other";

        private Builder(ZoneId zone) {
            this.zone = zone;
        }

        /**
         * Adds a range of whole hours {@code [startHour, endHour)}; it wraps past midnight when
         * {@code endHour <= startHour} (22, 6 is 22:00 to 05:59). Ranges must not overlap.
         *
         * @param label 1 to 64 letters, digits, spaces, '.', '_', ':' or '-'
         * @param startHour first hour, 0 to 23
         * @param endHour hour after the last, 0 to 24; must differ from startHour
         * @return this builder
         * @throws IllegalArgumentException on a bad label or hour, or an overlap with an earlier range
         */
        public Builder bucket(String label, int startHour, int endHour) {
            checkLabel(label);
            if (startHour < 0 || startHour > 23) {
                throw new IllegalArgumentException("TimeOfDayBuckets.startHour of '" + label + "' must be in [0, 23], but was " + startHour);
            }
            if (endHour < 0 || endHour > 24 || endHour == startHour) {
                throw new IllegalArgumentException("TimeOfDayBuckets.endHour of '" + label
                        + "' must be in [0, 24] and differ from startHour " + startHour + ", but was " + endHour);
            }
            int end = endHour % 24;
            for (int h = startHour; ; h = (h + 1) % 24) {
                if (byHour[h] != null) {
                    throw new IllegalArgumentException("TimeOfDayBuckets bucket '" + label + "' [" + startHour + ", " + endHour
                            + ") overlaps bucket '" + byHour[h] + "' at hour " + h);
                }
                byHour[h] = label;
                if ((h + 1) % 24 == end) {
                    break;
                }
            }
            return this;
        }

        /**
         * @param label the label of hours no range covers; default {@code "other"}
         * @return this builder
         */
        public Builder otherwise(String label) {
            checkLabel(label);
            this.otherwise = label;
            return this;
        }

        /** @return the buckets */
        public TimeOfDayBuckets build() {
            String[] copy = byHour.clone();
            for (int h = 0; h < 24; h++) {
                if (copy[h] == null) {
                    copy[h] = otherwise;
                }
            }
            return new TimeOfDayBuckets(zone, copy);
        }

        private static void checkLabel(String label) {
            if (label == null || !LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("TimeOfDayBuckets label must be 1 to 64 letters, digits, spaces, '.', '_', ':'"
                        + " or '-', starting with a letter or digit, but was '" + label + "'");
            }
        }
    }
}
