package dev.multifetch.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import dev.multifetch.sample.fetch.FetchResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Calls the sample app under test over real HTTP, the way a user's client would. */
public final class SampleClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final JsonMapper jsonMapper;
    private final List<String> extraHeaders;

    public SampleClient(int port, JsonMapper jsonMapper, String... extraHeaders) {
        this.base = "http://127.0.0.1:" + port;
        this.jsonMapper = jsonMapper;
        this.extraHeaders = List.of(extraHeaders);
    }

    public String base() {
        return this.base;
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    public HttpResponse<String> post(String path, String json, String... headers) {
        return send(postRequest(path, json, headers).build());
    }

    public CompletableFuture<HttpResponse<String>> postAsync(String path, String json, String... headers) {
        return this.client.sendAsync(postRequest(path, json, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts and hands back the answer's lines as they arrive: the stream blocks until the next line is there. */
    public HttpResponse<Stream<String>> postLines(String path, String json, String... headers) {
        try {
            return this.client.send(postRequest(path, json, headers).build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** {@code POST /api/fetch} with {@code json}, expecting a 200 result. */
    public FetchResult fetch(String json) {
        HttpResponse<String> response = post("/api/fetch", json);
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200 but was " + response.statusCode() + ": " + response.body());
        }
        return this.jsonMapper.readValue(response.body(), FetchResult.class);
    }

    /** {@code GET /api/fetch?url=}, expecting a 200 result. */
    public FetchResult fetchUrl(String url) {
        HttpResponse<String> response = get("/api/fetch?url=" + java.net.URLEncoder.encode(url, java.nio.charset.StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200 but was " + response.statusCode() + ": " + response.body());
        }
        return this.jsonMapper.readValue(response.body(), FetchResult.class);
    }

    public JsonNode json(String text) {
        return this.jsonMapper.readTree(text);
    }

    /** {@code value} as a JSON string literal. */
    public String quote(String value) {
        return this.jsonMapper.writeValueAsString(value);
    }

    private HttpRequest.Builder postRequest(String path, String json, String... headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(this.base + pathAndQuery)).timeout(TIMEOUT);
        if (!this.extraHeaders.isEmpty()) {
            builder.headers(this.extraHeaders.toArray(String[]::new));
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return this.client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
