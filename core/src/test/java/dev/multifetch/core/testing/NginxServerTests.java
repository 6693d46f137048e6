package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.H2Frames.GOAWAY;
import static dev.multifetch.core.testing.H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.H2Frames.Frame;
import dev.multifetch.core.testing.NginxServer.Mode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** nginx started by the fixture, checked with the fixtures' raw client and the JDK's HttpClient. */
@Timeout(60)
class NginxServerTests {

    private static final String NO_CLOSE = "the JDK 17 HttpClient has no close(): its selector goes when the client is collected";

    private static HttpResponse<byte[]> jdkGet(NginxServer server, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(server.sslContext()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @LeakCheckExtension.Unchecked(NO_CLOSE)
    void whenTlsWithHttp2ThenTheJdkClientGetsAFileOverHttp2() throws Exception {
        try (NginxServer server = NginxServer.builder().mode(Mode.TLS_H2).file("/64k", 64 * 1024).start()) {
            HttpResponse<byte[]> response = jdkGet(server, "/64k");

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).isEqualTo(server.content("/64k"));
            assertThat(server.awaitRequestCount(1)).singleElement().asString().contains("HTTP/2.0 \"GET /64k HTTP/2.0\" 200");
        }
    }

    @Test
    @LeakCheckExtension.Unchecked(NO_CLOSE)
    void whenTlsWithoutHttp2ThenTheJdkClientFallsBackToHttp11() throws Exception {
        try (NginxServer server = NginxServer.builder().mode(Mode.TLS_HTTP11).start()) {
            HttpResponse<byte[]> response = jdkGet(server, "/hello");

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(new String(response.body())).isEqualTo("hello");
        }
    }

    @Test
    void whenTlsWithHttp2ThenAlpnPicksH2ForTheRawClient() throws Exception {
        try (NginxServer server = NginxServer.builder().mode(Mode.TLS_H2).start();
             RawH2Client client = RawH2Client.tls(server.port(), server.sslContext())) {
            assertThat(client.get("/hello").bodyAsString()).isEqualTo("hello");
            assertThat(server.tlsConfig()).isNotNull();
        }
    }

    @Test
    void whenRequestsShareAnH2cConnectionThenTheLogCountsThemAndOneConnection() throws Exception {
        try (NginxServer server = NginxServer.builder().maxConcurrentStreams(5).text("/t", "text \"quoted\"")
                .file("/1m", 1024 * 1024).start();
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            assertThat(client.get("/hello").bodyAsString()).isEqualTo("hello");
            assertThat(client.get("/t").bodyAsString()).isEqualTo("text \"quoted\"");
            assertThat(client.get("/1m").body()).isEqualTo(server.content("/1m"));
            assertThat(client.get("/missing").status()).isEqualTo(404);

            assertThat(client.received().get(0).settings()).containsEntry(SETTINGS_MAX_CONCURRENT_STREAMS, 5L);
            assertThat(server.awaitRequestCount(4)).hasSize(4);
            assertThat(server.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void whenTwoClientsConnectThenTwoConnectionsAreCounted() throws Exception {
        try (NginxServer server = NginxServer.builder().start()) {
            for (int i = 0; i < 2; i++) {
                try (RawH2Client client = RawH2Client.cleartext(server.port())) {
                    client.get("/hello");
                }
            }

            server.awaitRequestCount(2);
            assertThat(server.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void whenKeepaliveRequestsAreUsedUpThenNginxSendsGoAway() throws Exception {
        try (NginxServer server = NginxServer.builder().keepaliveRequests(2).start();
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            client.get("/hello");
            client.get("/hello");

            Frame goAway = client.awaitFrame(GOAWAY);
            assertThat(goAway.lastStreamId()).isEqualTo(3);
            assertThat(goAway.errorCode()).isEqualTo(H2Frames.NO_ERROR);
        }
    }

    @Test
    void whenAConfigurationDirectiveIsWrongThenStartFailsWithNginxsMessage() {
        assertThatThrownBy(() -> NginxServer.builder().directive("no_such_directive on;").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nginx exited with")
                .hasMessageContaining("no_such_directive");
    }
}
