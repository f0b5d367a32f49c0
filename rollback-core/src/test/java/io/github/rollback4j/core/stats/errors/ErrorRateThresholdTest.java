package io.github.rollback4j.core.stats.errors;

import io.github.rollback4j.core.stats.classic.FixtureTable;
import org.junit.jupiter.api.Test;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrorRateThresholdTest {

    @Test
    void boundsMatchScipy() {
        FixtureTable table = FixtureTable.load("errors-rate-bounds.tsv");
        for (FixtureTable.Row row : table.rows()) {
            long x = row.integer("x");
            long n = row.integer("n");
            double c = row.num("confidence");
            assertClose(ErrorRateThreshold.lowerBound(x, n, c, BoundMethod.CLOPPER_PEARSON), row.num("cpLower"), 1e-10, 1e-300,
                    row + " Clopper-Pearson lower");
            assertClose(ErrorRateThreshold.upperBound(x, n, c, BoundMethod.CLOPPER_PEARSON), row.num("cpUpper"), 1e-10, 0,
                    row + " Clopper-Pearson upper");
            assertClose(ErrorRateThreshold.lowerBound(x, n, c, BoundMethod.WILSON), row.num("wilsonLower"), 1e-9, 1e-15,
                    row + " Wilson lower");
            assertClose(ErrorRateThreshold.upperBound(x, n, c, BoundMethod.WILSON), row.num("wilsonUpper"), 1e-9, 1e-15,
                    row + " Wilson upper");
        }
    }

    @Test
    void decidesOnlyWithTheBound() {
        ErrorRateThreshold fivePercent = ErrorRateThreshold.of(0.05);
        RateThresholdResult few = fivePercent.evaluate(2, 20);
        assertThat(few.rate()).isEqualTo(0.1);
        assertThat(few.rateAbove()).isTrue();
        assertThat(few.verdict()).isEqualTo(RateThresholdResult.Verdict.UNDECIDED);
        assertThat(fivePercent.evaluate(100, 1000).verdict()).isEqualTo(RateThresholdResult.Verdict.ABOVE);
        assertThat(fivePercent.evaluate(30, 1000).verdict()).isEqualTo(RateThresholdResult.Verdict.BELOW);
        RateThresholdResult none = fivePercent.evaluate(0, 0);
        assertThat(none.rate()).isNaN();
        assertThat(none.lowerBound()).isZero();
        assertThat(none.upperBound()).isEqualTo(1.0);
        assertThat(none.verdict()).isEqualTo(RateThresholdResult.Verdict.UNDECIDED);
        RateThresholdResult wilson = new ErrorRateThreshold(0.05, 0.9, BoundMethod.WILSON).evaluate(70, 1000);
        assertThat(wilson.lowerBound()).isGreaterThan(0.05);
        assertThat(wilson.method()).isEqualTo(BoundMethod.WILSON);
    }

    @Test
    void requestsNeededToCallAnErrorFreeArmHealthy() {
        // docs/statistics.md: with no error, BELOW needs 59 requests against 5 % (Clopper-Pearson, 95 %), 52 with Wilson
        assertThat(firstBelow(ErrorRateThreshold.of(0.05))).isEqualTo(59);
        assertThat(firstBelow(ErrorRateThreshold.of(0.01))).isEqualTo(299);
        assertThat(firstBelow(new ErrorRateThreshold(0.05, 0.95, BoundMethod.WILSON))).isEqualTo(52);
        assertThat(firstBelow(new ErrorRateThreshold(0.01, 0.95, BoundMethod.WILSON))).isEqualTo(268);
    }

    private static long firstBelow(ErrorRateThreshold threshold) {
        long n = 1;
        while (threshold.evaluate(0, n).verdict() != RateThresholdResult.Verdict.BELOW) {
            n++;
        }
        return n;
    }

    @Test
    void refusesBadArgumentsNamingThem() {
        assertThatThrownBy(() -> ErrorRateThreshold.of(1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threshold").hasMessageContaining("1.0");
        assertThatThrownBy(() -> new ErrorRateThreshold(0.05, 0.4, BoundMethod.WILSON)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("confidence").hasMessageContaining("0.4");
        assertThatThrownBy(() -> ErrorRateThreshold.of(0.05).evaluate(5, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errors").hasMessageContaining("requests (4)");
        assertThatThrownBy(() -> ErrorRateThreshold.lowerBound(-1, 4, 0.95, BoundMethod.WILSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errors").hasMessageContaining("-1");
    }
}
