package io.github.rollback4j.core.stats.drift;

import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.telemetry.FieldProfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The population stability index of a numeric field (or of the prediction score) against its reference:
 * <pre>{@code   PSI = Σ_i (c_i − r_i) · ln(c_i / r_i)}</pre>
 * over {@code bins} (default 10) bins whose edges are the reference's lower nearest-rank quantiles at
 * {@code 1/bins, …, (bins−1)/bins} (the deciles: the value at 1-based rank {@code ceil(j·n/bins)} of the
 * sorted reference, computed in exact integer arithmetic, {@code numpy.quantile(method='inverted_cdf')}).
 * Bins are closed on the right: {@code (−∞, e1], (e1, e2], …, (e9, +∞)}; edges that coincide (a value
 * holding more than a tenth of the reference) are merged, leaving fewer bins. {@code r_i} and
 * {@code c_i} are the shares of the reference and the current values in bin {@code i}; a share below
 * {@code epsilon} (default 1e-4), an empty bin's 0 in particular, is raised to {@code epsilon} in both
 * factors ({@code max(share, epsilon)}, without renormalising), so a bin that is empty in one distribution
 * adds a large but finite term (with 1e-4, a current bin share of 0.1 against an empty
 * reference bin adds {@code 0.1 · ln(1000) = 0.69}).
 *
 * <p>Levels: warn at 0.1, act at 0.25 by default ({@link DriftThresholds#PSI_DEFAULT}); the usual reading is
 * "below 0.1 stable, 0.1..0.25 some shift, above 0.25 a major shift".
 *
 * <p>Histograms ({@link ValueSnapshot}, {@link ReferenceProfile}) are their bucket representatives with
 * their counts: the result is exactly that of the samples with every value replaced by its bucket's
 * representative (within the layout's relative accuracy of the value, 2 % by default). Two histograms
 * are binned by value, so their layouts need not be the same.
 *
 * <p>Stateless and thread-safe. Cost: {@code O(distinct values + bins)} after sorting samples.
 */
public final class Psi {

    private Psi() {
    }

    /**
     * @param reference the reference values, finite
     * @param current   the current values, finite
     * @return the PSI with {@link PsiConfig#defaults()}
     * @throws IllegalArgumentException if a value is not finite, naming it
     */
    public static PsiResult compute(double[] reference, double[] current) {
        return compute(reference, current, PsiConfig.defaults());
    }

    /**
     * @param reference the reference values, finite
     * @param current   the current values, finite
     * @param config    the settings
     * @return the PSI; NaN and {@link DriftLevel#INCONCLUSIVE} when either is empty
     * @throws IllegalArgumentException if a value is not finite, naming it
     */
    public static PsiResult compute(double[] reference, double[] current, PsiConfig config) {
        return compute(WeightedValues.ofSamples(reference, "Psi.compute", "reference"),
                WeightedValues.ofSamples(current, "Psi.compute", "current"), config);
    }

    /**
     * @param reference the reference histogram
     * @param current   the current histogram
     * @return the PSI with {@link PsiConfig#defaults()}
     */
    public static PsiResult compute(ValueSnapshot reference, ValueSnapshot current) {
        return compute(reference, current, PsiConfig.defaults());
    }

    /**
     * @param reference the reference histogram
     * @param current   the current histogram
     * @param config    the settings
     * @return the PSI; NaN and {@link DriftLevel#INCONCLUSIVE} when either is empty
     */
    public static PsiResult compute(ValueSnapshot reference, ValueSnapshot current, PsiConfig config) {
        return compute(WeightedValues.ofSnapshot(reference, "Psi.compute", "reference"),
                WeightedValues.ofSnapshot(current, "Psi.compute", "current"), config);
    }

    /**
     * @param reference a numeric reference profile
     * @param current   the current histogram
     * @return the PSI with {@link PsiConfig#defaults()}
     * @throws IllegalArgumentException if the profile is categorical
     */
    public static PsiResult compute(ReferenceProfile reference, ValueSnapshot current) {
        return compute(reference, current, PsiConfig.defaults());
    }

    /**
     * @param reference a numeric reference profile
     * @param current   the current histogram
     * @param config    the settings
     * @return the PSI; NaN and {@link DriftLevel#INCONCLUSIVE} when either is empty
     * @throws IllegalArgumentException if the profile is categorical
     */
    public static PsiResult compute(ReferenceProfile reference, ValueSnapshot current, PsiConfig config) {
        return compute(numericProfile(reference, "Psi.compute"), WeightedValues.ofSnapshot(current, "Psi.compute", "current"),
                config);
    }

    static WeightedValues numericProfile(ReferenceProfile reference, String method) {
        Objects.requireNonNull(reference, method + ": reference must not be null");
        if (reference.kind() != FieldProfile.Kind.NUMERIC) {
            throw new IllegalArgumentException(method + ": reference must be a NUMERIC profile, but " + reference.field()
                    + " is " + reference.kind());
        }
        return WeightedValues.ofProfile(reference);
    }

    private static PsiResult compute(WeightedValues reference, WeightedValues current, PsiConfig config) {
        Objects.requireNonNull(config, "Psi.compute: config must not be null");
        if (reference.isEmpty() || current.isEmpty()) {
            return new PsiResult(Double.NaN, List.of(), List.of(), List.of(), reference.total, current.total,
                    config.epsilon(), DriftLevel.INCONCLUSIVE);
        }
        double[] edges = reference.quantileEdges(config.bins());
        long[] referenceBins = reference.binCounts(edges);
        long[] currentBins = current.binCounts(edges);
        double eps = config.epsilon();
        double psi = 0.0;
        List<Double> referenceShares = new ArrayList<>(referenceBins.length);
        List<Double> currentShares = new ArrayList<>(referenceBins.length);
        for (int i = 0; i < referenceBins.length; i++) {
            double r = (double) referenceBins[i] / reference.total;
            double c = (double) currentBins[i] / current.total;
            referenceShares.add(r);
            currentShares.add(c);
            double re = Math.max(r, eps);
            double ce = Math.max(c, eps);
            psi += (ce - re) * Math.log(ce / re);
        }
        List<Double> edgeList = new ArrayList<>(edges.length);
        for (double e : edges) {
            edgeList.add(e);
        }
        return new PsiResult(psi, edgeList, referenceShares, currentShares, reference.total, current.total, eps,
                config.thresholds().level(psi));
    }
}
