package io.github.rollback4j.core;

/**
 * Maps a stickiness key (a user or session id) to a routing bucket 0..9999.
 *
 * <p>The function, exactly: {@code bucket = Integer.remainderUnsigned(h, 10000)} where {@code h} is
 * MurmurHash3 x86_32 (Austin Appleby's reference {@code MurmurHash3_x86_32}) over the key's UTF-8
 * bytes (as {@link String#getBytes(java.nio.charset.Charset) key.getBytes(UTF_8)} produces them, an
 * unpaired surrogate becoming {@code '?'}), with the router's salt as the seed. A key keeps its
 * bucket for as long as the salt is unchanged, on every replica and after restarts; a different salt
 * reshuffles keys, so two routers with different salts assign users independently.
 *
 * <p>The UTF-8 bytes are produced on the fly, so hashing allocates nothing. Stateless and
 * thread-safe.
 */
public final class StickyBuckets {

    /** Number of buckets: one bucket is one basis point (0.01 %) of traffic. */
    public static final int BUCKETS = 10_000;

    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private StickyBuckets() {
    }

    /**
     * @param key the stickiness key; must not be {@code null}
     * @param salt the router's salt (the MurmurHash3 seed)
     * @return the bucket, 0..9999
     */
    public static int bucket(CharSequence key, int salt) {
        return Integer.remainderUnsigned(murmur3x86_32Utf8(key, salt), BUCKETS);
    }

    /**
     * MurmurHash3 x86_32 of the UTF-8 encoding of {@code text}, computed without materialising the
     * bytes.
     *
     * @param text the text
     * @param seed the seed
     * @return the 32-bit hash
     */
    public static int murmur3x86_32Utf8(CharSequence text, int seed) {
        int h1 = seed;
        int n = text.length();
        int i = 0;
        // Keys are mostly ASCII, where four chars are four UTF-8 bytes, i.e. one MurmurHash3 block: take
        // them four at a time (a third of the cost of byte by byte) until a char needs more than one byte.
        while (i + 4 <= n) {
            char c0 = text.charAt(i);
            char c1 = text.charAt(i + 1);
            char c2 = text.charAt(i + 2);
            char c3 = text.charAt(i + 3);
            if ((c0 | c1 | c2 | c3) >= 0x80) {
                break;
            }
            h1 = mixH1(h1, mixK1(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)));
            i += 4;
        }
        // From here byte by byte; the bytes so far are whole blocks, one per char.
        int k1 = 0;
        int shift = 0;
        int length = i;
        for (; i < n; i++) {
            char c = text.charAt(i);
            // Up to four UTF-8 bytes of this code point, packed little-endian.
            int packed;
            int count;
            if (c < 0x80) {
                packed = c;
                count = 1;
            } else if (c < 0x800) {
                packed = (0xC0 | (c >>> 6)) | ((0x80 | (c & 0x3F)) << 8);
                count = 2;
            } else if (Character.isSurrogate(c)) {
                char low;
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(low = text.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, low);
                    i++;
                    packed = (0xF0 | (cp >>> 18)) | ((0x80 | ((cp >>> 12) & 0x3F)) << 8)
                            | ((0x80 | ((cp >>> 6) & 0x3F)) << 16) | ((0x80 | (cp & 0x3F)) << 24);
                    count = 4;
                } else {
                    packed = '?'; // what String.getBytes(UTF_8) writes for an unpaired surrogate
                    count = 1;
                }
            } else {
                packed = (0xE0 | (c >>> 12)) | ((0x80 | ((c >>> 6) & 0x3F)) << 8) | ((0x80 | (c & 0x3F)) << 16);
                count = 3;
            }
            for (int b = 0; b < count; b++) {
                k1 |= ((packed >>> (b << 3)) & 0xFF) << shift;
                shift += 8;
                if (shift == 32) {
                    h1 = mixH1(h1, mixK1(k1));
                    k1 = 0;
                    shift = 0;
                }
            }
            length += count;
        }
        if (shift > 0) {
            h1 ^= mixK1(k1);
        }
        return fmix(h1 ^ length);
    }

    private static int mixK1(int k1) {
        k1 *= C1;
        k1 = Integer.rotateLeft(k1, 15);
        return k1 * C2;
    }

    private static int mixH1(int h1, int k1) {
        h1 ^= k1;
        h1 = Integer.rotateLeft(h1, 13);
        return h1 * 5 + 0xe6546b64;
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
