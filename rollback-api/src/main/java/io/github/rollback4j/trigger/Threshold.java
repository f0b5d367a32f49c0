package io.github.rollback4j.trigger;

/**
 * When a trigger's metric is breached: against a fixed value (an SLO) or against the baseline (the
 * last-known-good) in the same window.
 *
 * @param kind how the candidate's value is compared
 * @param value the number of the comparison: a value in the metric's unit for {@link Kind#ABOVE},
 *              {@link Kind#BELOW}, {@link Kind#INCREASE_BY}, {@link Kind#DROP_BY}; a fraction for
 *              {@link Kind#INCREASE} (0.30 for +30 %) and {@link Kind#DROP} (0.02 for −2 %)
 */
public record Threshold(Kind kind, double value) {

    /** How a candidate's value is compared. */
    public enum Kind {
        /** candidate &gt; value (an absolute SLO, e.g. error rate above 0.05, P95 above 250 ms). */
        ABOVE("above"),
        /** candidate &lt; value (an absolute floor, e.g. CTR below 0.02). */
        BELOW("below"),
        /** candidate &gt; (1 + value) × baseline (e.g. P95 +30 %). */
        INCREASE("increase"),
        /** candidate &lt; (1 − value) × baseline (e.g. conversion −2 %). */
        DROP("drop"),
        /** candidate &gt; baseline + value. */
        INCREASE_BY("increaseBy"),
        /** candidate &lt; baseline − value. */
        DROP_BY("dropBy");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** @return the key of this comparison in a trigger file, e.g. {@code increase} */
        public String key() {
            return key;
        }

        /** @return whether the comparison is against the baseline */
        public boolean relativeToBaseline() {
            return this != ABOVE && this != BELOW;
        }

        /** @return whether a breach is the candidate being higher */
        public boolean upward() {
            return this == ABOVE || this == INCREASE || this == INCREASE_BY;
        }
    }

    /**
     * @throws IllegalArgumentException when the value is not finite, negative for a relative kind, or 1 or more for a drop
     */
    public Threshold {
        if (kind == null) {
            throw new IllegalArgumentException("threshold kind must be one of above, below, increase, drop, increaseBy, dropBy");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(kind.key() + " must be a finite number, but was " + value);
        }
        if (kind != Kind.ABOVE && kind != Kind.BELOW && value < 0) {
            throw new IllegalArgumentException(kind.key() + " must be 0 or more (it is a change against the baseline), but was " + value);
        }
        if (kind == Kind.DROP && value >= 1) {
            throw new IllegalArgumentException("drop must be a fraction below 1 (0.02 for -2 %), but was " + value);
        }
    }

    /**
     * The value the candidate is compared with.
     *
     * @param baseline the baseline's value in the same window (ignored for absolute kinds)
     * @return the limit
     */
    public double limit(double baseline) {
        return switch (kind) {
            case ABOVE, BELOW -> value;
            case INCREASE -> (1 + value) * baseline;
            case DROP -> (1 - value) * baseline;
            case INCREASE_BY -> baseline + value;
            case DROP_BY -> baseline - value;
        };
    }

    /**
     * @param candidate the candidate's value
     * @param baseline the baseline's value (ignored for absolute kinds)
     * @return whether the candidate is beyond the limit
     */
    public boolean breached(double candidate, double baseline) {
        double limit = limit(baseline);
        return kind.upward() ? candidate > limit : candidate < limit;
    }

    /** @return e.g. {@code > 1.30 × baseline}, {@code > 0.05}, {@code < 0.98 × baseline} */
    public String describe() {
        return switch (kind) {
            case ABOVE -> "> " + value;
            case BELOW -> "< " + value;
            case INCREASE -> "> " + (1 + value) + " × baseline";
            case DROP -> "< " + (1 - value) + " × baseline";
            case INCREASE_BY -> "> baseline + " + value;
            case DROP_BY -> "< baseline - " + value;
        };
    }
}
