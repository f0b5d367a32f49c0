package io.github.rollback4j.core.incident;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook and chat URLs as logs, descriptions and runbooks show them: scheme, host and port only.
 * Incoming-webhook URLs carry their secret in the path ({@code https://hooks.slack.com/services/T0/B0/XXXX}),
 * the query ({@code ?token=...}) or the user info ({@code https://user:password@host/}), so everything
 * but the scheme, host and port is replaced by {@value #MASK}:
 * {@code https://hooks.slack.com/services/T0/B0/XXXX} becomes {@code https://hooks.slack.com/****}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MaskedUrls {

    /** What stands for the hidden part of a URL. */
    public static final String MASK = "****";

    /**
     * scheme://[userinfo@]host[:port][rest]; the user info runs to the last '@' before the path (a password
     * may hold '@'), the rest to the next white space, quote or bracket.
     */
    private static final Pattern URL = Pattern.compile(
            "\\b([a-zA-Z][a-zA-Z0-9+.-]*)://(?:[^\\s/?#\"'<>{}\\[\\]]*@)?([^\\s/?#@:\"'<>{}\\[\\]]+)(:\\d+)?([^\\s\"'<>{}\\[\\]]*)");

    private MaskedUrls() {
    }

    /**
     * @param url a URL
     * @return {@code scheme://host[:port]}, followed by {@code /****} when the URL had user info, a path,
     *         a query or a fragment
     */
    public static String of(URI url) {
        if (url == null) {
            return "null";
        }
        if (url.getScheme() == null || url.getHost() == null) {
            return MASK; // not a URL with a host: nothing of it is safe to show
        }
        boolean hidden = url.getRawUserInfo() != null || (url.getRawPath() != null && !url.getRawPath().isEmpty()
                && !url.getRawPath().equals("/")) || url.getRawQuery() != null || url.getRawFragment() != null;
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + (hidden ? "/" + MASK : "");
    }

    /**
     * Masks every URL in a text, e.g. an exception message or a notifier's description.
     *
     * @param text any text, or {@code null}
     * @return the text with each {@code scheme://...} masked as {@link #of(URI)} does; {@code null} for {@code null}
     */
    public static String in(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String rest = m.group(4);
            int end = rest.length();
            while (end > 0 && ".,;:!?)".indexOf(rest.charAt(end - 1)) >= 0) {
                end--; // punctuation after a URL belongs to the sentence
            }
            String trailing = rest.substring(end);
            rest = rest.substring(0, end);
            boolean hidden = m.group(0).indexOf('@') >= 0 || (!rest.isEmpty() && !rest.equals("/"));
            String masked = m.group(1) + "://" + m.group(2) + (m.group(3) == null ? "" : m.group(3)) + (hidden ? "/" + MASK : "")
                    + trailing;
            m.appendReplacement(out, Matcher.quoteReplacement(masked));
        }
        m.appendTail(out);
        return out.toString();
    }
}
