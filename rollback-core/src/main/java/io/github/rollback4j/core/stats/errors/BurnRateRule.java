package io.github.rollback4j.core.stats.errors;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One multi-window burn-rate alert: breached when the burn rate over both the long and the short window
 * is above the factor. The long window makes the alert significant (a sustained burn), the short one
 * makes it reset quickly once the errors stop.
 *
 * <p>The constructor refuses bad components with an {@code IllegalArgumentException} naming the
 * component, its value and its allowed range.
 *
 * <p>Immutable and thread-safe.
 *
 * @param longWindow  the long window, longer than {@code shortWindow}
 * @param shortWindow the short window, positive
 * @param factor      the burn rate above which both windows must be, positive and finite (14.4 spends
 *                    2 % of a 30-day error budget in one hour)
 */
public record BurnRateRule(Duration longWindow, Duration shortWindow, double factor) {

    /** The Google SRE workbook's fast page: 1 h and 5 min above 14.4 (2 % of a 30-day budget in 1 h). */
    public static final BurnRateRule FAST_PAGE = new BurnRateRule(Duration.ofHours(1), Duration.ofMinutes(5), 14.4);
    /** The Google SRE workbook's slow page: 6 h and 30 min above 6 (5 % of a 30-day budget in 6 h). */
    public static final BurnRateRule SLOW_PAGE = new BurnRateRule(Duration.ofHours(6), Duration.ofMinutes(30), 6.0);
    /** The Google SRE workbook's ticket: 3 days and 6 h above 1 (10 % of a 30-day budget in 3 days); not a default. */
    public static final BurnRateRule TICKET = new BurnRateRule(Duration.ofDays(3), Duration.ofHours(6), 1.0);
    /** The default rules: {@link #FAST_PAGE} and {@link #SLOW_PAGE}. */
    public static final List<BurnRateRule> SRE_DEFAULTS = List.of(FAST_PAGE, SLOW_PAGE);

    /**
     * Validates every component.
     *
     * @param longWindow  the long window, longer than {@code shortWindow}
     * @param shortWindow the short window, positive
     * @param factor      the burn rate above which both windows must be, positive and finite (14.4 spends 2 % of a
     *                    30-day error budget in one hour)
     * @throws IllegalArgumentException naming the component, its value and its allowed range
     */
    public BurnRateRule {
        Objects.requireNonNull(longWindow, "BurnRateRule: longWindow must not be null");
        Objects.requireNonNull(shortWindow, "BurnRateRule: shortWindow must not be null");
        if (shortWindow.isNegative() || shortWindow.isZero()) {
            throw new IllegalArgumentException("BurnRateRule: shortWindow must be positive, but was " + shortWindow);
        }
        if (longWindow.compareTo(shortWindow) <= 0) {
            throw new IllegalArgumentException("BurnRateRule: longWindow must be longer than shortWindow (" + shortWindow
                    + "), but was " + longWindow);
        }
        if (!(factor > 0.0 && factor < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("BurnRateRule: factor must be positive and finite, but was " + factor);
        }
    }
}
