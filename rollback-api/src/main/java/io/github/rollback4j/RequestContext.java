package io.github.rollback4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the router knows of one request besides its input.
 *
 * <ul>
 *   <li>{@link #stickinessKey()}: a user or session id. The same key always lands in the same bucket
 *   (0..9999), so a user stays on one release while weights move; {@code null} means no stickiness
 *   (a uniform random pick).</li>
 *   <li>{@link #segment()}: the slice of traffic (region, tenant) whose routing applies;
 *   {@link Segment#DEFAULT} when none is given.</li>
 *   <li>{@link #attributes()}: free attributes for reports and comparators; never used for routing.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. {@link #EMPTY} is shared and costs nothing.
 */
public final class RequestContext {

    /** No stickiness key, the default segment, no attributes. */
    public static final RequestContext EMPTY = new RequestContext(null, Segment.DEFAULT, Map.of());

    private final String stickinessKey;
    private final Segment segment;
    private final Map<String, String> attributes;

    private RequestContext(String stickinessKey, Segment segment, Map<String, String> attributes) {
        this.stickinessKey = stickinessKey;
        this.segment = segment;
        this.attributes = attributes;
    }

    /**
     * @param stickinessKey a user or session id, or {@code null} for none
     * @return a context in the default segment
     */
    public static RequestContext of(String stickinessKey) {
        return new RequestContext(stickinessKey, Segment.DEFAULT, Map.of());
    }

    /**
     * @param stickinessKey a user or session id, or {@code null} for none
     * @param segment the segment, e.g. {@code Segment.of("eu-west")}
     * @return the context
     */
    public static RequestContext of(String stickinessKey, Segment segment) {
        return new RequestContext(stickinessKey, Objects.requireNonNull(segment, "RequestContext.segment must not be null"), Map.of());
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the stickiness key, or {@code null} when the request has none */
    public String stickinessKey() {
        return stickinessKey;
    }

    /** @return the segment; never {@code null} */
    public Segment segment() {
        return segment;
    }

    /** @return free attributes; unmodifiable */
    public Map<String, String> attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return "RequestContext{key=" + stickinessKey + ", segment=" + segment + ", attributes=" + attributes + '}';
    }

    /** Builds a {@link RequestContext}; not thread-safe. */
    public static final class Builder {
        private String stickinessKey;
        private Segment segment = Segment.DEFAULT;
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param key a user or session id
         * @return this builder
         */
        public Builder stickinessKey(String key) {
            this.stickinessKey = key;
            return this;
        }

        /**
         * @param segment the segment
         * @return this builder
         */
        public Builder segment(Segment segment) {
            this.segment = Objects.requireNonNull(segment, "RequestContext.segment must not be null");
            return this;
        }

        /**
         * @param segmentName the segment's name, e.g. {@code eu-west}
         * @return this builder
         */
        public Builder segment(String segmentName) {
            return segment(Segment.of(segmentName));
        }

        /**
         * @param name attribute name
         * @param value attribute value
         * @return this builder
         */
        public Builder attribute(String name, String value) {
            attributes.put(Objects.requireNonNull(name, "RequestContext attribute name must not be null"),
                    Objects.requireNonNull(value, "RequestContext attribute '" + name + "' must not be null"));
            return this;
        }

        /** @return the context */
        public RequestContext build() {
            return new RequestContext(stickinessKey, segment,
                    attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes)));
        }
    }
}
