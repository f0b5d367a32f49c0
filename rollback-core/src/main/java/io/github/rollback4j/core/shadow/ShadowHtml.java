package io.github.rollback4j.core.shadow;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders a {@link ShadowReport} as one self-contained HTML page: what was compared and what the gate
 * decided first, then the tables (rows over their threshold marked), a few example mismatches and a
 * chart over time. No scripts, fonts or external resources.
 */
final class ShadowHtml {

    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
    };
    private static final int W = 860;
    private static final int H = 320;
    private static final int PAD_R = 24;
    private static final int PAD_T = 16;
    /** Room under the plot for the tick labels and the axis title. */
    private static final int PAD_B = 52;
    private static final int FONT = 11;
    /**
     * A generous upper bound of one character's width at {@link #FONT} px in a sans-serif font (digits and
     * {@code %} are about 0.55 em): the left margin is sized from it so that no tick label is clipped. The
     * browser test in {@code ShadowHtmlBrowserTest} measures the real boxes.
     */
    private static final double CHAR_WIDTH = 0.62 * FONT;
    private static final int X_TICKS = 5;
    private static final int Y_TICKS = 4;
    /** Most example mismatches shown per segment, and in all. */
    private static final int EXAMPLES_PER_SEGMENT = 3;
    private static final int MAX_EXAMPLES = 24;

    private ShadowHtml() {
    }

    static String render(ShadowReport r, String candidate, String baseline, ShadowGate gate) {
        StringBuilder s = new StringBuilder(16_384);
        s.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Shadow report: ").append(esc(r.name())).append("</title>\n<style>")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222;max-width:1100px}")
                .append("table{border-collapse:collapse;margin:0 0 1.5em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}")
                .append("td.bad,tr.bad td{background:#fde0e0}.legend span{display:inline-block;margin-right:1em}")
                .append(".decision{border:2px solid #999;padding:.6em 1em;margin:0 0 1.5em}.decision h2{margin:0 0 .3em}")
                .append(".decision.blocked{border-color:#c62828;background:#fdecea}.decision.open{border-color:#2e7d32;background:#edf7ed}")
                .append(".decision.inconclusive{border-color:#ef6c00;background:#fff4e5}")
                .append("table.examples td{text-align:left;font-family:ui-monospace,monospace;font-size:90%;max-width:22em;")
                .append("overflow-wrap:anywhere}")
                .append("</style></head><body>\n");
        s.append("<h1>Shadow report: ").append(esc(r.name())).append("</h1>\n");
        lead(s, r, candidate, baseline, gate);
        ZoneId zone = zone(r);
        s.append("<p>Generated ").append(esc(Instant.ofEpochMilli(r.generatedAtMillis()).toString()))
                .append(". Offered ").append(r.offered()).append(", sampled ").append(r.sampled())
                .append(". Time of day in ").append(esc(zoneName(zone))).append(".</p>\n");

        s.append("<h2>Totals</h2>\n");
        table(s, "totals", "", Map.of("all", r.total()), null, null);
        s.append("<h2>By segment</h2>\n");
        table(s, "by-segment", "segment", r.bySegment(), gate, Kind.SEGMENT);
        s.append("<h2>By time of day</h2>\n");
        table(s, "by-time-of-day", "time of day", r.byTimeOfDay(), null, null);
        s.append("<h2>By segment and time of day</h2>\n");
        crossTable(s, r, gate);
        if (r.attributeName() != null) {
            s.append("<h2>By attribute ").append(esc(r.attributeName())).append("</h2>\n");
            table(s, "by-attribute", r.attributeName(), r.byAttribute(), gate, Kind.ATTRIBUTE);
        }
        examples(s, r, zone);
        s.append("<h2>").append(gate == null ? "Mismatch rate" : rateName(gate)).append(" over time</h2>\n");
        chart(s, r, gate, zone);
        s.append("</body></html>\n");
        return s.toString();
    }

    private enum Kind { SEGMENT, ATTRIBUTE }

    /** What was compared and what the gate decided: the first thing a reader needs. */
    private static void lead(StringBuilder s, ShadowReport r, String candidate, String baseline, ShadowGate gate) {
        s.append("<p id=\"compared\" class=\"compared\"><strong>Candidate</strong> ").append(candidate == null ? "(not named)" : esc(candidate))
                .append(" compared with <strong>baseline</strong> ").append(baseline == null ? "(not named)" : esc(baseline))
                .append(" on ").append(r.total().compared()).append(" mirrored calls (")
                .append(pct(r.total().mismatchRate())).append(" mismatched").append(r.total().noiseCompared() == 0 ? ""
                        : ", baseline noise " + pct(r.total().noiseRate()) + ", excess " + pct(r.total().excessMismatchRate()))
                .append(").</p>\n");
        if (gate == null) {
            s.append("<div id=\"decision\" class=\"decision\"><h2>Gate: none</h2><p>No promotion gate was given with this report."
                    + "</p></div>\n");
            return;
        }
        ShadowGate.Decision d = gate.evaluate(r);
        String rule = "a segment, its time of day" + (r.attributeName() == null ? "" : " or a value of " + esc(r.attributeName()))
                + " blocks when its " + rateName(gate).toLowerCase(Locale.ROOT) + " is above " + pct(gate.defaultThreshold())
                + " (or the segment's own threshold) over at least " + gate.minCompared() + " compared calls";
        if (d instanceof ShadowGate.Blocked blocked) {
            s.append("<div id=\"decision\" class=\"decision blocked\"><h2>Gate: BLOCKED</h2><p>Promotion is blocked: ")
                    .append(blocked.breaches().size()).append(" over threshold.</p><ul>");
            for (ShadowGate.Breach b : blocked.breaches()) {
                s.append("<li><strong>").append(esc(b.where())).append("</strong>: ").append(pct(b.rate())).append(" &gt; ")
                        .append(pct(b.threshold())).append(" over ").append(b.compared()).append(" compared calls</li>");
            }
            s.append("</ul>");
        } else if (d instanceof ShadowGate.Inconclusive inconclusive) {
            s.append("<div id=\"decision\" class=\"decision inconclusive\"><h2>Gate: INCONCLUSIVE</h2><p>Too few compared calls to"
                    + " decide").append(inconclusive.shortfalls().isEmpty() ? " (no segment yet)." : ":").append("</p><ul>");
            for (ShadowGate.Shortfall f : inconclusive.shortfalls()) {
                s.append("<li>").append(esc(f.segment())).append(": ").append(f.compared()).append(" of ").append(f.required())
                        .append("</li>");
            }
            s.append("</ul>");
        } else {
            s.append("<div id=\"decision\" class=\"decision open\"><h2>Gate: OPEN</h2><p>Every segment is within its threshold:"
                    + " promotion may proceed.</p>");
        }
        s.append("<p><small>Rule: ").append(rule).append(".</small></p></div>\n");
    }

    private static void table(StringBuilder s, String id, String keyHeader, Map<String, ShadowReport.Counts> rows, ShadowGate gate,
                              Kind kind) {
        s.append("<table id=\"").append(id).append("\"><thead><tr><th>").append(esc(keyHeader))
                .append("</th><th>compared</th><th>mismatches</th><th>mismatch rate</th><th>noise rate</th>")
                .append("<th>excess mismatch</th>");
        if (gate != null) {
            s.append("<th>threshold</th><th>gate</th>");
        }
        s.append("<th>mean distance</th><th>errors</th><th>timeouts</th><th>drops</th></tr></thead><tbody>\n");
        for (Map.Entry<String, ShadowReport.Counts> e : rows.entrySet()) {
            ShadowReport.Counts c = e.getValue();
            String verdict = null;
            double threshold = 0;
            if (gate != null) {
                threshold = kind == Kind.SEGMENT ? gate.thresholdFor(e.getKey()) : gate.defaultThreshold();
                verdict = c.compared() < gate.minCompared() ? "too few calls"
                        : gate.rateOf(c) > threshold ? "over threshold" : "within";
            }
            boolean over = "over threshold".equals(verdict);
            s.append(over ? "<tr class=\"bad\" data-over=\"true\">" : "<tr>").append("<td>").append(esc(e.getKey())).append("</td><td>")
                    .append(c.compared())
                    .append("</td><td>").append(c.mismatches())
                    .append("</td><td>").append(pct(c.mismatchRate()))
                    .append("</td><td>").append(c.noiseCompared() == 0 ? "–" : pct(c.noiseRate()))
                    .append("</td><td>").append(pct(c.excessMismatchRate()));
            if (gate != null) {
                s.append("</td><td>").append(pct(threshold)).append("</td><td>").append(over ? "<strong>" + verdict + "</strong>" : verdict);
            }
            s.append("</td><td>").append(c.meanDistance() == null ? "–" : String.format(Locale.ROOT, "%.4g", c.meanDistance()))
                    .append("</td><td>").append(c.errors())
                    .append("</td><td>").append(c.timeouts())
                    .append("</td><td>").append(c.drops()).append("</td></tr>\n");
        }
        s.append("</tbody></table>\n");
    }

    private static void crossTable(StringBuilder s, ShadowReport r, ShadowGate gate) {
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
                    // with a gate: exactly the cells it blocks on; without: cells well above their segment's rate
                    boolean high = gate != null
                            ? c.compared() >= gate.minCompared() && gate.rateOf(c) > gate.thresholdFor(row.getKey())
                            : c.excessMismatchRate() > 2 * segRate && c.excessMismatchRate() > 0.01;
                    s.append(high ? "<td class=\"bad\" data-over=\"true\">" : "<td>").append(pct(gate == null ? c.excessMismatchRate()
                                    : gate.rateOf(c)))
                            .append(" <small>(").append(c.compared()).append(")</small></td>");
                }
            }
            s.append("</tr>\n");
        }
        s.append("</tbody></table>\n<p><small>Cells: ").append(gate == null ? "excess mismatch rate" : rateName(gate).toLowerCase(Locale.ROOT))
                .append(" (compared calls)").append(gate == null ? "; highlighted when well above the segment's rate"
                        : "; highlighted when over the segment's threshold with enough calls").append(".</small></p>\n");
    }

    private static void examples(StringBuilder s, ShadowReport r, ZoneId zone) {
        s.append("<h2>Example mismatches</h2>\n");
        if (r.examples().isEmpty()) {
            s.append("<p id=\"no-examples\">No example mismatch was kept.</p>\n");
            return;
        }
        s.append("<table id=\"examples\" class=\"examples\"><thead><tr><th>segment</th><th>time</th><th>time of day</th>");
        if (r.attributeName() != null) {
            s.append("<th>").append(esc(r.attributeName())).append("</th>");
        }
        s.append("<th>input</th><th>baseline output</th><th>candidate output</th><th>distance</th></tr></thead><tbody>\n");
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(zone);
        Map<String, Integer> perSegment = new java.util.HashMap<>();
        int shown = 0;
        for (ShadowReport.Example e : r.examples()) {
            if (shown == MAX_EXAMPLES || perSegment.merge(e.segment(), 1, Integer::sum) > EXAMPLES_PER_SEGMENT) {
                continue;
            }
            shown++;
            s.append("<tr><td>").append(esc(e.segment())).append("</td><td>").append(esc(time.format(Instant.ofEpochMilli(e.atMillis()))))
                    .append("</td><td>").append(esc(e.timeOfDay())).append("</td>");
            if (r.attributeName() != null) {
                s.append("<td>").append(e.attribute() == null ? "–" : esc(e.attribute())).append("</td>");
            }
            s.append("<td>").append(esc(e.input())).append("</td><td>").append(esc(e.primary())).append("</td><td>")
                    .append(esc(e.candidate())).append("</td><td>")
                    .append(e.distance() == null ? "–" : String.format(Locale.ROOT, "%.4g", e.distance())).append("</td></tr>\n");
        }
        s.append("</tbody></table>\n<p><small>The largest differences of each segment, at most ").append(EXAMPLES_PER_SEGMENT)
                .append(" per segment.</small></p>\n");
    }

    private static void chart(StringBuilder s, ShadowReport r, ShadowGate gate, ZoneId zone) {
        List<ShadowReport.Series> series = r.overTime();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        // with a gate, room above its threshold line so that the line is never the plot's top edge
        double maxRate = gate == null ? 0.0 : gate.defaultThreshold() * 1.2;
        for (ShadowReport.Series se : series) {
            for (ShadowReport.Point p : se.points()) {
                min = Math.min(min, p.startMillis());
                max = Math.max(max, p.startMillis());
                maxRate = Math.max(maxRate, rate(p.counts(), gate));
            }
        }
        double yMax = maxRate <= 0 ? 0.01 : niceCeil(maxRate);
        String[] yLabels = new String[Y_TICKS + 1];
        int longest = 0;
        for (int i = 0; i <= Y_TICKS; i++) {
            yLabels[i] = pct(yMax * i / Y_TICKS);
            longest = Math.max(longest, yLabels[i].length());
        }
        // room for the rotated axis title (about one line) and the longest tick label, right-aligned at padL - 6
        int padL = (int) Math.ceil(FONT * 1.6 + 6 + longest * CHAR_WIDTH + 6);
        int plotW = W - padL - PAD_R;
        int plotH = H - PAD_T - PAD_B;
        s.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-label=\"").append(gate == null ? "mismatch rate" : esc(rateName(gate).toLowerCase(Locale.ROOT)))
                .append(" over time per segment\" font-family=\"sans-serif\">\n");
        s.append("<rect x=\"").append(padL).append("\" y=\"").append(PAD_T).append("\" width=\"").append(plotW)
                .append("\" height=\"").append(plotH).append("\" fill=\"#fafafa\" stroke=\"#999\"/>\n");
        for (int i = 0; i <= Y_TICKS; i++) {
            double y = PAD_T + plotH - plotH * (double) i / Y_TICKS;
            s.append("<line x1=\"").append(padL).append("\" x2=\"").append(W - PAD_R).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e0e0e0\"/>")
                    .append("<text class=\"tick y\" x=\"").append(padL - 6).append("\" y=\"").append(fmt(y + FONT / 3.0))
                    .append("\" font-size=\"").append(FONT).append("\" text-anchor=\"end\">").append(yLabels[i]).append("</text>\n");
        }
        double titleX = FONT + 2;
        double titleY = PAD_T + plotH / 2.0;
        s.append("<text class=\"axis-title y\" x=\"").append(fmt(titleX)).append("\" y=\"").append(fmt(titleY))
                .append("\" font-size=\"").append(FONT).append("\" text-anchor=\"middle\" transform=\"rotate(-90 ").append(fmt(titleX))
                .append(' ').append(fmt(titleY)).append(")\">").append(gate == null ? "mismatch rate" : esc(rateName(gate).toLowerCase(Locale.ROOT)))
                .append("</text>\n");
        s.append("<text class=\"axis-title x\" x=\"").append(fmt(padL + plotW / 2.0)).append("\" y=\"").append(H - 6)
                .append("\" font-size=\"").append(FONT).append("\" text-anchor=\"middle\">time (").append(esc(zoneName(zone)))
                .append(", start of each ").append(duration(r.intervalMillis())).append(" interval)</text>\n");
        if (gate != null) {
            double ty = PAD_T + plotH - plotH * Math.min(1.0, gate.defaultThreshold() / yMax);
            s.append("<line class=\"threshold\" x1=\"").append(padL).append("\" x2=\"").append(W - PAD_R).append("\" y1=\"")
                    .append(fmt(ty)).append("\" y2=\"").append(fmt(ty))
                    .append("\" stroke=\"#c62828\" stroke-dasharray=\"6 4\"><title>threshold ").append(pct(gate.defaultThreshold()))
                    .append("</title></line>\n");
        }
        if (min != Long.MAX_VALUE) {
            long span = Math.max(1, max - min);
            DateTimeFormatter format = DateTimeFormatter.ofPattern(max - min <= 86_400_000L ? "HH:mm" : "MM-dd HH:mm", Locale.ROOT)
                    .withZone(zone);
            int ticks = max == min ? 1 : X_TICKS;
            for (int i = 0; i < ticks; i++) {
                long at = ticks == 1 ? min : min + span * i / (ticks - 1);
                double x = padL + (ticks == 1 ? plotW / 2.0 : plotW * (double) i / (ticks - 1));
                String anchor = ticks == 1 ? "middle" : i == 0 ? "start" : i == ticks - 1 ? "end" : "middle";
                s.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"").append(PAD_T + plotH)
                        .append("\" y2=\"").append(PAD_T + plotH + 4).append("\" stroke=\"#999\"/>")
                        .append("<text class=\"tick x\" x=\"").append(fmt(x)).append("\" y=\"").append(PAD_T + plotH + 4 + FONT + 2)
                        .append("\" font-size=\"").append(FONT).append("\" text-anchor=\"").append(anchor).append("\">")
                        .append(esc(format.format(Instant.ofEpochMilli(at)))).append("</text>\n");
            }
            int i = 0;
            for (ShadowReport.Series se : series) {
                String color = COLORS[i++ % COLORS.length];
                StringBuilder pts = new StringBuilder();
                for (ShadowReport.Point p : se.points()) {
                    double x = padL + (max == min ? plotW / 2.0 : plotW * (double) (p.startMillis() - min) / span);
                    double y = PAD_T + plotH - plotH * Math.min(1.0, rate(p.counts(), gate) / yMax);
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
        if (gate != null) {
            s.append("<span><svg width=\"18\" height=\"12\"><line x1=\"0\" x2=\"18\" y1=\"6\" y2=\"6\" stroke=\"#c62828\""
                    + " stroke-dasharray=\"6 4\"/></svg> threshold ").append(pct(gate.defaultThreshold())).append("</span>");
        }
        s.append("</p>\n<p><small>").append(gate == null ? "Raw mismatch rate" : rateName(gate)).append(" per ")
                .append(duration(r.intervalMillis())).append(" interval and segment.</small></p>\n");
    }

    private static double rate(ShadowReport.Counts c, ShadowGate gate) {
        return gate == null ? c.mismatchRate() : gate.rateOf(c);
    }

    private static String rateName(ShadowGate gate) {
        return gate.metric() == ShadowGate.Metric.MISMATCH_RATE ? "Mismatch rate" : "Excess mismatch rate";
    }

    private static ZoneId zone(ShadowReport r) {
        try {
            return r.timeZone() == null ? ZoneId.of("UTC") : ZoneId.of(r.timeZone());
        } catch (RuntimeException e) {
            return ZoneId.of("UTC");
        }
    }

    private static String zoneName(ZoneId zone) {
        return "Z".equals(zone.getId()) ? "UTC" : zone.getId();
    }

    private static String duration(long millis) {
        if (millis % 3_600_000L == 0) {
            return millis / 3_600_000L + " h";
        }
        if (millis % 60_000L == 0) {
            return millis / 60_000L + " min";
        }
        return millis / 1000 + " s";
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
