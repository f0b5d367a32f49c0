package io.github.rollback4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hash behind release ids, checked against the published SHA-256 test vectors (FIPS 180-2). */
class DigestsTest {

    @Test
    void hashesTheEmptyTextToTheKnownSha256() {
        assertThat(Digests.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void hashesAbcToTheKnownSha256() {
        assertThat(Digests.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void hashesTheUtf8BytesOfTheText() {
        // U+00E9 is c3 a9 in UTF-8; hashing the platform or Latin-1 encoding would give another value.
        assertThat(Digests.sha256Hex("\u00e9")).isEqualTo("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");
    }

    @Test
    void writesLowerCaseHexWithLeadingZeros() {
        // The sixth byte of SHA-256("abc") is 0x01: it must print as "01", not "1".
        assertThat(Digests.sha256Hex("abc")).hasSize(64).matches("[0-9a-f]{64}").startsWith("ba7816bf8f01");
    }
}
