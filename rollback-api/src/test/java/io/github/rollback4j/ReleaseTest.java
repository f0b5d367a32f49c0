package io.github.rollback4j;

import static io.github.rollback4j.Artifacts.CONFIG_42;
import static io.github.rollback4j.Artifacts.ENCODER_V5;
import static io.github.rollback4j.Artifacts.ENCODER_V6;
import static io.github.rollback4j.Artifacts.MODEL_DIGEST;
import static io.github.rollback4j.Artifacts.VOCAB_V3;
import static io.github.rollback4j.Artifacts.fraudModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pairing a model with its features and config, and the feature flags a release carries. */
class ReleaseTest {

    private static ModelVersion encoderOnlyModel() {
        return ModelVersion.builder("fraud-model").version("1.3.2").digest(MODEL_DIGEST)
                .compatibleWith("categorical-encoder", "v5")
                .build();
    }

    @Test
    void buildsCompatiblePairingWithFeaturesSortedByName() {
        Release release = Release.builder(fraudModel())
                .feature(VOCAB_V3)
                .feature(ENCODER_V5)
                .config(CONFIG_42)
                .build();

        assertThat(release.model()).isEqualTo(fraudModel());
        assertThat(release.features()).containsExactly(ENCODER_V5, VOCAB_V3);
        assertThat(release.config()).contains(CONFIG_42);
        assertThat(release.featureFlags()).isEmpty();
        assertThat(release.label()).isEqualTo("fraud-model:1.3.2+categorical-encoder:v5+vocab:v3+config:cfg-42");
        assertThat(release).hasToString("fraud-model:1.3.2 (" + release.id() + ")");
    }

    @Test
    void buildsReleaseOfModelThatNeedsNoFeatures() {
        Release release = Release.of(ModelVersion.of("fraud-model", "1.3.2", MODEL_DIGEST));

        assertThat(release.features()).isEmpty();
        assertThat(release.config()).isEmpty();
        assertThat(release.label()).isEqualTo("fraud-model:1.3.2");
    }

    @Test
    void acceptsAnyOfTheDeclaredVersionsOfAFeature() {
        ModelVersion model = ModelVersion.builder("fraud-model").version("1.3.2").digest(MODEL_DIGEST)
                .compatibleWith("categorical-encoder", "v5", "v6")
                .build();

        assertThat(Release.builder(model).feature(ENCODER_V5).build().features()).containsExactly(ENCODER_V5);
        assertThat(Release.builder(model).feature(ENCODER_V6).build().features()).containsExactly(ENCODER_V6);
    }

    @Test
    void refusesFeatureTheModelDoesNotDeclare() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.builder(encoderOnlyModel()).feature(ENCODER_V5).feature(VOCAB_V3).build())
                .withMessageStartingWith("Release of model fraud-model:1.3.2 includes feature 'vocab' v3,"
                        + " which the model does not declare")
                .withMessageContaining("compatibleWith(\"vocab\", \"v3\")")
                .withMessageContaining("or leave it out of the release");
    }

    @Test
    void refusesFeatureAtUndeclaredVersion() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.builder(fraudModel()).feature(ENCODER_V6).feature(VOCAB_V3).build())
                .withMessageStartingWith("Release of model fraud-model:1.3.2 is incompatible with feature 'categorical-encoder' v6")
                .withMessageContaining("the model declares compatibility with [v5] only")
                .withMessageContaining("Pair the model with 'categorical-encoder' at one of [v5]");
    }

    @Test
    void refusesReleaseMissingADeclaredFeature() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.builder(fraudModel()).feature(ENCODER_V5).build())
                .withMessageStartingWith("Release of model fraud-model:1.3.2 is missing feature 'vocab',"
                        + " which the model needs at one of [v3]")
                .withMessageContaining("Release.builder(model).feature(FeatureVersion.of(\"vocab\", version, digest))");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.of(fraudModel()))
                .withMessageContaining("is missing feature");
    }

    @Test
    void refusesFeatureNamedTwiceAtDifferentVersions() {
        ModelVersion model = ModelVersion.builder("fraud-model").version("1.3.2").digest(MODEL_DIGEST)
                .compatibleWith("categorical-encoder", "v5", "v6")
                .build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.builder(model).feature(ENCODER_V5).feature(ENCODER_V6).build())
                .withMessageStartingWith("Release of model fraud-model:1.3.2 names feature 'categorical-encoder' twice (v5 and v6)")
                .withMessageContaining("the model declares compatibility with [v5, v6]")
                .withMessageContaining("exactly one version of each feature");
    }

    @Test
    void refusesFeatureNamedTwiceAtTheSameVersion() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.builder(encoderOnlyModel()).feature(ENCODER_V5).feature(ENCODER_V5).build())
                .withMessageStartingWith("Release of model fraud-model:1.3.2 names feature 'categorical-encoder' twice (v5 and v5)")
                .withMessageContaining("[v5]");
    }

    @Test
    void refusesUndeclaredFeatureNamedTwice() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Release.builder(encoderOnlyModel()).feature(ENCODER_V5).feature(VOCAB_V3).feature(VOCAB_V3).build())
                .withMessageStartingWith("Release of model fraud-model:1.3.2 names feature 'vocab' twice")
                .withMessageContaining("which the model does not declare");
    }

    @Test
    void refusesNullModelFeatureOrConfig() {
        assertThatNullPointerException().isThrownBy(() -> Release.builder(null).build())
                .withMessage("Release.model must not be null");
        assertThatNullPointerException().isThrownBy(() -> Release.builder(fraudModel()).feature(null))
                .withMessage("Release.feature must not be null");
        assertThatNullPointerException().isThrownBy(() -> Release.builder(fraudModel()).config(null))
                .withMessage("Release.config must not be null");
    }

    @Test
    void keepsFeatureFlagsInOrderWithoutDuplicates() {
        Release release = Release.builder(encoderOnlyModel()).feature(ENCODER_V5)
                .featureFlag("encoder-v5")
                .featureFlag("fraud:new-threshold")
                .featureFlag("encoder-v5")
                .build();

        assertThat(release.featureFlags()).containsExactly("encoder-v5", "fraud:new-threshold");
    }

    @Test
    void acceptsFeatureFlagsOfLettersDigitsDotsUnderscoresColonsAndDashes() {
        for (String flag : Arrays.asList("encoder-v5", "e", "9", "team.fraud_model:encoder-v5", "f".repeat(128))) {
            assertThatCode(() -> Release.builder(encoderOnlyModel()).featureFlag(flag)).as(flag).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", " ", "-encoder", ".encoder", "encoder v5", "encoder/v5", "encoder=on", "énçoder"})
    void refusesMalformedFeatureFlag(String flag) {
        assertThatIllegalArgumentException().isThrownBy(() -> Release.builder(encoderOnlyModel()).featureFlag(flag))
                .withMessageStartingWith("Release.featureFlag must be 1 to 128 characters of letters, digits, '.', '_', ':' or '-'")
                .withMessageContaining("starting with a letter or digit")
                .withMessageEndingWith("but was '" + flag + "'");
    }

    @Test
    void refusesNullOrOverlongFeatureFlag() {
        assertThatIllegalArgumentException().isThrownBy(() -> Release.builder(encoderOnlyModel()).featureFlag(null))
                .withMessageStartingWith("Release.featureFlag must be")
                .withMessageEndingWith("but was 'null'");
        String overlong = "f".repeat(129);
        assertThatIllegalArgumentException().isThrownBy(() -> Release.builder(encoderOnlyModel()).featureFlag(overlong))
                .withMessageEndingWith("but was '" + overlong + "'");
    }

    @Test
    void exposesFeaturesAndFlagsUnmodifiable() {
        Release release = Release.builder(encoderOnlyModel()).feature(ENCODER_V5).featureFlag("encoder-v5").build();

        assertThatThrownBy(() -> release.features().add(VOCAB_V3)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> release.featureFlags().add("other")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void isNotChangedByLaterUseOfItsBuilder() {
        Release.Builder builder = Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).featureFlag("encoder-v5");
        Release built = builder.build();

        builder.featureFlag("late-flag").config(CONFIG_42);

        assertThat(built.featureFlags()).containsExactly("encoder-v5");
        assertThat(built.config()).isEmpty();
        assertThat(built.features()).containsExactly(ENCODER_V5, VOCAB_V3);
    }

    @Test
    void equalsAReleaseOfTheSameArtifactsAndFlags() {
        Release a = Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).config(CONFIG_42).featureFlag("f").build();
        Release b = Release.builder(fraudModel()).feature(VOCAB_V3).feature(ENCODER_V5).config(CONFIG_42).featureFlag("f").build();
        Release otherFlags = Release.builder(fraudModel()).feature(VOCAB_V3).feature(ENCODER_V5).config(CONFIG_42).build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(otherFlags);
        assertThat(a).isNotEqualTo(Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3).build());
        assertThat(a).isNotEqualTo(null).isNotEqualTo(a.id());
    }
}
