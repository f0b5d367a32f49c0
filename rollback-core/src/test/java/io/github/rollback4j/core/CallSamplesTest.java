package io.github.rollback4j.core;

import io.github.rollback4j.core.telemetry.Allocations;
import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.RequestContext;
import io.github.rollback4j.Segment;
import io.github.rollback4j.telemetry.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CallSamplesTest {

    private final VirtualTimeSource clock = VirtualTimeSource.create();
    private final Release v1 = Fixtures.release("scorer", "1.0.0", 1);
    private final Release v2 = Fixtures.release("scorer", "2.0.0", 2);

    private ManagedModelRouter<String, String> router(int capacity, double rate) {
        return Fixtures.router("samples", Fixtures.spec(v1, in -> {
                    if (in.startsWith("bad")) {
                        throw new IllegalStateException("cannot score " + in);
                    }
                    return "v1:" + in;
                }), clock)
                .release(Fixtures.spec(v2, in -> "v2:" + in))
                .samples(capacity, rate)
                .build();
    }

    @Test
    void theRingKeepsTheLatestSampledCallsOldestFirst() throws Exception {
        ManagedModelRouter<String, String> router = router(8, 1.0);
        Instant start = clock.now();
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(1));
            router.invoke("in-" + i, RequestContext.of("user-" + i, Segment.of("eu-west")));
        }

        List<CallSample<String, String>> samples = router.samples(start, clock.now());

        assertThat(samples).hasSize(8);
        assertThat(samples).extracting(CallSample::input).containsExactly("in-12", "in-13", "in-14", "in-15", "in-16",
                "in-17", "in-18", "in-19");
        CallSample<String, String> last = samples.get(7);
        assertThat(last.output()).isEqualTo("v1:in-19");
        assertThat(last.release()).isEqualTo(v1.id());
        assertThat(last.segment()).isEqualTo(Segment.of("eu-west"));
        assertThat(last.stickinessKey()).isEqualTo("user-19");
        assertThat(last.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(last.time()).isEqualTo(clock.now());
        assertThat(router.samples(start.plusSeconds(15), start.plusSeconds(17))).extracting(CallSample::input)
                .containsExactly("in-14", "in-15", "in-16");
    }

    @Test
    void aFailedCallIsKeptWithItsException() {
        ManagedModelRouter<String, String> router = router(4, 1.0);
        assertThatThrownBy(() -> router.invoke("bad-input")).isInstanceOf(IllegalStateException.class);

        CallSample<String, String> sample = router.samples(Instant.EPOCH, clock.now()).get(0);

        assertThat(sample.output()).isNull();
        assertThat(sample.error()).isInstanceOf(IllegalStateException.class).hasMessage("cannot score bad-input");
        assertThat(sample.outcome()).isEqualTo(Outcome.MODEL_ERROR);
    }

    @Test
    void rateOrCapacityZeroKeepsNothing() throws Exception {
        ManagedModelRouter<String, String> off = router(0, 1.0);
        ManagedModelRouter<String, String> never = router(16, 0.0);
        for (int i = 0; i < 10; i++) {
            off.invoke("x");
            never.invoke("x");
        }

        assertThat(off.samples(Instant.EPOCH, clock.now())).isEmpty();
        assertThat(never.samples(Instant.EPOCH, clock.now())).isEmpty();
    }

    @Test
    void aSeededRouterSamplesTheSameCallsEveryRun() throws Exception {
        List<List<String>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            int[] next = {0};
            ManagedModelRouter<String, String> router = Fixtures.router("seeded", Fixtures.spec(v1, in -> in), clock)
                    .randomBuckets(() -> next[0]++).samples(1000, 0.1).build();
            for (int i = 0; i < 1000; i++) {
                router.invoke("call-" + i);
            }
            runs.add(router.samples(Instant.EPOCH, clock.now()).stream().map(CallSample::input).toList());
        }

        assertThat(runs.get(0)).hasSizeBetween(60, 140).isEqualTo(runs.get(1));
    }

    @Test
    void badSampleSettingsNameTheFieldAndTheRange() {
        ModelRouters.Builder<String, String> builder = Fixtures.router("bad", Fixtures.spec(v1, in -> in), clock);

        assertThatThrownBy(() -> builder.samples(-1, 0.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("samples.capacity must be between 0 and 1000000").hasMessageContaining("-1");
        assertThatThrownBy(() -> builder.samples(512, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("samples.rate must be between 0.0 and 1.0").hasMessageContaining("1.5");
    }

    @Test
    void distinctKeysAreCountedPerServingRelease() throws Exception {
        ManagedModelRouter<String, String> router = router(16, 0.01);
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_000, v2.id(), 1_000), Cause.operator("ana", "canary 10 %"));
        Set<String> onV2 = new HashSet<>();
        Set<String> onV1 = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            String key = "user-" + (i % 20_000);
            String out = router.invoke("x", RequestContext.of(key));
            (out.startsWith("v2") ? onV2 : onV1).add(key);
        }

        assertThat((double) router.distinctKeys(v2.id()).orElseThrow()).isCloseTo(onV2.size(), within(onV2.size() * 0.03));
        assertThat((double) router.distinctKeys(v1.id()).orElseThrow()).isCloseTo(onV1.size(), within(onV1.size() * 0.03));
    }

    @Test
    void readersNeverSeeATornSample() throws Exception {
        // Every output is derived from its input and key, so a sample mixing two calls shows at once.
        ManagedModelRouter<String, String> router = Fixtures.router("torn", Fixtures.spec(v1, in -> in + "!"), clock)
                .samples(8, 1.0).build();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread[] writers = new Thread[3];
        for (int w = 0; w < writers.length; w++) {
            int writer = w;
            writers[w] = new Thread(() -> {
                for (int i = 0; i < 200_000; i++) {
                    String input = writer + "-" + i;
                    try {
                        router.invoke(input, RequestContext.of("key-" + input));
                    } catch (Exception e) {
                        torn.set("call failed: " + e);
                    }
                }
            });
            writers[w].start();
        }
        int reads = 0;
        while (!done.get()) {
            for (CallSample<String, String> s : router.samples(Instant.EPOCH, Instant.MAX)) {
                if (!s.output().equals(s.input() + "!") || !s.stickinessKey().equals("key-" + s.input())) {
                    torn.set("torn sample " + s);
                }
            }
            reads++;
            done.set(java.util.Arrays.stream(writers).noneMatch(Thread::isAlive));
        }

        assertThat(torn.get()).isNull();
        assertThat(reads).isPositive();
        assertThat(router.samples(Instant.EPOCH, Instant.MAX)).hasSize(8);
    }

    @Test
    void theRequestPathAllocatesNothingWithSamplingAndTelemetryOn() throws Exception {
        String output = "scored";
        ManagedModelRouter<String, String> router = Fixtures.router("alloc", Fixtures.spec(v1, in -> output), clock)
                .release(Fixtures.spec(v2, in -> output))
                .samples(512, 1.0)
                .build();
        router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), Cause.operator("ana", "canary"));
        RequestContext[] contexts = new RequestContext[1024];
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = RequestContext.of("user-" + i);
        }
        Runnable calls = () -> {
            for (int i = 0; i < 10_000; i++) {
                try {
                    router.invoke("in", contexts[i & 1023]);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        for (int warm = 0; warm < 30; warm++) {
            calls.run();
        }

        long least = Allocations.leastBytesAllocated(calls, 5);

        assertThat(router.samples(Instant.EPOCH, Instant.MAX)).hasSize(512);
        assertThat(least).as("bytes allocated by 10,000 sampled, sticky calls").isLessThan(1_024);
    }
}
