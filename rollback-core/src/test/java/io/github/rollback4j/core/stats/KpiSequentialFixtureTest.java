package io.github.rollback4j.core.stats;

import io.github.rollback4j.telemetry.KpiStats;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks {@link SequentialKpiTest} and {@link FixedHorizonKpiTests} against reference values computed with
 * numpy/scipy by {@code src/test/python/kpi_sequential_fixtures.py} ({@code fixtures/stats/kpi-sequential.tsv}).
 */
class KpiSequentialFixtureTest {

    private static final String FIXTURE = "/fixtures/stats/kpi-sequential.tsv";
    private static final String KPI = "kpi";

    @Test
    void fixtureNamesTheScriptAndTheVersionsThatWroteIt() throws IOException {
        List<String> comments = read().comments;
        assertThat(comments.get(0)).contains("rollback-core/src/test/python/kpi_sequential_fixtures.py");
        assertThat(comments.get(1)).matches("# python \\d+\\.\\d+\\.\\d+, numpy \\d+\\.\\d+\\.\\d+, scipy \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void sequentialTestMatchesScipyOnEveryLookOfEveryCase() throws IOException {
        Table table = read();
        Map<String, List<Map<String, String>>> cases = new LinkedHashMap<>();
        for (Map<String, String> row : table.rows) {
            cases.computeIfAbsent(row.get("case"), k -> new ArrayList<>()).add(row);
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
        int looks = 0;
        for (Map.Entry<String, List<Map<String, String>>> e : cases.entrySet()) {
            Map<String, String> first = e.getValue().get(0);
            KpiTestConfig config = config(first);
            SequentialKpiTest test = new SequentialKpiTest(config);
            for (Map<String, String> row : e.getValue()) {
                String where = e.getKey() + " look " + row.get("look");
                KpiStats candidate = stats(row, "candidate");
                KpiStats baseline = stats(row, "baseline");
                KpiTestResult r = test.look(candidate, baseline);
                looks++;

                assertThat(r.look()).as(where).isEqualTo(Integer.parseInt(row.get("look")));
                assertThat(r.evaluated()).as(where + " evaluated").isEqualTo(Boolean.parseBoolean(row.get("evaluated")));
                close(where, "estimatedEffect", r.estimatedEffect(), row, 1e-12);
                close(where, "estimatedRelativeEffect", r.estimatedRelativeEffect(), row, 1e-11);
                close(where, "contrast", r.contrast(), row, 1e-10);
                close(where, "standardError", r.standardError(), row, 1e-11);
                close(where, "statistic", r.statistic(), row, 1e-10);
                close(where, "mixtureScale", r.mixtureScale(), row, 1e-12);
                close(where, "logLikelihoodRatio", r.logLikelihoodRatio(), row, 1e-9);
                close(where, "pValue", r.pValue(), row, 1e-9);
                close(where, "effectBound", r.effectBound(), row, 1e-8);
                close(where, "effectLowerBound", r.effectLowerBound(), row, 1e-8);
                assertThat(r.rejected()).as(where + " rejected").isEqualTo(Boolean.parseBoolean(row.get("rejected")));

                FixedHorizonResult z = FixedHorizonKpiTests.zTest(config.kind(), config.threshold(), candidate, baseline);
                close(where, "zStatistic", z.statistic(), row, 1e-10);
                close(where, "zPValue", z.pValue(), row, 1e-9);
                FixedHorizonResult t = FixedHorizonKpiTests.welchTTest(config.threshold(), candidate, baseline);
                close(where, "welchT", t.statistic(), row, 1e-10);
                close(where, "welchDf", t.degreesOfFreedom(), row, 1e-10);
                close(where, "welchPValue", t.pValue(), row, 1e-9);
            }
        }
        assertThat(looks).isEqualTo(table.rows.size());
    }

    /** Relative tolerance, and the same as an absolute one for values below 1 in magnitude; NaN and ±∞ exactly. */
    private static void close(String where, String column, double actual, Map<String, String> row, double tolerance) {
        double expected = Double.parseDouble(row.get(column));
        String what = where + " " + column;
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
            return;
        }
        if (Double.isInfinite(expected)) {
            assertThat(actual).as(what).isEqualTo(expected);
            return;
        }
        double scale = Math.max(1e-300, Math.abs(expected));
        double allowed = column.endsWith("PValue") || column.equals("pValue")
                ? tolerance * scale + 1e-300            // tail probabilities: relative, however small
                : tolerance * Math.max(1.0, scale);
        assertThat(Math.abs(actual - expected)).as(what + ": expected " + expected + " but was " + actual)
                .isLessThanOrEqualTo(allowed);
    }

    private static KpiTestConfig config(Map<String, String> row) {
        double delta = Double.parseDouble(row.get("delta"));
        EffectThreshold threshold = "RELATIVE".equals(row.get("form"))
                ? EffectThreshold.relative(delta) : EffectThreshold.absolute(delta);
        return KpiTestConfig.builder(KpiKind.valueOf(row.get("kind")), threshold)
                .alpha(Double.parseDouble(row.get("alpha")))
                .plannedEffect(Double.parseDouble(row.get("plannedEffect")))
                .minSamplesPerArm(Long.parseLong(row.get("minSamplesPerArm")))
                .build();
    }

    private static KpiStats stats(Map<String, String> row, String arm) {
        return new KpiStats(KPI, Long.parseLong(row.get(arm + "Count")), Double.parseDouble(row.get(arm + "Shift")),
                Double.parseDouble(row.get(arm + "ShiftedSum")), Double.parseDouble(row.get(arm + "ShiftedSumOfSquares")));
    }

    private record Table(List<String> comments, List<Map<String, String>> rows) {
    }

    private static Table read() throws IOException {
        try (InputStream in = KpiSequentialFixtureTest.class.getResourceAsStream(FIXTURE)) {
            assertThat(in).as(FIXTURE).isNotNull();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> comments = new ArrayList<>();
            List<Map<String, String>> rows = new ArrayList<>();
            String[] header = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("#")) {
                    comments.add(line);
                } else if (header == null) {
                    header = line.split("\t", -1);
                } else if (!line.isBlank()) {
                    String[] cells = line.split("\t", -1);
                    assertThat(cells).as(line).hasSameSizeAs(header);
                    Map<String, String> row = new HashMap<>();
                    for (int i = 0; i < header.length; i++) {
                        row.put(header[i], cells[i]);
                    }
                    rows.add(row);
                }
            }
            return new Table(comments, rows);
        }
    }
}
