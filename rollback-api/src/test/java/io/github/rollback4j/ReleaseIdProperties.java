package io.github.rollback4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Release ids over arbitrary digests and feature sets. */
class ReleaseIdProperties {

    private static final String SEED = "4242";

    @Provide
    Arbitrary<String> digests() {
        return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(hex -> "sha256:" + hex);
    }

    /** Features with distinct names, in the order they happen to be generated. */
    @Provide
    Arbitrary<List<FeatureVersion>> features() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '.', '_').ofMinLength(1).ofMaxLength(12)
                .filter(n -> Character.isLetter(n.charAt(0)));
        return names.list().uniqueElements().ofMaxSize(6).flatMap(featureNames -> digests().list().ofSize(featureNames.size())
                .map(featureDigests -> {
                    List<FeatureVersion> features = new ArrayList<>();
                    for (int i = 0; i < featureNames.size(); i++) {
                        features.add(FeatureVersion.of(featureNames.get(i), "v" + (i + 1), featureDigests.get(i)));
                    }
                    return features;
                }));
    }

    private static Release release(String modelDigest, List<FeatureVersion> features) {
        ModelVersion.Builder model = ModelVersion.builder("fraud-model").version("1.3.2").digest(modelDigest);
        features.forEach(f -> model.compatibleWith(f.name(), f.version()));
        Release.Builder release = Release.builder(model.build());
        features.forEach(release::feature);
        return release.build();
    }

    @Property(tries = 200, seed = SEED)
    void idIsRelAnd16LowerCaseHex(@ForAll("digests") String modelDigest, @ForAll("features") List<FeatureVersion> features) {
        assertThat(release(modelDigest, features).id().value()).matches("rel-[0-9a-f]{16}");
    }

    @Property(tries = 200, seed = SEED)
    void idIsTheSameForAnyOrderOfFeatures(@ForAll("digests") String modelDigest, @ForAll("features") List<FeatureVersion> features,
                                          @ForAll long shuffleSeed) {
        List<FeatureVersion> shuffled = new ArrayList<>(features);
        Collections.shuffle(shuffled, new Random(shuffleSeed));

        assertThat(release(modelDigest, shuffled).id()).isEqualTo(release(modelDigest, features).id());
    }

    @Property(tries = 200, seed = SEED)
    void idFollowsTheDocumentedDerivation(@ForAll("digests") String modelDigest, @ForAll("features") List<FeatureVersion> features)
            throws Exception {
        StringBuilder text = new StringBuilder("model=" + modelDigest + "\n");
        features.stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(f -> text.append("feature:").append(f.name()).append('=').append(f.digest()).append('\n'));
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(release(modelDigest, features).id().value()).isEqualTo("rel-" + HexFormat.of().formatHex(hash, 0, 8));
    }

    @Property(tries = 200, seed = SEED)
    void idChangesWhenAnyOneDigestChanges(@ForAll("digests") String modelDigest, @ForAll("features") List<FeatureVersion> features,
                                          @ForAll("digests") String otherDigest, @ForAll @IntRange(min = 0, max = 6) int which) {
        Release original = release(modelDigest, features);
        Release changed;
        if (which >= features.size()) {
            if (otherDigest.equals(modelDigest)) {
                return;
            }
            changed = release(otherDigest, features);
        } else {
            FeatureVersion f = features.get(which);
            if (otherDigest.equals(f.digest())) {
                return;
            }
            List<FeatureVersion> changedFeatures = new ArrayList<>(features);
            changedFeatures.set(which, FeatureVersion.of(f.name(), f.version(), otherDigest));
            changed = release(modelDigest, changedFeatures);
        }

        assertThat(changed.id()).isNotEqualTo(original.id());
    }
}
