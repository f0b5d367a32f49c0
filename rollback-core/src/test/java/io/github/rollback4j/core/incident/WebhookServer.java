package io.github.rollback4j.core.incident;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

/** A real local HTTP server on 127.0.0.1 that records request bodies and answers with a scripted status. */
final class WebhookServer implements AutoCloseable {

    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    /** Released when the test ends, so a handler told to hang returns. */
    final CountDownLatch release = new CountDownLatch(1);

    /**
     * @param status the status to answer for the n-th request (0-based); -1 means hang until {@link #close()}
     */
    WebhookServer(IntUnaryOperator status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "webhook-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/hook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int n;
            synchronized (bodies) {
                n = bodies.size();
                bodies.add(new String(body, StandardCharsets.UTF_8));
            }
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            int code = status.applyAsInt(n);
            if (code < 0) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                code = 200;
            }
            byte[] answer = (code / 100 == 2 ? "ok" : "boom").getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(code, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (IOException clientGone) {
                // the client timed out and closed the connection
            }
            exchange.close();
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
