package io.github.rollback4j;

import static io.github.rollback4j.Artifacts.ENCODER_V5;
import static io.github.rollback4j.Artifacts.VOCAB_V3;
import static io.github.rollback4j.Artifacts.fraudModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The display name people read: default model:version, settable, never part of the id. */
class ReleaseNameTest {

    private static Release.Builder fraud() {
        return Release.builder(fraudModel()).feature(ENCODER_V5).feature(VOCAB_V3);
    }

    @Test
    void nameDefaultsToModelNameAndVersion() {
        assertThat(fraud().build().name()).isEqualTo("fraud-model:1.3.2");
    }

    @Test
    void nameCanBeSetAndIsNotPartOfTheId() {
        Release unnamed = fraud().build();
        Release named = fraud().name("v2").build();

        assertThat(named.name()).isEqualTo("v2");
        assertThat(named.id()).isEqualTo(unnamed.id());
        assertThat(named).hasToString("v2 (" + named.id() + ")");
        assertThat(named).isNotEqualTo(unnamed);
    }

    @Test
    void withNameKeepsTheArtifactsAndTheId() {
        Release release = fraud().featureFlag("encoder-v5").build();
        Release renamed = release.withName("fraud-v2");

        assertThat(renamed.name()).isEqualTo("fraud-v2");
        assertThat(renamed.id()).isEqualTo(release.id());
        assertThat(renamed.features()).isEqualTo(release.features());
        assertThat(renamed.featureFlags()).isEqualTo(release.featureFlags());
        assertThat(renamed.label()).isEqualTo(release.label());
        assertThat(release.withName(release.name())).isSameAs(release);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v2", "fraud-model:2.0.0", "team/fraud@2026-12+exp.1", "a"})
    void acceptsReadableNames(String name) {
        assertThat(fraud().name(name).build().name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " v2", "v 2", "-v2", "v2\n", "ünïcode"})
    void refusesNamesThatAreHardToReadOrToPutInATag(String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> fraud().name(name))
                .withMessageContaining("Release.name must be 1 to " + Release.MAX_NAME_LENGTH)
                .withMessageContaining("e.g. 'v2'")
                .withMessageContaining("but was '" + name + "'");
    }

    @Test
    void refusesNullAndOverlongNames() {
        assertThatIllegalArgumentException().isThrownBy(() -> fraud().name(null)).withMessageContaining("but was null");
        assertThatIllegalArgumentException().isThrownBy(() -> fraud().build().withName("v".repeat(Release.MAX_NAME_LENGTH + 1)))
                .withMessageContaining("Release.name must be 1 to 200");
        assertThat(fraud().name("v".repeat(Release.MAX_NAME_LENGTH)).build().name()).hasSize(Release.MAX_NAME_LENGTH);
    }

    @Test
    void longestModelNameAndVersionStillMakeAValidDefaultName() {
        ModelVersion longest = ModelVersion.of("m".repeat(128), "1".repeat(64), Artifacts.MODEL_DIGEST);
        Release release = Release.of(longest);

        assertThat(release.name()).hasSize(128 + 1 + 64);
        assertThat(release.withName(release.name() + "x").name()).endsWith("x");
    }
}
