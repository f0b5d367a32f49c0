package io.github.rollback4j.core.stats.errors;

import java.util.List;

/**
 * What {@link BurnRateGuard#evaluate(java.util.Map)} found.
 *
 * <p>Immutable and thread-safe.
 *
 * @param slo      the availability objective
 * @param rules    one result per rule, in the guard's order, unmodifiable
 * @param breached whether any rule is breached
 */
public record BurnRateResult(double slo, List<RuleResult> rules, boolean breached) {

    /**
     * @param slo      the availability objective
     * @param rules    one result per rule
     * @param breached whether any rule is breached
     */
    public BurnRateResult {
        rules = List.copyOf(rules);
    }

    /**
     * One rule's evidence.
     *
     * @param rule          the rule
     * @param longCounts    the counts of its long window
     * @param shortCounts   the counts of its short window
     * @param longBurnRate  the burn rate of the long window, NaN without requests
     * @param shortBurnRate the burn rate of the short window, NaN without requests
     * @param breached      whether both burn rates are above the rule's factor
     */
    public record RuleResult(BurnRateRule rule, WindowCounts longCounts, WindowCounts shortCounts, double longBurnRate,
                             double shortBurnRate, boolean breached) {
    }
}
