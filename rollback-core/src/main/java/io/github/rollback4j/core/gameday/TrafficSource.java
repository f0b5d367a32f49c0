package io.github.rollback4j.core.gameday;

import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The request stream of a game day: how many requests each simulated second sends (the rate shaped by
 * the diurnal pattern), and each request's segment, stickiness key, context attributes, signal and the
 * seed of its input fields, all drawn from one seeded stream so that a seed gives the same traffic.
 *
 * <p>Not thread-safe: one per run.
 */
final class TrafficSource {

    private final Scenario.Traffic traffic;
    private final SplittableRandom random;
    private final List<Map.Entry<String, Double>> segments;
    private final Map<String, List<Map.Entry<String, Double>>> attributes = new LinkedHashMap<>();
    private final Segment[] segmentOf;
    private final boolean inputs;

    TrafficSource(Scenario.Traffic traffic, long seed) {
        this.traffic = traffic;
        this.random = new SplittableRandom(seed);
        this.segments = new ArrayList<>(traffic.segments().entrySet());
        this.segmentOf = segments.stream().map(e -> Segment.of(e.getKey())).toArray(Segment[]::new);
        traffic.attributes().forEach((name, values) -> attributes.put(name, new ArrayList<>(values.entrySet())));
        this.inputs = !traffic.inputs().isEmpty();
    }

    /** @return requests to send in the second starting at {@code now}: the diurnal rate, its fraction drawn */
    long count(Instant now) {
        int hour = now.atZone(ZoneOffset.UTC).getHour();
        double rate = traffic.rate() * (1 + traffic.diurnalAmplitude() * Math.cos(2 * Math.PI * (hour - traffic.peakHour()) / 24.0));
        return (long) rate + (random.nextDouble() < rate - Math.floor(rate) ? 1 : 0);
    }

    /** One request and the context it is sent with. */
    record Call(SyntheticModel.Request request, RequestContext context) {
    }

    Call next(int hourOfDay) {
        int s = pick(segments);
        String segment = segments.get(s).getKey();
        String user = "user-" + random.nextInt(traffic.users());
        RequestContext ctx;
        Map<String, String> values = Map.of();
        if (attributes.isEmpty()) {
            ctx = RequestContext.of(user, segmentOf[s]);
        } else {
            RequestContext.Builder b = RequestContext.builder().stickinessKey(user).segment(segmentOf[s]);
            Map<String, String> drawn = new LinkedHashMap<>();
            attributes.forEach((name, shares) -> {
                String value = shares.get(pick(shares)).getKey();
                drawn.put(name, value);
                b.attribute(name, value);
            });
            values = drawn;
            ctx = b.build();
        }
        double signal = random.nextDouble();
        long draws = inputs ? random.nextLong() : 0L;
        return new Call(new SyntheticModel.Request(segment, hourOfDay, signal, values, draws), ctx);
    }

    /** @return a uniform draw in [0, 1) (whether a served request converts) */
    double nextDouble() {
        return random.nextDouble();
    }

    /** @return a uniform bucket in [0, bound) for calls the router routes at random */
    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private int pick(List<Map.Entry<String, Double>> shares) {
        double u = random.nextDouble();
        for (int i = 0; i < shares.size(); i++) {
            u -= shares.get(i).getValue();
            if (u < 0) {
                return i;
            }
        }
        return shares.size() - 1;
    }
}
