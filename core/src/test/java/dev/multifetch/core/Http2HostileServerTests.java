package dev.multifetch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.testing.H2Conn;
import dev.multifetch.core.testing.H2Frames;
import dev.multifetch.core.testing.H2Frames.Frame;
import dev.multifetch.core.testing.H2ScriptedServer;
import dev.multifetch.core.testing.H2ScriptedServer.Request;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile HTTP/2 server gets that connection ended with a clear error naming the frame and
 * limit, and a GOAWAY with the right code on the wire, while a transfer to another server on the
 * same engine finishes untouched. Against a frame-level scripted server.
 */
class Http2HostileServerTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private H2ScriptedServer healthy;
    private FetchEngine engine;

    @BeforeEach
    void start() {
        healthy = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            Request r = conn.awaitRequest();
            conn.respond(r, 200, "fine");
        });
        engine = FetchEngine.builder().options(MultiOptions.builder()
                .httpVersion(HttpVersion.HTTP_2_PRIOR_KNOWLEDGE).timeout(WAIT).build()).build();
    }

    @AfterEach
    void stop() {
        engine.close();
        healthy.close();
    }

    @Test
    @Timeout(30)
    void continuationFloodEndsTheConnectionWithEnhanceYourCalm() throws Exception {
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.sendHeaderBlock(r.streamId(), new byte[] {(byte) 0x88}, false, false);
            for (int i = 0; i < 10_000; i++) {
                conn.sendContinuation(r.streamId(), new byte[0], false);
            }
        })) {
            expectFailure(hostile, FetchError.HTTP2, "CONTINUATION");
            assertThat(goaway(hostile).errorCode()).isEqualTo(H2Frames.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    @Timeout(30)
    void hpackBombFailsAtTheHeaderListLimit() throws Exception {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x88);
        literalWithIndexing(block, "x-bomb", "a".repeat(4000));
        for (int i = 0; i < 10_000; i++) {
            block.write(0xBE);
        }
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.sendHeaderBlock(r.streamId(), block.toByteArray(), true, true);
        })) {
            expectFailure(hostile, FetchError.HTTP2, "decoded bytes");
            assertThat(goaway(hostile).errorCode()).isEqualTo(H2Frames.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    @Timeout(30)
    void fiftyThousandOneByteFieldsFailAtTheFieldCountLimit() throws Exception {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x88);
        literalWithIndexing(block, "a", "b");
        for (int i = 0; i < 50_000; i++) {
            block.write(0xBE);
        }
        byte[] bytes = block.toByteArray();
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            int first = Math.min(16_000, bytes.length);
            conn.sendHeaderBlock(r.streamId(), java.util.Arrays.copyOfRange(bytes, 0, first), false, true);
            for (int at = first; at < bytes.length; at += 16_000) {
                int end = Math.min(bytes.length, at + 16_000);
                conn.sendContinuation(r.streamId(), java.util.Arrays.copyOfRange(bytes, at, end), end == bytes.length);
            }
        })) {
            expectFailure(hostile, FetchError.HTTP2, "fields");
        }
    }

    @Test
    @Timeout(30)
    void huffmanStringWithBadPaddingIsACompressionError() throws Exception {
        byte[] block = {(byte) 0x88, 0x00, 0x01, 'x', (byte) 0x81, 0x00};
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.sendHeaderBlock(r.streamId(), block, true, true);
        })) {
            expectFailure(hostile, FetchError.HTTP2, "COMPRESSION_ERROR");
            assertThat(goaway(hostile).errorCode()).isEqualTo(H2Frames.COMPRESSION_ERROR);
        }
    }

    @Test
    @Timeout(30)
    void hpackIntegerThatOverflowsIsACompressionError() throws Exception {
        byte[] block = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.sendHeaderBlock(r.streamId(), block, true, true);
        })) {
            expectFailure(hostile, FetchError.HTTP2, "COMPRESSION_ERROR");
        }
    }

    @Test
    @Timeout(30)
    void pingFloodIsRefusedWithEnhanceYourCalm() throws Exception {
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            conn.awaitRequest();
            for (int i = 0; i < 5_000; i++) {
                conn.sendPing(false, i);
            }
        })) {
            expectFailure(hostile, FetchError.HTTP2, "PING");
            assertThat(goaway(hostile).errorCode()).isEqualTo(H2Frames.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    @Timeout(30)
    void emptyDataFloodIsRefusedWithEnhanceYourCalm() throws Exception {
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.sendHeaders(r.streamId(), 200, Map.of(), false);
            for (int i = 0; i < 5_000; i++) {
                conn.sendData(r.streamId(), new byte[0], false);
            }
        })) {
            expectFailure(hostile, FetchError.HTTP2, "empty DATA");
            assertThat(goaway(hostile).errorCode()).isEqualTo(H2Frames.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    @Timeout(30)
    void pushPromiseAfterPushWasDisabledIsAProtocolError() throws Exception {
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            byte[] payload = {0, 0, 0, 2, (byte) 0x82, (byte) 0x84};
            conn.sendFrame(H2Frames.PUSH_PROMISE, H2Frames.FLAG_END_HEADERS, r.streamId(), payload);
        })) {
            expectFailure(hostile, FetchError.HTTP2, "PUSH_PROMISE");
            assertThat(goaway(hostile).errorCode()).isEqualTo(H2Frames.PROTOCOL_ERROR);
        }
    }

    @Test
    @Timeout(30)
    void contentLengthThatDisagreesWithDataIsAStreamErrorAndTheConnectionGoesOn() throws Exception {
        try (H2ScriptedServer hostile = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.sendHeaders(r.streamId(), 200, Map.of("content-length", "10"), false);
            conn.sendData(r.streamId(), "short", true);
            Request again = conn.awaitRequest();
            conn.respond(again, 200, "fine again");
        })) {
            expectFailure(hostile, FetchError.HTTP2_STREAM, "content-length");
            FetchResponse next = engine.fetch(FetchRequest.get(hostile.url("/next"))).get(20, TimeUnit.SECONDS);
            assertThat(next.bodyAsString()).isEqualTo("fine again");
            assertThat(hostile.connectionCount()).as("the stream error left the connection open").isEqualTo(1);
        }
    }

    @Test
    @Timeout(30)
    void zeroWindowForeverEndsAtTheTransfersTimeout() throws Exception {
        java.util.concurrent.atomic.AtomicInteger bodyBytes = new java.util.concurrent.atomic.AtomicInteger(-1);
        try (H2ScriptedServer hostile = new H2ScriptedServer(conn -> {
            conn.handshake(Map.of(H2Frames.SETTINGS_INITIAL_WINDOW_SIZE, 0L));
            conn.respond(conn.awaitRequest(), 200, "warm");
            Request upload = conn.awaitRequest();
            conn.awaitFrame(f -> f.type() == H2Frames.RST_STREAM && f.streamId() == upload.streamId());
            bodyBytes.set(conn.body(upload.streamId()).length);
        })) {
            engine.fetch(FetchRequest.get(hostile.url("/warm"))).get(20, TimeUnit.SECONDS);
            CompletableFuture<FetchResponse> future = engine.fetch(FetchRequest.builder(hostile.url("/upload"))
                    .post("never sent".getBytes(StandardCharsets.UTF_8)).timeout(Duration.ofMillis(500)).build());
            assertFails(() -> future.get(20, TimeUnit.SECONDS), FetchError.OPERATION_TIMEDOUT, "timed out");
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> bodyBytes.get() >= 0);
            assertThat(bodyBytes.get()).as("body bytes sent into a zero window before the reset").isZero();
        }
    }

    @Test
    @Timeout(30)
    void clientSettingsDisablePushAndRequestFieldsAreLowerCaseWithoutConnectionFields() throws Exception {
        try (H2ScriptedServer server = respondingWith(conn -> {
            Request r = conn.awaitRequest();
            conn.respond(r, 200, "ok");
        })) {
            engine.fetch(FetchRequest.builder(server.url("/fields")).header("X-Mixed-Case", "v")
                    .header("Connection", "keep-alive").header("TE", "trailers").build()).get(20, TimeUnit.SECONDS);

            H2Conn conn = server.awaitConnection(1);
            assertThat(conn.clientSettings()).containsEntry(H2Frames.SETTINGS_ENABLE_PUSH, 0L);
            Request r = conn.requests().get(0);
            assertThat(r.fields()).extracting(Map.Entry::getKey).allMatch(name -> name.equals(name.toLowerCase()))
                    .contains(":method", ":scheme", ":authority", ":path", "x-mixed-case", "te")
                    .doesNotContain("connection", "host");
        }
    }

    /** A server that shakes hands, then runs {@code script} on its first connection. */
    private static H2ScriptedServer respondingWith(H2ScriptedServer.Handler script) {
        return new H2ScriptedServer(conn -> {
            conn.handshake(Map.of());
            script.handle(conn);
        });
    }

    /** The hostile fetch fails as expected, while one to the healthy server on the same engine succeeds. */
    private void expectFailure(H2ScriptedServer hostile, FetchError error, String messagePart) throws Exception {
        CompletableFuture<FetchResponse> bad = engine.fetch(FetchRequest.get(hostile.url("/bad")));
        CompletableFuture<FetchResponse> good = engine.fetch(FetchRequest.get(healthy.url("/good")));
        assertFails(() -> bad.get(20, TimeUnit.SECONDS), error, messagePart);
        assertThat(good.get(20, TimeUnit.SECONDS).bodyAsString()).isEqualTo("fine");
    }

    private static void assertFails(ThrowingCallable call, FetchError error, String messagePart) {
        assertThatThrownBy(call).isInstanceOf(ExecutionException.class).cause().isInstanceOf(FetchException.class)
                .satisfies(e -> assertThat(((FetchException) e).error()).as("error of: %s", e.getMessage()).isEqualTo(error))
                .hasMessageContaining(messagePart);
    }

    private static Frame goaway(H2ScriptedServer server) {
        return server.awaitConnection(1).awaitReceived(f -> f.type() == H2Frames.GOAWAY, WAIT);
    }

    /** HPACK "literal with incremental indexing, new name", no Huffman (RFC 7541 section 6.2.1). */
    private static void literalWithIndexing(ByteArrayOutputStream out, String name, String value) {
        out.write(0x40);
        string(out, name);
        string(out, value);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        int length = s.length();
        if (length < 127) {
            out.write(length);
        } else {
            out.write(127);
            int rest = length - 127;
            while (rest >= 128) {
                out.write((rest & 0x7f) | 0x80);
                rest >>>= 7;
            }
            out.write(rest);
        }
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
