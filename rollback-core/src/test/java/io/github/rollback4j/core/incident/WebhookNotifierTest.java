package io.github.rollback4j.core.incident;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookNotifierTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final IncidentNotice NOTICE = new IncidentNotice(IncidentNotice.Kind.OPENED, "inc-20260101-000612-fraud-g7",
            "fraud", IncidentStatus.OPEN, Instant.parse("2026-01-01T00:06:12Z"), "[fraud] rolled back to fraud-model:1.3.2: p95-latency",
            "Rolled back every segment\nImpact: 1200 requests", "ana", "#fraud-oncall", "/var/evidence/inc-20260101-000612-fraud-g7");

    @Test
    void postsTheNoticeAsJson() throws Exception {
        try (WebhookServer server = new WebhookServer(n -> 200)) {
            WebhookNotifier.builder(server.uri()).build().send(NOTICE);

            assertThat(server.bodies).hasSize(1);
            assertThat(server.contentTypes).containsExactly("application/json");
            JsonNode body = JSON.readTree(server.bodies.get(0));
            assertThat(body.get("kind").asString()).isEqualTo("OPENED");
            assertThat(body.get("incident").asString()).isEqualTo("inc-20260101-000612-fraud-g7");
            assertThat(body.get("router").asString()).isEqualTo("fraud");
            assertThat(body.get("status").asString()).isEqualTo("OPEN");
            assertThat(body.get("time").asString()).isEqualTo("2026-01-01T00:06:12Z");
            assertThat(body.get("title").asString()).contains("p95-latency");
            assertThat(body.get("summary").asString()).contains("1200 requests");
            assertThat(body.get("owner").asString()).isEqualTo("ana");
            assertThat(body.get("channel").asString()).isEqualTo("#fraud-oncall");
            assertThat(body.get("location").asString()).endsWith("inc-20260101-000612-fraud-g7");
        }
    }

    @Test
    void retriesAServerErrorWithBackoffThenSucceeds() throws Exception {
        try (WebhookServer server = new WebhookServer(n -> n == 0 ? 500 : 200)) {
            WebhookNotifier.builder(server.uri()).backoff(Duration.ofMillis(10)).maxAttempts(3).build().send(NOTICE);

            assertThat(server.bodies).hasSize(2);
            assertThat(server.bodies.get(1)).isEqualTo(server.bodies.get(0));
        }
    }

    @Test
    void aServerThatKeepsFailingFailsTheSendAfterTheLastAttempt() throws Exception {
        try (WebhookServer server = new WebhookServer(n -> 503)) {
            WebhookNotifier notifier = WebhookNotifier.builder(server.uri()).backoff(Duration.ofMillis(5)).maxAttempts(3).build();

            assertThatThrownBy(() -> notifier.send(NOTICE)).hasMessageContaining("HTTP 503")
                    .hasMessageContaining(MaskedUrls.of(server.uri())).hasMessageNotContaining(server.uri().getPath());
            assertThat(server.bodies).hasSize(3);
        }
    }

    @Test
    void aHangingServerTimesOutEveryAttempt() throws Exception {
        try (WebhookServer server = new WebhookServer(n -> -1)) {
            WebhookNotifier notifier = WebhookNotifier.builder(server.uri()).requestTimeout(Duration.ofMillis(200))
                    .backoff(Duration.ofMillis(5)).maxAttempts(2).build();
            long start = System.nanoTime();

            assertThatThrownBy(() -> notifier.send(NOTICE)).isInstanceOf(HttpTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(server.bodies).hasSize(2);
        }
    }

    @Test
    void slackPayloadHasTextAndBlocks() throws Exception {
        try (WebhookServer server = new WebhookServer(n -> 200)) {
            SlackNotifier.builder(server.uri()).maxAttempts(1).build().send(NOTICE);

            JsonNode body = JSON.readTree(server.bodies.get(0));
            assertThat(body.get("text").asString()).isEqualTo(NOTICE.title());
            JsonNode blocks = body.get("blocks");
            assertThat(blocks).hasSize(3);
            assertThat(blocks.get(0).get("type").asString()).isEqualTo("header");
            assertThat(blocks.get(0).get("text").get("type").asString()).isEqualTo("plain_text");
            assertThat(blocks.get(0).get("text").get("text").asString()).isEqualTo(NOTICE.title());
            assertThat(blocks.get(1).get("type").asString()).isEqualTo("section");
            assertThat(blocks.get(1).get("text").get("type").asString()).isEqualTo("mrkdwn");
            assertThat(blocks.get(1).get("text").get("text").asString()).isEqualTo(NOTICE.summary());
            assertThat(blocks.get(2).get("type").asString()).isEqualTo("context");
            assertThat(blocks.get(2).get("elements").get(0).get("text").asString())
                    .contains("status OPEN", "inc-20260101-000612-fraud-g7", "owner ana", "#fraud-oncall");
        }
    }

    @Test
    void badSettingsNameTheFieldAndTheRange() {
        assertThatThrownBy(() -> WebhookNotifier.builder(URI.create("ftp://example.org/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WebhookNotifier.uri").hasMessageContaining("ftp://");
        WebhookNotifier.Builder builder = WebhookNotifier.builder(URI.create("http://127.0.0.1:9/hook"));
        assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessageContaining("maxAttempts must be between 1 and 10, but was 0");
        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO))
                .hasMessageContaining("requestTimeout must be between PT0.001S and PT5M, but was PT0S");
    }
}
