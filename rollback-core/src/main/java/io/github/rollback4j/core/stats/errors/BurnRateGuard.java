package io.github.rollback4j.core.stats.errors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A multi-window burn-rate guard against an availability SLO (Google SRE workbook, "Alerting on SLOs"):
 * <pre>{@code   burn rate = error rate / (1 − SLO)}</pre>
 * so a burn rate of 1 spends the error budget exactly over the SLO period, and 14.4 spends 2 % of a
 * 30-day budget in one hour. A {@link BurnRateRule} is breached when the burn rates of both its long and
 * its short window are above its factor (strictly); the guard is breached when any rule is. Defaults:
 * {@link BurnRateRule#SRE_DEFAULTS} (1 h &amp; 5 min above 14.4, 6 h &amp; 30 min above 6).
 *
 * <p>A pure function over window counts: the caller queries its telemetry for every window in
 * {@link #requiredWindows()} and passes the counts of the arm it guards (typically the candidate, in
 * absolute terms, not relative to the baseline). A window without requests has a NaN burn rate and never
 * breaches.
 *
 * <p>Immutable and thread-safe.
 */
public final class BurnRateGuard {

    private final double slo;
    private final List<BurnRateRule> rules;

    /**
     * @param slo   the availability objective, a fraction strictly between 0 and 1 (0.999 for 99.9 %)
     * @param rules the rules, at least one
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public BurnRateGuard(double slo, List<BurnRateRule> rules) {
        Args.probabilityOpen(slo, "BurnRateGuard", "slo");
        Objects.requireNonNull(rules, "BurnRateGuard: rules must not be null");
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("BurnRateGuard: rules must hold at least 1 rule, but was empty");
        }
        this.slo = slo;
        this.rules = List.copyOf(rules);
    }

    /**
     * @param slo the availability objective, strictly between 0 and 1
     * @return a guard with {@link BurnRateRule#SRE_DEFAULTS}
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static BurnRateGuard of(double slo) {
        return new BurnRateGuard(slo, BurnRateRule.SRE_DEFAULTS);
    }

    /** @return the availability objective */
    public double slo() {
        return slo;
    }

    /** @return the rules, unmodifiable */
    public List<BurnRateRule> rules() {
        return rules;
    }

    /** @return every window some rule reads, ascending, unmodifiable */
    public SortedSet<Duration> requiredWindows() {
        TreeSet<Duration> windows = new TreeSet<>();
        for (BurnRateRule rule : rules) {
            windows.add(rule.longWindow());
            windows.add(rule.shortWindow());
        }
        return Collections.unmodifiableSortedSet(windows);
    }

    /**
     * @param countsByWindow the counts of each window of {@link #requiredWindows()} (more are ignored)
     * @return each rule's burn rates and whether it is breached
     * @throws IllegalArgumentException if a required window is missing, naming it
     */
    public BurnRateResult evaluate(Map<Duration, WindowCounts> countsByWindow) {
        Objects.requireNonNull(countsByWindow, "BurnRateGuard.evaluate: countsByWindow must not be null");
        List<BurnRateResult.RuleResult> results = new ArrayList<>(rules.size());
        boolean breached = false;
        for (BurnRateRule rule : rules) {
            WindowCounts longCounts = required(countsByWindow, rule.longWindow());
            WindowCounts shortCounts = required(countsByWindow, rule.shortWindow());
            double longBurn = burnRate(longCounts, slo);
            double shortBurn = burnRate(shortCounts, slo);
            boolean ruleBreached = longBurn > rule.factor() && shortBurn > rule.factor();
            breached |= ruleBreached;
            results.add(new BurnRateResult.RuleResult(rule, longCounts, shortCounts, longBurn, shortBurn, ruleBreached));
        }
        return new BurnRateResult(slo, results, breached);
    }

    /**
     * @param counts errors and requests of a window
     * @param slo    the availability objective, strictly between 0 and 1
     * @return {@code errorRate / (1 − slo)}, at least 0; NaN without requests
     * @throws IllegalArgumentException naming the parameter, its value and its range
     */
    public static double burnRate(WindowCounts counts, double slo) {
        Objects.requireNonNull(counts, "BurnRateGuard.burnRate: counts must not be null");
        Args.probabilityOpen(slo, "BurnRateGuard.burnRate", "slo");
        return counts.errorRate() / (1.0 - slo);
    }

    private static WindowCounts required(Map<Duration, WindowCounts> countsByWindow, Duration window) {
        WindowCounts counts = countsByWindow.get(window);
        if (counts == null) {
            throw new IllegalArgumentException("BurnRateGuard.evaluate: countsByWindow must hold every window of "
                    + "requiredWindows(), but has none for " + window + " (it has " + countsByWindow.keySet() + ")");
        }
        return counts;
    }

    @Override
    public String toString() {
        return "BurnRateGuard{slo=" + slo + ", rules=" + rules + "}";
    }
}
