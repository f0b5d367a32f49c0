package io.github.rollback4j.core.internal;

import io.github.rollback4j.ReleaseId;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.CallSample;
import io.github.rollback4j.telemetry.Outcome;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed ring of sampled calls, written on the request path and read by incidents.
 *
 * <p>Concurrency design: the ring is preallocated parallel arrays, one slot per sample. A writer
 * claims the next sample number with one {@code getAndIncrement} (only for sampled calls), then locks
 * the slot with a per-slot sequence (a seqlock): compare-and-set from even to odd, plain writes of
 * the fields, then a release store of the next even value. A writer that finds the slot odd (another
 * writer lapped the ring and is still in it) drops its sample instead of waiting. A reader reads the
 * sequence, the fields, then the sequence again, and keeps the slot only when both reads are the same
 * even value, so it never sees a torn sample. No lock, no allocation on the write side.
 *
 * <p>The sampling decision draws from {@link ThreadLocalRandom}; a router built with a seeded
 * {@code randomBuckets} source (a simulation) instead steps a xorshift state of its own, so game days
 * keep their routing draws and stay repeatable (racy updates of that state under contention only
 * repeat a draw, they cannot break anything).
 */
final class CallSampleRing<I, O> {

    static final int RATE_SCALE = 1 << 24;
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    private final int capacity;
    private final int threshold;
    private final boolean deterministic;
    private long xorshift = 0x9E3779B97F4A7C15L;
    private final AtomicLong next = new AtomicLong();
    private final long[] seq;
    private final long[] number;
    private final long[] timeMillis;
    private final long[] latencyNanos;
    private final byte[] outcome;
    private final ReleaseId[] release;
    private final Segment[] segment;
    private final String[] key;
    private final Object[] input;
    private final Object[] output;
    private final Throwable[] error;

    CallSampleRing(int capacity, double rate, boolean deterministic) {
        this.capacity = capacity;
        this.threshold = (int) Math.round(rate * RATE_SCALE);
        this.deterministic = deterministic;
        this.seq = new long[capacity];
        this.number = new long[capacity];
        this.timeMillis = new long[capacity];
        this.latencyNanos = new long[capacity];
        this.outcome = new byte[capacity];
        this.release = new ReleaseId[capacity];
        this.segment = new Segment[capacity];
        this.key = new String[capacity];
        this.input = new Object[capacity];
        this.output = new Object[capacity];
        this.error = new Throwable[capacity];
    }

    /** Whether to keep this call; no allocation. */
    boolean sample() {
        if (threshold >= RATE_SCALE) {
            return true;
        }
        int draw;
        if (deterministic) {
            long x = xorshift;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            xorshift = x;
            draw = (int) (x >>> 40);
        } else {
            draw = ThreadLocalRandom.current().nextInt(RATE_SCALE);
        }
        return draw < threshold;
    }

    /** Keeps one call; never throws, never blocks, allocates nothing. */
    void record(long millis, ReleaseId routed, Segment requestSegment, String stickinessKey, Object in, Object out,
                Throwable thrown, long latency, Outcome result) {
        long n = next.getAndIncrement();
        int i = (int) (n % capacity);
        long s = (long) SEQ.getVolatile(seq, i);
        if ((s & 1L) != 0 || !SEQ.compareAndSet(seq, i, s, s + 1)) {
            return; // another writer lapped the ring and holds this slot: drop rather than wait
        }
        number[i] = n;
        timeMillis[i] = millis;
        latencyNanos[i] = latency;
        outcome[i] = (byte) result.ordinal();
        release[i] = routed;
        segment[i] = requestSegment;
        key[i] = stickinessKey;
        input[i] = in;
        output[i] = out;
        error[i] = thrown;
        SEQ.setRelease(seq, i, s + 2);
    }

    /** The kept samples with {@code from <= time <= to}, oldest first; off the request path. */
    @SuppressWarnings("unchecked")
    List<CallSample<I, O>> read(long fromMillis, long toMillis) {
        Outcome[] outcomes = Outcome.values();
        List<CallSample<I, O>> samples = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            for (int attempt = 0; attempt < 3; attempt++) {
                long before = (long) SEQ.getAcquire(seq, i);
                if (before == 0 || (before & 1L) != 0) {
                    break; // empty, or being written: skip this slot
                }
                long n = number[i];
                long t = timeMillis[i];
                long latency = latencyNanos[i];
                byte o = outcome[i];
                ReleaseId r = release[i];
                Segment sg = segment[i];
                String k = key[i];
                Object in = input[i];
                Object out = output[i];
                Throwable e = error[i];
                VarHandle.loadLoadFence();
                if ((long) SEQ.getVolatile(seq, i) != before) {
                    continue; // overwritten while read: try again
                }
                if (t >= fromMillis && t <= toMillis) {
                    samples.add(new CallSample<>(n, Instant.ofEpochMilli(t), r, sg, k, (I) in, (O) out, e, latency, outcomes[o]));
                }
                break;
            }
        }
        samples.sort(Comparator.comparingLong(CallSample::sequence));
        return samples;
    }

    int capacity() {
        return capacity;
    }
}
