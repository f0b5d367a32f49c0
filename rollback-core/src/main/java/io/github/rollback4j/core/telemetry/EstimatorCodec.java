package io.github.rollback4j.core.telemetry;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.Store;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;

/**
 * The serialized form of a {@link LatencyEstimator}: a 6-byte header, then the kind's standard
 * encoding, so that other tools can read the payload.
 *
 * <pre>
 * offset 0..3  magic "r4jL"
 * offset 4     format version (1)
 * offset 5     kind: 1 = DDSketch, 2 = HdrHistogram
 * offset 6..   DDSketch binary encoding with its index mapping (DDSketch.encode), or
 *              HdrHistogram V2 compressed encoding (encodeIntoCompressedByteBuffer)
 * </pre>
 *
 * Stateless and thread-safe.
 */
final class EstimatorCodec {

    private static final byte[] MAGIC = {'r', '4', 'j', 'L'};
    private static final byte FORMAT_VERSION = 1;
    private static final byte KIND_DDSKETCH = 1;
    private static final byte KIND_HDR_HISTOGRAM = 2;
    private static final int HEADER_BYTES = MAGIC.length + 2;

    private EstimatorCodec() {
    }

    /**
     * @param estimator the estimator to write
     * @return the header and DDSketch's binary encoding of its buckets
     */
    static byte[] encode(DDSketchLatencyEstimator estimator) {
        DDSketch sketch = new DDSketch(LatencyBuckets.MAPPING, UnboundedSizeDenseStore::new);
        Store store = sketch.getPositiveValueStore();
        for (int b = 0; b < LatencyBuckets.COUNT; b++) {
            long c = estimator.bucketCount(b);
            if (c != 0) {
                store.add(b + LatencyBuckets.MIN_INDEX, c);
            }
        }
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        writeHeader(out, KIND_DDSKETCH);
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            // GrowingByteArrayOutput writes to memory and never throws.
            throw new IllegalStateException("DDSketch encoding failed", e);
        }
        return out.trimmedCopy();
    }

    /**
     * @param estimator the estimator to write
     * @return the header and HdrHistogram's V2 compressed encoding of its histogram
     */
    static byte[] encode(HdrLatencyEstimator estimator) {
        AbstractHistogram histogram = estimator.histogram();
        ByteBuffer payload = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int payloadBytes = histogram.encodeIntoCompressedByteBuffer(payload);
        byte[] bytes = new byte[HEADER_BYTES + payloadBytes];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        bytes[4] = FORMAT_VERSION;
        bytes[5] = KIND_HDR_HISTOGRAM;
        System.arraycopy(payload.array(), 0, bytes, HEADER_BYTES, payloadBytes);
        return bytes;
    }

    /**
     * @param bytes what {@code encode} wrote, here or on another replica
     * @return a new estimator of the written kind
     * @throws IllegalArgumentException naming what is wrong with the bytes
     */
    static LatencyEstimator decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException("not a serialized LatencyEstimator: expected at least " + HEADER_BYTES
                    + " bytes, but got " + (bytes == null ? "null" : bytes.length));
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not a serialized LatencyEstimator: the first 4 bytes must be \"r4jL\"");
            }
        }
        if (bytes[4] != FORMAT_VERSION) {
            throw new IllegalArgumentException("serialized LatencyEstimator has format version " + bytes[4]
                    + ", but this rollback4j reads version " + FORMAT_VERSION + " only");
        }
        switch (bytes[5]) {
            case KIND_DDSKETCH:
                return decodeDDSketch(bytes);
            case KIND_HDR_HISTOGRAM:
                return decodeHdrHistogram(bytes);
            default:
                throw new IllegalArgumentException("serialized LatencyEstimator has kind " + bytes[5]
                        + ", but must be " + KIND_DDSKETCH + " (DDSketch) or " + KIND_HDR_HISTOGRAM + " (HdrHistogram)");
        }
    }

    private static void writeHeader(GrowingByteArrayOutput out, byte kind) {
        for (byte b : MAGIC) {
            out.writeByte(b);
        }
        out.writeByte(FORMAT_VERSION);
        out.writeByte(kind);
    }

    private static LatencyEstimator decodeDDSketch(byte[] bytes) {
        DDSketch sketch;
        try {
            sketch = DDSketch.decode(ByteArrayInput.wrap(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES),
                    UnboundedSizeDenseStore::new);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("serialized DDSketch LatencyEstimator is malformed: " + e.getMessage(), e);
        }
        if (!LatencyBuckets.MAPPING.equals(sketch.getIndexMapping())) {
            throw new IllegalArgumentException("serialized DDSketch uses index mapping " + sketch.getIndexMapping()
                    + " (relative accuracy " + sketch.getIndexMapping().relativeAccuracy() + "), but rollback4j reads "
                    + LatencyBuckets.MAPPING.getClass().getSimpleName() + " with relative accuracy "
                    + LatencyBuckets.RELATIVE_ACCURACY + " only");
        }
        if (!sketch.getNegativeValueStore().isEmpty()) {
            throw new IllegalArgumentException("serialized DDSketch holds negative values, which are not latencies");
        }
        DDSketchLatencyEstimator estimator = new DDSketchLatencyEstimator();
        Store positive = sketch.getPositiveValueStore();
        double zeroCount = sketch.getCount() - positive.getTotalCount();
        addCount(estimator, 0, zeroCount);
        positive.forEach((index, count) ->
                addCount(estimator, Math.min(Math.max(index - LatencyBuckets.MIN_INDEX, 0), LatencyBuckets.COUNT - 1), count));
        return estimator;
    }

    private static void addCount(DDSketchLatencyEstimator estimator, int bucket, double count) {
        if (!(count >= 0) || count != Math.rint(count) || count > Long.MAX_VALUE) {
            throw new IllegalArgumentException("serialized DDSketch has a bucket count of " + count
                    + ", but counts of latencies must be whole numbers >= 0");
        }
        if (count > 0) {
            estimator.addToBucket(bucket, (long) count);
        }
    }

    private static LatencyEstimator decodeHdrHistogram(byte[] bytes) {
        Histogram decoded;
        try {
            // A copy, not a slice: HdrHistogram's decoder reads the backing array ignoring its offset.
            decoded = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length)), 0);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("serialized HdrHistogram LatencyEstimator is malformed: " + e.getMessage(), e);
        }
        HdrLatencyEstimator estimator = new HdrLatencyEstimator();
        // The decoded histogram is private to this thread, so its iterator is safe here.
        decoded.recordedValues().forEach(v -> estimator.recordWithCount(v.getValueIteratedTo(), v.getCountAtValueIteratedTo()));
        return estimator;
    }
}
