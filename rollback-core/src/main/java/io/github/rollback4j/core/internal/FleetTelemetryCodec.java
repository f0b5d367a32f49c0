package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.telemetry.CategorySnapshot;
import io.github.rollback4j.core.telemetry.LatencyDistribution;
import io.github.rollback4j.core.telemetry.LatencyEstimator;
import io.github.rollback4j.core.telemetry.ValueBuckets;
import io.github.rollback4j.core.telemetry.ValueSnapshot;
import io.github.rollback4j.spi.TelemetrySlot;
import io.github.rollback4j.telemetry.FieldProfile;
import io.github.rollback4j.telemetry.KpiStats;
import io.github.rollback4j.telemetry.Outcome;
import io.github.rollback4j.telemetry.SchemaStats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of the telemetry one replica publishes to its fleet: a list of
 * {@link TelemetrySnapshots.Part}s (one sub-window of one window kind, or the never-reset totals).
 * Everything in it is mergeable by addition: latency sketches (the estimator's own encoding, DDSketch or
 * HdrHistogram), outcome counts, KPI sufficient statistics, value-histogram bucket counts, category
 * counts and schema counters.
 *
 * <pre>
 * "r4jF"  magic
 * byte    format version (1)
 * byte    kind: 0 calls, 1 KPIs, 2 profiles (TelemetrySlot kinds), 3 totals
 * long    sub-window length in ms of that kind (0 for totals): a reader refuses slots of another shape
 * int     parts, then per part: release id, segment name (UTF), then by kind:
 *   calls     outcome counts (byte n, then n × (byte ordinal, long count)), latency (int length, estimator bytes)
 *   KPIs      int n, n × (UTF name, long count, double shift, double Σ(x−shift), double Σ(x−shift)²)
 *   profiles  scores (byte 0/1, value histogram), int n fields, n × (UTF name, byte 0 numeric + histogram |
 *             1 categorical + int n × (UTF category, long count) + long missing), schema (long checked,
 *             long violations, int n × (UTF field, long count))
 *   totals    outcome counts, then the KPI list
 * value histogram: double relative accuracy, double min magnitude, double max magnitude, long non-finite,
 *                  long missing, int non-zero buckets, n × (int bucket, long count)
 * </pre>
 *
 * Hand-written rather than JSON or a serialization library: the payload is written every publish
 * interval by every replica, and a histogram is a few sparse counts, so a compact binary form keeps the
 * store's write load at a few hundred bytes per release and segment (docs/benchmarks.md). Stateless and
 * thread-safe.
 */
public final class FleetTelemetryCodec {

    /** The kind byte of a totals payload. */
    static final int TOTALS = 3;
    private static final byte[] MAGIC = {'r', '4', 'j', 'F'};
    private static final int VERSION = 1;

    private FleetTelemetryCodec() {
    }

    /** A decoded payload: its kind, sub-window length and parts. */
    record Decoded(int kind, long subWindowMillis, List<TelemetrySnapshots.Part> parts) {
    }

    static byte[] encode(int kind, long subWindowMillis, List<TelemetrySnapshots.Part> parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 256 * parts.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(kind);
            out.writeLong(subWindowMillis);
            out.writeInt(parts.size());
            for (TelemetrySnapshots.Part part : parts) {
                out.writeUTF(part.release().value());
                out.writeUTF(part.segment().name());
                switch (kind) {
                    case TelemetrySlot.CALLS -> {
                        writeOutcomes(out, part.outcomes());
                        byte[] sketch = part.latency().count() == 0 ? new byte[0] : part.latency().toEstimator().toBytes();
                        out.writeInt(sketch.length);
                        out.write(sketch);
                    }
                    case TelemetrySlot.KPIS -> writeKpis(out, part.kpis());
                    case TelemetrySlot.PROFILES -> writeProfiles(out, part);
                    case TOTALS -> {
                        writeOutcomes(out, part.outcomes());
                        writeKpis(out, part.kpis());
                    }
                    default -> throw new IllegalArgumentException("unknown telemetry payload kind " + kind);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e); // ByteArrayOutputStream never throws
        }
        return bytes.toByteArray();
    }

    /**
     * @param payload what {@link #encode} wrote, on this or another replica
     * @return the kind, sub-window length and parts
     * @throws IllegalArgumentException naming what is wrong when the bytes are not such a payload
     */
    static Decoded decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a rollback4j fleet telemetry payload: the first 4 bytes must be \"r4jF\"");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("fleet telemetry payload has format version " + version
                        + ", but this rollback4j reads version " + VERSION + " only (replicas of different versions?)");
            }
            int kind = in.readUnsignedByte();
            long subWindowMillis = in.readLong();
            int n = count(in.readInt(), "parts");
            List<TelemetrySnapshots.Part> parts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ReleaseId release = ReleaseId.of(in.readUTF());
                Segment segment = Segment.of(in.readUTF());
                TelemetrySnapshots.Part empty = TelemetrySnapshots.Part.empty(release, segment);
                switch (kind) {
                    case TelemetrySlot.CALLS -> {
                        Map<Outcome, Long> outcomes = readOutcomes(in);
                        byte[] sketch = new byte[count(in.readInt(), "latency bytes")];
                        in.readFully(sketch);
                        LatencyDistribution latency = sketch.length == 0 ? LatencyDistribution.empty()
                                : LatencyDistribution.of(LatencyEstimator.fromBytes(sketch));
                        parts.add(new TelemetrySnapshots.Part(release, segment, latency, outcomes, Map.of(), null, Map.of(),
                                SchemaStats.NONE));
                    }
                    case TelemetrySlot.KPIS -> parts.add(new TelemetrySnapshots.Part(release, segment, empty.latency(),
                            empty.outcomes(), readKpis(in), null, Map.of(), SchemaStats.NONE));
                    case TelemetrySlot.PROFILES -> parts.add(readProfiles(in, empty));
                    case TOTALS -> {
                        Map<Outcome, Long> outcomes = readOutcomes(in);
                        parts.add(new TelemetrySnapshots.Part(release, segment, empty.latency(), outcomes, readKpis(in), null,
                                Map.of(), SchemaStats.NONE));
                    }
                    default -> throw new IllegalArgumentException("fleet telemetry payload has unknown kind " + kind);
                }
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("fleet telemetry payload has bytes after its last part");
            }
            return new Decoded(kind, subWindowMillis, parts);
        } catch (IOException e) {
            throw new IllegalArgumentException("fleet telemetry payload is truncated or malformed: " + e, e);
        }
    }

    private static int count(int n, String what) {
        if (n < 0 || n > 10_000_000) {
            throw new IllegalArgumentException("fleet telemetry payload has an impossible number of " + what + ": " + n);
        }
        return n;
    }

    private static void writeOutcomes(DataOutputStream out, Map<Outcome, Long> outcomes) throws IOException {
        int nonZero = 0;
        for (long c : outcomes.values()) {
            nonZero += c != 0 ? 1 : 0;
        }
        out.writeByte(nonZero);
        for (Map.Entry<Outcome, Long> e : outcomes.entrySet()) {
            if (e.getValue() != 0) {
                out.writeByte(e.getKey().ordinal());
                out.writeLong(e.getValue());
            }
        }
    }

    private static Map<Outcome, Long> readOutcomes(DataInputStream in) throws IOException {
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, 0L);
        }
        int n = in.readUnsignedByte();
        for (int i = 0; i < n; i++) {
            int ordinal = in.readUnsignedByte();
            if (ordinal >= Outcome.values().length) {
                throw new IllegalArgumentException("fleet telemetry payload has unknown outcome #" + ordinal);
            }
            long c = in.readLong();
            if (c < 0) {
                throw new IllegalArgumentException("fleet telemetry payload has a negative outcome count " + c);
            }
            outcomes.put(Outcome.values()[ordinal], c);
        }
        return outcomes;
    }

    private static void writeKpis(DataOutputStream out, Map<String, KpiStats> kpis) throws IOException {
        out.writeInt(kpis.size());
        for (KpiStats k : kpis.values()) {
            out.writeUTF(k.kpi());
            KpiWire.write(out, k);
        }
    }

    private static Map<String, KpiStats> readKpis(DataInputStream in) throws IOException {
        int n = count(in.readInt(), "KPIs");
        Map<String, KpiStats> kpis = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            kpis.put(name, KpiWire.read(in, name));
        }
        return kpis;
    }

    private static void writeProfiles(DataOutputStream out, TelemetrySnapshots.Part part) throws IOException {
        out.writeBoolean(part.scores() != null);
        if (part.scores() != null) {
            writeValues(out, part.scores());
        }
        out.writeInt(part.inputs().size());
        for (Map.Entry<String, TelemetrySnapshots.FieldPart> e : part.inputs().entrySet()) {
            out.writeUTF(e.getKey());
            TelemetrySnapshots.FieldPart field = e.getValue();
            if (field.kind() == FieldProfile.Kind.NUMERIC) {
                out.writeByte(0);
                writeValues(out, field.values());
            } else {
                out.writeByte(1);
                CategorySnapshot c = field.categories();
                out.writeInt(c.counts().size());
                for (Map.Entry<String, Long> cat : c.counts().entrySet()) {
                    out.writeUTF(cat.getKey());
                    out.writeLong(cat.getValue());
                }
                out.writeLong(c.missing());
            }
        }
        SchemaStats schema = part.schema();
        out.writeLong(schema.checked());
        out.writeLong(schema.violations());
        out.writeInt(schema.violationsByField().size());
        for (Map.Entry<String, Long> e : schema.violationsByField().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static TelemetrySnapshots.Part readProfiles(DataInputStream in, TelemetrySnapshots.Part empty) throws IOException {
        ValueSnapshot scores = in.readBoolean() ? readValues(in) : null;
        int n = count(in.readInt(), "input fields");
        Map<String, TelemetrySnapshots.FieldPart> inputs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int fieldKind = in.readUnsignedByte();
            if (fieldKind == 0) {
                inputs.put(name, new TelemetrySnapshots.FieldPart(FieldProfile.Kind.NUMERIC, readValues(in), null));
            } else if (fieldKind == 1) {
                int categories = count(in.readInt(), "categories");
                Map<String, Long> counts = new LinkedHashMap<>();
                for (int c = 0; c < categories; c++) {
                    counts.put(in.readUTF(), in.readLong());
                }
                inputs.put(name, new TelemetrySnapshots.FieldPart(FieldProfile.Kind.CATEGORICAL, null,
                        new CategorySnapshot(counts, in.readLong())));
            } else {
                throw new IllegalArgumentException("fleet telemetry payload has unknown field kind " + fieldKind);
            }
        }
        long checked = in.readLong();
        long violations = in.readLong();
        int fields = count(in.readInt(), "schema fields");
        Map<String, Long> byField = new LinkedHashMap<>();
        for (int i = 0; i < fields; i++) {
            byField.put(in.readUTF(), in.readLong());
        }
        SchemaStats schema = checked == 0 && violations == 0 && byField.isEmpty() ? SchemaStats.NONE
                : new SchemaStats(checked, violations, Map.copyOf(byField));
        return new TelemetrySnapshots.Part(empty.release(), empty.segment(), empty.latency(), empty.outcomes(), Map.of(),
                scores, inputs, schema);
    }

    private static void writeValues(DataOutputStream out, ValueSnapshot values) throws IOException {
        ValueBuckets layout = values.buckets();
        out.writeDouble(layout.relativeAccuracy());
        out.writeDouble(layout.minMagnitude());
        out.writeDouble(layout.maxMagnitude());
        out.writeLong(values.nonFiniteCount());
        out.writeLong(values.missingCount());
        long[] counts = values.bucketCounts();
        int nonZero = 0;
        for (long c : counts) {
            nonZero += c != 0 ? 1 : 0;
        }
        out.writeInt(nonZero);
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] != 0) {
                out.writeInt(b);
                out.writeLong(counts[b]);
            }
        }
    }

    private static ValueSnapshot readValues(DataInputStream in) throws IOException {
        double accuracy = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        ValueBuckets standard = ValueBuckets.standard();
        ValueBuckets layout = accuracy == standard.relativeAccuracy() && min == standard.minMagnitude()
                && max == standard.maxMagnitude() ? standard : ValueBuckets.of(accuracy, min, max);
        long nonFinite = in.readLong();
        long missing = in.readLong();
        int nonZero = count(in.readInt(), "histogram buckets");
        long[] counts = new long[layout.size()];
        for (int i = 0; i < nonZero; i++) {
            int bucket = in.readInt();
            if (bucket < 0 || bucket >= counts.length) {
                throw new IllegalArgumentException("fleet telemetry payload has histogram bucket " + bucket + " outside the layout's "
                        + counts.length);
            }
            counts[bucket] = in.readLong();
        }
        return ValueSnapshot.of(layout, counts, nonFinite, missing);
    }

    /** The KPI statistics on the wire: the record's shifted sums as they are, so merging stays exact. */
    private static final class KpiWire {
        static void write(DataOutputStream out, KpiStats k) throws IOException {
            out.writeLong(k.count());
            out.writeDouble(k.shift());
            out.writeDouble(k.shiftedSum());
            out.writeDouble(k.shiftedSumOfSquares());
        }

        static KpiStats read(DataInputStream in, String name) throws IOException {
            long count = in.readLong();
            double shift = in.readDouble();
            double shiftedSum = in.readDouble();
            double shiftedSumOfSquares = in.readDouble();
            // the canonical constructor refuses impossible statistics with the component's name
            return new KpiStats(name, count, shift, shiftedSum, shiftedSumOfSquares);
        }
    }
}
