package io.github.rollback4j.core.stats.classic;

import java.util.Objects;

/** Argument checks shared by this package: each message names the method, the parameter, the value and the range. */
final class Args {

    private Args() {
    }

    static double[] finiteSample(double[] values, int minLength, String method, String name) {
        Objects.requireNonNull(values, method + ": " + name + " must not be null");
        if (values.length < minLength) {
            throw new IllegalArgumentException(method + ": " + name + " must hold at least " + minLength
                    + " values, but held " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(method + ": " + name + "[" + i + "] must be finite, but was " + values[i]);
            }
        }
        return values;
    }

    static void successes(long successes, long trials, String method, String successesName, String trialsName) {
        if (trials < 1) {
            throw new IllegalArgumentException(method + ": " + trialsName + " must be at least 1, but was " + trials);
        }
        if (successes < 0 || successes > trials) {
            throw new IllegalArgumentException(method + ": " + successesName + " must be between 0 and " + trialsName + " ("
                    + trials + "), but was " + successes);
        }
    }
}
