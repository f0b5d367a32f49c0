package io.github.rollback4j.core.spec;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
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
 * <p>Before a text is turned into a tree it must be at most {@link #MAX_SIZE} long (checked before
 * any parsing) and pass a streaming scan that refuses, with the field path, mappings and lists
 * nested deeper than {@link #MAX_DEPTH}, a key given twice in one mapping, and YAML anchors and
 * aliases (Jackson does not expand them; an alias would silently read as its anchor's name). Every
 * error, whatever its cause, is a {@link SpecException}.
 *
 * <p>Not thread-safe; use one per load.
 */
public final class SpecNode {

    /** Longest specification accepted: 1 MiB (bytes of a file, characters of a string), checked before parsing. */
    public static final int MAX_SIZE = 1 << 20;
    /** Deepest nesting of mappings and lists accepted (the shipped formats need fewer than 10). */
    public static final int MAX_DEPTH = 32;
    /** Longest duration a specification may hold: 3650 days. */
    public static final Duration MAX_DURATION = Duration.ofDays(3650);

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d)");
    /** Decimal numbers only: Double.parseDouble would also take NaN, Infinity and hexadecimal floats such as 0x1p3. */
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d{1,3})?");
    /** The open-object marker of {@link #scan}: lists have no keys to check. */
    private static final Set<String> LIST = Set.of();
    private static final int QUOTED_LENGTH = 80;

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
     * @throws SpecException when the text is not YAML or breaks a limit of the class comment
     */
    public static SpecNode yaml(String text, String source) {
        return parse(text, source, YAMLMapper.shared(), "YAML");
    }

    /**
     * @param text JSON
     * @param source where the text comes from, for messages
     * @return the root node
     * @throws SpecException when the text is not JSON or breaks a limit of the class comment
     */
    public static SpecNode json(String text, String source) {
        return parse(text, source, JsonMapper.shared(), "JSON");
    }

    /**
     * Reads a file as JSON when it ends in {@code .json}, as YAML otherwise. The root's path is empty:
     * field paths start at the document ({@code releases[1].requires}), and {@link #load} names the
     * file beside them.
     *
     * @param file the file
     * @return the root node
     * @throws SpecException naming the file when it cannot be read, is larger than {@link #MAX_SIZE} or cannot be parsed
     */
    public static SpecNode file(Path file) {
        String text = readBounded(file, MAX_SIZE);
        try {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? json(text, "") : yaml(text, "");
        } catch (SpecException e) {
            throw e.inFile(file);
        }
    }

    /**
     * Reads a regular file of at most {@code maxBytes} as UTF-8, refusing a larger one before reading it.
     *
     * @param file the file
     * @param maxBytes the largest file accepted
     * @return its text
     * @throws SpecException naming the file when it is not a regular file, too large, unreadable or not UTF-8
     */
    static String readBounded(Path file, int maxBytes) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new SpecException(file, "", "is not a regular file", null);
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new SpecException(file, "", tooLarge(size + " bytes", maxBytes), null);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(maxBytes + 1); // the file may grow between size() and here
            }
            if (bytes.length > maxBytes) {
                throw new SpecException(file, "", tooLarge("over " + maxBytes + " bytes", maxBytes), null);
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SpecException(file, "", "is not UTF-8 text: " + e, e);
        } catch (IOException e) {
            throw new SpecException(file, "", "cannot be read: " + e.getMessage(), e);
        }
    }

    private static String tooLarge(String size, int max) {
        return "is " + size + ", larger than the limit of " + max + " (" + (max >> 20) + " MiB); nothing of it was read."
                + " Split it, or check that it is the file you meant";
    }

    /** The root node of a text, after the size limit and the {@link #scan}. */
    static SpecNode parse(String text, String source, ObjectMapper mapper, String format) {
        return parse(text, source, mapper, format, MAX_SIZE);
    }

    static SpecNode parse(String text, String source, ObjectMapper mapper, String format, int maxSize) {
        if (text == null) {
            throw new SpecException(source, "is null; pass the " + format + " text");
        }
        if (text.length() > maxSize) {
            throw new SpecException(source, tooLarge(text.length() + " characters", maxSize));
        }
        try {
            scan(text, source, mapper);
            JsonNode root = mapper.readTree(text);
            return new SpecNode(root == null ? mapper.missingNode() : root, source);
        } catch (SpecException e) {
            throw e;
        } catch (JacksonException e) {
            throw new SpecException(source, "is not valid " + format + where(e) + ": " + e.getOriginalMessage(), e);
        } catch (RuntimeException e) {
            // The YAML engine's own exceptions, should one not be wrapped by Jackson.
            throw new SpecException(source, "is not valid " + format + ": " + e.getMessage(), e);
        }
    }

    private static String where(JacksonException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /**
     * One streaming pass over the tokens before any tree is built: refuses nesting deeper than
     * {@link #MAX_DEPTH}, a key given twice in one mapping, YAML aliases and the anchors Jackson
     * reports (those on mappings and lists), and YAML's non-finite numbers, each with the field path
     * where it occurs. Jackson's own duplicate detection names no path and is not
     * applied to trees read from YAML, which is why this is done here.
     */
    private static void scan(String text, String source, ObjectMapper mapper) {
        try (JsonParser parser = mapper.createParser(text)) {
            Deque<Set<String>> open = new ArrayDeque<>();
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (parser instanceof YAMLParser yaml) {
                    if (yaml.isCurrentAlias()) {
                        throw new SpecException(pathOf(source, parser.streamReadContext()), "is a YAML alias (*" + parser.getString()
                                + "); anchors and aliases are not supported, write the value out where it is used");
                    }
                    if (yaml.getObjectId() != null) {
                        throw new SpecException(pathOf(source, parser.streamReadContext()), "has a YAML anchor (&" + yaml.getObjectId()
                                + "); anchors and aliases are not supported, write the value out where it is used");
                    }
                }
                switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        if (open.size() >= MAX_DEPTH) {
                            throw new SpecException(pathOf(source, parser.streamReadContext().getParent()), "nests mappings and"
                                    + " lists deeper than " + MAX_DEPTH + " levels, the limit of a specification");
                        }
                        open.push(token == JsonToken.START_OBJECT ? new HashSet<>() : LIST);
                    }
                    case END_OBJECT, END_ARRAY -> open.pop();
                    case VALUE_NUMBER_FLOAT -> {
                        // YAML's .nan and .inf: Jackson would fail on them later, without the path.
                        if (!DECIMAL.matcher(parser.getString().trim()).matches()) {
                            throw new SpecException(pathOf(source, parser.streamReadContext()), "'" + parser.getString()
                                    + "' is not a finite number; write a decimal number such as 0.05");
                        }
                    }
                    case PROPERTY_NAME -> {
                        if (!open.peek().add(parser.currentName())) {
                            throw new SpecException(pathOf(source, parser.streamReadContext()), "is given twice in the same mapping;"
                                    + " each key may appear once (otherwise the last one would silently win)");
                        }
                    }
                    default -> {
                        // values need no check here; their readers check them
                    }
                }
            }
        }
    }

    /** The field path of a parser position, in the form the readers use: {@code <source>.releases[0].name}. */
    private static String pathOf(String source, TokenStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.currentName() != null) {
                path.insert(0, "." + c.currentName());
            } else if (c.inArray() && c.hasCurrentIndex()) {
                path.insert(0, "[" + c.getCurrentIndex() + "]");
            }
        }
        return source.isEmpty() && path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : source + path;
    }

    /** The tree of this node, for readers in this package that bind it to a type. */
    JsonNode tree() {
        return node;
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

    /** @return this value as a number; {@code "30%"} is 0.30; only finite decimal numbers are taken */
    public double asNumber() {
        if (node.isMissingNode() || node.isNull()) {
            throw new SpecException(path, "is required: a number");
        }
        if (node.isNumber()) {
            // Through Number: a BigInteger past double's range becomes Infinity instead of Jackson's own exception.
            double value = node.numberValue().doubleValue();
            if (!Double.isFinite(value)) {
                throw new SpecException(path, "must be a finite number, but was " + describe(node));
            }
            return value;
        }
        if (node.isString()) {
            String text = node.asString().trim();
            boolean percent = text.endsWith("%");
            String digits = percent ? text.substring(0, text.length() - 1).trim() : text;
            if (!DECIMAL.matcher(digits).matches()) {
                throw new SpecException(path, quote(text) + " is not a number; write a decimal number such as 0.05 or 5%"
                        + " (NaN, Infinity and hexadecimal are not taken)");
            }
            double value = Double.parseDouble(digits) / (percent ? 100.0 : 1.0);
            if (!Double.isFinite(value)) {
                throw new SpecException(path, quote(text) + " is too large for a number");
            }
            return value;
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
            if (!child.node.canConvertToLong()) {
                throw new SpecException(child.path, "is " + child.node.asString() + ", out of range: a whole number here must be"
                        + " between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
            }
            return child.node.longValue();
        }
        double value = child.asNumber();
        if (value != Math.rint(value) || Math.abs(value) > Long.MAX_VALUE / 2.0) {
            throw new SpecException(child.path, "must be a whole number between " + Long.MIN_VALUE / 2 + " and "
                    + Long.MAX_VALUE / 2 + ", but was " + describe(child.node));
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
        if (node.isNumber() && node.numberValue().doubleValue() == 0) {
            return Duration.ZERO;
        }
        String text = node.isString() ? node.asString().trim() : node.toString();
        Matcher m = SIMPLE_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        Duration duration;
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            double millis = switch (m.group(2)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m", "min" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 86_400_000;
            };
            if (!(millis <= MAX_DURATION.toMillis())) {
                throw new SpecException(path, tooLong(text));
            }
            duration = Duration.ofMillis(Math.round(millis));
        } else {
            try {
                duration = Duration.parse(text);
            } catch (DateTimeParseException e) {
                // The JDK reports an amount past long's range as a NumberFormatException, a total past it as an ArithmeticException.
                boolean overflow = e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException;
                throw new SpecException(path, overflow ? tooLong(text)
                        : quote(text) + " is not a duration; write e.g. 500ms, 30s, 5m, 1h, 2d or PT5M");
            }
            if (duration.compareTo(MAX_DURATION) > 0 || duration.compareTo(MAX_DURATION.negated()) < 0) {
                throw new SpecException(path, tooLong(text));
            }
        }
        return duration;
    }

    private static String tooLong(String text) {
        return quote(text) + " is longer than " + MAX_DURATION.toDays() + "d, the longest duration a specification may hold";
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
        throw new SpecException(path(field), quote(text) + " is not one of " + allowed);
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
                throw new SpecException(path(name), "is not a known field here" + Suggestions.didYouMean(name, read)
                        + "; known fields are " + read);
            }
        }
    }

    /**
     * Runs a check that throws (a builder's validation, usually an {@link IllegalArgumentException})
     * and turns what it throws into a {@link SpecException} with this node's path.
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
        } catch (RuntimeException e) {
            // Every refusal of a loaded value is a SpecException with the path, whatever the builder threw.
            throw new SpecException(path, e.getMessage() != null ? e.getMessage() : e.toString(), e);
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
        return quote(node.asString());
    }

    /** A value as an error message shows it: quoted, cut after {@value #QUOTED_LENGTH} characters so a huge value stays readable. */
    static String quote(String text) {
        return "'" + (text.length() <= QUOTED_LENGTH ? text : text.substring(0, QUOTED_LENGTH) + "…(" + text.length() + " characters)") + "'";
    }
}
