package io.github.rollback4j.core.spec;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" for refused keys: the known key closest to a misspelt one by edit distance
 * (Damerau–Levenshtein, optimal string alignment, so {@code sustian} is one edit from
 * {@code sustain}). Written here because the comparison is a dozen lines and no dependency of the
 * core offers it.
 *
 * <p>Stateless and thread-safe.
 */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * @param unknown the key that was refused
     * @param known the keys allowed where it was found
     * @return the closest known key when it is near enough to be a likely misspelling (at most a
     *     third of the key's length in edits, at least one), or {@code null}
     */
    public static String closest(String unknown, Collection<String> known) {
        String target = normal(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(target, normal(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.max(1, target.length() / 3);
        return bestDistance <= allowed ? best : null;
    }

    /**
     * @param unknown the key that was refused
     * @param known the keys allowed where it was found
     * @return {@code "; did you mean 'x'?"} for the closest known key, or {@code ""} when none is close
     */
    public static String didYouMean(String unknown, Collection<String> known) {
        String closest = closest(unknown, known);
        return closest == null ? "" : "; did you mean '" + closest + "'?";
    }

    /** Spring's relaxed binding treats {@code max-segments}, {@code maxSegments} and {@code max_segments} alike. */
    private static String normal(String key) {
        return key.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
