package io.github.rollback4j.core.runbook;

import io.github.rollback4j.trigger.BurnWindow;
import io.github.rollback4j.trigger.Metric;
import io.github.rollback4j.trigger.Severity;
import io.github.rollback4j.trigger.Threshold;
import io.github.rollback4j.trigger.TriggerSpec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the runbook writes numbers, durations, metrics and thresholds: the same text for the same value, in any locale. */
final class Formats {

    /** Significant digits of a rendered number: enough for 0.05, 14.4, 0.001 and 1.3 to read back exactly. */
    private static final MathContext DIGITS = new MathContext(6);
    static final String BASELINE = "LKG";

    private Formats() {
    }

    /** e.g. 0.05, 250, 14.4; never an exponent, never a locale's decimal comma. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        BigDecimal rounded = BigDecimal.valueOf(value).round(DIGITS).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }

    /** A fraction as a percentage: 0.05 gives {@code 5 %}. */
    static String percent(double fraction) {
        return number(fraction * 100) + " %";
    }

    /** Basis points as a percentage with two decimals: 500 gives {@code 5.00 %}. */
    static String basisPoints(int bp) {
        return String.format(Locale.ROOT, "%.2f %%", bp / 100.0);
    }

    /** e.g. {@code 5 min}, {@code 1 h 30 min}, {@code 45 s}, {@code 0 s}. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0 s";
        }
        List<String> parts = new ArrayList<>();
        long days = d.toDaysPart();
        if (days > 0) {
            parts.add(days + " d");
        }
        if (d.toHoursPart() > 0) {
            parts.add(d.toHoursPart() + " h");
        }
        if (d.toMinutesPart() > 0) {
            parts.add(d.toMinutesPart() + " min");
        }
        if (d.toSecondsPart() > 0) {
            parts.add(d.toSecondsPart() + " s");
        }
        if (d.toMillisPart() > 0) {
            parts.add(d.toMillisPart() + " ms");
        }
        return String.join(" ", parts);
    }

    /** e.g. {@code latency p95}, {@code kpi conversion (proportion)}, {@code drift score (PSI)}. */
    static String metric(Metric metric) {
        if (metric instanceof Metric.Latency l) {
            return "latency p" + number(l.quantile() * 100);
        }
        if (metric instanceof Metric.ErrorRate) {
            return "error rate";
        }
        if (metric instanceof Metric.TimeoutRate) {
            return "timeout rate";
        }
        if (metric instanceof Metric.BurnRate b) {
            return "error budget burn rate (SLO " + percent(b.slo()) + ")";
        }
        if (metric instanceof Metric.Kpi k) {
            return "kpi " + k.name() + " (" + (k.proportion() ? "proportion" : "mean") + ")";
        }
        if (metric instanceof Metric.InputNullRate n) {
            return "input null rate of " + n.field();
        }
        if (metric instanceof Metric.SchemaViolationRate) {
            return "schema violation rate";
        }
        if (metric instanceof Metric.Drift d) {
            return "drift of " + d.field() + " (" + switch (d.statistic()) {
                case PSI -> "PSI";
                case JENSEN_SHANNON -> "Jensen-Shannon";
                case WASSERSTEIN -> "Wasserstein / sd";
            } + ")";
        }
        return metric.kind();
    }

    /** Whether the metric's values are shares 0..1, rendered as percentages. */
    static boolean isRate(Metric metric) {
        return metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate
                || metric instanceof Metric.InputNullRate || metric instanceof Metric.SchemaViolationRate
                || (metric instanceof Metric.Kpi k && k.proportion());
    }

    /** An absolute value of the metric with its unit: {@code 250 ms}, {@code 5 %}, {@code 0.2}. */
    static String value(Metric metric, double value) {
        if (metric instanceof Metric.Latency) {
            return number(value) + " ms";
        }
        return isRate(metric) ? percent(value) : number(value);
    }

    /** A difference of the metric: {@code 20 ms}, {@code 1 pp} (percentage points), {@code 0.5}. */
    private static String difference(Metric metric, double value) {
        if (metric instanceof Metric.Latency) {
            return number(value) + " ms";
        }
        return isRate(metric) ? number(value * 100) + " pp" : number(value);
    }

    /**
     * The trigger's threshold with units, e.g. {@code > 250 ms}, {@code > 1.3 × LKG (+30 %)},
     * {@code < LKG − 1 pp}; for a burn rate its window pairs.
     */
    static String threshold(TriggerSpec spec) {
        Metric metric = spec.metric();
        if (metric instanceof Metric.BurnRate b) {
            List<String> pairs = new ArrayList<>();
            for (BurnWindow w : b.windows()) {
                pairs.add("> " + number(w.factor()) + "× budget over " + duration(w.longWindow()) + " and " + duration(w.shortWindow()));
            }
            return String.join("; or ", pairs);
        }
        Threshold t = spec.threshold();
        return switch (t.kind()) {
            case ABOVE -> "> " + value(metric, t.value());
            case BELOW -> "< " + value(metric, t.value());
            case INCREASE -> "> " + number(1 + t.value()) + " × " + BASELINE + " (+" + percent(t.value()) + ")";
            case DROP -> "< " + number(1 - t.value()) + " × " + BASELINE + " (−" + percent(t.value()) + ")";
            case INCREASE_BY -> "> " + BASELINE + " + " + difference(metric, t.value());
            case DROP_BY -> "< " + BASELINE + " − " + difference(metric, t.value());
        };
    }

    /** The minimum samples with what they count, e.g. {@code 100 tail samples}. */
    static String minSamples(TriggerSpec spec) {
        Metric metric = spec.metric();
        String what;
        if (metric instanceof Metric.Latency) {
            what = "tail samples";
        } else if (metric instanceof Metric.BurnRate) {
            what = "requests (short window)";
        } else if (metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate) {
            what = "requests";
        } else if (metric instanceof Metric.Kpi) {
            what = "observations";
        } else if (metric instanceof Metric.Drift d && Metric.Drift.SCORE.equals(d.field())) {
            what = "sampled scores";
        } else {
            what = "sampled inputs";
        }
        return spec.minSamples() + " " + what;
    }

    /** e.g. {@code α 0.05 (sequential)}, or {@code —}. */
    static String significance(TriggerSpec spec) {
        return spec.significance() == null ? "—" : "α " + number(spec.significance()) + " (sequential)";
    }

    /** {@code all traffic}, {@code per segment} or {@code per segment, global}. */
    static String scope(TriggerSpec spec) {
        if (!spec.perSegment()) {
            return "all traffic";
        }
        return spec.global() ? "per segment, global" : "per segment";
    }

    /** What the trigger engine does on a sustained breach, as {@code TriggerEngine} acts. */
    static String action(TriggerSpec spec) {
        if (spec.severity() == Severity.SEVERE) {
            return spec.perSegment() && !spec.global()
                    ? "automatic rollback of the breached segment to the LKG"
                    : "automatic rollback of every segment to the LKG";
        }
        if (spec.severity() == Severity.MILD) {
            return "pause the rollout, wait for an operator's approval";
        }
        return "report only (dry run)";
    }

    /** Escapes a value for a Markdown table cell. */
    static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
