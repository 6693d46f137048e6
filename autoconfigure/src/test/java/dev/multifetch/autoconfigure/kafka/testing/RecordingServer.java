package dev.multifetch.autoconfigure.kafka.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server for the worker tests: {@code /delay/MS} answers 200 after MS
 * milliseconds, {@code /status/CODE} answers CODE; every request is recorded with its Host header
 * and when it arrived and was answered, so a test can check how often and how many at once one
 * host was hit. Virtual hosts ({@code h1.test}, {@code h2.test}) reach it through the engine's
 * resolver.
 */
public final class RecordingServer implements AutoCloseable {

    /**
     * One request: its host (without port), path and query, the client's port (one per connection),
     * and arrival and answer times ({@code System.nanoTime}).
     */
    public record Hit(String host, String path, int clientPort, long startNanos, long endNanos) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(128);
    private final List<Hit> hits = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    public RecordingServer() throws IOException {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        this.server.setExecutor(this.threads);
        this.server.createContext("/", this::handle);
        this.server.start();
    }

    public int port() {
        return this.server.getAddress().getPort();
    }

    /** {@code http://HOST:PORT/delay/MS}. */
    public String url(String host, long delayMs) {
        return "http://" + host + ":" + port() + "/delay/" + delayMs;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        this.peak.accumulateAndGet(this.running.incrementAndGet(), Math::max);
        String path = exchange.getRequestURI().getPath();
        int status = 200;
        try {
            if (path.startsWith("/delay/")) {
                Thread.sleep(Long.parseLong(path.substring("/delay/".length())));
            } else if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring("/status/".length()));
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            this.running.decrementAndGet();
        }
        byte[] body = ("ok " + path).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        String host = exchange.getRequestHeaders().getFirst("Host");
        synchronized (this.hits) {
            this.hits.add(new Hit(host.substring(0, host.lastIndexOf(':')), exchange.getRequestURI().toString(),
                    exchange.getRemoteAddress().getPort(), start, System.nanoTime()));
        }
    }

    public List<Hit> hits() {
        synchronized (this.hits) {
            return List.copyOf(this.hits);
        }
    }

    /** The hits of each host, in arrival order. */
    public Map<String, List<Hit>> hitsByHost() {
        Map<String, List<Hit>> byHost = new TreeMap<>();
        for (Hit hit : hits()) {
            byHost.computeIfAbsent(hit.host(), (h) -> new ArrayList<>()).add(hit);
        }
        byHost.values().forEach((list) -> list.sort(java.util.Comparator.comparingLong(Hit::startNanos)));
        return byHost;
    }

    @Override
    public void close() {
        this.server.stop(0);
        this.threads.shutdownNow();
    }
}
