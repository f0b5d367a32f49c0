package io.github.rollback4j.core.stats.errors;

/** Argument checks shared by this package: each message names the method, the parameter, the value and the range. */
final class Args {

    private Args() {
    }

    static double probabilityOpen(double value, String method, String name) {
        if (!(value > 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(method + ": " + name + " must be strictly between 0.0 and 1.0, but was " + value);
        }
        return value;
    }

    static long nonNegative(long value, String method, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(method + ": " + name + " must be at least 0, but was " + value);
        }
        return value;
    }

    static void atMost(long errors, long requests, String method, String errorsName, String requestsName) {
        nonNegative(errors, method, errorsName);
        nonNegative(requests, method, requestsName);
        if (errors > requests) {
            throw new IllegalArgumentException(method + ": " + errorsName + " must be between 0 and " + requestsName + " ("
                    + requests + "), but was " + errors);
        }
    }
}
