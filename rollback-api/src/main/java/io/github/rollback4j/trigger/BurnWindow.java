package io.github.rollback4j.trigger;

import java.time.Duration;
import java.util.Objects;

/**
 * One pair of windows of a burn-rate trigger: breached when both the long and the short window
 * burn the error budget faster than {@code factor} (e.g. 1 h and 5 min at 14.4: 2 % of a 30-day
 * budget in an hour).
 *
 * @param longWindow the long window, e.g. 1 h
 * @param shortWindow the short window, e.g. 5 min; shorter than the long one
 * @param factor the burn-rate factor, greater than 1
 */
public record BurnWindow(Duration longWindow, Duration shortWindow, double factor) {

    /** @throws IllegalArgumentException when a window is not positive, the short is not shorter, or the factor is not above 1 */
    public BurnWindow {
        Objects.requireNonNull(longWindow, "metric.windows[].long must be set, e.g. 1h");
        Objects.requireNonNull(shortWindow, "metric.windows[].short must be set, e.g. 5m");
        if (shortWindow.isNegative() || shortWindow.isZero() || shortWindow.compareTo(longWindow) >= 0) {
            throw new IllegalArgumentException("metric.windows[].short must be longer than 0 and shorter than long (" + longWindow
                    + "), but was " + shortWindow);
        }
        if (!(factor > 1.0 && factor <= 10_000)) {
            throw new IllegalArgumentException("metric.windows[].factor must be greater than 1 and at most 10000, but was " + factor);
        }
    }
}
