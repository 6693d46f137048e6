package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.H2Frames;
import dev.multifetch.core.testing.H2Frames.Frame;
import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import dev.multifetch.core.testing.Nghttpd;
import dev.multifetch.core.testing.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How HTTP/2 is chosen and set up: TLS too weak for it is refused, PIPEWAIT decides whether
 * transfers started together share the connection being set up, and a send window made negative
 * by a smaller SETTINGS_INITIAL_WINDOW_SIZE is honoured.
 */
class Http2NegotiationTests {

    @Test
    @Timeout(30)
    void whenTls12NegotiatesASuiteRfc9113ForbidsThenTheTransferFailsWithInadequateSecurity() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority();
        try (H2ScriptedServer server = H2ScriptedServer.tls(ca.server("127.0.0.1", "localhost"), conn -> conn.handshake(Map.of()));
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .tls(TlsConfig.builder().trustCertificates(List.of(ca.authority())).protocols("TLSv1.2")
                             .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256").build())
                     .timeout(Duration.ofSeconds(10)).build()).build()) {
            CompletableFuture<FetchResponse> future = engine.fetch(FetchRequest.get(server.url("/weak")));

            assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(((FetchException) e).error()).isEqualTo(FetchError.HTTP2))
                    .hasMessageContaining("INADEQUATE_SECURITY").hasMessageContaining("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        }
    }

    @Test
    @Timeout(60)
    void withPipeWaitTransfersStartedTogetherShareTheOneConnectionBeingSetUp() throws Exception {
        assertThat(connectionsFor(true)).isEqualTo(1);
    }

    @Test
    @Timeout(60)
    void withoutPipeWaitTransfersStartedTogetherOpenConnectionsUpToTheHostLimit() throws Exception {
        assertThat(connectionsFor(false)).isGreaterThan(1).isLessThanOrEqualTo(4);
    }

    @Test
    @Timeout(30)
    void whenAnIdleConnectionIsReusedAfterAQuietPeriodThenAPingGoesAheadOfTheRequest() throws Exception {
        java.util.concurrent.atomic.AtomicLong skew = new java.util.concurrent.atomic.AtomicLong();
        List<Integer> framesBeforeSecondRequest = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            conn.respond(conn.awaitRequest(), 200, "first");
            Frame f;
            do {
                f = conn.readFrame();
                framesBeforeSecondRequest.add(f.type());
            } while (f.type() != H2Frames.HEADERS);
            conn.respond(conn.requests().get(1), 200, "second");
        }); FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).nanoClock(() -> System.nanoTime() + skew.get())
                .timeout(Duration.ofSeconds(20)).build()).build()) {
            engine.fetch(FetchRequest.get(server.url("/first"))).get(20, TimeUnit.SECONDS);
            skew.addAndGet(Duration.ofSeconds(11).toNanos());
            FetchResponse second = engine.fetch(FetchRequest.get(server.url("/second"))).get(20, TimeUnit.SECONDS);

            assertThat(second.bodyAsString()).isEqualTo("second");
            assertThat(framesBeforeSecondRequest).as("frame types before the second HEADERS").contains(H2Frames.PING);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(30)
    void whenThePingAheadOfAStreamGoesUnansweredTheConnectionIsTakenForDeadAndTheRequestGoesElsewhere() throws Exception {
        java.util.concurrent.atomic.AtomicLong skew = new java.util.concurrent.atomic.AtomicLong();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            if (conn.id() == 1) {
                conn.respond(conn.awaitRequest(), 200, "first");
                conn.awaitRequest();
                // a peer gone silent: neither the PING nor the request gets an answer
                conn.awaitClientClose(Duration.ofSeconds(20));
            } else {
                Request r = conn.awaitRequest();
                conn.respond(r, 200, "from connection " + conn.id());
            }
        }); FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).nanoClock(() -> System.nanoTime() + skew.get())
                .connectTimeout(Duration.ofMillis(500)).timeout(Duration.ofSeconds(20)).build()).build()) {
            engine.fetch(FetchRequest.get(server.url("/first"))).get(20, TimeUnit.SECONDS);
            skew.addAndGet(Duration.ofSeconds(11).toNanos());
            FetchResponse second = engine.fetch(FetchRequest.get(server.url("/second"))).get(10, TimeUnit.SECONDS);

            assertThat(second.bodyAsString()).isEqualTo("from connection 2");
            assertThat(server.awaitConnection(1).received(H2Frames.PING)).isNotEmpty();
        }
    }

    private static int connectionsFor(boolean pipeWait) throws Exception {
        Http2RealServerTests.StreamCounter counter = new Http2RealServerTests.StreamCounter();
        try (Nghttpd server = Nghttpd.builder().tls().file("/1k", 1024).start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .tls(server.tlsConfig()).maxHostConnections(4).pipeWait(pipeWait).listener(counter)
                     .timeout(Duration.ofSeconds(20)).build()).build()) {
            List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                futures.add(engine.fetch(FetchRequest.get(server.url("/1k"))));
            }
            for (CompletableFuture<FetchResponse> f : futures) {
                assertThat(f.get(20, TimeUnit.SECONDS).httpVersion()).isEqualTo("HTTP/2");
            }
            return counter.connections.size();
        }
    }

    @Test
    @Timeout(30)
    void whenSmallerInitialWindowMakesTheSendWindowNegativeThenOnlyWhatRisesAboveZeroIsSent() throws Exception {
        List<Integer> dataAfterChange = new CopyOnWriteArrayList<>();
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of(H2Frames.SETTINGS_INITIAL_WINDOW_SIZE, 100L));
            // the first request only makes sure the client knows our window before the upload
            conn.respond(conn.awaitRequest(), 200, "warm");
            Request r = conn.awaitRequest();
            int received = 0;
            while (received < 100) {
                received += conn.awaitFrame(H2Frames.DATA).data().length;
            }
            conn.sendSettings(Map.of(H2Frames.SETTINGS_INITIAL_WINDOW_SIZE, 50L));
            conn.awaitFrame(f -> f.type() == H2Frames.SETTINGS && f.has(H2Frames.FLAG_ACK));
            conn.sendWindowUpdate(r.streamId(), 60);
            Frame first = conn.awaitFrame(H2Frames.DATA);
            dataAfterChange.add(first.data().length);
            conn.sendWindowUpdate(r.streamId(), 10_000);
            int rest = 0;
            while (!first.has(H2Frames.FLAG_END_STREAM) && received + first.data().length + rest < 300) {
                Frame f = conn.awaitFrame(H2Frames.DATA);
                rest += f.data().length;
                if (f.has(H2Frames.FLAG_END_STREAM)) {
                    break;
                }
            }
            conn.respond(r, 200, "got " + (received + first.data().length + rest));
        }); FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(20)).build()).build()) {
            engine.fetch(FetchRequest.get(server.url("/warm"))).get(20, TimeUnit.SECONDS);
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/up")).post(new byte[300]).build())
                    .get(20, TimeUnit.SECONDS);

            assertThat(dataAfterChange).as("DATA sent once the window of -50 rose by 60").containsExactly(10);
            assertThat(r.bodyAsString()).isEqualTo("got 300");
        }
    }
}
