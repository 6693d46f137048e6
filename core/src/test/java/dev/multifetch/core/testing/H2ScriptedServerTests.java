package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.H2Frames.CANCEL;
import static dev.multifetch.core.testing.H2Frames.FLAG_END_HEADERS;
import static dev.multifetch.core.testing.H2Frames.FLAG_END_STREAM;
import static dev.multifetch.core.testing.H2Frames.GOAWAY;
import static dev.multifetch.core.testing.H2Frames.HEADERS;
import static dev.multifetch.core.testing.H2Frames.RST_STREAM;
import static dev.multifetch.core.testing.H2Frames.SETTINGS_ENABLE_PUSH;
import static dev.multifetch.core.testing.H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.H2Frames.Frame;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import dev.multifetch.core.testing.RawH2Client.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The frame-level scripted HTTP/2 server, driven by the fixtures' own raw client. */
@Timeout(30)
class H2ScriptedServerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void whenAClientGetsThenTheHandlerSeesTheRequestAndSettingsAndTheClientTheResponse() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of(SETTINGS_MAX_CONCURRENT_STREAMS, 8L));
            conn.respond(conn.awaitRequest(), 200, "scripted");
        }); RawH2Client client = RawH2Client.cleartext(server.port())) {
            Response response = client.get("/a?b=c");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyAsString()).isEqualTo("scripted");
            assertThat(response.header("content-length")).hasValue("8");
            H2Conn conn = server.awaitConnection(1);
            Request request = conn.requests().get(0);
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/a?b=c");
            assertThat(request.header(":authority")).hasValue("127.0.0.1:" + server.port());
            assertThat(request.endStream()).isTrue();
            assertThat(conn.clientSettings()).containsEntry(SETTINGS_ENABLE_PUSH, 0L);
            assertThat(client.received().get(0).settings()).containsEntry(SETTINGS_MAX_CONCURRENT_STREAMS, 8L);
            assertThat(server.connectionCount()).isEqualTo(1);
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void whenTheClientUploadsThenTheHandlerReadsTheBody() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request request = conn.awaitRequest();
            conn.respond(request, 200, "got " + new String(conn.awaitBody(request.streamId()), StandardCharsets.UTF_8));
        }); RawH2Client client = RawH2Client.cleartext(server.port())) {
            Response response = client.exchange("POST", "/upload", "payload".getBytes(StandardCharsets.UTF_8));

            assertThat(response.bodyAsString()).isEqualTo("got payload");
            assertThat(server.awaitConnection(1).requests().get(0).endStream()).isFalse();
        }
    }

    @Test
    void whenRequestBlocksUseHuffmanAndTheDynamicTableThenTheConnectionDecodesThemInOrder() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> conn.handshake(Map.of()));
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            // RFC 7541 C.4.1 to C.4.3 on streams 1, 3 and 5: each block refers to entries the one before added
            for (String block : List.of("82868441 8cf1e3c2e5f23a6ba0ab90f4ff", "828684be5886a8eb10649cbf",
                    "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf")) {
                client.sendRaw(H2Frames.frame(HEADERS, FLAG_END_HEADERS | FLAG_END_STREAM, client.newStreamId(),
                        HexFormat.of().parseHex(block.replace(" ", ""))));
            }
            H2Conn conn = server.awaitConnection(1);
            conn.awaitReceived(f -> f.type() == HEADERS && f.streamId() == 5, WAIT);

            List<Request> requests = conn.requests();
            assertThat(requests).extracting(Request::streamId).containsExactly(1, 3, 5);
            assertThat(requests.get(1).header("cache-control")).hasValue("no-cache");
            assertThat(requests.get(2).path()).isEqualTo("/index.html");
            assertThat(requests.get(2).header("custom-key")).hasValue("custom-value");
            assertThat(conn.peakOpenStreams()).isEqualTo(3);
        }
    }

    @Test
    void whenTheClientPadsAndPrioritisesThenPaddingAndPriorityAreStrippedFromBlockAndBody() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> conn.handshake(Map.of()));
             RawH2Client client = RawH2Client.cleartext(server.port())) {
            byte[] block = H2Hpack.encode(List.of(Map.entry(":method", "PUT"), Map.entry(":path", "/p")));
            ByteArrayOutputStream headers = new ByteArrayOutputStream();
            headers.write(2);
            headers.writeBytes(new byte[] {0, 0, 0, 0, 16});
            headers.writeBytes(block);
            headers.writeBytes(new byte[2]);
            client.sendRaw(H2Frames.frame(HEADERS, FLAG_END_HEADERS | H2Frames.FLAG_PADDED | H2Frames.FLAG_PRIORITY, 1,
                    headers.toByteArray()));
            client.sendRaw(H2Frames.frame(H2Frames.DATA, FLAG_END_STREAM | H2Frames.FLAG_PADDED, 1,
                    new byte[] {3, 'a', 'b', 0, 0, 0}));
            H2Conn conn = server.awaitConnection(1);

            conn.awaitReceived(f -> f.type() == H2Frames.DATA, WAIT);
            assertThat(conn.requests()).singleElement().extracting(Request::path).isEqualTo("/p");
            assertThat(conn.body(1)).containsExactly('a', 'b');
            assertThat(conn.clientEnded(1)).isTrue();
        }
    }

    @Test
    void whenTheHeaderBlockIsSplitIntoContinuationsAndGoAwayFollowsThenTheClientReadsBoth() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request request = conn.awaitRequest();
            byte[] block = H2Hpack.encode(List.of(Map.entry(":status", "200"), Map.entry("x-split", "yes")));
            int half = block.length / 2;
            conn.sendHeaderBlock(request.streamId(), Arrays.copyOfRange(block, 0, half), false, false)
                    .sendContinuation(request.streamId(), Arrays.copyOfRange(block, half, block.length), true)
                    .sendData(request.streamId(), "split", true)
                    .sendGoAway(request.streamId(), H2Frames.NO_ERROR, "bye");
        }); RawH2Client client = RawH2Client.cleartext(server.port())) {
            Response response = client.get("/");
            Frame goAway = client.awaitFrame(GOAWAY);

            assertThat(response.header("x-split")).hasValue("yes");
            assertThat(response.bodyAsString()).isEqualTo("split");
            assertThat(goAway.lastStreamId()).isEqualTo(1);
            assertThat(goAway.errorCode()).isEqualTo(H2Frames.NO_ERROR);
            assertThat(goAway.debugData()).isEqualTo("bye");
        }
    }

    @Test
    void whenTheHandlerHasReturnedThenFramesTheClientSendsLaterAreStillRecorded() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            conn.sendHeaders(conn.awaitRequest().streamId(), 200, Map.of(), false);
        }); RawH2Client client = RawH2Client.cleartext(server.port())) {
            int stream = client.newStreamId();
            client.sendRaw(H2Frames.frame(HEADERS, FLAG_END_HEADERS | FLAG_END_STREAM, stream, H2Hpack.encode(List.of(
                    Map.entry(":method", "GET"), Map.entry(":scheme", "http"), Map.entry(":path", "/slow"),
                    Map.entry(":authority", "127.0.0.1")))));
            client.awaitFrame(HEADERS);
            client.sendRaw(H2Frames.rstStream(stream, CANCEL));
            H2Conn conn = server.awaitConnection(1);

            Frame reset = conn.awaitReceived(f -> f.type() == RST_STREAM, WAIT);
            assertThat(reset.streamId()).isEqualTo(stream);
            assertThat(reset.errorCode()).isEqualTo(CANCEL);
            assertThat(conn.openStreams()).isZero();
            client.close();
            conn.awaitClientClose(WAIT);
        }
    }

    @Test
    void whenTheHandlerResetsTheConnectionThenTheClientSeesAReset() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            conn.awaitRequest();
            conn.reset();
        }); RawH2Client client = RawH2Client.cleartext(server.port())) {
            assertThatThrownBy(() -> client.get("/")).isInstanceOf(IOException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void whenServedOverTlsThenAlpnPicksH2AndTheExchangeWorks() throws Exception {
        TestCertificates ca = TestCertificates.newAuthority();
        try (H2ScriptedServer server = H2ScriptedServer.tls(ca.server("127.0.0.1"), conn -> {
            conn.handshake(Map.of());
            conn.respond(conn.awaitRequest(), 204, "");
        }); RawH2Client client = RawH2Client.tls(server.port(), TestCertificates.clientContextTrusting(ca.authority()))) {
            assertThat(client.applicationProtocol()).isEqualTo("h2");
            assertThat(client.get("/").status()).isEqualTo(204);
            assertThat(server.url("/")).startsWith("https://127.0.0.1:");
        }
    }

    @Test
    void whenTheClientSendsNoPrefaceThenTheFailureQuotesWhatItSent() throws Exception {
        try (H2ScriptedServer server = new H2ScriptedServer(conn -> {
            throw new AssertionError("the handler must not run without a preface");
        }); Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            assertThat(socket.getInputStream().read()).as("server closes without answering").isEqualTo(-1);
            Fetches.eventually().untilAsserted(() -> assertThat(server.failures()).singleElement()
                    .extracting(Throwable::getMessage).asString().contains("GET / HTTP/1.1"));
        }
    }

    @Test
    void whenTheServerClosesWhileHandlersWaitThenEveryConnectionThreadEnds() throws Exception {
        H2ScriptedServer server = new H2ScriptedServer(conn -> conn.readTimeout(Duration.ZERO).awaitRequest());
        try (RawH2Client first = RawH2Client.cleartext(server.port());
             RawH2Client second = RawH2Client.cleartext(server.port())) {
            server.awaitConnection(2);

            server.close();

            assertThat(first.received()).isEmpty();
            assertThatThrownBy(() -> second.awaitFrame(GOAWAY)).isInstanceOf(IOException.class);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(
                    t -> t.isAlive() && t.getName().startsWith("h2-scripted-server-"));
            assertThat(server.failures()).isEmpty();
        }
    }
}
