package io.github.rollback4j.core;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.ReleaseAttribution;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Releases carry names people read, unique per router; a model's exception says which release threw. */
class ReleaseNamesAndAttributionTest {

    private final VirtualTimeSource clock = VirtualTimeSource.startingAt(Instant.parse("2030-01-01T00:00:00Z"));
    private final Release v1 = Fixtures.release("fraud", "1.0.0", 1);
    private final Release v2 = Fixtures.release("fraud", "2.0.0", 2);

    @Test
    void theSpecNameBecomesTheReleaseNameAndTheRouterNamesItsReleases() {
        try (ManagedModelRouter<String, String> router = Fixtures.router("fraud", Fixtures.spec(v1, in -> "a"), clock)
                .release(ReleaseSpec.<String, String>builder(v2, in -> "b").name("v2").sampleInputs(java.util.List.of("x")).build())
                .build()) {
            assertThat(router.releases()).extracting(Release::name).containsExactly("fraud:1.0.0", "v2");
            assertThat(router.releaseName(v2.id())).isEqualTo("v2");
            assertThat(router.releaseNameAndId(v2.id())).isEqualTo("v2 (" + v2.id() + ")");
            assertThat(router.releaseNamed("v2")).map(Release::id).contains(v2.id());
            assertThat(router.releaseNamed(v2.id().value())).map(Release::id).contains(v2.id());
            assertThat(router.releaseNamed("v3")).isEmpty();

            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "canary"));
            router.rollbackToLastKnownGood(Cause.operator("ana", "drill"));
            assertThat(router.auditLog().get(router.auditLog().size() - 1).detail())
                    .contains("quarantined [v2 (" + v2.id() + ")]");
            router.retire(v2.id(), Cause.operator("ana", "done"));
            assertThat(router.releaseName(v2.id())).as("a retired release is still named in incidents and logs").isEqualTo("v2");
        }
    }

    @Test
    void twoReleasesWithTheSameNameAreRefusedNamingBothAndTheFix() {
        Release sameModelOtherEncoder = Fixtures.release("fraud", "1.0.0", 3);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Fixtures.router("fraud", Fixtures.spec(v1, in -> "a"), clock)
                        .release(Fixtures.spec(sameModelOtherEncoder, in -> "b")).build())
                .withMessageContaining("are both named 'fraud:1.0.0'")
                .withMessageContaining(v1.id().value()).withMessageContaining(sameModelOtherEncoder.id().value())
                .withMessageContaining("ReleaseSpec.builder(..).name(");
    }

    @Test
    void aModelsExceptionKeepsItsTypeAndNamesTheReleaseThatThrew() throws Exception {
        UncheckedIOException boom = new UncheckedIOException("weights file truncated", new java.io.IOException("eof"));
        try (ManagedModelRouter<String, String> router = Fixtures.router("fraud", Fixtures.spec(v1, in -> "a"), clock)
                .release(ReleaseSpec.<String, String>builder(v2, in -> {
                    if ("boom".equals(in)) {
                        throw boom;
                    }
                    return "b";
                }).name("v2").sampleInputs(java.util.List.of("x")).build())
                .build()) {
            router.setWeights(Segment.DEFAULT, Map.of(v2.id(), 10_000), Cause.operator("ana", "all on v2"));

            assertThatThrownBy(() -> router.invoke("boom", RequestContext.of("user-1")))
                    .isSameAs(boom).isInstanceOf(UncheckedIOException.class);
            ReleaseAttribution attribution = ReleaseAttribution.of(boom).orElseThrow();
            assertThat(attribution.release()).isEqualTo(v2.id());
            assertThat(attribution.releaseName()).isEqualTo("v2");
            assertThat(attribution.router()).isEqualTo("fraud");
            assertThat(attribution).hasMessage("thrown by release v2 (" + v2.id() + ") of router 'fraud'");

            // The same exception object thrown again is not attributed twice.
            assertThatThrownBy(() -> router.decide("boom", RequestContext.of("user-2"))).isSameAs(boom);
            assertThat(boom.getSuppressed()).hasSize(1);
        }
    }
}
