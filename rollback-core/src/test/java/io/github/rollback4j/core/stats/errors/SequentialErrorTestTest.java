package io.github.rollback4j.core.stats.errors;

import io.github.rollback4j.core.stats.classic.FixtureTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.rollback4j.core.stats.classic.FixtureTable.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequentialErrorTestTest {

    @Test
    void logEValueMatchesTheScipyBetaMixture() {
        FixtureTable table = FixtureTable.load("errors-sequential-logE.tsv");
        for (FixtureTable.Row row : table.rows()) {
            double actual = SequentialErrorTest.logEValue(row.integer("x"), row.integer("n"), row.num("p0"), row.num("k"));
            double expected = row.num("logE");
            // finite everywhere: the far-tail rows are those whose posterior tail underflows a double
            assertThat(expected).as(row.toString()).isFinite();
            assertClose(actual, expected, 1e-9, 1e-9, row + " logE");
        }
        assertThat(table.rows()).hasSizeGreaterThanOrEqualTo(200);
    }

    @Test
    void followsTheScriptedRolloutsLookByLook() {
        FixtureTable table = FixtureTable.load("errors-sequential-looks.tsv");
        Map<String, List<FixtureTable.Row>> scenarios = new LinkedHashMap<>();
        for (FixtureTable.Row row : table.rows()) {
            scenarios.computeIfAbsent(row.text("scenario"), s -> new ArrayList<>()).add(row);
        }
        assertThat(scenarios).hasSize(4);
        for (List<FixtureTable.Row> looks : scenarios.values()) {
            FixtureTable.Row first = looks.get(0);
            SequentialErrorTest test = new SequentialErrorTest(
                    new SequentialErrorTest.Config(first.num("alpha"), first.num("margin"), first.num("k")));
            for (FixtureTable.Row row : looks) {
                SequentialErrorResult r = test.observe(row.integer("candidateErrors"), row.integer("candidateRequests"),
                        row.integer("baselineErrors"), row.integer("baselineRequests"));
                assertThat(r.looks()).isEqualTo(row.integer("look"));
                assertClose(r.candidateShare(), row.num("share"), 1e-15, 0, row + " share");
                assertClose(r.nullProbability(), row.num("p0"), 1e-14, 0, row + " p0");
                assertClose(r.logEValue(), row.num("logE"), 1e-9, 1e-9, row + " logE");
                assertClose(r.pValue(), row.num("pValue"), 1e-9, 1e-300, row + " pValue");
                assertThat(r.rejected()).as(row.toString()).isEqualTo(row.bool("rejected"));
            }
        }
    }

    @Test
    void nullProbabilityIsTheCandidatesShareOfErrorsAtTheMargin() {
        assertThat(SequentialErrorTest.nullProbability(0.05, 0.0)).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-17));
        assertClose(SequentialErrorTest.nullProbability(0.05, 1.0), 0.1 / 1.05, 1e-15, 0, "m=1");
        assertClose(SequentialErrorTest.nullProbability(0.5, 0.2), 0.6 / 1.1, 1e-15, 0, "m=0.2");
    }

    @Test
    void noEvidenceWithoutErrorsOrWithoutAnArm() {
        SequentialErrorTest test = SequentialErrorTest.withDefaults();
        assertThat(test.current().looks()).isZero();
        assertThat(test.current().pValue()).isEqualTo(1.0);
        SequentialErrorResult noBaseline = test.observe(0, 100, 0, 0);
        assertThat(noBaseline.candidateShare()).isNaN();
        assertThat(noBaseline.eValue()).isEqualTo(1.0);
        SequentialErrorResult noErrors = test.observe(0, 100, 0, 1900);
        assertThat(noErrors.candidateShare()).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(noErrors.logEValue()).isZero();
        assertThat(noErrors.rejected()).isFalse();
        SequentialErrorResult onlyCandidateErrors = test.observe(5, 200, 0, 3800);
        assertThat(onlyCandidateErrors.rejected()).isTrue();
        assertThat(onlyCandidateErrors.rateRatio()).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void rejectionSticksUntilRestartAndRestartSetsTheOrigin() {
        SequentialErrorTest test = SequentialErrorTest.withDefaults();
        SequentialErrorResult bad = test.observe(40, 500, 100, 9500);
        assertThat(bad.rejected()).isTrue();
        assertThat(bad.pValue()).isLessThanOrEqualTo(0.05);
        assertThat(bad.rateRatio()).isCloseTo(7.6, org.assertj.core.data.Offset.offset(1e-9));
        SequentialErrorResult calmer = test.observe(40, 600, 200, 19_000);
        assertThat(calmer.eValue()).isLessThan(bad.eValue());
        assertThat(calmer.rejected()).isTrue();
        assertThat(calmer.pValue()).isEqualTo(bad.pValue());

        // the weight changed: from here on only what the counters add counts
        test.restart(40, 600, 200, 19_000);
        assertThat(test.current().rejected()).isFalse();
        SequentialErrorResult afterRestart = test.observe(45, 1100, 290, 28_500);
        assertThat(afterRestart.candidateErrors()).isEqualTo(5);
        assertThat(afterRestart.candidateRequests()).isEqualTo(500);
        assertThat(afterRestart.baselineErrors()).isEqualTo(90);
        assertThat(afterRestart.baselineRequests()).isEqualTo(9500);
        assertThat(afterRestart.looks()).isEqualTo(1);
        assertThat(afterRestart.rejected()).isFalse();

        test.restart();
        assertThat(test.observe(0, 10, 0, 10).candidateRequests()).isEqualTo(10);
    }

    @Test
    void refusesDecreasingCountsAndBadSettingsNamingThem() {
        SequentialErrorTest test = SequentialErrorTest.withDefaults();
        test.observe(3, 100, 10, 1000);
        assertThatThrownBy(() -> test.observe(2, 100, 10, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidateErrors").hasMessageContaining("at least 3").hasMessageContaining("was 2");
        assertThatThrownBy(() -> test.observe(3, 100, 10, 999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baselineRequests").hasMessageContaining("999");
        assertThatThrownBy(() -> test.observe(101, 100, 10, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidateErrors").hasMessageContaining("candidateRequests (100)");
        test.restart(3, 100, 10, 1000);
        assertThatThrownBy(() -> test.observe(3, 99, 10, 1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidateRequests").hasMessageContaining("at least 100");
        assertThatThrownBy(() -> new SequentialErrorTest.Config(0.0, 0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alpha").hasMessageContaining("0.0");
        assertThatThrownBy(() -> SequentialErrorTest.Config.defaults().withMargin(-0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("margin").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> SequentialErrorTest.Config.defaults().withPriorStrength(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("priorStrength");
        assertThatThrownBy(() -> SequentialErrorTest.logEValue(1, 2, 1.0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nullProbability").hasMessageContaining("1.0");
    }
}
