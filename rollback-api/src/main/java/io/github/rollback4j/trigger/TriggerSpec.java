package io.github.rollback4j.trigger;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule over telemetry that yields a verdict. Build with {@link #builder(String)}, or load from
 * YAML/JSON with the core's {@code TriggerSpecs} (both check the same rules, and errors name the
 * field, the value and the allowed range).
 *
 * <ul>
 *   <li>{@code metric} (required): what is measured, see {@link Metric}.</li>
 *   <li>{@code threshold} (required, except for {@link Metric.BurnRate}): when it is breached.
 *   Latency: {@code above} (ms), {@code increase}, {@code increaseBy} (ms). Error and timeout rates:
 *   {@code above}, {@code increase}, {@code increaseBy}. KPIs: {@code drop}, {@code dropBy},
 *   {@code below}. Input null rate: {@code above}, {@code increase}, {@code increaseBy}. Schema
 *   violation rate and drift: {@code above}.</li>
 *   <li>{@code significance} (alpha, 0 &lt; alpha ≤ 0.5; default none, and 0.05 for KPI drops, which
 *   are always tested): with it, the trigger runs an always-valid sequential test (KPIs: normal-mixture
 *   SPRT of "no drop", breaching when it rejects and the estimated drop is at least the threshold, healthy
 *   only when its confidence sequence excludes a drop of the threshold, inconclusive otherwise;
 *   error and timeout rates with {@code increase}: a sequential count test conditioned on the traffic
 *   share) over everything since the test began (it restarts at every weight change), so looking
 *   every second does not inflate false rollbacks above alpha.</li>
 *   <li>{@code window} (default {@value #DEFAULT_WINDOW_TEXT}, 1 s..24 h): the data a windowed trigger
 *   reads (the last {@code window} of telemetry). For a sequential test it is the decision horizon,
 *   named in the verdict's note: a test still undecided is inconclusive "so far" within the window and
 *   "past its window" after it.</li>
 *   <li>{@code sustain} (default 0, 0..24 h): "for 5 minutes": the breach must hold at every
 *   evaluation for this long before the verdict is a breach; one healthy or inconclusive evaluation
 *   starts it over.</li>
 *   <li>{@code minSamples} (default {@value #DEFAULT_MIN_SAMPLES}, 1..10⁹): per arm; below it the verdict
 *   is inconclusive, never a breach. For latency it counts tail samples: n·(1 − quantile).</li>
 *   <li>{@code severity} (default {@link Severity#SEVERE}).</li>
 *   <li>{@code perSegment} (default {@code false}): evaluate each request segment on its own instead
 *   of all traffic together; a SEVERE breach in one segment rolls back that segment only.</li>
 *   <li>{@code global} (default {@code false}): with {@code perSegment}, a SEVERE breach in any
 *   segment rolls back every segment.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class TriggerSpec {

    /** Default window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    static final String DEFAULT_WINDOW_TEXT = "1 min";
    /** Default minimum samples per arm. */
    public static final long DEFAULT_MIN_SAMPLES = 100;
    /** Default significance of KPI drop tests. */
    public static final double DEFAULT_KPI_SIGNIFICANCE = 0.05;
    /** Longest window and sustain. */
    public static final Duration MAX_DURATION = Duration.ofHours(24);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._\\-]{0,63}");

    private final String name;
    private final Metric metric;
    private final Threshold threshold;
    private final Double significance;
    private final Duration window;
    private final Duration sustain;
    private final long minSamples;
    private final Severity severity;
    private final boolean perSegment;
    private final boolean global;

    private TriggerSpec(Builder b) {
        this.name = b.name;
        this.metric = b.metric;
        this.threshold = b.threshold;
        this.significance = b.significance;
        this.window = b.window;
        this.sustain = b.sustain;
        this.minSamples = b.minSamples;
        this.severity = b.severity;
        this.perSegment = b.perSegment;
        this.global = b.global;
    }

    /**
     * @param name the trigger's name: lower-case letters, digits, '.', '_' or '-', e.g. {@code p95-latency}
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return what is measured */
    public Metric metric() {
        return metric;
    }

    /** @return when it is breached; {@code null} for a burn-rate trigger */
    public Threshold threshold() {
        return threshold;
    }

    /** @return alpha of the sequential test, or {@code null} for a plain comparison */
    public Double significance() {
        return significance;
    }

    /** @return whether the trigger runs an always-valid sequential test */
    public boolean sequential() {
        return significance != null;
    }

    /** @return the window (data read, or decision horizon of a sequential test) */
    public Duration window() {
        return window;
    }

    /** @return how long a breach must hold at every evaluation */
    public Duration sustain() {
        return sustain;
    }

    /** @return minimum samples per arm */
    public long minSamples() {
        return minSamples;
    }

    /** @return what a breach does */
    public Severity severity() {
        return severity;
    }

    /** @return whether each request segment is evaluated on its own */
    public boolean perSegment() {
        return perSegment;
    }

    /** @return whether a SEVERE breach in one segment rolls back every segment */
    public boolean global() {
        return global;
    }

    /** @return one line, e.g. {@code p95-latency: latency p95 increase 0.3 for PT5M (SEVERE)} */
    public String describe() {
        String what = metric instanceof Metric.Latency l ? "latency p" + Math.round(l.quantile() * 1000) / 10.0
                : metric instanceof Metric.Kpi k ? "kpi " + k.name()
                : metric instanceof Metric.InputNullRate n ? "input_null_rate " + n.field()
                : metric instanceof Metric.Drift d ? "drift " + d.field() + " " + d.statistic().name().toLowerCase()
                : metric.kind();
        return name + ": " + what + (threshold == null ? "" : " " + threshold.kind().key() + " " + threshold.value())
                + (significance == null ? "" : " significance " + significance)
                + " window " + window + (sustain.isZero() ? "" : " for " + sustain)
                + (perSegment ? (global ? " per segment, global" : " per segment") : "") + " (" + severity + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builds a {@link TriggerSpec}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private Metric metric;
        private Threshold threshold;
        private Double significance;
        private Duration window = DEFAULT_WINDOW;
        private Duration sustain = Duration.ZERO;
        private long minSamples = DEFAULT_MIN_SAMPLES;
        private Severity severity = Severity.SEVERE;
        private boolean perSegment;
        private boolean global;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param metric what is measured
         * @return this builder
         */
        public Builder metric(Metric metric) {
            this.metric = metric;
            return this;
        }

        /**
         * @param kind how the candidate is compared
         * @param value the comparison's number
         * @return this builder
         */
        public Builder threshold(Threshold.Kind kind, double value) {
            this.threshold = new Threshold(kind, value);
            return this;
        }

        /**
         * @param threshold when the metric is breached
         * @return this builder
         */
        public Builder threshold(Threshold threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * @param alpha significance of the sequential test, 0 &lt; alpha ≤ 0.5
         * @return this builder
         */
        public Builder significance(double alpha) {
            this.significance = alpha;
            return this;
        }

        /**
         * @param window 1 s..24 h
         * @return this builder
         */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /**
         * @param sustain 0..24 h
         * @return this builder
         */
        public Builder sustain(Duration sustain) {
            this.sustain = sustain;
            return this;
        }

        /**
         * @param minSamples per arm, 1..10⁹
         * @return this builder
         */
        public Builder minSamples(long minSamples) {
            this.minSamples = minSamples;
            return this;
        }

        /**
         * @param severity what a breach does
         * @return this builder
         */
        public Builder severity(Severity severity) {
            this.severity = severity;
            return this;
        }

        /**
         * @param perSegment evaluate each request segment on its own
         * @return this builder
         */
        public Builder perSegment(boolean perSegment) {
            this.perSegment = perSegment;
            return this;
        }

        /**
         * @param global with {@code perSegment}: a SEVERE breach in one segment rolls back every segment
         * @return this builder
         */
        public Builder global(boolean global) {
            this.global = global;
            return this;
        }

        /**
         * @return the trigger
         * @throws IllegalArgumentException naming the field, the value and the allowed range
         */
        public TriggerSpec build() {
            String where = "trigger '" + name + "': ";
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name must be 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a"
                        + " letter or digit, but was '" + name + "'");
            }
            if (metric == null) {
                throw new IllegalArgumentException(where + "metric must be set: one of latency, error_rate, timeout_rate, burn_rate,"
                        + " kpi, input_null_rate, schema_violation_rate, drift");
            }
            if (window == null || window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(where + "window must be between 1s and 24h, but was " + window);
            }
            if (sustain == null || sustain.isNegative() || sustain.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException(where + "sustain must be between 0s and 24h, but was " + sustain);
            }
            if (minSamples < 1 || minSamples > 1_000_000_000L) {
                throw new IllegalArgumentException(where + "minSamples must be between 1 and 1000000000, but was " + minSamples);
            }
            if (severity == null) {
                throw new IllegalArgumentException(where + "severity must be one of SEVERE, MILD, DRY_RUN");
            }
            if (significance != null && !(significance > 0 && significance <= 0.5)) {
                throw new IllegalArgumentException(where + "significance must be greater than 0 and at most 0.5 (alpha, e.g. 0.05),"
                        + " but was " + significance);
            }
            if (global && !perSegment) {
                throw new IllegalArgumentException(where + "global applies to perSegment triggers only (a trigger over all"
                        + " traffic always rolls back everything); set perSegment: true or remove global");
            }
            checkThreshold(where);
            return new TriggerSpec(this);
        }

        private void checkThreshold(String where) {
            Set<Threshold.Kind> allowed;
            boolean testable;
            if (metric instanceof Metric.BurnRate) {
                if (threshold != null) {
                    throw new IllegalArgumentException(where + "a burn_rate trigger takes its factors from metric.windows; remove "
                            + threshold.kind().key());
                }
                if (significance != null) {
                    throw new IllegalArgumentException(where + "significance does not apply to burn_rate; remove it");
                }
                return;
            } else if (metric instanceof Metric.Latency) {
                allowed = EnumSet.of(Threshold.Kind.ABOVE, Threshold.Kind.INCREASE, Threshold.Kind.INCREASE_BY);
                testable = false;
            } else if (metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate) {
                allowed = EnumSet.of(Threshold.Kind.ABOVE, Threshold.Kind.INCREASE, Threshold.Kind.INCREASE_BY);
                testable = threshold != null && threshold.kind() == Threshold.Kind.INCREASE;
            } else if (metric instanceof Metric.Kpi) {
                allowed = EnumSet.of(Threshold.Kind.DROP, Threshold.Kind.DROP_BY, Threshold.Kind.BELOW);
                testable = threshold != null && threshold.kind() != Threshold.Kind.BELOW;
                if (testable && significance == null) {
                    significance = DEFAULT_KPI_SIGNIFICANCE;
                }
            } else if (metric instanceof Metric.InputNullRate) {
                allowed = EnumSet.of(Threshold.Kind.ABOVE, Threshold.Kind.INCREASE, Threshold.Kind.INCREASE_BY);
                testable = false;
            } else {
                allowed = EnumSet.of(Threshold.Kind.ABOVE);
                testable = false;
            }
            if (threshold == null) {
                throw new IllegalArgumentException(where + "a " + metric.kind() + " trigger needs a threshold: one of "
                        + keys(allowed));
            }
            if (!allowed.contains(threshold.kind())) {
                throw new IllegalArgumentException(where + threshold.kind().key() + " does not apply to " + metric.kind()
                        + "; use one of " + keys(allowed));
            }
            if (significance != null && !testable) {
                throw new IllegalArgumentException(where + "significance applies only to kpi drop/dropBy and to error_rate or"
                        + " timeout_rate with increase; remove it from this " + metric.kind() + " trigger");
            }
            if (metric instanceof Metric.Latency && threshold.kind() == Threshold.Kind.ABOVE && threshold.value() <= 0) {
                throw new IllegalArgumentException(where + "above must be a latency in milliseconds greater than 0, but was "
                        + threshold.value());
            }
            boolean isRate = metric instanceof Metric.ErrorRate || metric instanceof Metric.TimeoutRate
                    || metric instanceof Metric.InputNullRate || metric instanceof Metric.SchemaViolationRate;
            if (isRate && threshold.kind() == Threshold.Kind.ABOVE && !(threshold.value() >= 0 && threshold.value() < 1)) {
                throw new IllegalArgumentException(where + "above must be a rate between 0 and 1 (0.05 for 5 %), but was "
                        + threshold.value());
            }
        }

        private static String keys(Set<Threshold.Kind> kinds) {
            return kinds.stream().map(Threshold.Kind::key).toList().toString();
        }
    }
}
