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
 * <h2>Input schema</h2>
 * Fields can carry rules: {@link Builder#required(String)}, {@link Builder#range(String, double, double)}
 * (numeric) and {@link Builder#allowedCategories(String, String...)} (categorical). With at least one
 * rule the profile is also the router's input schema: every sampled input is checked, and the share
 * that breaks a rule is the {@code schema_violation_rate} a trigger can watch.
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
     * @param rule the field's schema rule; {@link Rule#NONE} when it has none
     * @param <I> the model input type
     */
    public record Field<I>(String name, FieldProfile.Kind kind, Function<? super I, ?> extractor, Rule rule) {

        /**
         * @param value the extracted value
         * @return whether the value breaks this field's rule
         */
        public boolean violates(Object value) {
            if (value == null) {
                return rule.required();
            }
            if (kind == FieldProfile.Kind.NUMERIC) {
                if (!(value instanceof Number number)) {
                    return true;
                }
                double v = number.doubleValue();
                return Double.isNaN(v) || v < rule.min() || v > rule.max();
            }
            return !rule.allowed().isEmpty() && !rule.allowed().contains(value.toString());
        }
    }

    /**
     * A field's schema rule.
     *
     * @param required a missing value breaks the rule
     * @param min smallest allowed value of a numeric field ({@code -Infinity} for none)
     * @param max largest allowed value of a numeric field ({@code +Infinity} for none)
     * @param allowed allowed categories of a categorical field (empty for any)
     */
    public record Rule(boolean required, double min, double max, Set<String> allowed) {
        /** No rule. */
        public static final Rule NONE = new Rule(false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Set.of());

        /** @return whether this is a rule at all */
        public boolean isSet() {
            return !equals(NONE);
        }
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

    /** @return whether any field has a schema rule */
    public boolean hasSchema() {
        return fields.stream().anyMatch(f -> f.rule().isSet());
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
                    "InputProfile field '" + name + "': extractor must not be null"), Rule.NONE));
            return this;
        }

        /**
         * @param name a declared field that must not be missing
         * @return this builder
         */
        public Builder<I> required(String name) {
            return rule(name, null, r -> new Rule(true, r.min(), r.max(), r.allowed()));
        }

        /**
         * @param name a declared numeric field
         * @param min smallest allowed value
         * @param max largest allowed value, at least {@code min}
         * @return this builder
         */
        public Builder<I> range(String name, double min, double max) {
            if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
                throw new IllegalArgumentException("InputProfile.range('" + name + "'): needs min <= max, but was " + min + ".." + max);
            }
            return rule(name, FieldProfile.Kind.NUMERIC, r -> new Rule(r.required(), min, max, r.allowed()));
        }

        /**
         * @param name a declared categorical field
         * @param categories the allowed categories, at least one
         * @return this builder
         */
        public Builder<I> allowedCategories(String name, String... categories) {
            if (categories == null || categories.length == 0) {
                throw new IllegalArgumentException("InputProfile.allowedCategories('" + name + "'): name at least one category");
            }
            Set<String> allowed = Set.of(categories);
            return rule(name, FieldProfile.Kind.CATEGORICAL, r -> new Rule(r.required(), r.min(), r.max(), allowed));
        }

        private Builder<I> rule(String name, FieldProfile.Kind kind, java.util.function.UnaryOperator<Rule> change) {
            for (int i = 0; i < fields.size(); i++) {
                Field<I> field = fields.get(i);
                if (field.name().equals(name)) {
                    if (kind != null && field.kind() != kind) {
                        throw new IllegalArgumentException("InputProfile field '" + name + "' is " + field.kind().name().toLowerCase()
                                + "; this rule applies to " + kind.name().toLowerCase() + " fields only");
                    }
                    fields.set(i, new Field<>(name, field.kind(), field.extractor(), change.apply(field.rule())));
                    return this;
                }
            }
            throw new IllegalArgumentException("InputProfile has no field '" + name + "' to put a rule on; declare it first with"
                    + " numeric(..) or categorical(..); declared fields are " + names);
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
