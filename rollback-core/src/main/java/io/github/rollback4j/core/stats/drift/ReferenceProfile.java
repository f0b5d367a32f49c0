package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.telemetry.Distribution;
import io.github.rollback4j.telemetry.FieldProfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reference distribution of one input field (or of the prediction score), captured from the
 * last-known-good release or loaded from a file, against which {@link Psi}, {@link Wasserstein} and
 * {@link JensenShannon} measure drift and a null-rate spike is judged.
 *
 * <p>A plain record of primitives, lists and maps, so Jackson (2.12 or later) writes and reads it as is,
 * for example
 * <pre>{@code {"field":"age","kind":"NUMERIC","capturedAtEpochMillis":1767225600000,"missing":3,"nonFinite":0,
 *  "values":[18.0,19.2,21.0],"counts":[40,12,7],"categories":{}}}</pre>
 * A numeric profile holds the distinct values in ascending order with their counts (a histogram holds
 * its bucket representatives, at most {@code ValueBuckets.size()} of them, 2,097 for the standard
 * layout); a categorical one holds its counts per category ({@link FieldProfile#OTHER} included).
 * Everything else (deciles, mean, standard deviation, missing rate) is derived, so a saved profile stays
 * consistent. {@code null} lists or maps (absent from a file) read as empty; the primitive components
 * must be present (Jackson 3 refuses a missing primitive by default).
 *
 * <p>The constructor refuses bad components with an {@code IllegalArgumentException} naming the
 * component, its value and its allowed range.
 *
 * <p>Immutable and thread-safe.
 *
 * @param field                 the field's name, not blank (for prediction scores, a name such as {@code "score"})
 * @param kind                  numeric or categorical
 * @param capturedAtEpochMillis when the profile was captured, in milliseconds since the epoch (0 when unknown)
 * @param missing               how often the field was missing, at least 0
 * @param nonFinite             NaN or infinite values of a numeric field (0 for a categorical one), at least 0
 * @param values                numeric: the distinct finite values, strictly ascending; categorical: empty
 * @param counts                numeric: the count of each value, each at least 1; categorical: empty
 * @param categories            categorical: the count per category, each at least 1, ordered by
 *                              descending count then name; numeric: empty
 */
public record ReferenceProfile(String field, FieldProfile.Kind kind, long capturedAtEpochMillis, long missing,
                               long nonFinite, List<Double> values, List<Long> counts, Map<String, Long> categories) {

    /**
     * Validates every component.
     *
     * @param field                 the field's name, not blank (for prediction scores, a name such as {@code "score"})
     * @param kind                  numeric or categorical
     * @param capturedAtEpochMillis when the profile was captured, in milliseconds since the epoch (0 when unknown)
     * @param missing               how often the field was missing, at least 0
     * @param nonFinite             NaN or infinite values of a numeric field (0 for a categorical one), at least 0
     * @param values                numeric: the distinct finite values, strictly ascending; categorical: empty
     * @param counts                numeric: the count of each value, each at least 1; categorical: empty
     * @param categories            categorical: the count per category, each at least 1, ordered by descending count
     *                              then name; numeric: empty
     * @throws IllegalArgumentException naming the component, its value and its allowed range
     */
    public ReferenceProfile {
        String where = "ReferenceProfile";
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException(where + ": field must be a non-blank name, but was "
                    + (field == null ? "null" : "\"" + field + "\""));
        }
        if (kind == null) {
            throw new IllegalArgumentException(where + ": kind must be NUMERIC or CATEGORICAL, but was null");
        }
        if (missing < 0) {
            throw new IllegalArgumentException(where + ": missing must be at least 0, but was " + missing);
        }
        if (nonFinite < 0) {
            throw new IllegalArgumentException(where + ": nonFinite must be at least 0, but was " + nonFinite);
        }
        values = values == null ? List.of() : List.copyOf(values);
        counts = counts == null ? List.of() : List.copyOf(counts);
        categories = categories == null ? Map.of() : categories;
        if (values.size() != counts.size()) {
            throw new IllegalArgumentException(where + ": counts must hold one count per value (" + values.size()
                    + "), but held " + counts.size());
        }
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(where + ": values[" + i + "] must be finite, but was " + v);
            }
            if (i > 0 && !(v > values.get(i - 1))) {
                throw new IllegalArgumentException(where + ": values must be strictly ascending, but values[" + i + "] = " + v
                        + " follows " + values.get(i - 1));
            }
            if (counts.get(i) < 1) {
                throw new IllegalArgumentException(where + ": counts[" + i + "] must be at least 1, but was " + counts.get(i));
            }
        }
        if (kind == FieldProfile.Kind.NUMERIC && !categories.isEmpty()) {
            throw new IllegalArgumentException(where + ": categories must be empty for a NUMERIC field, but held "
                    + categories.size());
        }
        if (kind == FieldProfile.Kind.CATEGORICAL) {
            if (!values.isEmpty()) {
                throw new IllegalArgumentException(where + ": values and counts must be empty for a CATEGORICAL field, but"
                        + " held " + values.size());
            }
            if (nonFinite != 0) {
                throw new IllegalArgumentException(where + ": nonFinite must be 0 for a CATEGORICAL field, but was "
                        + nonFinite);
            }
        }
        categories = orderedCategories(categories, where + ": categories", false);
        // observed() must not overflow: a sum past Long.MAX_VALUE would read as a negative count.
        long observed = addCount(missing, nonFinite, where + ": nonFinite");
        for (int i = 0; i < counts.size(); i++) {
            observed = addCount(observed, counts.get(i), where + ": counts[" + i + "]");
        }
        for (Map.Entry<String, Long> category : categories.entrySet()) {
            observed = addCount(observed, category.getValue(), where + ": categories['" + category.getKey() + "']");
        }
    }

    private static long addCount(long sum, long count, String what) {
        try {
            return Math.addExact(sum, count);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(what + " = " + count + " brings missing + nonFinite + all counts past "
                    + Long.MAX_VALUE + "; counts must sum to at most that");
        }
    }

    /**
     * @param field                 the field's name
     * @param snapshot              a histogram of the field over the reference window
     * @param capturedAtEpochMillis when it was captured
     * @return a numeric profile of the histogram's non-empty buckets (representative and count)
     */
    public static ReferenceProfile numeric(String field, ValueSnapshot snapshot, long capturedAtEpochMillis) {
        WeightedValues w = WeightedValues.ofSnapshot(snapshot, "ReferenceProfile.numeric", "snapshot");
        return numeric(field, w, snapshot.missingCount(), snapshot.nonFiniteCount(), capturedAtEpochMillis);
    }

    /**
     * @param field                 the field's name
     * @param samples               the field's values, each finite
     * @param capturedAtEpochMillis when they were captured
     * @return a numeric profile of the distinct values and their counts, exactly
     * @throws IllegalArgumentException if a value is not finite, naming its index
     */
    public static ReferenceProfile numeric(String field, double[] samples, long capturedAtEpochMillis) {
        WeightedValues w = WeightedValues.ofSamples(samples, "ReferenceProfile.numeric", "samples");
        return numeric(field, w, 0, 0, capturedAtEpochMillis);
    }

    /**
     * @param field                 the field's name
     * @param snapshot              the field's category counts over the reference window
     * @param capturedAtEpochMillis when they were captured
     * @return a categorical profile
     */
    public static ReferenceProfile categorical(String field, CategorySnapshot snapshot, long capturedAtEpochMillis) {
        Objects.requireNonNull(snapshot, "ReferenceProfile.categorical: snapshot must not be null");
        return new ReferenceProfile(field, FieldProfile.Kind.CATEGORICAL, capturedAtEpochMillis, snapshot.missing(), 0,
                List.of(), List.of(), snapshot.counts());
    }

    /**
     * @param field                 the field's name
     * @param counts                count per category, each at least 0 (zeros are dropped)
     * @param capturedAtEpochMillis when they were captured
     * @return a categorical profile without missing values
     * @throws IllegalArgumentException if a count is negative, naming its category
     */
    public static ReferenceProfile categorical(String field, Map<String, Long> counts, long capturedAtEpochMillis) {
        return new ReferenceProfile(field, FieldProfile.Kind.CATEGORICAL, capturedAtEpochMillis, 0, 0, List.of(), List.of(),
                orderedCategories(counts, "ReferenceProfile.categorical: counts", true));
    }

    /**
     * From the API's view of a field over a window, as a router reports it.
     *
     * @param profile               a field profile; a numeric one must carry a {@link ValueSnapshot} (what
     *                              rollback-core's routers report)
     * @param capturedAtEpochMillis when it was captured
     * @return the reference profile of the field
     * @throws IllegalArgumentException if a numeric profile's distribution is not a {@link ValueSnapshot}
     */
    public static ReferenceProfile of(FieldProfile profile, long capturedAtEpochMillis) {
        Objects.requireNonNull(profile, "ReferenceProfile.of: profile must not be null");
        if (profile.kind() == FieldProfile.Kind.CATEGORICAL) {
            return new ReferenceProfile(profile.field(), FieldProfile.Kind.CATEGORICAL, capturedAtEpochMillis,
                    profile.missing(), 0, List.of(), List.of(),
                    orderedCategories(profile.categories(), "ReferenceProfile.of: profile.categories", true));
        }
        Distribution numeric = profile.numeric();
        if (!(numeric instanceof ValueSnapshot)) {
            throw new IllegalArgumentException("ReferenceProfile.of: a NUMERIC profile must carry a ValueSnapshot, but carried "
                    + (numeric == null ? "null" : numeric.getClass().getName()));
        }
        ValueSnapshot snapshot = (ValueSnapshot) numeric;
        WeightedValues w = WeightedValues.ofSnapshot(snapshot, "ReferenceProfile.of", "profile.numeric");
        return numeric(profile.field(), w, profile.missing(), snapshot.nonFiniteCount(), capturedAtEpochMillis);
    }

    private static ReferenceProfile numeric(String field, WeightedValues w, long missing, long nonFinite, long capturedAt) {
        List<Double> values = new ArrayList<>(w.values.length);
        List<Long> counts = new ArrayList<>(w.values.length);
        for (int k = 0; k < w.values.length; k++) {
            values.add(w.values[k]);
            counts.add(w.counts[k]);
        }
        return new ReferenceProfile(field, FieldProfile.Kind.NUMERIC, capturedAt, missing, nonFinite, values, counts, Map.of());
    }

    /**
     * @return the number of present values: finite values of a numeric field, or the sum of the category counts;
     *         {@link Long#MAX_VALUE} when that does not fit a long
     */
    public long present() {
        long total = JensenShannon.saturatingSum(counts);
        long categorical = JensenShannon.saturatingSum(categories.values());
        return total > Long.MAX_VALUE - categorical ? Long.MAX_VALUE : total + categorical;
    }

    /** @return {@code present() + nonFinite + missing}: how often the field was looked at */
    public long observed() {
        long present = present();
        long other = nonFinite > Long.MAX_VALUE - missing ? Long.MAX_VALUE : nonFinite + missing;
        return present > Long.MAX_VALUE - other ? Long.MAX_VALUE : present + other;
    }

    /** @return {@code missing / observed()}, a fraction; NaN when nothing was observed */
    public double missingRate() {
        long observed = observed();
        return observed == 0 ? Double.NaN : (double) missing / observed;
    }

    /** @return the mean of a numeric field's values; NaN when there is none or the field is categorical */
    public double mean() {
        return kind == FieldProfile.Kind.NUMERIC && !values.isEmpty() ? WeightedValues.ofProfile(this).mean() : Double.NaN;
    }

    /**
     * @return the population standard deviation ({@code ddof = 0}, as {@code numpy.std}) of a numeric field's
     *     values, the scale of {@link Wasserstein}'s normalisation; NaN when there is none or the field is categorical
     */
    public double standardDeviation() {
        return kind == FieldProfile.Kind.NUMERIC && !values.isEmpty()
                ? WeightedValues.ofProfile(this).standardDeviation() : Double.NaN;
    }

    /**
     * @param bins the number of bins, {@value PsiConfig#MIN_BINS}..{@value PsiConfig#MAX_BINS}
     * @return the PSI bin edges of a numeric field: its lower nearest-rank {@code j/bins}-quantiles,
     *     {@code j = 1..bins−1}, without duplicates; empty when there is no value
     * @throws IllegalArgumentException if the field is categorical or {@code bins} is out of range
     */
    public List<Double> psiEdges(int bins) {
        PsiConfig.checkBins(bins, "ReferenceProfile.psiEdges");
        if (kind != FieldProfile.Kind.NUMERIC) {
            throw new IllegalArgumentException("ReferenceProfile.psiEdges: the field must be NUMERIC, but " + field + " is "
                    + kind);
        }
        if (values.isEmpty()) {
            return List.of();
        }
        List<Double> edges = new ArrayList<>();
        for (double e : WeightedValues.ofProfile(this).quantileEdges(bins)) {
            edges.add(e);
        }
        return Collections.unmodifiableList(edges);
    }

    static Map<String, Long> orderedCategories(Map<String, Long> counts, String where, boolean dropZeros) {
        Objects.requireNonNull(counts, where + " must not be null");
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException(where + " must not contain a null category");
            }
            Long c = e.getValue();
            if (c == null || c < (dropZeros ? 0 : 1)) {
                throw new IllegalArgumentException(where + " must hold counts of at least " + (dropZeros ? 0 : 1) + ", but "
                        + e.getKey() + " has " + c);
            }
            if (c > 0) {
                entries.add(Map.entry(e.getKey(), c));
            }
        }
        entries.sort((a, b) -> {
            int byCount = Long.compare(b.getValue(), a.getValue());
            return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
        });
        LinkedHashMap<String, Long> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : entries) {
            ordered.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(ordered);
    }
}
