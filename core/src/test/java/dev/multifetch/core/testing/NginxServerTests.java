package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.H2Frames.GOAWAY;
import static dev.multifetch.core.testing.H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.H2Frames.Frame;
import dev.multifetch.core.testing.NginxServer.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** nginx started by the fixture, checked with the fixtures' raw client (ALPN's HTTP/1.1 fallback is checked with the engine itself). */
@Timeout(60)
class NginxServerTests {

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
