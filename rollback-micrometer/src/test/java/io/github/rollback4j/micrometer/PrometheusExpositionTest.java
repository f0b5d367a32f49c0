package io.github.rollback4j.micrometer;

import io.github.rollback4j.Cause;
import io.github.rollback4j.Release;
import io.github.rollback4j.Segment;
import io.github.rollback4j.core.ManagedModelRouter;
import io.github.rollback4j.core.VirtualTimeSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.rollback4j.micrometer.TestRouters.model;
import static io.github.rollback4j.micrometer.TestRouters.release;
import static io.github.rollback4j.micrometer.TestRouters.spec;
import static org.assertj.core.api.Assertions.assertThat;

/** The series names docs/metrics.md promises for Prometheus. */
class PrometheusExpositionTest {

    @Test
    void withoutOptInTheTimerPublishesNoHistogramBuckets() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = release("fraud", "1", 1);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ManagedModelRouter<String, String> router = TestRouters.router("fraud", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .build();
             RollbackMetrics metrics = RollbackMetrics.of(router)) {
            metrics.bindTo(registry);
            router.invoke("slow");
            String scrape = registry.scrape();
            assertThat(scrape).contains("rollback4j_calls_seconds_count{").doesNotContain("rollback4j_calls_seconds_bucket");
        }
    }

    @Test
    void scrapeHasTheDocumentedSeries() throws Exception {
        VirtualTimeSource clock = VirtualTimeSource.create();
        Release v1 = release("fraud", "1", 1);
        Release v2 = release("fraud", "2", 2);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ManagedModelRouter<String, String> router = TestRouters.router("fraud", spec(v1, model(clock, "v1", new AtomicBoolean())), clock)
                .release(spec(v2, model(clock, "v2", new AtomicBoolean())))
                .build();
             RollbackMetrics metrics = RollbackMetrics.of(router).withPercentileHistogram(true)) {
            metrics.bindTo(registry);
            router.invoke("slow");
            router.setWeights(Segment.DEFAULT, Map.of(v1.id(), 9_500, v2.id(), 500), Cause.operator("ana", "canary 5 %"));
            router.rollbackToLastKnownGood(Cause.trigger("p95-latency", "SEVERE", "p95 +40 %"));

            String scrape = registry.scrape();

            String v1Tags = "release=\"" + v1.name() + "\",release_id=\"" + v1.id().value() + "\",router=\"fraud\",segment=\"default\"";
            assertThat(scrape)
                    .contains("# TYPE rollback4j_calls_seconds histogram")
                    .contains("rollback4j_calls_seconds_bucket{" + v1Tags + ",le=\"1.0E-4\"} 0")
                    .contains("rollback4j_calls_seconds_bucket{" + v1Tags + ",le=\"0.006990506\"} 0")
                    .contains("rollback4j_calls_seconds_bucket{" + v1Tags + ",le=\"0.008388607\"} 1")
                    .contains("rollback4j_calls_seconds_bucket{" + v1Tags + ",le=\"60.0\"} 1")
                    .contains("rollback4j_calls_seconds_count{" + v1Tags + "} 1")
                    .contains("rollback4j_calls_seconds_max{" + v1Tags + "}")
                    .contains("rollback4j_calls_seconds_sum{" + v1Tags + "} 0.007")
                    .contains("rollback4j_requests_total{outcome=\"success\"," + v1Tags + "} 1.0")
                    .contains("rollback4j_requests_total{outcome=\"model_error\"," + v1Tags + "} 0.0")
                    .contains("rollback4j_weight_configured_basis_points{release=\"" + v2.name() + "\",release_id=\"" + v2.id().value()
                            + "\",router=\"fraud\",segment=\"default\"} 0.0")
                    .contains("rollback4j_weight_serving_basis_points{" + v1Tags + "} 10000.0")
                    .contains("rollback4j_rollbacks_total{router=\"fraud\",severity=\"severe\",trigger=\"p95-latency\"} 1.0")
                    .contains("rollback4j_rollbacks_total{router=\"fraud\",severity=\"none\",trigger=\"none\"} 0.0");
            // docs/metrics.md promises 89 buckets from 100 µs to 60 s, and +Inf.
            assertThat(scrape.lines().filter(l -> l.startsWith("rollback4j_calls_seconds_bucket{" + v1Tags + ",le=")))
                    .hasSize(90)
                    .last().asString().contains("le=\"+Inf\"");
        }
    }
}
