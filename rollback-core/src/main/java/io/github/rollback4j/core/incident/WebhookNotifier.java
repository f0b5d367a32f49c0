package io.github.rollback4j.core.incident;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Posts each notice as JSON to a URL with {@code java.net.http}: a connect timeout, a request
 * timeout, and a Resilience4j {@link Retry} with exponential backoff. A response outside 2xx, a
 * timeout or an I/O error is a failed attempt; after the last attempt {@link #send} throws.
 *
 * <p>Default payload ({@code Content-Type: application/json}):
 * <pre>{@code
 * {"kind":"OPENED","incident":"inc-20260101-000612-fraud-g7","router":"fraud","status":"OPEN",
 *  "time":"2026-01-01T00:06:12Z","title":"...","summary":"...","owner":"ana","channel":"#fraud-oncall",
 *  "location":"/var/evidence/inc-20260101-000612-fraud-g7"}
 * }</pre>
 *
 * <p>Defaults: connect timeout {@link #DEFAULT_CONNECT_TIMEOUT}, request timeout
 * {@link #DEFAULT_REQUEST_TIMEOUT}, {@value #DEFAULT_MAX_ATTEMPTS} attempts, backoff
 * {@link #DEFAULT_BACKOFF} doubling per attempt. Thread-safe.
 */
public final class WebhookNotifier implements Notifier {

    /** Default TCP connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default timeout of one request, until the response headers arrive. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default attempts, the first included. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default wait before the second attempt; it doubles for each further attempt. */
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final URI uri;
    private final Duration requestTimeout;
    private final Map<String, String> headers;
    private final Function<IncidentNotice, Object> payload;
    private final HttpClient client;
    private final Retry retry;

    private WebhookNotifier(Builder b) {
        this.uri = b.uri;
        this.requestTimeout = b.requestTimeout;
        this.headers = Map.copyOf(b.headers);
        this.payload = b.payload;
        this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
        this.retry = Retry.of("rollback4j-webhook-" + uri.getHost(), RetryConfig.custom()
                .maxAttempts(b.maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(b.backoff, 2.0))
                .retryOnException(e -> true)
                .build());
    }

    /**
     * @param uri the webhook URL ({@code http} or {@code https})
     * @return a builder
     * @throws IllegalArgumentException when the URL is not http(s)
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** The default payload: the notice's fields under short names. */
    static Object defaultPayload(IncidentNotice n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", n.kind().name());
        body.put("incident", n.incidentId());
        body.put("router", n.router());
        body.put("status", n.status().name());
        body.put("time", n.time().toString());
        body.put("title", n.title());
        body.put("summary", n.summary());
        body.put("owner", n.owner());
        body.put("channel", n.channel());
        body.put("location", n.location());
        return body;
    }

    /** @return the webhook URL */
    public URI uri() {
        return uri;
    }

    @Override
    public void send(IncidentNotice notice) throws Exception {
        byte[] body = MAPPER.writeValueAsBytes(payload.apply(notice));
        retry.executeCallable(() -> {
            post(body);
            return null;
        });
    }

    private void post(byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            String text = response.body() == null ? "" : response.body();
            throw new IOException("webhook " + MaskedUrls.of(uri) + " answered HTTP " + response.statusCode()
                    + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text)));
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier{" + MaskedUrls.of(uri) + '}'; // the path or user info is the webhook's secret
    }

    /** Builds a {@link WebhookNotifier}; not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration backoff = DEFAULT_BACKOFF;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Function<IncidentNotice, Object> payload = WebhookNotifier::defaultPayload;

        private Builder(URI uri) {
            if (uri == null || uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("WebhookNotifier.uri must be an http or https URL with a host, but was " + uri);
            }
            this.uri = uri;
        }

        /**
         * @param timeout TCP connect timeout, 1 ms..5 min (default 5 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = checkDuration("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(5));
            return this;
        }

        /**
         * @param timeout time for one request until the response arrives, 1 ms..5 min (default 10 s)
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = checkDuration("requestTimeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(5));
            return this;
        }

        /**
         * @param attempts attempts per notice, the first included, 1..10 (default 3)
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("WebhookNotifier.maxAttempts must be between 1 and 10, but was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param wait the wait before the second attempt, 1 ms..1 min (default 500 ms); doubles per attempt
         * @return this builder
         */
        public Builder backoff(Duration wait) {
            this.backoff = checkDuration("backoff", wait, Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * @param name a header name, e.g. {@code Authorization}
         * @param value its value
         * @return this builder
         */
        public Builder header(String name, String value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("WebhookNotifier.header needs a name and a value, but was " + name + "=" + value);
            }
            headers.put(name, value);
            return this;
        }

        /** The body's shape (a tree of maps, lists and values Jackson writes as JSON), for chat-compatible payloads. */
        Builder payload(Function<IncidentNotice, Object> shape) {
            this.payload = Objects.requireNonNull(shape, "payload");
            return this;
        }

        /** @return the notifier */
        public WebhookNotifier build() {
            return new WebhookNotifier(this);
        }

        private static Duration checkDuration(String field, Duration value, Duration min, Duration max) {
            if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException("WebhookNotifier." + field + " must be between " + min + " and " + max
                        + ", but was " + value);
            }
            return value;
        }
    }
}
