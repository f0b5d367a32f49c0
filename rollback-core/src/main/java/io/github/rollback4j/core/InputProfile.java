package io.github.rollback4j.core;

import io.github.rollback4j.telemetry.FieldProfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which input fields a router profiles on sampled calls, and how to read them from an input: numeric
 * fields keep a distribution, categorical fields counts per category; both count how often the field
 * was missing ({@code null}). The extractors run on the request thread of a sampled call only; one
 * that throws is counted as a missing value, never reaches the caller.
 *
 * <pre>{@code
 * InputProfile<Features> profile = InputProfile.<Features>builder()
 *     .numeric("amount", f -> f.amount())
 *     .categorical("country", f -> f.country())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe (as far as the extractors are).
 *
 * @param <I> the model input type
 */
public final class InputProfile<I> {

    /** Most fields one profile may declare. */
    public static final int MAX_FIELDS = 256;

    /**
     * One profiled field.
     *
     * @param name the field's name
     * @param kind numeric or categorical
     * @param extractor reads the value from an input; {@code null} means missing
     * @param <I> the model input type
     */
    public record Field<I>(String name, FieldProfile.Kind kind, Function<? super I, ?> extractor) {
    }

    private final List<Field<I>> fields;

    private InputProfile(List<Field<I>> fields) {
        this.fields = Collections.unmodifiableList(new ArrayList<>(fields));
    }

    /**
     * @param <I> the model input type
     * @return a builder
     */
    public static <I> Builder<I> builder() {
        return new Builder<>();
    }

    /** @return the fields in declaration order */
    public List<Field<I>> fields() {
        return fields;
    }

    /**
     * Builds an {@link InputProfile}; not thread-safe.
     *
     * @param <I> the model input type
     */
    public static final class Builder<I> {
        private final List<Field<I>> fields = new ArrayList<>();
        private final Set<String> names = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * @param name the field's name
         * @param extractor reads the number from an input; {@code null} when missing
         * @return this builder
         */
        public Builder<I> numeric(String name, Function<? super I, ? extends Number> extractor) {
            return add(name, FieldProfile.Kind.NUMERIC, extractor);
        }

        /**
         * @param name the field's name
         * @param extractor reads the category from an input ({@code toString()} is counted); {@code null} when missing
         * @return this builder
         */
        public Builder<I> categorical(String name, Function<? super I, ?> extractor) {
            return add(name, FieldProfile.Kind.CATEGORICAL, extractor);
        }

        private Builder<I> add(String name, FieldProfile.Kind kind, Function<? super I, ?> extractor) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("InputProfile field name must not be empty");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("InputProfile declares field '" + name + "' twice; each field once");
            }
            fields.add(new Field<>(name, kind, Objects.requireNonNull(extractor,
                    "InputProfile field '" + name + "': extractor must not be null")));
            return this;
        }

        /**
         * @return the profile
         * @throws IllegalArgumentException when no field or more than {@value #MAX_FIELDS} fields are declared
         */
        public InputProfile<I> build() {
            if (fields.isEmpty() || fields.size() > MAX_FIELDS) {
                throw new IllegalArgumentException("InputProfile must declare between 1 and " + MAX_FIELDS
                        + " fields, but declares " + fields.size());
            }
            return new InputProfile<>(fields);
        }
    }
}
