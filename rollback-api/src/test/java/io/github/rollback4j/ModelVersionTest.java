package io.github.rollback4j;

import static io.github.rollback4j.Artifacts.MODEL_DIGEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

class ModelVersionTest {

    private static ModelVersion.Builder fraudModel() {
        return ModelVersion.builder("fraud-model").version("1.3.2").digest(MODEL_DIGEST);
    }

    @Test
    void keepsDeclaredFeatureVersionsInDeclarationOrder() {
        ModelVersion model = fraudModel()
                .compatibleWith("vocab", "v3")
                .compatibleWith("categorical-encoder", "v5", "v4")
                .build();

        assertThat(model.compatibleFeatures()).containsOnlyKeys("vocab", "categorical-encoder");
        assertThat(model.compatibleFeatures().keySet()).containsExactly("vocab", "categorical-encoder");
        assertThat(model.compatibleFeatures().get("categorical-encoder")).containsExactly("v5", "v4");
    }

    @Test
    void mergesRepeatedDeclarationsOfOneFeature() {
        ModelVersion model = fraudModel()
                .compatibleWith("categorical-encoder", "v5")
                .compatibleWith("categorical-encoder", "v6", "v5")
                .build();

        assertThat(model.compatibleFeatures().get("categorical-encoder")).containsExactly("v5", "v6");
    }

    @Test
    void exposesCompatibilityUnmodifiable() {
        ModelVersion model = fraudModel().compatibleWith("categorical-encoder", "v5").build();

        assertThatThrownBy(() -> model.compatibleFeatures().put("vocab", Set.of("v3")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> model.compatibleFeatures().get("categorical-encoder").add("v6"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void isNotChangedByLaterUseOfItsBuilder() {
        ModelVersion.Builder builder = fraudModel().compatibleWith("categorical-encoder", "v5");
        ModelVersion built = builder.build();

        builder.compatibleWith("categorical-encoder", "v6").compatibleWith("vocab", "v3").version("1.3.3");

        assertThat(built.version()).isEqualTo("1.3.2");
        assertThat(built.compatibleFeatures()).containsOnlyKeys("categorical-encoder");
        assertThat(built.compatibleFeatures().get("categorical-encoder")).containsExactly("v5");
    }

    @Test
    void refusesCompatibilityDeclarationWithoutVersions() {
        assertThatIllegalArgumentException().isThrownBy(() -> fraudModel().compatibleWith("categorical-encoder"))
                .withMessageStartingWith("ModelVersion.compatibleWith('categorical-encoder') needs at least one feature version")
                .withMessageContaining("compatibleWith(\"categorical-encoder\", \"v5\")");
        assertThatIllegalArgumentException().isThrownBy(() -> fraudModel().compatibleWith("categorical-encoder", (String[]) null))
                .withMessageContaining("needs at least one feature version");
    }

    @Test
    void refusesMutableTagAsCompatibleFeatureVersion() {
        assertThatIllegalArgumentException().isThrownBy(() -> fraudModel().compatibleWith("categorical-encoder", "v5", "Latest"))
                .withMessageStartingWith("ModelVersion.compatibleWith('categorical-encoder').version 'Latest' is a mutable tag")
                .withMessageContaining("Use an immutable version such as '1.3.2'");
    }

    @Test
    void refusesEmptyOrMalformedCompatibleFeatureName() {
        assertThatIllegalArgumentException().isThrownBy(() -> fraudModel().compatibleWith(" ", "v5"))
                .withMessageStartingWith("ModelVersion.compatibleWith.featureName must not be empty");
        assertThatIllegalArgumentException().isThrownBy(() -> fraudModel().compatibleWith(null, "v5"))
                .withMessageStartingWith("ModelVersion.compatibleWith.featureName must not be empty");
        assertThatIllegalArgumentException().isThrownBy(() -> fraudModel().compatibleWith("categorical encoder", "v5"))
                .withMessageStartingWith("ModelVersion.compatibleWith.featureName must be 1 to 128 characters")
                .withMessageContaining("but was 'categorical encoder'");
    }

    @Test
    void refusesBuildWithoutVersionOrDigest() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ModelVersion.builder("fraud-model").digest(MODEL_DIGEST).build())
                .withMessageStartingWith("ModelVersion.version must not be empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ModelVersion.builder("fraud-model").version("1.3.2").build())
                .withMessageStartingWith("ModelVersion.digest must not be empty");
    }

    @Test
    void equalsAnotherModelVersionWithTheSameNameVersionDigestAndCompatibility() {
        ModelVersion a = fraudModel().compatibleWith("categorical-encoder", "v5").build();
        ModelVersion b = fraudModel().compatibleWith("categorical-encoder", "v5").build();

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(fraudModel().compatibleWith("categorical-encoder", "v6").build());
        assertThat(a).isNotEqualTo(fraudModel().version("1.3.3").compatibleWith("categorical-encoder", "v5").build());
        assertThat(a).isNotEqualTo(fraudModel().digest(Artifacts.digest('e')).compatibleWith("categorical-encoder", "v5").build());
        assertThat(a).isNotEqualTo(ModelVersion.builder("other-model").version("1.3.2").digest(MODEL_DIGEST)
                .compatibleWith("categorical-encoder", "v5").build());
        assertThat(a).isNotEqualTo(null).isNotEqualTo("fraud-model:1.3.2");
    }
}
