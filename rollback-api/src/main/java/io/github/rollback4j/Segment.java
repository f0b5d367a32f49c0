package io.github.rollback4j;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A slice of traffic with its own rollout state: a region ({@code eu-west}), a tenant, a time-of-day
 * bucket. Segments are interned: {@code Segment.of("eu-west")} returns the same instance every time,
 * with a small dense {@link #index()} that routers use to find the segment's routing without a
 * string lookup on the request path. Keep segments in constants where you can; each distinct name
 * stays interned for the life of the JVM.
 *
 * <p>{@link #DEFAULT} (name {@code default}, index 0) is the segment of requests that name none, and
 * the fallback for segments that have no routing of their own.
 *
 * <p>Immutable and thread-safe.
 */
public final class Segment {

    /** The segment of requests without one; name {@code default}, index 0. */
    public static final Segment DEFAULT;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\-]{0,63}");
    private static final ConcurrentMap<String, Segment> INTERNED = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

    static {
        DEFAULT = of("default");
    }

    private final String name;
    private final int index;

    private Segment(String name, int index) {
        this.name = name;
        this.index = index;
    }

    /**
     * Returns the interned segment of that name.
     *
     * @param name 1 to 64 characters of letters, digits, '.', '_', ':' or '-'
     * @return the segment
     * @throws IllegalArgumentException when the name is empty or has other characters
     */
    public static Segment of(String name) {
        Segment known = INTERNED.get(name == null ? "" : name);
        if (known != null) {
            return known;
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("segment must be 1 to 64 characters of letters, digits, '.', '_', ':' or '-',"
                    + " starting with a letter or digit, but was '" + name + "'");
        }
        return INTERNED.computeIfAbsent(name, n -> new Segment(n, NEXT_INDEX.getAndIncrement()));
    }

    /** @return the segment's name */
    public String name() {
        return name;
    }

    /** @return a dense index, unique per name within this JVM (not stable across restarts) */
    public int index() {
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Segment other && name.equals(other.name));
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
