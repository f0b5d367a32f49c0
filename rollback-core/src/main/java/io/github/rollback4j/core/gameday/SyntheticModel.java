package io.github.rollback4j.core.gameday;

import io.github.rollback4j.Model;
import io.github.rollback4j.core.VirtualTimeSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The synthetic model of one release of a game day: it spends its latency on the calling thread's
 * clock ({@link VirtualTimeSource#spend}), throws at its error rate, returns the request's signal as
 * its score (shifted where its distortion applies, plus its noise), and, as the release's feature
 * pipeline, writes the input fields it emits into the request for the router's input profile. Health
 * probes and warm-up calls (a request without a segment) follow its {@code health}.
 *
 * <p>Not thread-safe: a game day runs everything on one thread (a direct probe and shadow executor).
 */
final class SyntheticModel implements Model<SyntheticModel.Request, Double> {

    /** The category a categorical field emits when it breaks its {@code allowed} rule. */
    static final String INVALID_CATEGORY = "(not allowed)";

    private final SyntheticRelease release;
    private final VirtualTimeSource clock;
    private final Instant start;
    private final SplittableRandom random;
    private final List<Scenario.InputField> fields;
    private final boolean emitsFeatures;
    private final String[] names;
    /** Set by the game day around the router's warm-ups of this release, so that a call knows it is one. */
    boolean warming;

    /**
     * @param emitsFeatures whether this instance writes its input fields into the request: the serving one does, the
     *                      shadow's copies (candidate, baseline re-run) must not overwrite what the router profiled
     */
    SyntheticModel(SyntheticRelease release, VirtualTimeSource clock, Instant start, SplittableRandom random,
                   List<Scenario.InputField> fields, boolean emitsFeatures) {
        this.release = release;
        this.clock = clock;
        this.start = start;
        this.random = random;
        this.fields = fields;
        this.emitsFeatures = emitsFeatures;
        this.names = fields.stream().map(Scenario.InputField::name).toArray(String[]::new);
    }

    /** @return a copy for the shadow runner (same behaviour and random stream; it never writes input fields) */
    SyntheticModel forShadow() {
        return new SyntheticModel(release, clock, start, random, fields, false);
    }

    @Override
    public Double predict(Request request) {
        Duration elapsed = Duration.ofMillis(clock.currentTimeMillis() - start.toEpochMilli());
        if (request.segment == null) {
            return probe(release.behaviourAt(elapsed).health());
        }
        SyntheticRelease.Behaviour b = release.behaviourAt(elapsed, request.segment);
        double latencyMillis = b.medianLatency().toNanos() / 1e6 * Math.exp(b.latencySigma() * gaussian(random));
        clock.spend(Duration.ofNanos((long) (latencyMillis * 1_000_000)));
        if (emitsFeatures && !fields.isEmpty()) {
            request.features = emit(b.inputs(), request.draws);
            request.names = names;
        }
        if (random.nextDouble() < b.errorRate()) {
            throw new IllegalStateException(release.name() + ": synthetic model error");
        }
        double score = request.signal;
        if (b.distortion().appliesTo(request.segment, request.hourOfDay, request.attributes)) {
            score += b.distortion().outputShift();
        }
        if (b.noise() > 0) {
            score += b.noise() * gaussian(random);
        }
        return score;
    }

    /** A warm-up call or health probe: slow by {@code probeLatency}, failing as {@code health} says. */
    private Double probe(SyntheticRelease.Health health) {
        if (!health.probeLatency().isZero()) {
            clock.spend(health.probeLatency());
        }
        // a release that cannot warm cannot answer its probe either
        if (health.warmupFails() || health.probeFails()) {
            throw new IllegalStateException(release.name() + ": synthetic " + (warming ? "warm-up" : "health probe") + " failure"
                    + (health.warmupFails() ? " (the instance cannot warm up)" : ""));
        }
        return 0.5;
    }

    /**
     * The input fields the pipeline emits for one request. Every field draws four numbers from the request's
     * own stream whatever it emits, so two releases emitting the same fields give the same values for the same
     * request, and a change in one field leaves the others as they were.
     */
    Object[] emit(Map<String, SyntheticRelease.FieldValues> values, long draws) {
        SplittableRandom r = new SplittableRandom(draws);
        Object[] out = new Object[fields.size()];
        for (int i = 0; i < out.length; i++) {
            Scenario.InputField field = fields.get(i);
            SyntheticRelease.FieldValues v = values.get(field.name());
            double u1 = r.nextDouble();
            double u2 = r.nextDouble();
            double u3 = r.nextDouble();
            double u4 = r.nextDouble();
            if (u1 < v.nullRate()) {
                out[i] = null;
            } else if (u2 < v.violationRate()) {
                out[i] = field.numeric() ? violating(field, u3) : invalidCategory(field);
            } else if (field.numeric()) {
                out[i] = sample(v.distribution(), u3, u4) + v.shift();
            } else {
                out[i] = category(v.categories(), u3);
            }
        }
        return out;
    }

    /** A value above the field's {@code range}. */
    private static double violating(Scenario.InputField field, double u) {
        double spread = Math.max(1.0, Double.isInfinite(field.min()) ? Math.abs(field.max()) : field.max() - field.min());
        return field.max() + spread * (0.1 + u);
    }

    private static String invalidCategory(Scenario.InputField field) {
        String category = INVALID_CATEGORY;
        while (field.allowed().contains(category)) {
            category = category + "'";
        }
        return category;
    }

    private static double sample(SyntheticRelease.Distribution d, double u3, double u4) {
        return switch (d.kind()) {
            case "normal" -> d.a() + d.b() * boxMuller(u3, u4);
            case "lognormal" -> d.a() * Math.exp(d.b() * boxMuller(u3, u4));
            default -> d.a() + (d.b() - d.a()) * u3;
        };
    }

    private static String category(Map<String, Double> categories, double u) {
        String last = null;
        for (Map.Entry<String, Double> e : categories.entrySet()) {
            last = e.getKey();
            u -= e.getValue();
            if (u < 0) {
                return last;
            }
        }
        return last;
    }

    private static double boxMuller(double u1, double u2) {
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * One synthetic request: what the model sees. The serving release's feature pipeline fills {@link #features};
     * the router's input profile reads them after the call.
     */
    static final class Request {
        /** The input of warm-up calls and health probes. */
        static final Request PROBE = new Request(null, 0, 0.5, Map.of(), 0L);

        final String segment;
        final int hourOfDay;
        final double signal;
        final Map<String, String> attributes;
        /** Seed of the request's own random stream for its input fields. */
        final long draws;
        /** The input fields, as the release that served the request emitted them ({@code null} before the call). */
        Object[] features;
        /** The names of {@link #features}, for people (incident samples). */
        String[] names;

        Request(String segment, int hourOfDay, double signal, Map<String, String> attributes, long draws) {
            this.segment = segment;
            this.hourOfDay = hourOfDay;
            this.signal = signal;
            this.attributes = attributes;
            this.draws = draws;
        }

        // bean getters: incident bundles write a sample's input with Jackson

        /** @return the request's segment ({@code null} for a probe) */
        public String getSegment() {
            return segment;
        }

        /** @return the hour of day (UTC) it was sent in */
        public int getHourOfDay() {
            return hourOfDay;
        }

        /** @return the signal the models score */
        public double getSignal() {
            return signal;
        }

        /** @return its context attributes */
        public Map<String, String> getAttributes() {
            return attributes;
        }

        /** @return the input fields as the serving release emitted them, by name (empty before the call) */
        public Map<String, Object> getInputs() {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            if (features != null) {
                for (int i = 0; i < features.length; i++) {
                    out.put(names[i], features[i]);
                }
            }
            return out;
        }

        /** @return the {@code i}-th input field as emitted, or {@code null} when missing */
        Object feature(int i) {
            Object[] f = features;
            return f == null ? null : f[i];
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder("{segment=").append(segment).append(", hour=").append(hourOfDay)
                    .append(", signal=").append(String.format(java.util.Locale.ROOT, "%.4f", signal));
            attributes.forEach((k, v) -> out.append(", ").append(k).append('=').append(v));
            if (features != null) {
                for (int i = 0; i < features.length; i++) {
                    Object v = features[i];
                    out.append(", ").append(names[i]).append('=')
                            .append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4g", d) : String.valueOf(v));
                }
            }
            return out.append('}').toString();
        }
    }
}
