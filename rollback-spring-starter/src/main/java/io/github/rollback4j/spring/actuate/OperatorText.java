package io.github.rollback4j.spring.actuate;

/**
 * Text a caller of the rollouts endpoint sends (a reason, a router name in the URL) as the endpoint
 * stores, logs or echoes it: control and formatting characters (CR, LF, tab, NUL, bidirectional
 * overrides, zero-width characters, line and paragraph separators) become a single space, so a value
 * cannot forge log lines or hide text, and its length is bounded.
 *
 * <p>Stateless and thread-safe.
 */
final class OperatorText {

    /** Longest reason a write takes, in characters after cleaning. */
    static final int MAX_REASON_LENGTH = 1000;

    /** Longest echo of a caller's value (a router name) in an answer or a log line. */
    static final int MAX_ECHO_LENGTH = 100;

    private OperatorText() {
    }

    /**
     * @param text what the caller sent, or {@code null}
     * @return the text with every run of control or formatting characters replaced by one space, stripped;
     *         {@code null} for {@code null}
     */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REASON_LENGTH * 2));
        boolean gap = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isHidden(c)) {
                gap = true;
                continue;
            }
            if (gap && !out.isEmpty()) {
                out.append(' ');
            }
            gap = false;
            out.appendCodePoint(c);
        }
        return out.toString().strip();
    }

    /**
     * @param text a caller's value to show back (in an answer or a log line)
     * @return the cleaned text, cut after {@value #MAX_ECHO_LENGTH} characters
     */
    static String echo(String text) {
        String cleaned = clean(text);
        return cleaned == null || cleaned.length() <= MAX_ECHO_LENGTH ? cleaned : cleaned.substring(0, MAX_ECHO_LENGTH) + "…";
    }

    private static boolean isHidden(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                 Character.UNASSIGNED, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }
}
