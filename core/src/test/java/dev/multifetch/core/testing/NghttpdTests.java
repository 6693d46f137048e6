package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.H2Frames.SETTINGS;
import static dev.multifetch.core.testing.H2Frames.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.multifetch.core.testing.H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.RawH2Client.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** nghttpd started by the fixture, checked with the fixtures' raw client. */
@Timeout(60)
class NghttpdTests {

    @Test
    void whenStartedInCleartextThenItServesAFileOverH2cWithTheConfiguredSettings() throws Exception {
        try (Nghttpd server = Nghttpd.builder().maxConcurrentStreams(8).windowBits(20).file("/1k", 1024).start();
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            Response response = client.get("/1k");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(server.content("/1k"));
            assertThat(client.received().get(0).type()).isEqualTo(SETTINGS);
            assertThat(client.received().get(0).settings()).containsEntry(SETTINGS_MAX_CONCURRENT_STREAMS, 8L)
                    .containsEntry(SETTINGS_INITIAL_WINDOW_SIZE, (1L << 20) - 1);
            assertThat(server.url("/1k")).isEqualTo("http://127.0.0.1:" + server.port() + "/1k");
        }
    }

    @Test
    void whenAskedForTenMegabytesThenEveryByteArrives() throws Exception {
        try (Nghttpd server = Nghttpd.builder().file("/10m", 10 * 1024 * 1024).start();
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            assertThat(client.get("/10m").body()).isEqualTo(server.content("/10m"));
        }
    }

    @Test
    void whenEchoUploadAndTrailersAreOnThenAPostComesBackWithTheTrailer() throws Exception {
        try (Nghttpd server = Nghttpd.builder().echoUpload().trailer("x-checksum: abc").start();
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            Response response = client.exchange("POST", "/echo", "ping pong".getBytes(StandardCharsets.UTF_8));

            assertThat(response.bodyAsString()).isEqualTo("ping pong");
            assertThat(response.trailers()).contains(Map.entry("x-checksum", "abc"));
        }
    }

    @Test
    void whenStartedWithTlsThenAlpnPicksH2AndTheRawClientGetsTheFile() throws Exception {
        try (Nghttpd server = Nghttpd.builder().tls().file("/1k", 1024).start();
             RawH2Client client = RawH2Client.tls(server.port(), server.sslContext())) {
            assertThat(client.applicationProtocol()).isEqualTo("h2");
            assertThat(client.get("/1k").body()).isEqualTo(server.content("/1k"));
            assertThat(server.url("/")).startsWith("https://127.0.0.1:");
            assertThat(server.tlsConfig()).isNotNull();
        }
    }

    @Test
    void whenNghttpdRejectsAnOptionThenStartFailsWithItsStderr() {
        assertThatThrownBy(() -> Nghttpd.builder().option("--no-such-option").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nghttpd exited with")
                .hasMessageContaining("no-such-option");
    }

    @Test
    void whenTheServerIsClosedThenItsProcessAndDirectoryAreGone() throws Exception {
        Nghttpd server = Nghttpd.builder().file("/1k", 1024).start();
        Path directory = server.directory();

        server.close();

        assertThat(Files.exists(directory)).isFalse();
        assertThatThrownBy(() -> RawH2Client.cleartext(server.port()).close()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void whenABinaryIsMissingThenTheMessageNamesItAndItsPackage() {
        assertThatThrownBy(() -> ServerProcess.binary("multifetch-no-such-server", "some-package"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("multifetch-no-such-server not found")
                .hasMessageContaining("install the some-package package");
    }
}
