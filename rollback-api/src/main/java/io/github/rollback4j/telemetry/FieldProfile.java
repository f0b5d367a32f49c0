package io.github.rollback4j.telemetry;

import java.util.Map;

/**
 * The profile of one input field over a window, from the sampled calls: how often it was missing and
 * how its values were distributed. Numeric fields have a {@link #numeric()} distribution, categorical
 * fields {@link #categories()} counts. A field keeps counts for the first categories it sees, up to a
 * per-field cap (64 by default); later new categories are counted under {@link #OTHER}, so a category's
 * counts always stay in one place.
 *
 * <p>Immutable and thread-safe.
 *
 * @param field the field's name
 * @param kind numeric or categorical
 * @param observed sampled calls that looked at this field (present or missing)
 * @param missing sampled calls where the field was {@code null} or absent
 * @param numeric the distribution of the present values of a numeric field; {@link Distribution#EMPTY} for a categorical one
 * @param categories category to count for a categorical field; empty for a numeric one
 */
public record FieldProfile(String field, Kind kind, long observed, long missing, Distribution numeric,
                           Map<String, Long> categories) {

    /** The category under which values beyond the per-field cap of distinct categories are counted. */
    public static final String OTHER = "__other__";

    /** The type of a profiled field. */
    public enum Kind {
        /** A number: its distribution is kept. */
        NUMERIC,
        /** A category (a string): counts per category are kept. */
        CATEGORICAL
    }

    /** @return {@code missing / observed}, or {@code NaN} when nothing was observed */
    public double missingRate() {
        return observed == 0 ? Double.NaN : (double) missing / observed;
    }
}
