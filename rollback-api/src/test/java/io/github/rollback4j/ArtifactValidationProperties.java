package io.github.rollback4j;

import static io.github.rollback4j.Artifacts.MODEL_DIGEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The naming rules over generated tags and digests. */
class ArtifactValidationProperties {

    private static final String SEED = "4242";

    /** A refused tag in a random mix of upper and lower case, e.g. {@code lAtEsT}. */
    @Provide
    Arbitrary<String> mutableTagsInAnyCase() {
        Arbitrary<String> tag = Arbitraries.of(List.copyOf(ModelVersion.MUTABLE_TAGS));
        return Combinators.combine(tag, Arbitraries.longs()).as((t, mask) -> {
            StringBuilder mixed = new StringBuilder(t.length());
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                mixed.append(((mask >>> i) & 1) == 1 ? Character.toUpperCase(c) : c);
            }
            return mixed.toString();
        });
    }

    @Provide
    Arbitrary<String> lowerHex64() {
        return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    }

    @Property(tries = 200, seed = SEED)
    void refusesMutableTagInAnyCaseAsEveryVersionAndDigest(@ForAll("mutableTagsInAnyCase") String tag) {
        assertThatIllegalArgumentException().isThrownBy(() -> ModelVersion.of("fraud-model", tag, MODEL_DIGEST))
                .withMessageStartingWith("ModelVersion.version '" + tag + "' is a mutable tag");
        assertThatIllegalArgumentException().isThrownBy(() -> FeatureVersion.of("categorical-encoder", tag, MODEL_DIGEST))
                .withMessageStartingWith("FeatureVersion.version '" + tag + "' is a mutable tag");
        assertThatIllegalArgumentException().isThrownBy(() -> ConfigVersion.of(tag, MODEL_DIGEST))
                .withMessageStartingWith("ConfigVersion.version '" + tag + "' is a mutable tag");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelVersion.of("fraud-model", "1.3.2", tag))
                .withMessageStartingWith("ModelVersion.digest '" + tag + "' is a mutable tag");
        assertThatIllegalArgumentException().isThrownBy(() -> ModelVersion.builder("fraud-model").compatibleWith("vocab", tag))
                .withMessageContaining("'" + tag + "' is a mutable tag");
    }

    @Property(tries = 200, seed = SEED)
    void acceptsAnySha256OfLowerCaseHex(@ForAll("lowerHex64") String hex) {
        String digest = "sha256:" + hex;

        assertThat(ModelVersion.of("fraud-model", "1.3.2", digest).digest()).isEqualTo(digest);
        assertThat(FeatureVersion.of("vocab", "v3", digest).digest()).isEqualTo(digest);
        assertThat(ConfigVersion.of("cfg-42", digest).digest()).isEqualTo(digest);
    }

    @Property(tries = 200, seed = SEED)
    void refusesDigestWithAnyOneUpperCaseHexLetter(@ForAll("lowerHex64") String hex,
                                                  @ForAll @IntRange(min = 0, max = 63) int at,
                                                  @ForAll @IntRange(min = 'A', max = 'F') int letter) {
        String digest = "sha256:" + hex.substring(0, at) + (char) letter + hex.substring(at + 1);

        assertThatIllegalArgumentException().isThrownBy(() -> FeatureVersion.of("vocab", "v3", digest))
                .withMessageStartingWith("FeatureVersion.digest must be 'sha256:' followed by 64 lower-case hex characters")
                .withMessageContaining("but was '" + digest + "'");
    }

    @Property(tries = 200, seed = SEED)
    void refusesDigestOfAnyOtherLength(@ForAll("lowerHex64") String hex, @ForAll @IntRange(min = 0, max = 130) int length) {
        if (length == 64) {
            return;
        }
        String digest = "sha256:" + hex.repeat(3).substring(0, length);

        assertThatIllegalArgumentException().isThrownBy(() -> ConfigVersion.of("cfg-42", digest))
                .withMessageStartingWith("ConfigVersion.digest must be 'sha256:' followed by 64 lower-case hex characters")
                .withMessageContaining("after 'sha256:' it has " + length + " characters");
    }
}
