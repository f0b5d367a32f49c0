package io.github.rollback4j.core.stats.classic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A fixture file of {@code src/test/resources/fixtures/stats/}, written by a script of
 * {@code src/test/python/} (see {@code fixture_common.py} for the format), and the tolerance checks the
 * statistics tests share.
 */
public final class FixtureTable {

    /** Every fixture file the statistics tests read. */
    public static final List<String> ALL = List.of("classic-ztest.tsv", "classic-welch.tsv", "classic-mannwhitney.tsv",
            "classic-quantile.tsv", "drift-psi.tsv", "drift-js.tsv", "drift-wasserstein.tsv", "errors-sequential-logE.tsv",
            "errors-sequential-looks.tsv", "errors-rate-bounds.tsv", "errors-burn-rate.tsv");

    private final String name;
    private final List<String> comments;
    private final List<String> columns;
    private final List<Row> rows;

    private FixtureTable(String name, List<String> comments, List<String> columns, List<Row> rows) {
        this.name = name;
        this.comments = comments;
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * @param name a file of {@code fixtures/stats/} on the test class path
     * @return its table
     */
    public static FixtureTable load(String name) {
        String resource = "/fixtures/stats/" + name;
        try (InputStream in = FixtureTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + resource + " on the test class path");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> comments = new ArrayList<>();
            List<String> columns = null;
            List<Row> rows = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#")) {
                    comments.add(line.substring(1).trim());
                } else if (columns == null) {
                    columns = List.of(line.split("\t", -1));
                } else if (!line.isEmpty()) {
                    String[] cells = line.split("\t", -1);
                    if (cells.length != columns.size()) {
                        throw new IllegalStateException(name + ": a row has " + cells.length + " cells for " + columns.size()
                                + " columns");
                    }
                    rows.add(new Row(name, rows.size() + 1, columns, cells));
                }
            }
            if (columns == null) {
                throw new IllegalStateException(name + " has no header line");
            }
            return new FixtureTable(name, List.copyOf(comments), columns, List.copyOf(rows));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the file name */
    public String name() {
        return name;
    }

    /** @return the comment lines, without the {@code #} */
    public List<String> comments() {
        return comments;
    }

    /** @return the column names */
    public List<String> columns() {
        return columns;
    }

    /** @return the cases */
    public List<Row> rows() {
        return rows;
    }

    /** One case of a fixture. */
    public static final class Row {
        private final String file;
        private final int number;
        private final List<String> columns;
        private final String[] cells;

        Row(String file, int number, List<String> columns, String[] cells) {
            this.file = file;
            this.number = number;
            this.columns = columns;
            this.cells = cells;
        }

        /** @param column a column name
         *  @return the raw cell */
        public String text(String column) {
            int i = columns.indexOf(column);
            if (i < 0) {
                throw new IllegalArgumentException(file + " has no column " + column + ": " + columns);
            }
            return cells[i];
        }

        /** @param column a column name
         *  @return the cell as a double (NaN, Infinity, -Infinity understood) */
        public double num(String column) {
            return Double.parseDouble(text(column));
        }

        /** @param column a column name
         *  @return the cell as a long */
        public long integer(String column) {
            return Long.parseLong(text(column));
        }

        /** @param column a column name
         *  @return the cell as a boolean */
        public boolean bool(String column) {
            return Boolean.parseBoolean(text(column));
        }

        /** @param column a column name
         *  @return the space-separated numbers of the cell, empty for an empty cell */
        public double[] array(String column) {
            String t = text(column).trim();
            return t.isEmpty() ? new double[0] : Arrays.stream(t.split(" ")).mapToDouble(Double::parseDouble).toArray();
        }

        /** @param column a column name
         *  @return the space-separated integers of the cell */
        public long[] longs(String column) {
            String t = text(column).trim();
            return t.isEmpty() ? new long[0] : Arrays.stream(t.split(" ")).mapToLong(Long::parseLong).toArray();
        }

        /** @param column a column name
         *  @return the space-separated {@code category=count} pairs of the cell, in order */
        public Map<String, Long> counts(String column) {
            Map<String, Long> counts = new LinkedHashMap<>();
            String t = text(column).trim();
            if (!t.isEmpty()) {
                for (String pair : t.split(" ")) {
                    int eq = pair.lastIndexOf('=');
                    counts.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
                }
            }
            return counts;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(file).append(" case ").append(number);
            for (String label : List.of("case", "scenario", "look", "x1", "n1", "x2", "n2", "x", "n", "p0", "k",
                    "confidence", "alternative", "kind")) {
                int i = columns.indexOf(label);
                if (i >= 0) {
                    String cell = cells[i];
                    s.append(' ').append(label).append('=').append(cell.length() > 40 ? cell.substring(0, 40) + "…" : cell);
                }
            }
            return s.toString();
        }
    }

    /**
     * Asserts {@code |actual − expected| <= relative·|expected| + absolute}; NaN matches NaN and infinities
     * match themselves.
     *
     * @param actual   the computed value
     * @param expected the reference value
     * @param relative relative tolerance
     * @param absolute absolute tolerance
     * @param what     what is compared, for the message
     */
    public static void assertClose(double actual, double expected, double relative, double absolute, Object what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            if (Double.compare(actual, expected) != 0) {
                fail(what + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        double tolerance = relative * Math.abs(expected) + absolute;
        if (!(Math.abs(actual - expected) <= tolerance)) {
            fail(what + ": expected " + expected + " but was " + actual + " (difference " + Math.abs(actual - expected)
                    + ", tolerance " + tolerance + ")");
        }
    }

    /** Asserts the header names the generating script and the versions. */
    void assertProvenance() {
        assertThat(comments).as(name + " header").isNotEmpty();
        assertThat(comments.get(0)).as(name + " names its script").matches("generated by rollback-core/src/test/python/\\w+\\.py.*");
        assertThat(comments.get(1)).as(name + " names the versions").matches("python 3\\.\\S+, numpy \\S+, scipy \\S+");
        assertThat(rows).as(name + " cases").isNotEmpty();
    }
}
