package io.github.rollback4j.core.shadow;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders a {@link ShadowReport} as one self-contained HTML page. */
final class ShadowHtml {

    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };
    private static final int W = 800;
    private static final int H = 300;
    private static final int PAD_L = 50;
    private static final int PAD_R = 20;
    private static final int PAD_T = 20;
    private static final int PAD_B = 40;

    private ShadowHtml() {
    }

    static String render(ShadowReport r) {
        StringBuilder s = new StringBuilder(16_384);
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Shadow report: ").append(esc(r.name())).append("</title>\n<style>")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin:0 0 1.5em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}")
                .append("td.bad{background:#fde0e0}.legend span{display:inline-block;margin-right:1em}")
                .append("</style></head><body>\n");
        s.append("<h1>Shadow report: ").append(esc(r.name())).append("</h1>\n<p>Generated ")
                .append(esc(Instant.ofEpochMilli(r.generatedAtMillis()).toString()))
                .append(". Offered ").append(r.offered()).append(", sampled ").append(r.sampled())
                .append(". Time of day in ").append(esc("Z".equals(r.timeZone()) ? "UTC" : r.timeZone())).append(".</p>\n");

        s.append("<h2>Totals</h2>\n");
        table(s, "totals", "", Map.of("all", r.total()));
        s.append("<h2>By segment</h2>\n");
        table(s, "by-segment", "segment", r.bySegment());
        s.append("<h2>By time of day</h2>\n");
        table(s, "by-time-of-day", "time of day", r.byTimeOfDay());
        s.append("<h2>By segment and time of day</h2>\n");
        crossTable(s, r);
        if (r.attributeName() != null) {
            s.append("<h2>By attribute ").append(esc(r.attributeName())).append("</h2>\n");
            table(s, "by-attribute", esc(r.attributeName()), r.byAttribute());
        }
        s.append("<h2>Mismatch rate over time</h2>\n");
        chart(s, r);
        s.append("</body></html>\n");
        return s.toString();
    }

    private static void table(StringBuilder s, String id, String keyHeader, Map<String, ShadowReport.Counts> rows) {
        s.append("<table id=\"").append(id).append("\"><thead><tr><th>").append(esc(keyHeader))
                .append("</th><th>compared</th><th>mismatches</th><th>mismatch rate</th><th>noise rate</th>")
                .append("<th>excess mismatch</th><th>mean distance</th><th>errors</th><th>timeouts</th><th>drops</th></tr></thead><tbody>\n");
        for (Map.Entry<String, ShadowReport.Counts> e : rows.entrySet()) {
            ShadowReport.Counts c = e.getValue();
            s.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(c.compared())
                    .append("</td><td>").append(c.mismatches())
                    .append("</td><td>").append(pct(c.mismatchRate()))
                    .append("</td><td>").append(c.noiseCompared() == 0 ? "–" : pct(c.noiseRate()))
                    .append("</td><td>").append(pct(c.excessMismatchRate()))
                    .append("</td><td>").append(c.meanDistance() == null ? "–" : String.format(Locale.ROOT, "%.4g", c.meanDistance()))
                    .append("</td><td>").append(c.errors())
                    .append("</td><td>").append(c.timeouts())
                    .append("</td><td>").append(c.drops()).append("</td></tr>\n");
        }
        s.append("</tbody></table>\n");
    }

    private static void crossTable(StringBuilder s, ShadowReport r) {
        Set<String> buckets = new LinkedHashSet<>(r.byTimeOfDay().keySet());
        s.append("<table id=\"by-segment-and-time-of-day\"><thead><tr><th>segment</th>");
        for (String b : buckets) {
            s.append("<th>").append(esc(b)).append("</th>");
        }
        s.append("</tr></thead><tbody>\n");
        for (Map.Entry<String, Map<String, ShadowReport.Counts>> row : r.bySegmentAndTimeOfDay().entrySet()) {
            double segRate = r.bySegment().getOrDefault(row.getKey(), ShadowReport.Counts.EMPTY).excessMismatchRate();
            s.append("<tr><td>").append(esc(row.getKey())).append("</td>");
            for (String b : buckets) {
                ShadowReport.Counts c = row.getValue().get(b);
                if (c == null || c.compared() == 0) {
                    s.append("<td>–</td>");
                } else {
                    boolean high = c.excessMismatchRate() > 2 * segRate && c.excessMismatchRate() > 0.01;
                    s.append(high ? "<td class=\"bad\">" : "<td>").append(pct(c.excessMismatchRate()))
                            .append(" <small>(").append(c.compared()).append(")</small></td>");
                }
            }
            s.append("</tr>\n");
        }
        s.append("</tbody></table>\n<p><small>Cells: excess mismatch rate (compared calls).</small></p>\n");
    }

    private static void chart(StringBuilder s, ShadowReport r) {
        List<ShadowReport.Series> series = r.overTime();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double maxRate = 0.0;
        for (ShadowReport.Series se : series) {
            for (ShadowReport.Point p : se.points()) {
                min = Math.min(min, p.startMillis());
                max = Math.max(max, p.startMillis());
                maxRate = Math.max(maxRate, p.counts().mismatchRate());
            }
        }
        double yMax = maxRate <= 0 ? 0.01 : niceCeil(maxRate);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"mismatch rate over time per segment\">\n");
        int plotW = W - PAD_L - PAD_R;
        int plotH = H - PAD_T - PAD_B;
        s.append("<rect x=\"").append(PAD_L).append("\" y=\"").append(PAD_T).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(plotH).append("\" fill=\"#fafafa\" stroke=\"#999\"/>\n");
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = PAD_T + plotH - plotH * (double) i / 4;
            s.append("<line x1=\"").append(PAD_L).append("\" x2=\"").append(W - PAD_R).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e0e0e0\"/>")
                    .append("<text x=\"").append(PAD_L - 5).append("\" y=\"").append(fmt(y + 4))
                    .append("\" font-size=\"11\" text-anchor=\"end\">").append(pct(v)).append("</text>\n");
        }
        if (min != Long.MAX_VALUE) {
            long span = Math.max(1, max - min);
            s.append("<text x=\"").append(PAD_L).append("\" y=\"").append(H - 15).append("\" font-size=\"11\">")
                    .append(esc(Instant.ofEpochMilli(min).toString())).append("</text>")
                    .append("<text x=\"").append(W - PAD_R).append("\" y=\"").append(H - 15)
                    .append("\" font-size=\"11\" text-anchor=\"end\">").append(esc(Instant.ofEpochMilli(max).toString())).append("</text>\n");
            int i = 0;
            for (ShadowReport.Series se : series) {
                String color = COLORS[i++ % COLORS.length];
                StringBuilder pts = new StringBuilder();
                for (ShadowReport.Point p : se.points()) {
                    double x = PAD_L + (max == min ? plotW / 2.0 : plotW * (double) (p.startMillis() - min) / span);
                    double y = PAD_T + plotH - plotH * Math.min(1.0, p.counts().mismatchRate() / yMax);
                    pts.append(fmt(x)).append(',').append(fmt(y)).append(' ');
                }
                s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
                        .append(pts.toString().trim()).append("\"><title>").append(esc(se.segment())).append("</title></polyline>\n");
            }
        }
        s.append("</svg>\n<p class=\"legend\">");
        int i = 0;
        for (ShadowReport.Series se : series) {
            s.append("<span><svg width=\"12\" height=\"12\"><rect width=\"12\" height=\"12\" fill=\"")
                    .append(COLORS[i++ % COLORS.length]).append("\"/></svg> ").append(esc(se.segment())).append("</span>");
        }
        s.append("</p>\n<p><small>Raw mismatch rate per ").append(r.intervalMillis() / 1000).append(" s interval.</small></p>\n");
    }

    private static double niceCeil(double v) {
        double[] steps = {0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0};
        for (double step : steps) {
            if (v <= step) {
                return step;
            }
        }
        return 1.0;
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.2f%%", rate * 100);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
