package io.github.rollback4j.spring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RouterAssemblerTest {

    @Test
    void loaderPathsBecomeTheKebabCasePropertiesAUserWrote() {
        String prefix = "rollback4j.routers.s.triggers";
        assertThat(RouterAssembler.kebab(prefix + "[2].minSamples", prefix)).isEqualTo(prefix + "[2].min-samples");
        assertThat(RouterAssembler.kebab(prefix + "[0].increaseBy", prefix)).isEqualTo(prefix + "[0].increase-by");
        assertThat(RouterAssembler.kebab(prefix + "[0].windows[1].long", prefix)).isEqualTo(prefix + "[0].windows[1].long-window");
        assertThat(RouterAssembler.kebab(prefix + "[3]", prefix)).isEqualTo(prefix + "[3]");
        assertThat(RouterAssembler.kebab("elsewhere.x", prefix)).isEqualTo("elsewhere.x");
    }
}
