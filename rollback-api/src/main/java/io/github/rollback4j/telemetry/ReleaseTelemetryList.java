package io.github.rollback4j.telemetry;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * The immutable list behind {@link TelemetrySnapshot#bySegment()}, with an index by release and
 * segment so that {@link TelemetrySnapshot#get(ReleaseId, Segment)} is a hash lookup instead of a scan.
 * A trigger evaluation looks up two pairs per candidate and segment; with a scan, a router of
 * {@code R} releases in {@code S} segments paid {@code O(R × S)} per lookup and {@code O(R² × S²)}
 * per evaluation tick. The index is built on the first lookup (snapshots that are only listed never
 * pay for it) and published through a volatile field; two threads racing to build it build the same
 * map, and either one is kept.
 *
 * <p>Immutable and thread-safe; rejects {@code null} elements, as {@link List#copyOf} does.
 */
final class ReleaseTelemetryList extends AbstractList<ReleaseTelemetry> implements RandomAccess {

    private final ReleaseTelemetry[] items;
    private volatile Map<ReleaseId, Map<Segment, ReleaseTelemetry>> index;

    private ReleaseTelemetryList(ReleaseTelemetry[] items) {
        this.items = items;
    }

    /**
     * @param list the elements, in order, none {@code null}
     * @return an immutable, indexed copy of {@code list} ({@code list} itself when it already is one)
     */
    static ReleaseTelemetryList of(List<ReleaseTelemetry> list) {
        if (list instanceof ReleaseTelemetryList indexed) {
            return indexed;
        }
        ReleaseTelemetry[] items = list.toArray(new ReleaseTelemetry[0]);
        for (int i = 0; i < items.length; i++) {
            if (items[i] == null) {
                throw new NullPointerException("TelemetrySnapshot.bySegment must not contain null, but element " + i + " was null");
            }
        }
        return new ReleaseTelemetryList(items);
    }

    @Override
    public ReleaseTelemetry get(int i) {
        return items[i];
    }

    @Override
    public int size() {
        return items.length;
    }

    /** The first element of {@code release} in {@code segment}, as a scan in list order would find it. */
    Optional<ReleaseTelemetry> find(ReleaseId release, Segment segment) {
        Map<ReleaseId, Map<Segment, ReleaseTelemetry>> built = index;
        if (built == null) {
            built = new HashMap<>();
            for (ReleaseTelemetry t : items) {
                built.computeIfAbsent(t.release(), r -> new HashMap<>()).putIfAbsent(t.segment(), t);
            }
            index = built;
        }
        Map<Segment, ReleaseTelemetry> ofRelease = built.get(release);
        return ofRelease == null ? Optional.empty() : Optional.ofNullable(ofRelease.get(segment));
    }
}
