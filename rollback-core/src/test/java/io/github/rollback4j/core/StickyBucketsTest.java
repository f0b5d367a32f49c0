package io.github.rollback4j.core;

import com.google.common.hash.Hashing;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sticky bucket function is part of the contract (users and replicas must agree on it), so it
 * is pinned by golden vectors: MurmurHash3 x86_32 reference values published with the algorithm's
 * test suites, and bucket values cross-checked against Guava's {@code murmur3_32_fixed}.
 */
class StickyBucketsTest {

    @ParameterizedTest(name = "murmur3_x86_32(\"{0}\", seed {1}) = {2}")
    @CsvSource(delimiter = '|', value = {
            "''|0x00000000|0x00000000",
            "''|0x00000001|0x514E28B7",
            "''|0xffffffff|0x81F16F39",
            "aaaa|0x9747b28c|0x5A97808A",
            "abc|0x00000000|0xB3DD93FA",
            "hello|0x00000000|0x248BFA47",
            "'Hello, world!'|0x9747b28c|0x24884CBA",
            "The quick brown fox jumps over the lazy dog|0x9747b28c|0x2FA826CD",
            "ππππππππ|0x9747b28c|0xD58063C1",
    })
    void matchesPublishedMurmur3Vectors(String key, String seed, String expected) {
        int s = Integer.parseUnsignedInt(seed.substring(2), 16);
        int hash = StickyBuckets.murmur3x86_32Utf8(key, s);
        assertThat(Integer.toHexString(hash)).isEqualTo(Integer.toHexString(Integer.parseUnsignedInt(expected.substring(2), 16)));
    }

    /**
     * Golden buckets: if these change, every user of every router moves; that is a breaking change.
     * Each value is also recomputed here with Guava's independent implementation.
     */
    @ParameterizedTest(name = "bucket(\"{0}\", salt {1}) = {2}")
    @CsvSource(delimiter = '|', value = {
            "user-1|0|1059",
            "user-1|42|1956",
            "user-1|-1|1133",
            "user-2|0|6267",
            "user-2|1540483477|7767",
            "session-8f14e45f|0|1337",
            "session-8f14e45f|42|8158",
            "alice@example.com|-1|6740",
            "alice@example.com|1540483477|9760",
            "Zoë|0|4058",
            "用户-42|42|566",
            "\uD83D\uDE00|0|9546",
            "''|0|0",
            "''|42|3372",
    })
    void bucketsAreStableGoldenValues(String key, int salt, int bucket) {
        assertThat(StickyBuckets.bucket(key, salt)).isEqualTo(bucket);
        int guava = Hashing.murmur3_32_fixed(salt).hashBytes(key.getBytes(StandardCharsets.UTF_8)).asInt();
        assertThat(Integer.remainderUnsigned(guava, StickyBuckets.BUCKETS)).isEqualTo(bucket);
    }

    @Property(tries = 2000, seed = "20261126")
    void agreesWithGuavaOnAnyString(@ForAll String key, @ForAll int seed) {
        int expected = Hashing.murmur3_32_fixed(seed).hashBytes(key.getBytes(StandardCharsets.UTF_8)).asInt();
        assertThat(StickyBuckets.murmur3x86_32Utf8(key, seed)).isEqualTo(expected);
        assertThat(StickyBuckets.bucket(key, seed)).isEqualTo(Integer.remainderUnsigned(expected, StickyBuckets.BUCKETS));
    }

    /** Mostly ASCII keys (the four-chars-at-a-time path) with a multi-byte char at any position, or none. */
    @Provide
    Arbitrary<String> mostlyAsciiKeys() {
        Arbitrary<Character> ascii = Arbitraries.chars().range(' ', '~');
        Arbitrary<Character> wide = Arbitraries.of('é', '\u00ff', '\u0800', '中', '\uD83D', '\uDE00', '\u007f', '\u0080');
        return Arbitraries.frequencyOf(Tuple.of(12, ascii), Tuple.of(1, wide)).list().ofMaxSize(40)
                .map(chars -> chars.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining()));
    }

    @Property(tries = 3000, seed = "20261203")
    void agreesWithGuavaOnMostlyAsciiKeysWhereverAWideCharFalls(@ForAll("mostlyAsciiKeys") String key, @ForAll int seed) {
        int expected = Hashing.murmur3_32_fixed(seed).hashBytes(key.getBytes(StandardCharsets.UTF_8)).asInt();
        assertThat(StickyBuckets.murmur3x86_32Utf8(key, seed)).as(key).isEqualTo(expected);
        assertThat(StickyBuckets.murmur3x86_32Utf8(new StringBuilder(key), seed)).as("as a CharSequence").isEqualTo(expected);
    }

    @Test
    void handlesSurrogatePairsAndUnpairedSurrogatesLikeStringGetBytes() {
        for (String key : new String[] {"\uD83D\uDE00smile", "lone\uD83Dhigh", "lone\uDE00low", "\uDE00\uD83D", "é中\uD83D\uDE00"}) {
            int expected = Hashing.murmur3_32_fixed(7).hashBytes(key.getBytes(StandardCharsets.UTF_8)).asInt();
            assertThat(StickyBuckets.murmur3x86_32Utf8(key, 7)).as(key).isEqualTo(expected);
        }
    }
}
