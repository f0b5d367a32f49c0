package io.github.rollback4j;

/** Valid artifacts and digests shared by the tests of this package. */
final class Artifacts {

    /** A digest of 64 copies of one lower-case hex character, e.g. {@code digest('a')}. */
    static String digest(char hex) {
        return "sha256:" + String.valueOf(hex).repeat(64);
    }

    static final String MODEL_DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    static final String ENCODER_V5_DIGEST = digest('a');
    static final String ENCODER_V6_DIGEST = digest('d');
    static final String VOCAB_V3_DIGEST = digest('b');
    static final String CONFIG_DIGEST = digest('c');

    static final FeatureVersion ENCODER_V5 = FeatureVersion.of("categorical-encoder", "v5", ENCODER_V5_DIGEST);
    static final FeatureVersion ENCODER_V6 = FeatureVersion.of("categorical-encoder", "v6", ENCODER_V6_DIGEST);
    static final FeatureVersion VOCAB_V3 = FeatureVersion.of("vocab", "v3", VOCAB_V3_DIGEST);
    static final ConfigVersion CONFIG_42 = ConfigVersion.of("cfg-42", CONFIG_DIGEST);

    /** fraud-model 1.3.2, compatible with categorical-encoder v5 and vocab v3. */
    static ModelVersion fraudModel() {
        return ModelVersion.builder("fraud-model").version("1.3.2").digest(MODEL_DIGEST)
                .compatibleWith("categorical-encoder", "v5")
                .compatibleWith("vocab", "v3")
                .build();
    }

    private Artifacts() {
    }
}
