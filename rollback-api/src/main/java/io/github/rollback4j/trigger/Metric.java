package io.github.rollback4j.trigger;

import java.util.List;
import java.util.Objects;

/**
 * What a trigger measures. Values are read per release from the router's telemetry over the
 * trigger's window (or, for sequential tests, since the current test began).
 */
public sealed interface Metric {

    /** @return the metric's name as written in a trigger file, e.g. {@code latency} */
    String kind();

    /**
     * A latency quantile of the calls a release served, in milliseconds.
     *
     * @param quantile 0.5..0.9999, e.g. 0.95 for P95
     */
    record Latency(double quantile) implements Metric {
        /** @throws IllegalArgumentException when the quantile is outside 0.5..0.9999 */
        public Latency {
            if (!(quantile >= 0.5 && quantile <= 0.9999)) {
                throw new IllegalArgumentException("metric.quantile must be between 0.5 and 0.9999 (0.95 for P95), but was " + quantile);
            }
        }

        @Override
        public String kind() {
            return "latency";
        }
    }

    /** Share of calls that failed: model errors, timeouts and fallbacks over requests (0..1). */
    record ErrorRate() implements Metric {
        @Override
        public String kind() {
            return "error_rate";
        }
    }

    /** Share of calls that timed out (0..1). */
    record TimeoutRate() implements Metric {
        @Override
        public String kind() {
            return "timeout_rate";
        }
    }

    /**
     * The error budget burn rate against an availability SLO, over pairs of windows (multi-window,
     * multi-burn-rate alerting): a breach when, for any pair, both windows burn faster than the pair's
     * factor. Burn rate = error rate / (1 − SLO).
     *
     * @param slo the availability objective, e.g. 0.999; 0.5..0.99999
     * @param windows the window pairs, at least one
     */
    record BurnRate(double slo, List<BurnWindow> windows) implements Metric {
        /** @throws IllegalArgumentException when the SLO is out of range or no window pair is given */
        public BurnRate {
            if (!(slo >= 0.5 && slo <= 0.99999)) {
                throw new IllegalArgumentException("metric.slo must be between 0.5 and 0.99999 (0.999 for three nines), but was " + slo);
            }
            Objects.requireNonNull(windows, "metric.windows must not be null");
            if (windows.isEmpty()) {
                throw new IllegalArgumentException("metric.windows must hold at least one window pair, e.g. {long: 1h, short: 5m, factor: 14.4}");
            }
            windows = List.copyOf(windows);
        }

        @Override
        public String kind() {
            return "burn_rate";
        }
    }

    /**
     * A business KPI reported by the application: a proportion (click-through, conversion, reported
     * as 0/1) or a mean (revenue, acceptance score).
     *
     * @param name the KPI's name as reported, e.g. {@code conversion}
     * @param proportion {@code true} for a proportion, {@code false} for a mean
     */
    record Kpi(String name, boolean proportion) implements Metric {
        /** @throws IllegalArgumentException when the name is empty */
        public Kpi {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("metric.kpi must name the KPI as the application reports it, e.g. 'conversion'");
            }
        }

        @Override
        public String kind() {
            return "kpi";
        }
    }

    /**
     * Share of sampled calls whose input field was missing ({@code null}), 0..1.
     *
     * @param field the input field, as declared in the router's input profile
     */
    record InputNullRate(String field) implements Metric {
        /** @throws IllegalArgumentException when the field is empty */
        public InputNullRate {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("metric.field must name an input field of the router's input profile");
            }
        }

        @Override
        public String kind() {
            return "input_null_rate";
        }
    }

    /** Share of sampled calls whose input broke the declared input schema, 0..1. */
    record SchemaViolationRate() implements Metric {
        @Override
        public String kind() {
            return "schema_violation_rate";
        }
    }

    /**
     * Distribution shift of an input field or of the prediction score against a reference profile.
     *
     * @param field an input field of the router's input profile, or {@link #SCORE} for the prediction score
     * @param statistic PSI (numeric), Jensen-Shannon distance (categorical) or normalised Wasserstein (numeric)
     */
    record Drift(String field, DriftStatistic statistic) implements Metric {
        /** The pseudo-field naming the prediction score. */
        public static final String SCORE = "score";

        /** @throws IllegalArgumentException when the field is empty or the statistic is missing */
        public Drift {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("metric.field must name an input field, or 'score' for the prediction score");
            }
            Objects.requireNonNull(statistic, "metric.statistic must be one of psi, jensen_shannon, wasserstein");
        }

        @Override
        public String kind() {
            return "drift";
        }
    }

    /** Drift statistics. */
    enum DriftStatistic {
        /** Population stability index over 10 reference-quantile bins (numeric fields and scores). */
        PSI,
        /** Jensen-Shannon distance, base 2, 0..1 (categorical fields). */
        JENSEN_SHANNON,
        /** Wasserstein-1 distance divided by the reference's standard deviation (numeric fields and scores). */
        WASSERSTEIN
    }
}
