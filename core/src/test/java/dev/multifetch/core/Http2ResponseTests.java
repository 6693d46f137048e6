package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What HTTP/1.1 responses do works the same over an HTTP/2 stream: interim 1xx heads, trailers,
 * bodiless responses, redirects (followed on the same connection) and content decoding.
 */
class Http2ResponseTests {

    private static FetchEngine engine() {
        return FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(20)).build()).build();
    }

    @Test
    @Timeout(30)
    void interimHeadsReachTheHeaderListenerAndTrailersTheResponse() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request r = conn.awaitRequest();
            conn.sendHeaders(r.streamId(), 103, Map.of("link", "</style.css>; rel=preload"), false);
            conn.sendHeaders(r.streamId(), 200, Map.of("content-type", "text/plain"), false);
            conn.sendData(r.streamId(), "body", false);
            conn.sendHeaders(r.streamId(), List.of(Map.entry("x-checksum", "abc")), true);
        }); FetchEngine engine = engine()) {
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/hints")).headerListener(
                    (status, version, headers, interim) -> heads.add(status + " " + version + " " + interim)).build())
                    .get(20, TimeUnit.SECONDS);

            assertThat(heads).containsExactly("103 HTTP/2 true", "200 HTTP/2 false");
            assertThat(r.bodyAsString()).isEqualTo("body");
            assertThat(r.trailers().first("x-checksum")).contains("abc");
            assertThat(r.headers().first("Content-Type")).as("names compare ignoring case").contains("text/plain");
        }
    }

    @Test
    @Timeout(30)
    void headAnd204HaveNoBodyAndARedirectIsFollowedOnTheSameConnection() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request head = conn.awaitRequest();
            conn.sendHeaders(head.streamId(), 200, Map.of("content-length", "1234"), true);
            Request noContent = conn.awaitRequest();
            conn.sendHeaders(noContent.streamId(), 204, Map.of(), true);
            Request moved = conn.awaitRequest();
            conn.sendHeaders(moved.streamId(), 302, Map.of("location", "/there"), true);
            Request there = conn.awaitRequest();
            conn.respond(there, 200, "arrived at " + there.path());
        }); FetchEngine engine = engine()) {
            FetchResponse head = engine.fetch(FetchRequest.builder(server.url("/h")).head().build()).get(20, TimeUnit.SECONDS);
            FetchResponse empty = engine.fetch(FetchRequest.get(server.url("/e"))).get(20, TimeUnit.SECONDS);
            FetchResponse followed = engine.fetch(FetchRequest.builder(server.url("/here")).followRedirects().build())
                    .get(20, TimeUnit.SECONDS);

            assertThat(head.body()).isEmpty();
            assertThat(head.headers().first("content-length")).contains("1234");
            assertThat(empty.status()).isEqualTo(204);
            assertThat(followed.bodyAsString()).isEqualTo("arrived at /there");
            assertThat(followed.redirects()).isEqualTo(1);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(30)
    void gzipBodyIsDecodedAsOverHttp11() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write("compressed over h2 ".repeat(100).getBytes(StandardCharsets.US_ASCII));
        }
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request r = conn.awaitRequest();
            conn.sendHeaders(r.streamId(), 200, Map.of("content-encoding", "gzip"), false);
            conn.sendData(r.streamId(), zipped.toByteArray(), true);
        }); FetchEngine engine = engine()) {
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/z")).acceptEncoding("gzip").build())
                    .get(20, TimeUnit.SECONDS);

            assertThat(r.bodyAsString()).isEqualTo("compressed over h2 ".repeat(100));
            assertThat(server.awaitConnection(1).requests().get(0).header("accept-encoding")).contains("gzip");
        }
    }
}
