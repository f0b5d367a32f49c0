package io.github.rollback4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class RequestContextTest {

    private static final Segment EU_WEST = Segment.of("request-context-test-eu-west");

    @Test
    void emptyContextHasNoKeyTheDefaultSegmentAndNoAttributes() {
        assertThat(RequestContext.EMPTY.stickinessKey()).isNull();
        assertThat(RequestContext.EMPTY.segment()).isSameAs(Segment.DEFAULT);
        assertThat(RequestContext.EMPTY.attributes()).isEmpty();
    }

    @Test
    void contextOfAKeyIsInTheDefaultSegment() {
        RequestContext ctx = RequestContext.of("user-42");

        assertThat(ctx.stickinessKey()).isEqualTo("user-42");
        assertThat(ctx.segment()).isSameAs(Segment.DEFAULT);
        assertThat(ctx.attributes()).isEmpty();
    }

    @Test
    void contextOfANullKeyHasNoStickiness() {
        assertThat(RequestContext.of(null).stickinessKey()).isNull();
        assertThat(RequestContext.of(null, EU_WEST).stickinessKey()).isNull();
    }

    @Test
    void contextOfAKeyAndSegmentKeepsBoth() {
        RequestContext ctx = RequestContext.of("user-42", EU_WEST);

        assertThat(ctx.stickinessKey()).isEqualTo("user-42");
        assertThat(ctx.segment()).isSameAs(EU_WEST);
    }

    @Test
    void refusesNullSegment() {
        assertThatNullPointerException().isThrownBy(() -> RequestContext.of("user-42", null))
                .withMessage("RequestContext.segment must not be null");
        assertThatNullPointerException().isThrownBy(() -> RequestContext.builder().segment((Segment) null))
                .withMessage("RequestContext.segment must not be null");
    }

    @Test
    void refusesMalformedSegmentNameInBuilder() {
        assertThatIllegalArgumentException().isThrownBy(() -> RequestContext.builder().segment("eu west"))
                .withMessageContaining("but was 'eu west'");
        assertThatIllegalArgumentException().isThrownBy(() -> RequestContext.builder().segment((String) null))
                .withMessageContaining("segment must be");
    }

    @Test
    void builderKeepsKeySegmentAndAttributesInOrder() {
        RequestContext ctx = RequestContext.builder()
                .stickinessKey("session-7")
                .segment("request-context-test-eu-west")
                .attribute("tenant", "acme")
                .attribute("device", "ios")
                .attribute("tenant", "acme-eu")
                .build();

        assertThat(ctx.stickinessKey()).isEqualTo("session-7");
        assertThat(ctx.segment()).isSameAs(EU_WEST);
        assertThat(ctx.attributes()).containsExactly(entry("tenant", "acme-eu"), entry("device", "ios"));
        assertThat(ctx).hasToString("RequestContext{key=session-7, segment=request-context-test-eu-west,"
                + " attributes={tenant=acme-eu, device=ios}}");
    }

    @Test
    void builderDefaultsToNoKeyAndTheDefaultSegment() {
        RequestContext ctx = RequestContext.builder().build();

        assertThat(ctx.stickinessKey()).isNull();
        assertThat(ctx.segment()).isSameAs(Segment.DEFAULT);
        assertThat(ctx.attributes()).isEmpty();
    }

    @Test
    void exposesAttributesUnmodifiable() {
        RequestContext withAttributes = RequestContext.builder().attribute("tenant", "acme").build();
        RequestContext withoutAttributes = RequestContext.builder().build();

        assertThatThrownBy(() -> withAttributes.attributes().put("tenant", "other"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> withoutAttributes.attributes().put("tenant", "other"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> RequestContext.EMPTY.attributes().put("tenant", "other"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void isNotChangedByLaterUseOfItsBuilder() {
        RequestContext.Builder builder = RequestContext.builder().stickinessKey("user-1").attribute("tenant", "acme");
        RequestContext built = builder.build();

        builder.stickinessKey("user-2").segment(EU_WEST).attribute("device", "ios");

        assertThat(built.stickinessKey()).isEqualTo("user-1");
        assertThat(built.segment()).isSameAs(Segment.DEFAULT);
        assertThat(built.attributes()).containsExactly(entry("tenant", "acme"));
    }

    @Test
    void refusesNullAttributeNameOrValue() {
        assertThatNullPointerException().isThrownBy(() -> RequestContext.builder().attribute(null, "acme"))
                .withMessage("RequestContext attribute name must not be null");
        assertThatNullPointerException().isThrownBy(() -> RequestContext.builder().attribute("tenant", null))
                .withMessage("RequestContext attribute 'tenant' must not be null");
    }
}
