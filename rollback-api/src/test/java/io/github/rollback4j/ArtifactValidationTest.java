package io.github.rollback4j;

import static io.github.rollback4j.Artifacts.CONFIG_DIGEST;
import static io.github.rollback4j.Artifacts.ENCODER_V5_DIGEST;
import static io.github.rollback4j.Artifacts.MODEL_DIGEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The naming rules shared by {@link ModelVersion}, {@link FeatureVersion} and {@link ConfigVersion}:
 * every field is checked, and every refusal names the field, shows the value and says what to use.
 */
class ArtifactValidationTest {

    enum Kind { NAME, VERSION, DIGEST }

    /** One validated field, and how to build its artifact with a given value in that field only. */
    enum Field {
        MODEL_NAME("ModelVersion.name", Kind.NAME, v -> ModelVersion.of(v, "1.3.2", MODEL_DIGEST)),
        MODEL_VERSION("ModelVersion.version", Kind.VERSION, v -> ModelVersion.of("fraud-model", v, MODEL_DIGEST)),
        MODEL_DIGEST_FIELD("ModelVersion.digest", Kind.DIGEST, v -> ModelVersion.of("fraud-model", "1.3.2", v)),
        FEATURE_NAME("FeatureVersion.name", Kind.NAME, v -> FeatureVersion.of(v, "v5", ENCODER_V5_DIGEST)),
        FEATURE_VERSION("FeatureVersion.version", Kind.VERSION, v -> FeatureVersion.of("categorical-encoder", v, ENCODER_V5_DIGEST)),
        FEATURE_DIGEST("FeatureVersion.digest", Kind.DIGEST, v -> FeatureVersion.of("categorical-encoder", "v5", v)),
        CONFIG_VERSION("ConfigVersion.version", Kind.VERSION, v -> ConfigVersion.of(v, CONFIG_DIGEST)),
        CONFIG_DIGEST_FIELD("ConfigVersion.digest", Kind.DIGEST, v -> ConfigVersion.of("cfg-42", v));

        final String path;
        final Kind kind;
        final Function<String, Object> build;

        Field(String path, Kind kind, Function<String, Object> build) {
            this.path = path;
            this.kind = kind;
            this.build = build;
        }

        Object buildWith(String value) {
            return build.apply(value);
        }
    }

    private static final List<String> MUTABLE_TAGS_IN_ANY_CASE =
            List.of("latest", "stable", "current", "LATEST", "Stable", "cUrReNt", "Latest", "STABLE", "CURRENT");

    private static final List<String> EMPTY_VALUES = Arrays.asList(null, "", " ", "   ", "\t", "\n");

    /** How a refusal shows the value it refused. */
    private static String shown(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    private static Stream<Arguments> fieldsOf(Kind kind, List<String> values) {
        return Stream.of(Field.values()).filter(f -> f.kind == kind)
                .flatMap(f -> values.stream().map(v -> Arguments.of(f, v)));
    }

    static Stream<Arguments> versionFieldsWithMutableTags() {
        return fieldsOf(Kind.VERSION, MUTABLE_TAGS_IN_ANY_CASE);
    }

    static Stream<Arguments> digestFieldsWithMutableTags() {
        return fieldsOf(Kind.DIGEST, MUTABLE_TAGS_IN_ANY_CASE);
    }

    static Stream<Arguments> everyFieldWithEmptyValues() {
        return Stream.of(Field.values()).flatMap(f -> EMPTY_VALUES.stream().map(v -> Arguments.of(f, v)));
    }

    static Stream<Arguments> digestFieldsWithoutSha256Prefix() {
        String hex = "0123456789abcdef".repeat(4);
        return fieldsOf(Kind.DIGEST, List.of(hex, "SHA256:" + hex, "sha512:" + hex, "md5:" + hex, "sha256-" + hex,
                " sha256:" + hex));
    }

    static Stream<Arguments> digestFieldsWithWrongLength() {
        return fieldsOf(Kind.DIGEST, List.of("sha256:", "sha256:a", "sha256:" + "a".repeat(63), "sha256:" + "a".repeat(65),
                "sha256:" + "a".repeat(128)));
    }

    static Stream<Arguments> digestFieldsWithUpperCaseOrNonHex() {
        return fieldsOf(Kind.DIGEST, List.of("sha256:" + "A".repeat(64), "sha256:" + "0123456789ABCDEF".repeat(4),
                "sha256:" + "a".repeat(63) + "F", "sha256:" + "g".repeat(64), "sha256:" + "a".repeat(62) + " a"));
    }

    static Stream<Arguments> nameFieldsWithMalformedNames() {
        return fieldsOf(Kind.NAME, List.of("-fraud-model", ".hidden", "fraud model", "fraud@model", "ünïcode",
                "x".repeat(129), " fraud-model"));
    }

    static Stream<Arguments> versionFieldsWithMalformedVersions() {
        return fieldsOf(Kind.VERSION, List.of("-1.3.2", "1.3.2 ", "1.3 .2", "v5/beta", "1.3.2@sha", "v".repeat(65), "+build"));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("versionFieldsWithMutableTags")
    void refusesMutableTagAsVersion(Field field, String tag) {
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(tag))
                .withMessageStartingWith(field.path + " ")
                .withMessageContaining(shown(tag))
                .withMessageContaining("mutable tag")
                .withMessageContaining("Use an immutable version such as '1.3.2'");
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("digestFieldsWithMutableTags")
    void refusesMutableTagAsDigest(Field field, String tag) {
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(tag))
                .withMessageStartingWith(field.path + " ")
                .withMessageContaining(shown(tag))
                .withMessageContaining("mutable tag, not a digest")
                .withMessageContaining("'sha256:' followed by 64 lower-case hex characters");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("everyFieldWithEmptyValues")
    void refusesEmptyBlankOrNullValue(Field field, String value) {
        String whatToUse = switch (field.kind) {
            case NAME -> "give the artifact's name, e.g. 'fraud-model'";
            case VERSION -> "give an immutable version such as '1.3.2'";
            case DIGEST -> "'sha256:' followed by 64 lower-case hex characters";
        };
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(value))
                .withMessageStartingWith(field.path + " must not be empty")
                .withMessageContaining("but was " + shown(value))
                .withMessageContaining(whatToUse);
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("digestFieldsWithoutSha256Prefix")
    void refusesDigestWithoutSha256Prefix(Field field, String digest) {
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(digest))
                .withMessageStartingWith(field.path + " must be 'sha256:' followed by 64 lower-case hex characters")
                .withMessageContaining("but was " + shown(digest))
                .withMessageContaining("it does not start with 'sha256:'");
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("digestFieldsWithWrongLength")
    void refusesDigestOfWrongLength(Field field, String digest) {
        int hexLength = digest.length() - "sha256:".length();
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(digest))
                .withMessageStartingWith(field.path + " must be 'sha256:' followed by 64 lower-case hex characters")
                .withMessageContaining("but was " + shown(digest))
                .withMessageContaining("after 'sha256:' it has " + hexLength + " characters");
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("digestFieldsWithUpperCaseOrNonHex")
    void refusesUpperCaseOrNonHexDigest(Field field, String digest) {
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(digest))
                .withMessageStartingWith(field.path + " must be 'sha256:' followed by 64 lower-case hex characters")
                .withMessageContaining("but was " + shown(digest));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("nameFieldsWithMalformedNames")
    void refusesMalformedName(Field field, String name) {
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(name))
                .withMessageStartingWith(field.path + " must be 1 to 128 characters of letters, digits, '.', '_', '-' or '/'")
                .withMessageContaining("starting with a letter or digit")
                .withMessageContaining("but was " + shown(name));
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @MethodSource("versionFieldsWithMalformedVersions")
    void refusesMalformedVersion(Field field, String version) {
        assertThatIllegalArgumentException().isThrownBy(() -> field.buildWith(version))
                .withMessageStartingWith(field.path + " must be 1 to 64 characters of letters, digits, '.', '_', '+' or '-'")
                .withMessageContaining("starting with a letter or digit")
                .withMessageContaining("but was " + shown(version));
    }

    @ParameterizedTest
    @EnumSource(value = Field.class, names = {"MODEL_NAME", "FEATURE_NAME"})
    void acceptsNamesUpTo128CharactersWithDotsUnderscoresDashesAndSlashes(Field field) {
        for (String name : List.of("fraud-model", "f", "7", "team/fraud_model.v2", "x".repeat(128))) {
            assertThatCode(() -> field.buildWith(name)).as(name).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Field.class, names = {"MODEL_VERSION", "FEATURE_VERSION", "CONFIG_VERSION"})
    void acceptsImmutableVersionsUpTo64Characters(Field field) {
        for (String version : List.of("1.3.2", "v5", "cfg-42", "1.3.2+build.7", "2024_05_01", "1.0.0-rc.1",
                "latest-2024-05-01", "v".repeat(64))) {
            assertThatCode(() -> field.buildWith(version)).as(version).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Field.class, names = {"MODEL_DIGEST_FIELD", "FEATURE_DIGEST", "CONFIG_DIGEST_FIELD"})
    void acceptsSha256WithLowerCaseHex(Field field) {
        for (String digest : List.of(MODEL_DIGEST, "sha256:" + "0".repeat(64), "sha256:" + "f".repeat(64),
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")) {
            assertThatCode(() -> field.buildWith(digest)).as(digest).doesNotThrowAnyException();
        }
    }

    @Test
    void keepsTheValuesItAccepts() {
        ModelVersion model = ModelVersion.of("fraud-model", "1.3.2", MODEL_DIGEST);
        FeatureVersion feature = FeatureVersion.of("categorical-encoder", "v5", ENCODER_V5_DIGEST);
        ConfigVersion config = ConfigVersion.of("cfg-42", CONFIG_DIGEST);

        assertThat(model.name()).isEqualTo("fraud-model");
        assertThat(model.version()).isEqualTo("1.3.2");
        assertThat(model.digest()).isEqualTo(MODEL_DIGEST);
        assertThat(model.compatibleFeatures()).isEmpty();
        assertThat(feature).extracting(FeatureVersion::name, FeatureVersion::version, FeatureVersion::digest)
                .containsExactly("categorical-encoder", "v5", ENCODER_V5_DIGEST);
        assertThat(config).extracting(ConfigVersion::version, ConfigVersion::digest).containsExactly("cfg-42", CONFIG_DIGEST);
    }

    @Test
    void publishesTheMutableTagsItRefusesAsAnUnmodifiableSet() {
        assertThat(ModelVersion.MUTABLE_TAGS).contains("latest", "stable", "current")
                .allSatisfy(tag -> assertThat(tag).isLowerCase());
        assertThatThrownBy(() -> ModelVersion.MUTABLE_TAGS.add("newest")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesEveryPublishedMutableTagAsVersionAndDigest() {
        for (String tag : ModelVersion.MUTABLE_TAGS) {
            assertThatIllegalArgumentException().as(tag).isThrownBy(() -> ModelVersion.of("fraud-model", tag, MODEL_DIGEST))
                    .withMessageContaining("mutable tag");
            assertThatIllegalArgumentException().as(tag).isThrownBy(() -> ModelVersion.of("fraud-model", "1.3.2", tag))
                    .withMessageContaining("mutable tag");
        }
    }

    @Test
    void showsArtifactsByNameVersionAndShortDigest() {
        assertThat(ModelVersion.of("fraud-model", "1.3.2", MODEL_DIGEST))
                .hasToString("fraud-model:1.3.2@sha256:0123456789ab");
        assertThat(FeatureVersion.of("categorical-encoder", "v5", ENCODER_V5_DIGEST))
                .hasToString("categorical-encoder:v5@sha256:aaaaaaaaaaaa");
        assertThat(ConfigVersion.of("cfg-42", CONFIG_DIGEST)).hasToString("config:cfg-42@sha256:cccccccccccc");
    }
}
