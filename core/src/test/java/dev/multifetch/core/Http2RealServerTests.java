package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.NginxServer;
import dev.multifetch.core.testing.NginxServer.Mode;
import dev.multifetch.core.testing.Nghttpd;
import dev.multifetch.core.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 against real servers started by the tests: nghttpd (h2c and TLS) and nginx with
 * {@code http2}. Many transfers share one connection within the server's stream limit, nginx's
 * GOAWAY every thousand requests costs nothing, and ALPN picks h2 where offered and HTTP/1.1
 * where not, with the same API.
 */
class Http2RealServerTests {

    @Test
    @Timeout(60)
    void thousandConcurrentGetsShareOneConnectionAndNeverExceedTheServersEightStreams() throws Exception {
        StreamCounter counter = new StreamCounter();
        try (Nghttpd server = Nghttpd.builder().maxConcurrentStreams(8).file("/1k", 1024).start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).maxHostConnections(1).listener(counter)
                     .timeout(Duration.ofSeconds(40)).build()).build()) {
            List<CompletableFuture<FetchResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(engine.fetch(FetchRequest.get(server.url("/1k"))));
            }
            for (CompletableFuture<FetchResponse> f : futures) {
                FetchResponse r = f.get(40, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.httpVersion()).isEqualTo("HTTP/2");
                assertThat(r.body()).isEqualTo(server.content("/1k"));
            }
            assertThat(counter.connections).as("HTTP/2 connections opened").hasSize(1);
            assertThat(counter.peak.get()).as("most streams open at once").isBetween(2, 8);
            // the futures complete before the loop publishes its new count: wait for it
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.runningHandles() == 0);
        }
    }

    @Test
    @Timeout(90)
    void nginxGoawayEveryThousandRequestsCostsNoFailureOverFiveThousand() throws Exception {
        StreamCounter counter = new StreamCounter();
        try (NginxServer nginx = NginxServer.builder().mode(Mode.H2C).keepaliveRequests(1000).start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).maxHostConnections(1).listener(counter)
                     .timeout(Duration.ofSeconds(60)).build()).build()) {
            int total = 5000;
            int inFlight = 200;
            AtomicInteger failures = new AtomicInteger();
            List<CompletableFuture<FetchResponse>> window = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                window.add(engine.fetch(FetchRequest.get(nginx.url("/hello"))));
                if (window.size() == inFlight || i == total - 1) {
                    for (CompletableFuture<FetchResponse> f : window) {
                        try {
                            assertThat(f.get(60, TimeUnit.SECONDS).bodyAsString()).isEqualTo("hello");
                        } catch (java.util.concurrent.ExecutionException e) {
                            failures.incrementAndGet();
                        }
                    }
                    window.clear();
                }
            }
            assertThat(failures.get()).as("failed transfers").isZero();
            assertThat(nginx.awaitRequestCount(total)).hasSizeGreaterThanOrEqualTo(total);
            assertThat(counter.goaways.get()).as("GOAWAYs received").isGreaterThanOrEqualTo(4);
            assertThat(counter.connections.size()).as("connections opened").isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    @Timeout(60)
    void alpnPicksHttp2WhereNginxOffersItAndHttp11WhereNotWithTheSameApi() throws Exception {
        TestCertificates.Identity identity = TestCertificates.newAuthority().server("127.0.0.1", "localhost");
        try (NginxServer h2 = NginxServer.builder().mode(Mode.TLS_H2).identity(identity).start();
             NginxServer h1 = NginxServer.builder().mode(Mode.TLS_HTTP11).identity(identity).start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .tls(h2.tlsConfig()).timeout(Duration.ofSeconds(20)).build()).build()) {
            FetchResponse overH2 = engine.fetch(FetchRequest.get(h2.url("/hello"))).get(20, TimeUnit.SECONDS);
            FetchResponse overH1 = engine.fetch(FetchRequest.get(h1.url("/hello"))).get(20, TimeUnit.SECONDS);
            FetchResponse forced = engine.fetch(FetchRequest.builder(h2.url("/hello")).httpVersion(HttpVersion.HTTP_1_1).build())
                    .get(20, TimeUnit.SECONDS);

            assertThat(overH2.httpVersion()).isEqualTo("HTTP/2");
            assertThat(overH1.httpVersion()).isEqualTo("HTTP/1.1");
            assertThat(forced.httpVersion()).as("HTTP_1_1 asked: ALPN offers http/1.1 alone").isEqualTo("HTTP/1.1");
            assertThat(List.of(overH2, overH1, forced)).extracting(FetchResponse::bodyAsString).containsOnly("hello");
        }
    }

    @Test
    @Timeout(60)
    void nghttpdOverTlsCarriesUploadsAndTrailers() throws Exception {
        try (Nghttpd server = Nghttpd.builder().tls().echoUpload().trailer("x-checksum: abc").start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .tls(server.tlsConfig()).timeout(Duration.ofSeconds(20)).build()).build()) {
            byte[] big = "0123456789abcdef".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/echo")).post(big).build()).get(20, TimeUnit.SECONDS);

            assertThat(r.httpVersion()).isEqualTo("HTTP/2");
            assertThat(r.body()).isEqualTo(big);
            assertThat(r.trailers().first("x-checksum")).contains("abc");
        }
    }

    @Test
    @Timeout(60)
    void streamedRequestBodyOfUnknownLengthGoesOutAsDataFrames() throws Exception {
        try (Nghttpd server = Nghttpd.builder().echoUpload().start();
             FetchEngine engine = FetchEngine.builder().options(MultiOptions.builder()
                     .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).timeout(Duration.ofSeconds(20)).build()).build()) {
            byte[] payload = "streamed-".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
            RequestBody body = RequestBody.ofStream(() -> new java.io.ByteArrayInputStream(payload), -1);
            FetchResponse r = engine.fetch(FetchRequest.builder(server.url("/echo")).method("PUT").body(body).build())
                    .get(20, TimeUnit.SECONDS);

            assertThat(r.body()).isEqualTo(payload);
        }
    }

    /** Counts HTTP/2 connections, GOAWAYs and the most streams open at once, from the engine's events. */
    static final class StreamCounter implements FetchListener {
        final Set<Long> connections = ConcurrentHashMap.newKeySet();
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final AtomicInteger goaways = new AtomicInteger();
        final Map<Long, Boolean> streams = new ConcurrentHashMap<>();

        @Override
        public void http2ConnectionOpened(long connectionId) {
            connections.add(connectionId);
        }

        @Override
        public void streamOpened(Transfer transfer, long connectionId, int streamId) {
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        }

        @Override
        public void streamClosed(Transfer transfer, long connectionId, int streamId, long errorCode) {
            open.decrementAndGet();
        }

        @Override
        public void goawayReceived(long connectionId, long errorCode, int lastStreamId) {
            goaways.incrementAndGet();
        }
    }
}
