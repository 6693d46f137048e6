package dev.multifetch.sample.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.LocalAppTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A caller that goes away cancels its work: a real client sends its call, waits until the engine
 * runs the transfers, and drops its connection (reset, as a killed process would); the engine's
 * running handles fall back well before the transfers' 30-second timeout ({@link CallWatch}).
 */
@Timeout(60)
class DisconnectTests extends LocalAppTests {

    /** The transfers' timeout; the cancel must come long before it. */
    private static final int TIMEOUT_MS = 30_000;

    private static final Duration CANCELLED_WITHIN = Duration.ofSeconds(10);

    @Autowired
    private FetchEngine engine;

    @Test
    void whenTheClientOfAFetchDisconnectsThenItsTransferIsCancelled() throws IOException {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            String json = "{\"url\": " + this.client.quote(target.url("/held")) + ", \"timeoutMs\": " + TIMEOUT_MS + "}";

            callThenDrop("/api/fetch", json, 1);
        }
    }

    @Test
    void whenTheClientOfAStreamingBatchDisconnectsThenItsTransfersAreCancelled() throws IOException {
        try (ScriptedServer target = new ScriptedServer().defaultScript(ScriptedServer.script().stall())) {
            String requests = IntStream.range(0, 3)
                .mapToObj((i) -> "{\"url\": " + this.client.quote(target.url("/held/" + i)) + ", \"timeoutMs\": " + TIMEOUT_MS + "}")
                .collect(Collectors.joining(",", "[", "]"));

            callThenDrop("/api/batch", "{\"requests\": " + requests + ", \"concurrency\": 3}", 3);
        }
    }

    /** Posts {@code json}, waits for {@code transfers} running handles, resets the connection and waits for none. */
    private void callThenDrop(String path, String json, int transfers) throws IOException {
        int before = this.engine.runningHandles();
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: application/x-ndjson, application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        await().atMost(Duration.ofSeconds(20)).until(() -> this.engine.runningHandles() >= before + transfers);

        socket.setSoLinger(true, 0);
        socket.close();

        await().atMost(CANCELLED_WITHIN).untilAsserted(() -> assertThat(this.engine.runningHandles()).isEqualTo(before));
    }
}
