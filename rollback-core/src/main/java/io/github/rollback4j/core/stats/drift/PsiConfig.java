package io.github.rollback4j.core.stats.drift;

import java.util.Objects;

/**
 * The settings of {@link Psi}.
 *
 * <p>The constructor refuses bad components with an {@code IllegalArgumentException} naming the
 * component, its value and its allowed range.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bins       the number of reference-quantile bins, {@value #MIN_BINS}..{@value #MAX_BINS} (default 10: deciles)
 * @param epsilon    the least share a bin counts with: {@code max(share, epsilon)} replaces each share, so
 *                   that a bin empty in one distribution adds a large but finite term; strictly between 0 and {@value #MAX_EPSILON}
 *                   (default {@value #DEFAULT_EPSILON})
 * @param thresholds warn and act thresholds (default {@link DriftThresholds#PSI_DEFAULT}: 0.1 and 0.25)
 */
public record PsiConfig(int bins, double epsilon, DriftThresholds thresholds) {

    /** Default number of bins: 10 (reference deciles). */
    public static final int DEFAULT_BINS = 10;
    /** Fewest bins: 2. */
    public static final int MIN_BINS = 2;
    /** Most bins: 100. */
    public static final int MAX_BINS = 100;
    /** Default share of an empty bin: 1e-4. */
    public static final double DEFAULT_EPSILON = 1e-4;
    /** Largest epsilon: 0.01. */
    public static final double MAX_EPSILON = 0.01;

    /**
     * Validates every component.
     *
     * @param bins       the number of reference-quantile bins, {@value #MIN_BINS}..{@value #MAX_BINS} (default 10:
     *                   deciles)
     * @param epsilon    the least share a bin counts with: {@code max(share, epsilon)} replaces each share, so that a
     *                   bin empty in one distribution adds a large but finite term; strictly between 0 and
     *                   {@value #MAX_EPSILON} (default {@value #DEFAULT_EPSILON})
     * @param thresholds warn and act thresholds (default {@link DriftThresholds#PSI_DEFAULT}: 0.1 and 0.25)
     * @throws IllegalArgumentException naming the component, its value and its allowed range
     */
    public PsiConfig {
        checkBins(bins, "PsiConfig");
        if (!(epsilon > 0.0 && epsilon < MAX_EPSILON)) {
            throw new IllegalArgumentException("PsiConfig: epsilon must be strictly between 0.0 and " + MAX_EPSILON
                    + ", but was " + epsilon);
        }
        Objects.requireNonNull(thresholds, "PsiConfig: thresholds must not be null");
    }

    /** @return 10 bins, epsilon 1e-4, thresholds 0.1 / 0.25 */
    public static PsiConfig defaults() {
        return new PsiConfig(DEFAULT_BINS, DEFAULT_EPSILON, DriftThresholds.PSI_DEFAULT);
    }

    static void checkBins(int bins, String method) {
        if (bins < MIN_BINS || bins > MAX_BINS) {
            throw new IllegalArgumentException(method + ": bins must be between " + MIN_BINS + " and " + MAX_BINS + ", but was "
                    + bins);
        }
    }
}
