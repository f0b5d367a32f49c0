package io.github.rollback4j.core.telemetry;

import io.github.rollback4j.telemetry.FieldProfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts per category of one categorical input field over some window, and how often the field was
 * missing: what {@link CategoryWindow#snapshot(long, int)} returns. Categories beyond a window's cap are
 * counted under {@link FieldProfile#OTHER}.
 *
 * <p>{@link #counts()} holds only categories with a positive count, ordered by descending count, then by
 * name, with {@link FieldProfile#OTHER} last; it never contains {@code null}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param counts  count per category, each at least 1; copied, reordered and made unmodifiable
 * @param missing how often the field was missing ({@code null}), at least 0
 */
public record CategorySnapshot(Map<String, Long> counts, long missing) {

    /** No category and nothing missing. */
    public static final CategorySnapshot EMPTY = new CategorySnapshot(Map.of(), 0);

    /**
     * @param counts  count per category, each at least 1
     * @param missing how often the field was missing, at least 0
     * @throws NullPointerException     if {@code counts}, a category or a count is null
     * @throws IllegalArgumentException if a count is below 1 or {@code missing} below 0
     */
    public CategorySnapshot {
        Objects.requireNonNull(counts, "CategorySnapshot.counts must not be null");
        if (missing < 0) {
            throw new IllegalArgumentException("CategorySnapshot.missing must be at least 0, but was " + missing);
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.size());
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            String category = Objects.requireNonNull(e.getKey(), "CategorySnapshot.counts must not contain a null category");
            Long count = Objects.requireNonNull(e.getValue(), "CategorySnapshot.counts must not contain a null count");
            if (count < 1) {
                throw new IllegalArgumentException("CategorySnapshot.counts must hold counts of at least 1, but "
                        + category + " has " + count);
            }
            entries.add(Map.entry(category, count));
        }
        entries.sort((a, b) -> {
            boolean aOther = a.getKey().equals(FieldProfile.OTHER);
            boolean bOther = b.getKey().equals(FieldProfile.OTHER);
            if (aOther != bOther) {
                return aOther ? 1 : -1;
            }
            int byCount = Long.compare(b.getValue(), a.getValue());
            return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
        });
        LinkedHashMap<String, Long> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : entries) {
            ordered.put(e.getKey(), e.getValue());
        }
        counts = Collections.unmodifiableMap(ordered);
    }

    /**
     * @param category a category, or {@link FieldProfile#OTHER}
     * @return its count, 0 when absent
     */
    public long count(String category) {
        return counts.getOrDefault(category, 0L);
    }

    /** @return how often the field was present: the sum of {@link #counts()} */
    public long present() {
        long total = 0;
        for (long c : counts.values()) {
            total += c;
        }
        return total;
    }

    /** @return how often the field was looked at: {@link #present()} + {@link #missing()} */
    public long observed() {
        return present() + missing;
    }

    /**
     * Adds two snapshots category by category, for example the windows of one release in every segment.
     * Each window caps its own categories, so one category may be named in one snapshot and part of
     * {@link FieldProfile#OTHER} in the other; the sum keeps both as they are.
     *
     * @param other another snapshot
     * @return a new snapshot with the sums
     */
    public CategorySnapshot merge(CategorySnapshot other) {
        Objects.requireNonNull(other, "CategorySnapshot.merge(other) needs a snapshot, but was null");
        LinkedHashMap<String, Long> sum = new LinkedHashMap<>(counts);
        other.counts.forEach((category, count) -> sum.merge(category, count, Long::sum));
        return new CategorySnapshot(sum, missing + other.missing);
    }
}
