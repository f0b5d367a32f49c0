package io.github.rollback4j.core.shadow;

import io.github.rollback4j.Model;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.VirtualTimeSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's shadow example: 10 % shadow for 24 h; the candidate's outputs drift only at night and
 * only in one segment. The breakdown shows it only there and the gate blocks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShadowNightDriftTest {

    record Req(long id, String region) { }

    private static final Segment EU = Segment.of("eu-west");
    private static final Segment US = Segment.of("us-east");
    private final VirtualTimeSource clock = VirtualTimeSource.startingAt(Instant.parse("2026-03-02T00:00:00Z"));
    private final TimeOfDayBuckets buckets = TimeOfDayBuckets.named(ZoneOffset.UTC).bucket("night", 22, 6).otherwise("day").build();
    private ShadowReport report;

    private static long hash(long x) {
        x += 0x9E3779B97F4A7C15L;
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return (x ^ (x >>> 31)) >>> 1;
    }

    @BeforeAll
    void runADayOfTraffic() {
        SplittableRandom noise = new SplittableRandom(2026);
        // the baseline is a little nondeterministic: 1 % of its answers are off by one
        Model<Req, Integer> baseline = req -> (int) (hash(req.id()) % 100) + (noise.nextInt(100) == 0 ? 1 : 0);
        Model<Req, Integer> candidate = req -> {
            int truth = (int) (hash(req.id()) % 100);
            boolean night = "night".equals(buckets.bucketOf(clock.currentTimeMillis()));
            boolean drifts = night && req.region().equals("eu-west") && hash(req.id() * 31) % 100 < 30;
            return drifts ? truth + 5 : truth;
        };
        Executor direct = Runnable::run;
        try (ShadowRunner<Req, Integer> runner = ShadowRunner.builder(candidate)
                .name("night-drift")
                .baseline(baseline).noiseRate(1.0)
                .comparator(ShadowComparator.numeric(0.0, 0.0))
                .sampleRate(0.10).seed(1)
                .executor(direct).timeSource(clock)
                .timeOfDay(buckets).interval(Duration.ofHours(1))
                .attribute("tier")
                .build()) {
            long id = 0;
            for (int second = 0; second < 24 * 3600; second += 10) {
                for (Segment segment : new Segment[] {EU, US}) {
                    Req req = new Req(id++, segment.name());
                    RequestContext ctx = RequestContext.builder().stickinessKey("u" + id).segment(segment)
                            .attribute("tier", (id / 7) % 2 == 0 ? "free" : "paid").build();
                    Integer primary = baseline.predict(req);
                    runner.offer(req, primary, ctx, clock.currentTimeMillis());
                }
                clock.advance(Duration.ofSeconds(10));
            }
            report = runner.report();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theDriftShowsUpOnlyAtNightInOneSegment() {
        assertThat(report.sampled()).isBetween(1_500L, 1_950L);
        ShadowReport.Counts euNight = report.bySegmentAndTimeOfDay().get("eu-west").get("night");
        ShadowReport.Counts euDay = report.bySegmentAndTimeOfDay().get("eu-west").get("day");
        ShadowReport.Counts usNight = report.bySegmentAndTimeOfDay().get("us-east").get("night");
        ShadowReport.Counts usDay = report.bySegmentAndTimeOfDay().get("us-east").get("day");
        assertThat(euNight.excessMismatchRate()).isBetween(0.2, 0.4);
        assertThat(euDay.excessMismatchRate()).isLessThan(0.03);
        assertThat(usNight.excessMismatchRate()).isLessThan(0.03);
        assertThat(usDay.excessMismatchRate()).isLessThan(0.03);
        assertThat(report.total().noiseCompared()).isEqualTo(report.total().compared());
        assertThat(report.total().noiseRate()).isBetween(0.002, 0.03);
        assertThat(report.byAttribute()).containsOnlyKeys("free", "paid");

        // over time: eu-west is high only in night hours, us-east never
        ShadowReport.Series eu = report.overTime().stream().filter(s -> s.segment().equals("eu-west")).findFirst().orElseThrow();
        ShadowReport.Series us = report.overTime().stream().filter(s -> s.segment().equals("us-east")).findFirst().orElseThrow();
        assertThat(eu.points()).hasSize(24);
        for (ShadowReport.Point p : eu.points()) {
            boolean night = "night".equals(buckets.bucketOf(p.startMillis()));
            if (night) {
                assertThat(p.counts().mismatchRate()).as("eu-west at %s", Instant.ofEpochMilli(p.startMillis())).isGreaterThan(0.08);
            } else {
                assertThat(p.counts().mismatchRate()).as("eu-west at %s", Instant.ofEpochMilli(p.startMillis())).isLessThan(0.08);
            }
        }
        assertThat(us.points()).allSatisfy(p -> assertThat(p.counts().mismatchRate()).isLessThan(0.08));
    }

    @Test
    void theGateBlocksOnTheNightSegmentOnly() {
        ShadowGate gate = ShadowGate.builder().defaultThreshold(0.05).minCompared(100).build();
        ShadowGate.Decision decision = gate.evaluate(report);
        assertThat(decision).isInstanceOf(ShadowGate.Blocked.class);
        ShadowGate.Blocked blocked = (ShadowGate.Blocked) decision;
        assertThat(blocked.breaches()).extracting(ShadowGate.Breach::segment).containsOnly("eu-west");
        assertThat(blocked.breaches()).anySatisfy(b -> {
            assertThat(b.timeOfDay()).isEqualTo("night");
            assertThat(b.rate()).isGreaterThan(0.2);
            assertThat(b.threshold()).isEqualTo(0.05);
        });

        // the night drift is a third of the day: a lenient segment threshold still sees it per bucket
        ShadowGate lenient = ShadowGate.builder().defaultThreshold(0.05).threshold("eu-west", 0.15).minCompared(100).build();
        assertThat(((ShadowGate.Blocked) lenient.evaluate(report)).breaches())
                .singleElement().satisfies(b -> assertThat(b.timeOfDay()).isEqualTo("night"));
        ShadowGate wholeSegmentsOnly = ShadowGate.builder().defaultThreshold(0.05).threshold("eu-west", 0.15)
                .minCompared(100).checkTimeOfDay(false).build();
        assertThat(wholeSegmentsOnly.evaluate(report)).isInstanceOf(ShadowGate.Open.class);
    }

    @Test
    void theReportRoundTripsThroughJson() {
        String json = report.toJson();
        assertThat(json).contains("\"bySegment\"", "\"eu-west\"", "\"excessMismatchRate\"", "\"overTime\"");
        ShadowReport back = ShadowReport.fromJson(json);
        assertThat(back).isEqualTo(report);
        assertThat(back.toJson()).isEqualTo(json);
    }

    @Test
    void theHtmlPageIsSelfContainedWithTablesAndAChart() {
        String html = report.toHtml();
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<style>", "<table id=\"totals\"", "<table id=\"by-segment\"", "<table id=\"by-time-of-day\"",
                        "<table id=\"by-segment-and-time-of-day\"", "<table id=\"by-attribute\"", "<svg", "<polyline",
                        "eu-west", "us-east", "night")
                .doesNotContain("<script", "<link", "@import", "src=\"http");
        assertThat(html.split("<polyline", -1)).hasSize(3);
    }
}
