package io.github.rollback4j.core.spec;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node of a YAML or JSON specification together with its field path, with typed readers whose
 * errors name the path, the value and what is allowed. Every object node checks that it has no
 * field the reader did not ask for ({@link #requireNoOtherFields()}), so a misspelt key is refused
 * instead of silently ignored.
 *
 * <p>Not thread-safe; use one per load.
 */
public final class SpecNode {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d)");

    private final JsonNode node;
    private final String path;
    private final Set<String> read = new LinkedHashSet<>();

    private SpecNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * @param text YAML (JSON is YAML too, but use {@link #json} for JSON error positions)
     * @param source where the text comes from, for messages
     * @return the root node
     * @throws SpecException when the text is not YAML
     */
    public static SpecNode yaml(String text, String source) {
        try {
            JsonNode root = YAMLMapper.shared().readTree(text);
            return new SpecNode(root == null ? YAMLMapper.shared().missingNode() : root, source);
        } catch (JacksonException e) {
            throw new SpecException(source, "is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param text JSON
     * @param source where the text comes from, for messages
     * @return the root node
     * @throws SpecException when the text is not JSON
     */
    public static SpecNode json(String text, String source) {
        try {
            return new SpecNode(JsonMapper.shared().readTree(text), source);
        } catch (JacksonException e) {
            throw new SpecException(source, "is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a file as JSON when it ends in {@code .json}, as YAML otherwise. The root's path is empty:
     * field paths start at the document ({@code releases[1].requires}), and {@link #load} names the
     * file beside them.
     *
     * @param file the file
     * @return the root node
     * @throws SpecException naming the file when it cannot be read or parsed
     */
    public static SpecNode file(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SpecException(file, "", "cannot be read: " + e.getMessage(), e);
        }
        try {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? json(text, "") : yaml(text, "");
        } catch (SpecException e) {
            throw e.inFile(file);
        }
    }

    /**
     * Reads a file ({@link #file}) and hands its root to {@code reader}; a refusal names the file and
     * the field path separately ({@code FILE: releases[1].requires: ...}).
     *
     * @param file the file
     * @param reader reads the document from its root
     * @param <T> what the reader makes of it
     * @return the reader's result
     * @throws SpecException naming the file, the field path, the value and what is allowed
     */
    public static <T> T load(Path file, java.util.function.Function<SpecNode, T> reader) {
        SpecNode root = file(file);
        try {
            return reader.apply(root);
        } catch (SpecException e) {
            throw e.inFile(file);
        }
    }

    /** @return this node's field path; empty for the root of a {@link #file} */
    public String path() {
        return path;
    }

    /**
     * @param field a field name
     * @return the path of that field of this node, e.g. {@code releases[1].requires}
     */
    public String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** @return whether the node is a list */
    public boolean isArray() {
        return node.isArray();
    }

    /** @return whether the node is an object */
    public boolean isObject() {
        return node.isObject();
    }

    /** @return this node, refusing anything but an object */
    public SpecNode requireObject() {
        if (!node.isObject()) {
            throw new SpecException(path, "must be a mapping of fields, but was " + describe(node));
        }
        return this;
    }

    /**
     * @param field a field name
     * @return whether the field is present (and not null)
     */
    public boolean has(String field) {
        JsonNode child = node.get(field);
        read.add(field);
        return child != null && !child.isNull();
    }

    /**
     * @param field a field name
     * @return the child node (present or not)
     */
    public SpecNode child(String field) {
        read.add(field);
        JsonNode child = node.get(field);
        return new SpecNode(child == null ? YAMLMapper.shared().missingNode() : child, path(field));
    }

    /**
     * @param field a required field holding a list
     * @return its elements, each with its path
     */
    public List<SpecNode> list(String field) {
        SpecNode list = child(field);
        if (list.node.isMissingNode() || list.node.isNull()) {
            throw new SpecException(list.path, "is required: a list");
        }
        return list.elements();
    }

    /** @return this list node's elements, each with its path */
    public List<SpecNode> elements() {
        if (!node.isArray()) {
            throw new SpecException(path, "must be a list, but was " + describe(node));
        }
        List<SpecNode> elements = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            elements.add(new SpecNode(node.get(i), path + "[" + i + "]"));
        }
        return elements;
    }

    /**
     * @param field a required field
     * @return its text
     */
    public String string(String field) {
        SpecNode child = child(field);
        if (child.node.isMissingNode() || child.node.isNull()) {
            throw new SpecException(child.path, "is required");
        }
        if (!child.node.isValueNode() || child.node.isContainer()) {
            throw new SpecException(child.path, "must be a text value, but was " + describe(child.node));
        }
        return child.node.asString();
    }

    /**
     * @param field an optional field
     * @param fallback the value when absent
     * @return its text, or the fallback
     */
    public String string(String field, String fallback) {
        return has(field) ? string(field) : fallback;
    }

    /**
     * @param field a required number field; also accepts {@code "30%"} (read as 0.30)
     * @return the number
     */
    public double number(String field) {
        SpecNode child = child(field);
        return child.asNumber();
    }

    /**
     * @param field an optional number field
     * @param fallback the value when absent
     * @return the number or the fallback
     */
    public double number(String field, double fallback) {
        return has(field) ? number(field) : fallback;
    }

    /** @return this value as a number; {@code "30%"} is 0.30 */
    public double asNumber() {
        if (node.isMissingNode() || node.isNull()) {
            throw new SpecException(path, "is required: a number");
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isString()) {
            String text = node.asString().trim();
            try {
                if (text.endsWith("%")) {
                    return Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100.0;
                }
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new SpecException(path, "'" + text + "' is not a number; write e.g. 0.05 or 5%");
            }
        }
        throw new SpecException(path, "must be a number, but was " + describe(node));
    }

    /**
     * @param field an optional whole-number field
     * @param fallback the value when absent
     * @return the number or the fallback
     */
    public long integer(String field, long fallback) {
        if (!has(field)) {
            return fallback;
        }
        SpecNode child = child(field);
        if (child.node.isIntegralNumber()) {
            return child.node.longValue();
        }
        double value = child.asNumber();
        if (value != Math.rint(value) || Math.abs(value) > Long.MAX_VALUE / 2.0) {
            throw new SpecException(child.path, "must be a whole number, but was " + describe(child.node));
        }
        return (long) value;
    }

    /**
     * @param field an optional boolean field
     * @param fallback the value when absent
     * @return the value or the fallback
     */
    public boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        SpecNode child = child(field);
        if (child.node.isBoolean()) {
            return child.node.booleanValue();
        }
        throw new SpecException(child.path, "must be true or false, but was " + describe(child.node));
    }

    /**
     * @param field a required duration field: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601 ({@code PT5M})
     * @return the duration
     */
    public Duration duration(String field) {
        SpecNode child = child(field);
        return child.asDuration();
    }

    /**
     * @param field an optional duration field
     * @param fallback the value when absent
     * @return the duration or the fallback
     */
    public Duration duration(String field, Duration fallback) {
        return has(field) ? duration(field) : fallback;
    }

    /** @return this value as a duration */
    public Duration asDuration() {
        if (node.isMissingNode() || node.isNull()) {
            throw new SpecException(path, "is required: a duration such as 30s, 5m, 1h or PT5M");
        }
        if (node.isNumber() && node.doubleValue() == 0) {
            return Duration.ZERO;
        }
        String text = node.isString() ? node.asString().trim() : node.toString();
        Matcher m = SIMPLE_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m", "min" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 86_400_000;
            };
            return Duration.ofMillis(Math.round(millis));
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new SpecException(path, "'" + text + "' is not a duration; write e.g. 500ms, 30s, 5m, 1h, 2d or PT5M");
        }
    }

    /**
     * @param field a required field holding one of the given names (case-insensitive, '-' and '_' alike)
     * @param type the enum
     * @param <E> the enum type
     * @return the constant
     */
    public <E extends Enum<E>> E enumValue(String field, Class<E> type) {
        String text = string(field);
        String normal = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normal)) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new SpecException(path(field), "'" + text + "' is not one of " + allowed);
    }

    /**
     * @param field an optional enum field
     * @param type the enum
     * @param fallback the value when absent
     * @param <E> the enum type
     * @return the constant or the fallback
     */
    public <E extends Enum<E>> E enumValue(String field, Class<E> type, E fallback) {
        return has(field) ? enumValue(field, type) : fallback;
    }

    /** @return the names of this object node's fields, in file order (marked as read) */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        if (node.isObject()) {
            names.addAll(node.propertyNames());
        }
        read.addAll(names);
        return names;
    }

    /** @return this value's text (a number or boolean as written) */
    public String asText() {
        if (node.isMissingNode() || node.isNull() || node.isContainer()) {
            throw new SpecException(path, "must be a text value, but was " + describe(node));
        }
        return node.asString();
    }

    /**
     * Refuses fields this node has that no reader asked for (misspelt or unknown keys).
     *
     * @throws SpecException naming the first unknown field and the known ones
     */
    public void requireNoOtherFields() {
        if (!node.isObject()) {
            return;
        }
        for (String name : node.propertyNames()) {
            if (!read.contains(name)) {
                throw new SpecException(path(name), "is not a known field here; known fields are " + read);
            }
        }
    }

    /**
     * Runs a check that throws {@link IllegalArgumentException} (a builder's validation) and
     * prefixes its message with this node's path.
     *
     * @param check the check
     * @param <T> the result
     * @return the check's result
     */
    public <T> T validated(java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (SpecException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SpecException(path, e.getMessage(), e);
        }
    }

    private static String describe(JsonNode node) {
        if (node.isMissingNode()) {
            return "missing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return "'" + node.asString() + "'";
    }
}
