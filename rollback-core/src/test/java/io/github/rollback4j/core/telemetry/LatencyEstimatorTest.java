package io.github.rollback4j.core.telemetry;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import io.github.rollback4j.core.telemetry.LatencySamples.Distribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

class LatencyEstimatorTest {

    private static final long SEED = 7L;

    static LatencyEstimator create(LatencyEstimator.Kind kind) {
        return kind == LatencyEstimator.Kind.DDSKETCH ? LatencyEstimator.ddSketch() : LatencyEstimator.hdrHistogram();
    }

    /** Same count and the same answer at every quantile on a grid of 1001 points. */
    static void assertSameDistribution(LatencyEstimator actual, LatencyEstimator expected) {
        assertThat(actual.count()).isEqualTo(expected.count());
        for (int i = 0; i <= 1000; i++) {
            double q = i / 1000.0;
            assertThat(actual.quantile(q)).as("quantile(%s)", q).isEqualTo(expected.quantile(q));
        }
    }

    @Test
    void defaultEstimatorIsDDSketch() {
        assertThat(LatencyEstimator.create().kind()).isEqualTo(LatencyEstimator.Kind.DDSKETCH);
        assertThat(LatencyEstimator.create().relativeAccuracy()).isEqualTo(0.0095);
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void mergeEqualsRecordingEverythingIntoOne(LatencyEstimator.Kind kind) {
        long[] samples = Distribution.LOGNORMAL.samples(30_000, SEED);
        LatencyEstimator all = create(kind);
        LatencyEstimator[] parts = {create(kind), create(kind), create(kind)};
        for (int i = 0; i < samples.length; i++) {
            all.record(samples[i]);
            parts[i % 3].record(samples[i]);
        }

        LatencyEstimator merged = create(kind);
        for (LatencyEstimator part : parts) {
            merged.merge(part);
        }

        assertSameDistribution(merged, all);
        assertThat(parts[0].count()).as("merge leaves its argument unchanged").isEqualTo(10_000);
        if (kind == LatencyEstimator.Kind.DDSKETCH) {
            for (int b = 0; b < LatencyBuckets.COUNT; b++) {
                assertThat(((DDSketchLatencyEstimator) merged).bucketCount(b))
                        .isEqualTo(((DDSketchLatencyEstimator) all).bucketCount(b));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void serializationRoundTripKeepsEveryCount(LatencyEstimator.Kind kind) {
        LatencyEstimator original = create(kind);
        for (long sample : Distribution.PARETO.samples(20_000, SEED)) {
            original.record(sample);
        }

        byte[] bytes = original.toBytes();
        LatencyEstimator copy = LatencyEstimator.fromBytes(bytes);

        assertThat(copy.kind()).isEqualTo(kind);
        assertSameDistribution(copy, original);
        assertThat(copy.toBytes()).as("serialization is deterministic").isEqualTo(bytes);
        assertThat(bytes.length).as("compact: far smaller than the in-memory form")
                .isLessThan((int) original.estimatedFootprintBytes() / 2);
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void replicasMergedFromBytesEqualOneEstimatorThatSawEverything(LatencyEstimator.Kind kind) {
        long[] samples = Distribution.LOGNORMAL.samples(20_000, SEED + 1);
        LatencyEstimator all = create(kind);
        LatencyEstimator replicaA = create(kind);
        LatencyEstimator replicaB = create(kind);
        for (int i = 0; i < samples.length; i++) {
            all.record(samples[i]);
            (i < 5_000 ? replicaA : replicaB).record(samples[i]);
        }

        LatencyEstimator fleet = LatencyEstimator.fromBytes(replicaA.toBytes());
        fleet.merge(LatencyEstimator.fromBytes(replicaB.toBytes()));

        assertSameDistribution(fleet, all);
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void emptyEstimatorCountsZeroAndAnswersZero(LatencyEstimator.Kind kind) {
        LatencyEstimator estimator = create(kind);

        assertThat(estimator.count()).isZero();
        assertThat(estimator.quantile(0.99)).isZero();
        assertThat(LatencyEstimator.fromBytes(estimator.toBytes()).count()).isZero();
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void quantileOutsideZeroToOneIsRejectedWithTheValue(LatencyEstimator.Kind kind) {
        LatencyEstimator estimator = create(kind);
        estimator.record(1_000_000);

        assertThatThrownBy(() -> estimator.quantile(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LatencyEstimator.quantile(q) needs q between 0.0 and 1.0, but was 1.5");
        assertThatThrownBy(() -> estimator.quantile(-0.01)).hasMessageContaining("but was -0.01");
        assertThatThrownBy(() -> estimator.quantile(Double.NaN)).hasMessageContaining("but was NaN");
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void quantileZeroIsTheSmallestAndOneTheLargestLatency(LatencyEstimator.Kind kind) {
        LatencyEstimator estimator = create(kind);
        for (long latency : new long[] {5_000, 20_000, 3_000_000, 40_000_000_000L}) {
            estimator.record(latency);
        }

        assertThat((double) estimator.quantile(0.0)).isCloseTo(5_000, withinPercentage(1));
        assertThat((double) estimator.quantile(0.5)).as("rank ceil(0.5*4) = 2").isCloseTo(20_000, withinPercentage(1));
        assertThat((double) estimator.quantile(0.51)).as("rank 3").isCloseTo(3_000_000, withinPercentage(1));
        assertThat((double) estimator.quantile(1.0)).isCloseTo(40_000_000_000L, withinPercentage(1));
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void latenciesOutsideTheTrackableRangeAreClampedAndStillCounted(LatencyEstimator.Kind kind) {
        LatencyEstimator estimator = create(kind);
        estimator.record(-5);
        estimator.record(0);
        estimator.record(Long.MAX_VALUE);

        assertThat(estimator.count()).isEqualTo(3);
        assertThat((double) estimator.quantile(0.0))
                .isCloseTo(LatencyEstimator.MIN_TRACKABLE_NANOS, withinPercentage(1));
        assertThat((double) estimator.quantile(1.0))
                .isCloseTo(LatencyEstimator.MAX_TRACKABLE_NANOS, withinPercentage(1));
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void resetForgetsEverything(LatencyEstimator.Kind kind) {
        LatencyEstimator estimator = create(kind);
        estimator.record(1_000_000);
        estimator.record(2_000_000);

        estimator.reset();

        assertThat(estimator.count()).isZero();
        assertThat(estimator.quantile(0.5)).isZero();
        estimator.record(7_000_000);
        assertThat((double) estimator.quantile(0.5)).isCloseTo(7_000_000, withinPercentage(1));
    }

    @Test
    void estimatorsOfDifferentKindsDoNotMerge() {
        LatencyEstimator ddSketch = LatencyEstimator.ddSketch();
        LatencyEstimator hdr = LatencyEstimator.hdrHistogram();

        assertThatThrownBy(() -> ddSketch.merge(hdr)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot merge a HDR_HISTOGRAM estimator into a DDSKETCH estimator");
        assertThatThrownBy(() -> hdr.merge(ddSketch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot merge a DDSKETCH estimator into a HDR_HISTOGRAM estimator");
    }

    @Test
    void fromBytesRejectsWhatIsNotASerializedEstimator() {
        byte[] good = LatencyEstimator.ddSketch().toBytes();

        assertThatThrownBy(() -> LatencyEstimator.fromBytes(new byte[] {1, 2})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected at least 6 bytes, but got 2");
        assertThatThrownBy(() -> LatencyEstimator.fromBytes("hello, world".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("the first 4 bytes must be \"r4jL\"");
        byte[] futureVersion = good.clone();
        futureVersion[4] = 9;
        assertThatThrownBy(() -> LatencyEstimator.fromBytes(futureVersion)).hasMessageContaining("format version 9");
        byte[] unknownKind = good.clone();
        unknownKind[5] = 42;
        assertThatThrownBy(() -> LatencyEstimator.fromBytes(unknownKind)).hasMessageContaining("has kind 42");
        LatencyEstimator hdr = LatencyEstimator.hdrHistogram();
        hdr.record(5_000_000);
        byte[] hdrBytes = hdr.toBytes();
        byte[] truncated = Arrays.copyOf(hdrBytes, 12);
        assertThatThrownBy(() -> LatencyEstimator.fromBytes(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HdrHistogram LatencyEstimator is malformed");
    }

    @Test
    void ddSketchWithAnotherIndexMappingIsRejected() throws Exception {
        DDSketch foreign = DDSketches.unboundedDense(0.02);
        foreign.accept(1_000_000);
        GrowingByteArrayOutput out =
                GrowingByteArrayOutput.withDefaultInitialCapacity();
        for (byte b : new byte[] {'r', '4', 'j', 'L', 1, 1}) {
            out.writeByte(b);
        }
        foreign.encode(out, false);

        assertThatThrownBy(() -> LatencyEstimator.fromBytes(out.trimmedCopy())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("relative accuracy 0.0095 only");
    }

    @Test
    void ddSketchPayloadIsReadableByDDSketchItself() throws Exception {
        LatencyEstimator estimator = LatencyEstimator.ddSketch();
        long[] samples = Distribution.LOGNORMAL.samples(10_000, SEED);
        for (long sample : samples) {
            estimator.record(sample);
        }
        byte[] bytes = estimator.toBytes();

        DDSketch sketch = DDSketch.decode(
                ByteArrayInput.wrap(bytes, 6, bytes.length - 6),
                UnboundedSizeDenseStore::new);

        assertThat(sketch.getCount()).isEqualTo(10_000.0);
        long exactMedian = LatencySamples.exactQuantile(LatencySamples.sortedCopy(samples), 0.5);
        assertThat(sketch.getValueAtQuantile(0.5)).isCloseTo(exactMedian, withinPercentage(1));
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void concurrentWritersLoseNoSample(LatencyEstimator.Kind kind) throws Exception {
        int threads = 4;
        int perThread = 100_000;
        LatencyEstimator shared = create(kind);
        LatencyEstimator reference = create(kind);
        List<long[]> inputs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long[] samples = Distribution.LOGNORMAL.samples(perThread, SEED + t);
            inputs.add(samples);
            for (long sample : samples) {
                reference.record(sample);
            }
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (long[] samples : inputs) {
                done.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (long sample : samples) {
                        shared.record(sample);
                    }
                    return null;
                }));
            }
            start.countDown();
            // Reads race with the writers and must neither fail nor block them.
            for (int i = 0; i < 20; i++) {
                assertThat(shared.quantile(0.99)).isGreaterThanOrEqualTo(0);
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(shared.count()).isEqualTo((long) threads * perThread);
        assertSameDistribution(shared, reference);
    }

    @ParameterizedTest
    @EnumSource(LatencyEstimator.Kind.class)
    void recordAllocatesNothing(LatencyEstimator.Kind kind) {
        LatencyEstimator estimator = create(kind);
        long[] samples = Distribution.PARETO.samples(10_000, SEED);
        Runnable recordAll = () -> {
            for (long sample : samples) {
                estimator.record(sample);
            }
        };
        // Warm up first: class initialisation and JIT compilation allocate once.
        for (int round = 0; round < 30; round++) {
            recordAll.run();
        }

        long allocated = Allocations.leastBytesAllocated(recordAll, 5);

        assertThat(allocated).as("bytes allocated by 10,000 records").isLessThan(1_024);
        assertThat(estimator.count()).isEqualTo(350_000);
    }

    @Test
    void footprintsAreThoseDocumented() {
        assertThat(LatencyBuckets.COUNT).isEqualTo(1_293);
        assertThat(LatencyEstimator.ddSketch().estimatedFootprintBytes()).isEqualTo(10_392);
        assertThat(LatencyEstimator.hdrHistogram().estimatedFootprintBytes()).isEqualTo(37_376);
    }
}
