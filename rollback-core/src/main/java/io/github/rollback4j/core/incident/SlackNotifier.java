package io.github.rollback4j.core.incident;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Posts notices to a Slack incoming webhook (or any chat accepting the same payload, such as
 * Mattermost), built on {@link WebhookNotifier} with the same timeouts and retry. Payload:
 * <pre>{@code
 * {"text": "<title>",
 *  "blocks": [
 *    {"type": "header",  "text": {"type": "plain_text", "text": "<title, at most 150 characters>"}},
 *    {"type": "section", "text": {"type": "mrkdwn", "text": "<summary>"}},
 *    {"type": "context", "elements": [{"type": "mrkdwn", "text": "status OPEN · incident <id> · owner <owner> · <channel>"}]}]}
 * }</pre>
 * Thread-safe.
 */
public final class SlackNotifier implements Notifier {

    private static final int HEADER_LIMIT = 150;

    private final WebhookNotifier webhook;

    private SlackNotifier(WebhookNotifier webhook) {
        this.webhook = webhook;
    }

    /**
     * @param incomingWebhook the incoming-webhook URL
     * @return a notifier with the webhook defaults (5 s connect, 10 s request, 3 attempts)
     */
    public static SlackNotifier of(URI incomingWebhook) {
        return builder(incomingWebhook).build();
    }

    /**
     * @param incomingWebhook the incoming-webhook URL
     * @return a builder: the {@link WebhookNotifier} options, with the chat payload
     */
    public static Builder builder(URI incomingWebhook) {
        return new Builder(WebhookNotifier.builder(incomingWebhook).payload(SlackNotifier::payload));
    }

    static Object payload(IncidentNotice n) {
        String header = n.title().length() > HEADER_LIMIT ? n.title().substring(0, HEADER_LIMIT - 1) + "…" : n.title();
        StringBuilder context = new StringBuilder("status ").append(n.status()).append(" · incident ").append(n.incidentId());
        if (!n.owner().isEmpty()) {
            context.append(" · owner ").append(n.owner());
        }
        if (!n.channel().isEmpty()) {
            context.append(" · ").append(n.channel());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", n.title());
        body.put("blocks", List.of(
                Map.of("type", "header", "text", Map.of("type", "plain_text", "text", header)),
                Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", n.summary())),
                Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", context.toString())))));
        return body;
    }

    @Override
    public void send(IncidentNotice notice) throws Exception {
        webhook.send(notice);
    }

    @Override
    public String toString() {
        return "SlackNotifier{" + MaskedUrls.of(webhook.uri()) + '}'; // the path is the incoming webhook's secret
    }

    /** Builds a {@link SlackNotifier}; not thread-safe. */
    public static final class Builder {
        private final WebhookNotifier.Builder webhook;

        private Builder(WebhookNotifier.Builder webhook) {
            this.webhook = webhook;
        }

        /** @param timeout see {@link WebhookNotifier.Builder#connectTimeout} @return this builder */
        public Builder connectTimeout(Duration timeout) {
            webhook.connectTimeout(timeout);
            return this;
        }

        /** @param timeout see {@link WebhookNotifier.Builder#requestTimeout} @return this builder */
        public Builder requestTimeout(Duration timeout) {
            webhook.requestTimeout(timeout);
            return this;
        }

        /** @param attempts see {@link WebhookNotifier.Builder#maxAttempts} @return this builder */
        public Builder maxAttempts(int attempts) {
            webhook.maxAttempts(attempts);
            return this;
        }

        /** @param wait see {@link WebhookNotifier.Builder#backoff} @return this builder */
        public Builder backoff(Duration wait) {
            webhook.backoff(wait);
            return this;
        }

        /** @return the notifier */
        public SlackNotifier build() {
            return new SlackNotifier(webhook.build());
        }
    }
}
