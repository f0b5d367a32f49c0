package io.github.rollback4j;

import static io.github.rollback4j.Artifacts.CONFIG_42;
import static io.github.rollback4j.Artifacts.CONFIG_DIGEST;
import static io.github.rollback4j.Artifacts.ENCODER_V5;
import static io.github.rollback4j.Artifacts.ENCODER_V5_DIGEST;
import static io.github.rollback4j.Artifacts.MODEL_DIGEST;
import static io.github.rollback4j.Artifacts.VOCAB_V3;
import static io.github.rollback4j.Artifacts.VOCAB_V3_DIGEST;
import static io.github.rollback4j.Artifacts.digest;
import static io.github.rollback4j.Artifacts.fraudModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The release id: its format, how it is derived from the digests, and its stability. */
class ReleaseIdTest {

    /**
     * Golden vectors: if one of these changes, every stored rollout state, audit entry and incident
     * refers to releases by ids that no longer match. Change them only together with a migration.
     */
    private static final String GOLDEN_ID_OF_FRAUD_MODEL_RELEASE = "rel-afa2b533b946ba23";
    private static final String GOLDEN_ID_OF_MODEL_ONLY_RELEASE = "rel-9cc480876a9c53d1";

    private static Release fraudRelease() {
        return Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).config(CONFIG_42).build();
    }

    /** Derives an id as Release's Javadoc documents it, without using any rollback4j code. */
    private static String documentedId(String identityText) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(identityText.getBytes(StandardCharsets.UTF_8));
        return "rel-" + HexFormat.of().formatHex(hash).substring(0, 16);
    }

    @Test
    void derivesIdFromTheDocumentedIdentityText() throws Exception {
        String identityText = "model=" + MODEL_DIGEST + "\n"
                + "feature:categorical-encoder=" + ENCODER_V5_DIGEST + "\n"
                + "feature:vocab=" + VOCAB_V3_DIGEST + "\n"
                + "config=" + CONFIG_DIGEST + "\n";

        assertThat(fraudRelease().id().value()).isEqualTo(documentedId(identityText));
    }

    @Test
    void derivesIdOfModelOnlyReleaseFromTheModelDigestAlone() throws Exception {
        Release release = Release.of(ModelVersion.of("fraud-model", "1.3.2", MODEL_DIGEST));

        assertThat(release.id().value()).isEqualTo(documentedId("model=" + MODEL_DIGEST + "\n"));
    }

    @Test
    void keepsGoldenIdsStableAcrossRestarts() throws Exception {
        assertThat(fraudRelease().id()).isEqualTo(ReleaseId.of(GOLDEN_ID_OF_FRAUD_MODEL_RELEASE));
        assertThat(Release.of(ModelVersion.of("fraud-model", "1.3.2", MODEL_DIGEST)).id())
                .isEqualTo(ReleaseId.of(GOLDEN_ID_OF_MODEL_ONLY_RELEASE));
        // The golden literals are themselves the documented derivation of the fixed release.
        assertThat(GOLDEN_ID_OF_MODEL_ONLY_RELEASE).isEqualTo(documentedId("model=" + MODEL_DIGEST + "\n"));
    }

    @Test
    void formatsIdAsRelAnd16LowerCaseHex() {
        assertThat(fraudRelease().id().value()).matches("rel-[0-9a-f]{16}");
        assertThat(fraudRelease().id()).hasToString(fraudRelease().id().value());
    }

    @Test
    void givesTheSameIdRegardlessOfTheOrderFeaturesWereAdded() {
        Release encoderFirst = Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).config(CONFIG_42).build();
        Release vocabFirst = Release.builder(fraudModel()).config(CONFIG_42).feature(VOCAB_V3).feature(ENCODER_V5).build();

        assertThat(vocabFirst.id()).isEqualTo(encoderFirst.id()).isEqualTo(ReleaseId.of(GOLDEN_ID_OF_FRAUD_MODEL_RELEASE));
    }

    @Test
    void givesADifferentIdWhenAnyDigestChanges() {
        ModelVersion otherModelDigest = ModelVersion.builder("fraud-model").version("1.3.2").digest(digest('9'))
                .compatibleWith("categorical-encoder", "v5").compatibleWith("vocab", "v3").build();
        List<Release> variants = List.of(
                fraudRelease(),
                Release.builder(otherModelDigest).feature(ENCODER_V5).feature(VOCAB_V3).config(CONFIG_42).build(),
                Release.builder(fraudModel()).feature(FeatureVersion.of("categorical-encoder", "v5", digest('1')))
                        .feature(VOCAB_V3).config(CONFIG_42).build(),
                Release.builder(fraudModel()).feature(ENCODER_V5)
                        .feature(FeatureVersion.of("vocab", "v3", digest('2'))).config(CONFIG_42).build(),
                Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3)
                        .config(ConfigVersion.of("cfg-42", digest('3'))).build(),
                Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).build());

        assertThat(variants).extracting(Release::id).doesNotHaveDuplicates();
    }

    @Test
    void keepsTheIdWhenOnlyLabelsOrFlagsChange() {
        // The id names the artifacts by digest; version labels and flags are not part of the identity text.
        ModelVersion relabelled = ModelVersion.builder("fraud-model").version("1.3.2-renamed").digest(MODEL_DIGEST)
                .compatibleWith("categorical-encoder", "v5").compatibleWith("vocab", "v3").build();
        Release withRelabelledModel = Release.builder(relabelled).feature(ENCODER_V5).feature(VOCAB_V3).config(CONFIG_42).build();
        Release withRelabelledConfig = Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3)
                .config(ConfigVersion.of("cfg-43", CONFIG_DIGEST)).build();
        Release withFlags = Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).config(CONFIG_42)
                .featureFlag("encoder-v5").build();

        assertThat(List.of(withRelabelledModel, withRelabelledConfig, withFlags)).extracting(Release::id)
                .containsOnly(ReleaseId.of(GOLDEN_ID_OF_FRAUD_MODEL_RELEASE));
    }

    @Test
    void acceptsWellFormedIds() {
        ReleaseId id = ReleaseId.of("rel-0123456789abcdef");

        assertThat(id.value()).isEqualTo("rel-0123456789abcdef");
        assertThat(id).isEqualTo(new ReleaseId("rel-0123456789abcdef")).hasToString("rel-0123456789abcdef");
    }

    @ParameterizedTest(name = "''{0}''")
    @NullSource
    @ValueSource(strings = {"", "rel-", "rel-0123456789abcde", "rel-0123456789abcdef0", "rel-0123456789ABCDEF",
            "rel-0123456789abcdeg", "REL-0123456789abcdef", "release-0123456789abcdef", "0123456789abcdef",
            " rel-0123456789abcdef", "rel-0123456789abcdef ", "rel_0123456789abcdef", "latest"})
    void refusesMalformedReleaseId(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> ReleaseId.of(value))
                .withMessage("ReleaseId must be 'rel-' followed by 16 lower-case hex characters (as printed by Release.id()),"
                        + " but was '" + value + "'");
    }
}
