package io.github.rollback4j.core;

/**
 * Sizes the race and fuzz tests: the suite runs them for seconds (CI), {@code -Drollback4j.test.scale=N}
 * multiplies their rounds and iterations by N for a long run (see docs/testing.md, "Running the long tests").
 */
public final class TestScale {

    /** The system property that multiplies rounds and iterations; default 1. */
    public static final String PROPERTY = "rollback4j.test.scale";

    private TestScale() {
    }

    /**
     * @param ciRounds the rounds a CI run makes
     * @return {@code ciRounds} times the scale
     */
    public static int rounds(int ciRounds) {
        String value = System.getProperty(PROPERTY, "1");
        int scale;
        try {
            scale = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a whole number of at least 1, but was '" + value + "'");
        }
        if (scale < 1) {
            throw new IllegalArgumentException(PROPERTY + " must be at least 1, but was " + scale);
        }
        return Math.multiplyExact(ciRounds, scale);
    }
}
