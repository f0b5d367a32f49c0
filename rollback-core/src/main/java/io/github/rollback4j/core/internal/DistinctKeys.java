package io.github.rollback4j.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Estimates how many distinct stickiness keys a release served: a HyperLogLog of 2^14 one-byte
 * registers (16 KiB, standard error about 0.8 %), fed with the 32-bit MurmurHash3 the router already
 * computes for the key's sticky bucket, so a key is hashed once per call.
 *
 * <p>Concurrency: {@link #offer} is lock-free and allocation-free. It reads one register and writes it
 * with compare-and-set only when the key's rank is larger, which after warm-up is rare, so most calls
 * cost one load. A lost race is retried until the register holds at least the rank (registers only
 * grow). Readers may see a register a moment late, never a torn one.
 *
 * <p>Why not DataSketches or stream-lib: their HLL sketches are single-writer objects; sharing one
 * between request threads needs a lock or a sketch per thread merged later (allocation and a union
 * on read), which the request path must not pay.
 */
final class DistinctKeys {

    static final int PRECISION = 14;
    static final int REGISTERS = 1 << PRECISION;
    private static final VarHandle REGISTER = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final double ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);
    private static final double TWO_TO_32 = 4_294_967_296.0;

    private final byte[] registers = new byte[REGISTERS];

    /**
     * Counts one key by its sticky hash. The hash is remixed (MurmurHash3's finalizer, a bijection of a
     * few integer operations) because the release a key reaches depends on {@code hash mod 10000}, and so
     * on the hash's low bits: without the remix, a release holding a narrow bucket range would see keys
     * whose low bits agree, which inflates the ranks.
     *
     * @param stickyHash {@code StickyBuckets.murmur3x86_32Utf8(key, salt)}
     */
    void offer(int stickyHash) {
        int h = mix(stickyHash);
        int index = h >>> (32 - PRECISION);
        int rank = Math.min(Integer.numberOfLeadingZeros(h << PRECISION), 32 - PRECISION) + 1;
        byte current = (byte) REGISTER.getOpaque(registers, index);
        while (rank > current) {
            if (REGISTER.compareAndSet(registers, index, current, (byte) rank)) {
                return;
            }
            current = (byte) REGISTER.getVolatile(registers, index);
        }
    }

    /** @return the estimated number of distinct keys offered so far */
    long estimate() {
        double sum = 0;
        int zeros = 0;
        for (int i = 0; i < REGISTERS; i++) {
            byte r = (byte) REGISTER.getVolatile(registers, i);
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double raw = ALPHA * REGISTERS * REGISTERS / sum;
        if (raw <= 2.5 * REGISTERS && zeros > 0) {
            return Math.round(REGISTERS * Math.log((double) REGISTERS / zeros)); // linear counting for small counts
        }
        if (raw > TWO_TO_32 / 30) {
            return Math.round(-TWO_TO_32 * Math.log(1 - raw / TWO_TO_32)); // 32-bit hash: correct for collisions
        }
        return Math.round(raw);
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
