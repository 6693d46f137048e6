package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.H2Frames;
import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams the server never processed (REFUSED_STREAM, above a GOAWAY's last stream id) are sent
 * again once, POST included, on a connection that still takes streams; a second refusal ends the
 * transfer instead of looping; MAX_CONCURRENT_STREAMS is honoured as it changes. Against a
 * frame-level scripted server.
 */
class Http2ReplayTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static FetchEngine engine(int maxHostConnections) {
        return FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE)
                .maxHostConnections(maxHostConnections)
                .timeout(WAIT)
                .build()).build();
    }

    @Test
    @Timeout(30)
    void whenStreamRefusedThenReplayedOnceAndSucceeds() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            while (true) {
                Request r = conn.awaitRequest();
                byte[] body = conn.awaitBody(r.streamId());
                bodies.add(new String(body, StandardCharsets.UTF_8));
                if (seen.incrementAndGet() == 1) {
                    conn.sendRst(r.streamId(), H2Frames.REFUSED_STREAM);
                } else {
                    conn.respond(r, 200, "second time lucky");
                }
            }
        }); FetchEngine engine = engine(2)) {
            FetchResponse response = engine.fetch(FetchRequest.builder(server.url("/post"))
                    .post("payload".getBytes(StandardCharsets.UTF_8)).build()).get(20, TimeUnit.SECONDS);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.httpVersion()).isEqualTo("HTTP/2");
            assertThat(response.bodyAsString()).isEqualTo("second time lucky");
            assertThat(bodies).as("the POST body went out both times").containsExactly("payload", "payload");
        }
    }

    @Test
    @Timeout(30)
    void whenEveryAttemptIsRefusedThenTheTransferFailsAfterOneReplay() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            while (true) {
                Request r = conn.awaitRequest();
                seen.incrementAndGet();
                conn.sendRst(r.streamId(), H2Frames.REFUSED_STREAM);
            }
        }); FetchEngine engine = engine(2)) {
            CompletableFuture<FetchResponse> future = engine.fetch(FetchRequest.get(server.url("/never")));

            assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).error()).isEqualTo(FetchError.HTTP2_STREAM))
                    .hasMessageContaining("REFUSED_STREAM");
            assertThat(seen.get()).as("requests the server saw: the first and one replay").isEqualTo(2);
        }
    }

    @Test
    @Timeout(30)
    void whenGoawayArrivesWithStreamsInFlightThenThoseAboveItsLastIdAreReplayedExactlyOnce() throws Exception {
        List<String> secondConnection = new CopyOnWriteArrayList<>();
        List<String> firstConnection = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            if (conn.id() == 1) {
                List<Request> requests = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Request r = conn.awaitRequest();
                    conn.awaitBody(r.streamId());
                    requests.add(r);
                    firstConnection.add(r.method() + " " + r.path());
                }
                requests.sort((a, b) -> Integer.compare(a.streamId(), b.streamId()));
                conn.sendGoAway(requests.get(0).streamId(), H2Frames.NO_ERROR, "going away");
                conn.respond(requests.get(0), 200, "kept");
                conn.close();
            } else {
                while (true) {
                    Request r = conn.awaitRequest();
                    String body = new String(conn.awaitBody(r.streamId()), StandardCharsets.UTF_8);
                    secondConnection.add(r.method() + " " + r.path() + " " + body);
                    conn.respond(r, 200, "replayed");
                }
            }
        }); FetchEngine engine = engine(1)) {
            CompletableFuture<FetchResponse> first = engine.fetch(FetchRequest.get(server.url("/a")));
            awaitRequests(firstConnection, 1);
            CompletableFuture<FetchResponse> post = engine.fetch(FetchRequest.builder(server.url("/b"))
                    .post("body-b".getBytes(StandardCharsets.UTF_8)).build());
            CompletableFuture<FetchResponse> third = engine.fetch(FetchRequest.get(server.url("/c")));

            assertThat(first.get(20, TimeUnit.SECONDS).bodyAsString()).isEqualTo("kept");
            assertThat(post.get(20, TimeUnit.SECONDS).bodyAsString()).isEqualTo("replayed");
            assertThat(third.get(20, TimeUnit.SECONDS).bodyAsString()).isEqualTo("replayed");
            assertThat(secondConnection).as("replayed on the second connection, once each")
                    .containsExactlyInAnyOrder("POST /b body-b", "GET /c ");
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(30)
    void whenGoawayComesTwiceGracefullyThenStreamsUpToTheSecondIdFinishAndTheRestAreReplayed() throws Exception {
        List<String> replayed = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            if (conn.id() == 1) {
                Request a = conn.awaitRequest();
                Request b = conn.awaitRequest();
                Request low = a.streamId() < b.streamId() ? a : b;
                conn.sendGoAway(Integer.MAX_VALUE, H2Frames.NO_ERROR, "graceful");
                conn.sendGoAway(low.streamId(), H2Frames.NO_ERROR, "final");
                conn.respond(low, 200, "finished before the goaway");
                conn.close();
            } else {
                while (true) {
                    Request r = conn.awaitRequest();
                    replayed.add(r.path());
                    conn.respond(r, 200, "replayed");
                }
            }
        }); FetchEngine engine = engine(1)) {
            CompletableFuture<FetchResponse> a = engine.fetch(FetchRequest.get(server.url("/one")));
            CompletableFuture<FetchResponse> b = engine.fetch(FetchRequest.get(server.url("/two")));

            List<String> bodies = List.of(a.get(20, TimeUnit.SECONDS).bodyAsString(), b.get(20, TimeUnit.SECONDS).bodyAsString());
            assertThat(bodies).containsExactlyInAnyOrder("finished before the goaway", "replayed");
            assertThat(replayed).hasSize(1);
        }
    }

    @Test
    @Timeout(30)
    void whenGoawayRaisesItsLastStreamIdThenTheConnectionFailsWithProtocolError() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request r = conn.awaitRequest();
            // the request's stream stays below the first GOAWAY, so the connection is still open for the second
            conn.sendGoAway(r.streamId(), H2Frames.NO_ERROR, "");
            conn.sendGoAway(r.streamId() + 2, H2Frames.NO_ERROR, "");
        }); FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).maxHostConnections(1).timeout(Duration.ofSeconds(5)).build()).build()) {
            CompletableFuture<FetchResponse> future = engine.fetch(FetchRequest.get(server.url("/x")));

            assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).cause().isInstanceOf(FetchException.class);
            var goaway = server.awaitConnection(1).awaitReceived(f -> f.type() == H2Frames.GOAWAY, WAIT);
            assertThat(goaway.errorCode()).isEqualTo(H2Frames.PROTOCOL_ERROR);
            assertThat(goaway.debugData()).contains("raised its last stream id");
        }
    }

    @Test
    @Timeout(30)
    void whenServerLowersMaxConcurrentStreamsThenNoMoreThanTheNewLimitAreOpenedAfterIt() throws Exception {
        int fetches = 20;
        List<Integer> openWhenArrived = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of(H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS, 4L));
            List<Request> first = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                first.add(conn.awaitRequest());
            }
            conn.sendSettings(Map.of(H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS, 1L));
            conn.awaitFrame(f -> f.type() == H2Frames.SETTINGS && f.has(H2Frames.FLAG_ACK));
            for (Request r : first) {
                conn.respond(r, 200, "early");
            }
            for (int i = 4; i < fetches; i++) {
                Request r = conn.awaitRequest();
                openWhenArrived.add(conn.openStreams());
                conn.respond(r, 200, "late");
            }
        }); FetchEngine engine = engine(1)) {
            List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
            for (int i = 0; i < fetches; i++) {
                futures.add(engine.fetch(FetchRequest.get(server.url("/item/" + i))));
            }
            for (CompletableFuture<FetchResponse> f : futures) {
                assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(server.awaitConnection(1).peakOpenStreams()).as("never above the first limit").isLessThanOrEqualTo(4);
            assertThat(openWhenArrived).as("streams open as each later request arrived").hasSize(fetches - 4)
                    .allMatch(n -> n == 1);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(30)
    void whenServerRequiresHttp11ThenTheTransferIsReplayedOverHttp11AndTheOriginRemembersIt() throws Exception {
        AtomicInteger http11Requests = new AtomicInteger();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request r = conn.awaitRequest();
            conn.sendRst(r.streamId(), 0xdL);
        }).http11((in, out) -> {
            java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.ISO_8859_1));
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                // the request head is read and dropped
            }
            http11Requests.incrementAndGet();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nh1".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }); FetchEngine engine = engine(2)) {
            FetchResponse first = engine.fetch(FetchRequest.get(server.url("/a"))).get(20, TimeUnit.SECONDS);
            FetchResponse second = engine.fetch(FetchRequest.get(server.url("/b"))).get(20, TimeUnit.SECONDS);

            assertThat(first.httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(first.bodyAsString()).isEqualTo("h1");
            assertThat(second.httpVersion()).as("the origin is remembered as HTTP/1.1 only").isEqualTo("HTTP/1.1");
            assertThat(http11Requests.get()).isEqualTo(2);
            assertThat(server.connectionCount()).as("one HTTP/2 connection, then two HTTP/1.1 ones").isEqualTo(3);
        }
    }

    private static void awaitRequests(List<String> seen, int n) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> seen.size() >= n);
    }
}
