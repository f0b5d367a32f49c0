package io.github.rollback4j.core.stats.classic;

import java.util.Objects;

/**
 * The pooled two-proportion z-test: is the first proportion (the candidate's conversion, click or error
 * rate) different from, greater or less than the second?
 * <pre>{@code   p̂ = (x1 + x2) / (n1 + n2),   z = (x1/n1 − x2/n2) / sqrt(p̂(1 − p̂)(1/n1 + 1/n2))}</pre>
 * and the normal p-value. The two-sided test is the same as Pearson's chi-square test of the 2×2 table
 * without Yates' correction ({@code z² = χ²}). A fixed-horizon test: looking at it repeatedly inflates
 * false positives; the triggers use the sequential tests for continuous monitoring. Valid when every
 * cell of the table is large enough for the normal approximation (say at least 5 expected successes and
 * failures per arm).
 *
 * <p>Stateless and thread-safe.
 */
public final class TwoProportionZTest {

    private TwoProportionZTest() {
    }

    /**
     * @param successes1 successes of the first arm, {@code 0..trials1}
     * @param trials1    trials of the first arm, at least 1
     * @param successes2 successes of the second arm, {@code 0..trials2}
     * @param trials2    trials of the second arm, at least 1
     * @param alternative the alternative hypothesis about the first proportion
     * @return the result; when every trial succeeded or every trial failed in both arms (no variance) the
     *     statistic is 0 and the p-value 1
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static ZTestResult test(long successes1, long trials1, long successes2, long trials2, Alternative alternative) {
        String method = "TwoProportionZTest.test";
        Args.successes(successes1, trials1, method, "successes1", "trials1");
        Args.successes(successes2, trials2, method, "successes2", "trials2");
        Objects.requireNonNull(alternative, method + ": alternative must not be null");
        double n1 = trials1;
        double n2 = trials2;
        double p1 = successes1 / n1;
        double p2 = successes2 / n2;
        double pooled = ((double) successes1 + successes2) / (n1 + n2);
        double standardError = Math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (!(standardError > 0.0)) {
            return new ZTestResult(p1, p2, p1 - p2, pooled, 0.0, 0.0, 1.0, alternative);
        }
        double z = (p1 - p2) / standardError;
        return new ZTestResult(p1, p2, p1 - p2, pooled, standardError, z, Tails.normalPValue(z, alternative), alternative);
    }
}
