package io.github.rollback4j.core.stats.errors;

import io.github.rollback4j.core.stats.classic.FixtureTable;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BurnRateGuardTest {

    private static final Duration LONG = Duration.ofHours(1);
    private static final Duration SHORT = Duration.ofMinutes(5);

    @Test
    void matchesTheScriptedBurnRates() {
        FixtureTable table = FixtureTable.load("errors-burn-rate.tsv");
        for (FixtureTable.Row row : table.rows()) {
            BurnRateGuard guard = new BurnRateGuard(row.num("slo"), List.of(new BurnRateRule(LONG, SHORT, row.num("factor"))));
            BurnRateResult r = guard.evaluate(Map.of(
                    LONG, new WindowCounts(row.integer("longErrors"), row.integer("longRequests")),
                    SHORT, new WindowCounts(row.integer("shortErrors"), row.integer("shortRequests"))));
            BurnRateResult.RuleResult rule = r.rules().get(0);
            assertClose(rule.longBurnRate(), row.num("longBurnRate"), 1e-13, 0, row + " long");
            assertClose(rule.shortBurnRate(), row.num("shortBurnRate"), 1e-13, 0, row + " short");
            assertThat(rule.breached()).as(row.toString()).isEqualTo(row.bool("breached"));
            assertThat(r.breached()).isEqualTo(rule.breached());
        }
    }

    @Test
    void defaultsAreTheSreWorkbookPages() {
        BurnRateGuard guard = BurnRateGuard.of(0.999);
        assertThat(guard.rules()).containsExactly(BurnRateRule.FAST_PAGE, BurnRateRule.SLOW_PAGE);
        assertThat(guard.requiredWindows()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1),
                Duration.ofHours(6));
        // 2 % errors for the last 10 minutes of an otherwise clean 6 h: the fast page fires, the slow one does not
        BurnRateResult r = guard.evaluate(Map.of(
                Duration.ofMinutes(5), new WindowCounts(60, 3_000),
                Duration.ofMinutes(30), new WindowCounts(120, 18_000),
                Duration.ofHours(1), new WindowCounts(120, 36_000),
                Duration.ofHours(6), new WindowCounts(120, 216_000)));
        assertThat(r.rules().get(0).breached()).isFalse();
        BurnRateResult worse = guard.evaluate(Map.of(
                Duration.ofMinutes(5), new WindowCounts(60, 3_000),
                Duration.ofMinutes(30), new WindowCounts(360, 18_000),
                Duration.ofHours(1), new WindowCounts(720, 36_000),
                Duration.ofHours(6), new WindowCounts(800, 216_000)));
        assertThat(worse.rules().get(0).longBurnRate()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(worse.rules().get(0).breached()).isTrue();
        assertThat(worse.rules().get(1).breached()).isFalse();
        assertThat(worse.breached()).isTrue();
    }

    @Test
    void refusesBadArgumentsNamingThem() {
        assertThatThrownBy(() -> BurnRateGuard.of(1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("slo").hasMessageContaining("1.0");
        assertThatThrownBy(() -> new BurnRateGuard(0.999, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rules");
        assertThatThrownBy(() -> new BurnRateRule(SHORT, LONG, 14.4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longWindow").hasMessageContaining("PT5M");
        assertThatThrownBy(() -> new BurnRateRule(LONG, SHORT, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("factor").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new WindowCounts(3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("errors").hasMessageContaining("requests (2)");
        assertThatThrownBy(() -> BurnRateGuard.of(0.999).evaluate(Map.of(LONG, WindowCounts.EMPTY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT5M");
    }
}
