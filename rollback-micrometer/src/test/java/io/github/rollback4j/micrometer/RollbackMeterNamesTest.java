package io.github.rollback4j.micrometer;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.rollback4j.micrometer.TestRouters.model;
import static io.github.rollback4j.micrometer.TestRouters.release;
import static io.github.rollback4j.micrometer.TestRouters.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every meter name lives in {@link RollbackMeterNames} and is documented in its Javadoc and in docs/metrics.md. */
class RollbackMeterNamesTest {

    private static final Path DOCS = Path.of("..", "docs", "metrics.md");
    private static final Path SOURCE = Path.of("src", "main", "java", "io", "github", "rollback4j", "micrometer",
            "RollbackMeterNames.java");

    @Test
    void everyMeterTheBinderRegistersIsNamedInRollbackMeterNamesAndDocumented() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = release("fraud", "1", 1);
        Release v2 = release("fraud", "2", 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ManagedModelRouter<String, String> router = TestRouters.router("fraud", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .release(spec(v2, model(clock, "v2", new AtomicBoolean())))
                .build();
             RollbackMetrics metrics = RollbackMetrics.of(router)) {
            metrics.bindTo(registry);
            // Exercise every path that registers a meter: calls, weights, a new segment, a rollback.
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "canary"));
            router.setWeights(Segment.of("eu-west"), Map.of(v2.id(), 10_000), Cause.operator("ana", "canary in eu"));
            router.invoke("fast", RequestContext.of(null, Segment.of("eu-west")));
            router.invoke("fast", RequestContext.of("user-1"));
            router.rollbackToLastKnownGood(Cause.trigger("p95-latency", "SEVERE", "p95 +40 %"));

            Set<String> registered = new LinkedHashSet<>();
            for (Meter meter : registry.getMeters()) {
                registered.add(meter.getId().getName());
            }
            List<String> expected = new ArrayList<>(RollbackMeterNames.ofDefaults().all());
            expected.remove(RollbackMeterNames.SHADOW_MISMATCHES);
            assertThat(registered).containsExactlyInAnyOrderElementsOf(expected);

            String docs = Files.readString(DOCS);
            for (String name : registered) {
                assertThat(docs).as("docs/metrics.md has a table row for %s", name).contains("| `" + name + "` |");
            }
        }
    }

    @Test
    void everyNameIsInTheDocsAndTheJavadocTableAndTheShadowCounterIsMarkedReserved() throws IOException {
        String docs = Files.readString(DOCS);
        String source = Files.readString(SOURCE);
        for (String name : RollbackMeterNames.ofDefaults().all()) {
            assertThat(docs).as("docs/metrics.md lists %s", name).contains("| `" + name + "` |");
        }
        for (String constant : meterNameConstants()) {
            assertThat(source).as("the Javadoc table of RollbackMeterNames lists %s", constant)
                    .contains("<tr><td>{@value #" + constant + "}</td>");
        }
        String shadowRow = docs.lines().filter(l -> l.startsWith("| `" + RollbackMeterNames.SHADOW_MISMATCHES + "` |"))
                .findFirst().orElseThrow();
        assertThat(shadowRow).contains("registered when shadow traffic runs");
    }

    @Test
    void allNamesEveryConstantAndNothingElse() throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field field : RollbackMeterNames.class.getFields()) {
            if (meterNameConstants().contains(field.getName())) {
                values.add((String) field.get(null));
            }
        }
        assertThat(RollbackMeterNames.ofDefaults().all()).containsExactlyInAnyOrderElementsOf(values);
        assertThat(values).allSatisfy(name -> assertThat(name).startsWith(RollbackMeterNames.PREFIX).matches("[a-z0-9_.]+"));
    }

    @Test
    void customNamesMustBeLowerCaseDottedAndDistinct() {
        assertThat(RollbackMeterNames.custom().calls("ml.latency").build().calls()).isEqualTo("ml.latency");
        assertThatThrownBy(() -> RollbackMeterNames.custom().calls("Rollback4j.Calls").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RollbackMeterNames.calls")
                .hasMessageContaining("'Rollback4j.Calls'");
        assertThatThrownBy(() -> RollbackMeterNames.custom().requests("rollback4j..requests").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RollbackMeterNames.custom().rollbacks(RollbackMeterNames.CALLS).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RollbackMeterNames.rollbacks")
                .hasMessageContaining("RollbackMeterNames.calls");
    }

    /** Public String constants whose value is a meter name (the tag keys, prefix and unit are not). */
    private static Set<String> meterNameConstants() {
        Set<String> names = new LinkedHashSet<>();
        for (Field field : RollbackMeterNames.class.getFields()) {
            int modifiers = field.getModifiers();
            if (field.getType() == String.class && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                    && !field.getName().startsWith("TAG_") && !field.getName().equals("PREFIX")
                    && !field.getName().equals("WEIGHT_UNIT")) {
                names.add(field.getName());
            }
        }
        return names;
    }
}
