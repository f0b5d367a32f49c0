package io.github.rollback4j.core.guard;

import io.github.rollback4j.trigger.Threshold;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How verdicts say what they compared: the same words for the same values, in any locale. Every verdict's
 * note is a sentence that names what was compared, the threshold, and why the verdict is what it is, e.g.
 * {@code error rate of the candidate 1.55 % is below the threshold 5 % (baseline 0 %)}.
 */
final class Texts {

    /** Four significant digits: enough to read a rate, a latency or a p-value, short enough for a timeline. */
    private static final MathContext DIGITS = new MathContext(4);

    /** The unit a value is written in. */
    enum Unit {
        /** a fraction written as a percentage: 0.0155 as {@code 1.55 %} */
        PERCENT,
        /** milliseconds: {@code 142 ms} */
        MILLIS,
        /** a plain number */
        NUMBER
    }

    private Texts() {
    }

    /** e.g. {@code 0.0155}, {@code 142}, {@code n/a} for NaN; never an exponent or a locale's decimal comma. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        BigDecimal rounded = BigDecimal.valueOf(value).round(DIGITS).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }

    /** A fraction as a percentage: 0.05 as {@code 5 %}. */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : number(fraction * 100) + " %";
    }

    /** An effect in a threshold's units: a percentage for a relative one, a number for an absolute one. */
    static String effect(double value, boolean relative) {
        return relative ? percent(value) : number(value);
    }

    static String value(double value, Unit unit) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return switch (unit) {
            case PERCENT -> percent(value);
            case MILLIS -> number(value) + " ms";
            case NUMBER -> number(value);
        };
    }

    /** e.g. {@code 5 min}, {@code 1 h 30 min}, {@code 45 s}. */
    static String duration(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return "0 s";
        }
        List<String> parts = new ArrayList<>();
        if (d.toDaysPart() > 0) {
            parts.add(d.toDaysPart() + " d");
        }
        if (d.toHoursPart() > 0) {
            parts.add(d.toHoursPart() + " h");
        }
        if (d.toMinutesPart() > 0) {
            parts.add(d.toMinutesPart() + " min");
        }
        if (d.toSecondsPart() > 0 || parts.isEmpty()) {
            parts.add(d.toSecondsPart() > 0 || d.toMillisPart() == 0 ? d.toSecondsPart() + " s" : d.toMillisPart() + " ms");
        }
        return String.join(" ", parts);
    }

    /**
     * The comparison of the candidate's value with the threshold, in words: what was compared, the threshold,
     * the baseline, and whether it is breached.
     *
     * @param what what was measured, e.g. {@code error rate}
     * @param unit how its values are written
     * @param candidate the candidate's value
     * @param baseline the baseline's value (NaN when there is none)
     * @param threshold the threshold
     * @param breached whether the threshold is breached
     * @return e.g. {@code error rate of the candidate 1.55 % is below the threshold 5 % (baseline 0 %)}
     */
    static String comparison(String what, Unit unit, double candidate, double baseline, Threshold threshold,
                             boolean breached) {
        String c = what + " of the candidate " + value(candidate, unit);
        double v = threshold.value();
        double limit = threshold.limit(baseline);
        String base = value(baseline, unit);
        String limitText = " (limit " + value(limit, unit) + ")";
        String change = unit == Unit.PERCENT ? (relativeUnit(threshold) ? percent(v) : points(v)) : value(v, unit);
        return switch (threshold.kind()) {
            case ABOVE -> c + (breached ? " is above the threshold " : candidate == v ? " is at the threshold, not above, "
                    : " is below the threshold ") + value(v, unit) + (Double.isNaN(baseline) ? "" : " (baseline " + base + ")");
            case BELOW -> c + (breached ? " is below the floor " : candidate == v ? " is at the floor, not below, "
                    : " is above the floor ") + value(v, unit) + (Double.isNaN(baseline) ? "" : " (baseline " + base + ")");
            case INCREASE -> c + (breached ? " is more than " : " is not more than ") + percent(v) + " above the baseline "
                    + base + limitText;
            case INCREASE_BY -> c + (breached ? " exceeds the baseline " + base + " by more than "
                    : " does not exceed the baseline " + base + " by more than ") + change + limitText;
            case DROP -> c + (breached ? " is more than " : " is not more than ") + percent(v) + " below the baseline "
                    + base + limitText;
            case DROP_BY -> c + (breached ? " is below the baseline " + base + " by more than "
                    : " is not below the baseline " + base + " by more than ") + change + limitText;
        };
    }

    /**
     * A threshold in words, e.g. {@code the threshold 5 %}, {@code 30 % above the baseline},
     * {@code the baseline + 20 ms}.
     */
    static String threshold(Threshold threshold, Unit unit) {
        double v = threshold.value();
        String change = unit == Unit.PERCENT ? points(v) : value(v, unit);
        return switch (threshold.kind()) {
            case ABOVE -> "the threshold " + value(v, unit);
            case BELOW -> "the floor " + value(v, unit);
            case INCREASE -> percent(v) + " above the baseline";
            case INCREASE_BY -> "the baseline + " + change;
            case DROP -> percent(v) + " below the baseline";
            case DROP_BY -> "the baseline − " + change;
        };
    }

    private static boolean relativeUnit(Threshold threshold) {
        return threshold.kind() == Threshold.Kind.INCREASE || threshold.kind() == Threshold.Kind.DROP;
    }

    /** An absolute change of a rate: 0.01 as {@code 1 percentage point}. */
    private static String points(double fraction) {
        String n = number(fraction * 100);
        return n + (n.equals("1") ? " percentage point" : " percentage points");
    }
}
