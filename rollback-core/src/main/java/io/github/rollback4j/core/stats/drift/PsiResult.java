package io.github.rollback4j.core.stats.drift;

import java.util.List;

/**
 * What {@link Psi} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param psi             the population stability index, at least 0 (natural logarithm); NaN when a
 *                        distribution is empty
 * @param edges           the bin edges, the reference's quantiles without duplicates, ascending, in the
 *                        field's unit; bins are {@code (−∞, e1], (e1, e2], …, (e_last, +∞)}
 * @param referenceShares the share of the reference in each bin, before epsilon ({@code edges.size() + 1} of them)
 * @param currentShares   the share of the current distribution in each bin, before epsilon
 * @param referenceCount  the reference's values
 * @param currentCount    the current distribution's values
 * @param epsilon         the share that replaced empty bins' shares
 * @param level           the level against the thresholds
 */
public record PsiResult(double psi, List<Double> edges, List<Double> referenceShares, List<Double> currentShares,
                        long referenceCount, long currentCount, double epsilon, DriftLevel level) {

    /**
     * Copies the lists.
     *
     * @param psi             the population stability index, at least 0 (natural logarithm); NaN when a distribution
     *                        is empty
     * @param edges           the bin edges, the reference's quantiles without duplicates, ascending, in the field's
     *                        unit; bins are {@code (−∞, e1], (e1, e2], …, (e_last, +∞)}
     * @param referenceShares the share of the reference in each bin, before epsilon ({@code edges.size() + 1} of them)
     * @param currentShares   the share of the current distribution in each bin, before epsilon
     * @param referenceCount  the reference's values
     * @param currentCount    the current distribution's values
     * @param epsilon         the share that replaced empty bins' shares
     * @param level           the level against the thresholds
     */
    public PsiResult {
        edges = List.copyOf(edges);
        referenceShares = List.copyOf(referenceShares);
        currentShares = List.copyOf(currentShares);
    }
}
