package io.github.rollback4j.core.shadow;

import io.github.rollback4j.Model;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.VirtualTimeSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Deterministic runner tests: a direct or a controlled executor and a virtual clock. */
class ShadowRunnerTest {

    private static final Executor DIRECT = Runnable::run;
    private final VirtualTimeSource clock = VirtualTimeSource.create();

    /** Runs tasks only when told to. */
    static final class ControlledExecutor implements Executor {
        final Deque<Runnable> tasks = new ArrayDeque<>();
        boolean reject;

        @Override
        public void execute(Runnable task) {
            if (reject) {
                throw new RejectedExecutionException("full");
            }
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    private <I, O> ShadowRunner.Builder<I, O> runner(Model<I, O> candidate) {
        return ShadowRunner.builder(candidate).executor(DIRECT).timeSource(clock).sampleRate(1.0);
    }

    @Test
    void comparesTheCandidateWithThePrimaryOutput() {
        try (ShadowRunner<Integer, Integer> r = runner((Integer x) -> x % 10 == 0 ? -1 : x * 2).build()) {
            for (int i = 1; i <= 100; i++) {
                assertThat(r.offer(i, i * 2, RequestContext.EMPTY, clock.currentTimeMillis())).isTrue();
            }
            ShadowReport report = r.report();
            assertThat(report.offered()).isEqualTo(100);
            assertThat(report.total().compared()).isEqualTo(100);
            assertThat(report.total().mismatches()).isEqualTo(10);
            assertThat(report.total().mismatchRate()).isEqualTo(0.1);
            assertThat(report.bySegment()).containsOnlyKeys("default");
        }
    }

    @Test
    void thePrimaryOutputIsNeverChanged() {
        Model<double[], double[]> candidate = in -> {
            double[] out = in.clone();
            out[0] += 1;
            return out;
        };
        ShadowComparator<double[]> nosy = (a, b) -> ShadowComparison.of(Arrays.equals(a, b));
        try (ShadowRunner<double[], double[]> r = runner(candidate).comparator(nosy).baseline(in -> in.clone()).noiseRate(1.0).build()) {
            double[] input = {1, 2, 3};
            double[] primary = {1, 2, 3};
            double[] copy = primary.clone();
            r.offer(input, primary, RequestContext.EMPTY, 0);
            assertThat(primary).containsExactly(copy);
            assertThat(input).containsExactly(1, 2, 3);
            assertThat(r.report().total().mismatches()).isEqualTo(1);
        }
    }

    @Test
    void samplesTheConfiguredShareDeterministically() {
        int[] first = new int[1];
        int[] second = new int[1];
        for (int[] counter : new int[][] {first, second}) {
            try (ShadowRunner<Integer, Integer> r = runner((Integer x) -> x).sampleRate(0.1).seed(42).build()) {
                for (int i = 0; i < 10_000; i++) {
                    if (r.offer(i, i, RequestContext.EMPTY, 0)) {
                        counter[0]++;
                    }
                }
                assertThat(r.report().sampled()).isEqualTo(counter[0]);
            }
        }
        assertThat(first[0]).isEqualTo(second[0]).isBetween(900, 1100);
        try (ShadowRunner<Integer, Integer> off = runner((Integer x) -> x).sampleRate(0.0).build()) {
            assertThat(off.offer(1, 1, RequestContext.EMPTY, 0)).isFalse();
            assertThat(off.report().sampled()).isZero();
        }
    }

    @Test
    void candidateExceptionsAreCountedNotPropagated() {
        AtomicInteger calls = new AtomicInteger();
        Model<Integer, Integer> failing = x -> {
            calls.incrementAndGet();
            if (x % 2 == 0) {
                throw new IllegalStateException("boom");
            }
            if (x % 3 == 0) {
                throw new TimeoutException("model's own timeout");
            }
            throw new Exception("checked");
        };
        try (ShadowRunner<Integer, Integer> r = runner(failing).build()) {
            for (int i = 1; i <= 6; i++) {
                assertThat(r.offer(i, i, RequestContext.EMPTY, 0)).isTrue();
            }
            assertThat(calls).hasValue(6);
            assertThat(r.errors()).isEqualTo(5);
            assertThat(r.timeouts()).isEqualTo(1);
            assertThat(r.compared()).isZero();
        }
    }

    @Test
    void comparatorExceptionsAreCountedAsErrors() {
        ShadowComparator<Integer> broken = (a, b) -> {
            throw new IllegalArgumentException("bad comparator");
        };
        try (ShadowRunner<Integer, Integer> r = runner((Integer x) -> x).comparator(broken).build()) {
            assertThat(r.offer(1, 1, RequestContext.EMPTY, 0)).isTrue();
            assertThat(r.errors()).isEqualTo(1);
        }
    }

    @Test
    void callsSlowerThanTheTimeoutOnTheVirtualClockAreTimeouts() {
        Model<Integer, Integer> slow = x -> {
            clock.spend(Duration.ofMillis(x));
            return x;
        };
        try (ShadowRunner<Integer, Integer> r = runner(slow).timeout(Duration.ofMillis(100)).build()) {
            r.offer(50, 50, RequestContext.of("u", Segment.of("eu")), 0);
            r.offer(150, 150, RequestContext.of("u", Segment.of("eu")), 0);
            r.offer(250, 250, RequestContext.of("u", Segment.of("us")), 0);
            assertThat(r.timeouts()).isEqualTo(2);
            assertThat(r.compared()).isEqualTo(1);
            ShadowReport report = r.report();
            assertThat(report.bySegment().get("eu").timeouts()).isEqualTo(1);
            assertThat(report.bySegment().get("us").timeouts()).isEqualTo(1);
        }
    }

    @Test
    void aFullExecutorIsADropAndTheCallerIsNotSlowed() {
        ControlledExecutor executor = new ControlledExecutor();
        try (ShadowRunner<Integer, Integer> r = ShadowRunner.builder((Integer x) -> x).executor(executor).timeSource(clock)
                .sampleRate(1.0).maxConcurrentCalls(2).timeout(Duration.ofMinutes(10)).build()) {
            assertThat(r.offer(1, 1, RequestContext.EMPTY, 0)).isTrue();
            assertThat(r.offer(2, 2, RequestContext.EMPTY, 0)).isTrue();
            assertThat(r.inFlight()).isEqualTo(2);
            for (int i = 0; i < 10; i++) {
                assertThat(r.offer(3, 3, RequestContext.EMPTY, 0)).isFalse();
            }
            assertThat(r.dropped()).isEqualTo(10);
            executor.runAll();
            assertThat(r.inFlight()).isZero();
            assertThat(r.compared()).isEqualTo(2);
            executor.reject = true;
            assertThat(r.offer(4, 4, RequestContext.EMPTY, 0)).isFalse();
            assertThat(r.dropped()).isEqualTo(11);
            assertThat(r.inFlight()).isZero();
            assertThat(r.report().total().drops()).isEqualTo(11);
        }
    }

    @Test
    void noiseCancellationSubtractsTheBaselinesSelfMismatch() {
        // Baseline answers with noise: 1 call in 10 its second answer differs. The candidate adds a
        // 10 % flip of its own on top: raw near 0.19, noise near 0.10, excess near 0.09.
        SplittableRandom baselineNoise = new SplittableRandom(7);
        SplittableRandom candidateNoise = new SplittableRandom(11);
        Model<Integer, Integer> baseline = x -> baselineNoise.nextInt(10) == 0 ? x + 1 : x;
        Model<Integer, Integer> candidate = x -> {
            boolean flip = candidateNoise.nextInt(10) == 0 || baselineNoise.nextInt(10) == 0;
            return flip ? x + 1 : x;
        };
        try (ShadowRunner<Integer, Integer> r = runner(candidate).baseline(baseline).noiseRate(1.0).build()) {
            for (int i = 0; i < 20_000; i++) {
                r.offer(i, i, RequestContext.EMPTY, 0);
            }
            ShadowReport.Counts total = r.report().total();
            assertThat(total.noiseCompared()).isEqualTo(20_000);
            assertThat(total.noiseRate()).isCloseTo(0.10, within(0.01));
            assertThat(total.mismatchRate()).isCloseTo(0.19, within(0.015));
            assertThat(total.excessMismatchRate()).isCloseTo(0.09, within(0.02))
                    .isEqualTo(total.mismatchRate() - total.noiseRate());
        }
    }

    @Test
    void excessMismatchIsNeverBelowZero() {
        ShadowReport.Counts c = ShadowReport.Counts.of(100, 2, 100, 5, 0, 0, 0, null);
        assertThat(c.excessMismatchRate()).isZero();
        assertThat(ShadowReport.Counts.of(100, 7, 0, 0, 0, 0, 0, null).excessMismatchRate()).isEqualTo(0.07);
    }

    @Test
    void breaksDownByAttributeWithACap() {
        try (ShadowRunner<Integer, Integer> r = runner((Integer x) -> x).attribute("tenant").maxAttributeValues(2).build()) {
            r.offer(1, 1, RequestContext.builder().attribute("tenant", "a").build(), 0);
            r.offer(1, 2, RequestContext.builder().attribute("tenant", "b").build(), 0);
            r.offer(1, 1, RequestContext.builder().attribute("tenant", "c").build(), 0);
            r.offer(1, 1, RequestContext.EMPTY, 0);
            ShadowReport report = r.report();
            assertThat(report.attributeName()).isEqualTo("tenant");
            assertThat(report.byAttribute()).containsOnlyKeys("a", "b", "(other)");
            assertThat(report.byAttribute().get("b").mismatches()).isEqualTo(1);
            assertThat(report.byAttribute().get("(other)").compared()).isEqualTo(2);
        }
    }

    @Test
    void overTimeKeepsAtMostMaxIntervals() {
        try (ShadowRunner<Integer, Integer> r = runner((Integer x) -> x).interval(Duration.ofMinutes(1)).maxIntervals(3).build()) {
            for (int minute = 0; minute < 5; minute++) {
                r.offer(1, 1, RequestContext.EMPTY, minute * 60_000L + 30_000L);
            }
            ShadowReport report = r.report();
            assertThat(report.intervalMillis()).isEqualTo(60_000L);
            assertThat(report.overTime()).hasSize(1);
            assertThat(report.overTime().get(0).points()).extracting(ShadowReport.Point::startMillis)
                    .containsExactly(120_000L, 180_000L, 240_000L);
        }
    }

    @Test
    void aClosedRunnerAcceptsNothing() {
        ShadowRunner<Integer, Integer> r = runner((Integer x) -> x).build();
        r.close();
        r.close();
        assertThat(r.offer(1, 1, RequestContext.EMPTY, 0)).isFalse();
    }

    @Test
    void badSettingsNameTheFieldTheValueAndTheRange() {
        ShadowRunner.Builder<Integer, Integer> b = ShadowRunner.builder((Integer x) -> x);
        assertThatThrownBy(() -> b.sampleRate(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sampleRate").hasMessageContaining("1.5").hasMessageContaining("[0.0, 1.0]");
        assertThatThrownBy(() -> b.noiseRate(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noiseRate").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> b.maxConcurrentCalls(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrentCalls").hasMessageContaining("[1, 1024]").hasMessageContaining("0");
        assertThatThrownBy(() -> b.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.interval(Duration.ofDays(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval").hasMessageContaining("PT48H");
        assertThatThrownBy(() -> b.maxIntervals(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxIntervals");
        assertThatThrownBy(() -> b.maxAttributeValues(10_001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttributeValues").hasMessageContaining("10001");
        assertThatThrownBy(() -> ShadowRunner.builder((Integer x) -> x).noiseRate(0.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("noiseRate").hasMessageContaining("baseline");
    }

    @Test
    void keepsTheMismatchesWithTheLargestDistancePerSegmentAsExamples() {
        try (ShadowRunner<Integer, Double> r = ShadowRunner.<Integer, Double>builder(x -> x * 1.0).executor(DIRECT).timeSource(clock)
                .sampleRate(1.0).comparator(ShadowComparator.numeric(0.5, 0.0)).attribute("device").examples(2)
                .describeInput(x -> "input #" + x).build()) {
            RequestContext eu = RequestContext.builder().segment("eu").attribute("device", "tv").build();
            RequestContext us = RequestContext.builder().segment("us").build();
            for (int i = 0; i < 10; i++) {
                r.offer(i, 0.0, eu, 1_000L * i);       // distance i: mismatches from i = 1
                r.offer(i, i * 1.0, us, 1_000L * i);   // matches: never an example
            }
            r.offer(100, 100.0 - 20, eu, 20_000L);      // distance 20, the largest

            List<ShadowReport.Example> examples = r.report().examples();

            assertThat(examples).extracting(ShadowReport.Example::distance).containsExactly(20.0, 9.0);
            assertThat(examples).allSatisfy(e -> {
                assertThat(e.segment()).isEqualTo("eu");
                assertThat(e.attribute()).isEqualTo("tv");
            });
            assertThat(examples.get(0).input()).isEqualTo("input #100");
            assertThat(examples.get(0).primary()).isEqualTo("80.0");
            assertThat(examples.get(0).candidate()).isEqualTo("100.0");
            assertThat(ShadowReport.fromJson(r.report().toJson())).isEqualTo(r.report());
        }
        try (ShadowRunner<Integer, Integer> none = runner((Integer x) -> x + 1).examples(0).build()) {
            none.offer(1, 1, RequestContext.EMPTY, 0);
            assertThat(none.report().examples()).isEmpty();
            assertThat(none.report().total().mismatches()).isEqualTo(1);
        }
        assertThatThrownBy(() -> ShadowRunner.builder((Integer x) -> x).examples(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("examples").hasMessageContaining("[0, 100]");
    }
}
