package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.failsTimed;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Fetches.TimedFailure;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.Script;
import dev.multifetch.core.testing.StalledListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each timeout fires on the engine's timer no earlier than its setting and within 20% after it,
 * says which timeout it was, and leaves a healthy transfer running beside it alone. The healthy
 * transfer is built to outlast the setting, so a timer that caught the wrong transfer would show.
 */
@Timeout(20)
class TimeoutTests {

    private static final Duration SETTING = Duration.ofMillis(500);
    private static final Duration OUTLASTS_SETTING = Duration.ofMillis(800);

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private ScriptedServer server;

    @BeforeEach
    void startServer() {
        server = loopback.server();
    }

    @Test
    void theConnectTimeoutFiresWhileTheConnectIsStillPending() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().connectTimeout(SETTING).build());
        StalledListener unreachable = loopback.closeAfter(StalledListener.withFullBacklog());
        server.defaultScript(script().pause(OUTLASTS_SETTING).then(ok("healthy")));
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure timedOut = failsTimed(() ->
                engine.fetch(FetchRequest.get("http://127.0.0.1:" + unreachable.port() + "/")));

        timedOut.firedWithinTwentyPercentOf(SETTING);
        assertThat(timedOut.failure().error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(timedOut.failure()).hasMessageContaining("Connect");
        assertThat(succeeds(healthy).bodyAsString()).isEqualTo("healthy");
    }

    @Test
    void theTotalTimeoutFiresEvenWhileBytesKeepArriving() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
        server.dispatcher((index, request) -> request.target().equals("/healthy")
                ? script().pause(OUTLASTS_SETTING).then(ok("healthy"))
                : drip(1_000, "x", Duration.ofMillis(50)));
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure timedOut = failsTimed(() ->
                engine.fetch(FetchRequest.builder(server.url("/endless")).timeout(SETTING).build()));

        timedOut.firedWithinTwentyPercentOf(SETTING);
        assertThat(timedOut.failure().error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(timedOut.failure()).hasMessageContaining("Operation timed out");
        assertThat(succeeds(healthy).bodyAsString()).isEqualTo("healthy");
    }

    @Test
    void theReadTimeoutFiresAfterTheHeadersWhenTheBodyNeverComes() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().readTimeout(SETTING).build());
        server.dispatcher((index, request) -> request.target().equals("/healthy")
                ? drip(10, "y", Duration.ofMillis(100))
                : script().send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n").stall());
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure timedOut = failsTimed(() -> engine.fetch(FetchRequest.get(server.url("/silent"))));

        timedOut.firedWithinTwentyPercentOf(SETTING);
        assertThat(timedOut.failure().error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(timedOut.failure()).hasMessageContaining("Read timed out");
        assertThat(succeeds(healthy).bodyAsString())
                .as("a body trickling in slower than the read timeout in total, but never silent that long")
                .isEqualTo("y".repeat(10));
    }

    @Test
    void theLowSpeedLimitFiresAfterOnePeriodBelowTheLimit() throws Exception {
        FetchEngine engine = loopback.engine(MultiOptions.builder().lowSpeedLimit(1_000).lowSpeedTime(SETTING).build());
        server.dispatcher((index, request) -> request.target().equals("/healthy")
                ? drip(10, "z".repeat(2_048), Duration.ofMillis(100))
                : drip(1_000, "s", Duration.ofMillis(100)));
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure tooSlow = failsTimed(() -> engine.fetch(FetchRequest.get(server.url("/slow"))));

        tooSlow.firedWithinTwentyPercentOf(SETTING);
        assertThat(tooSlow.failure().error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(tooSlow.failure()).hasMessageContaining("too slow");
        assertThat(succeeds(healthy).body()).hasSize(10 * 2_048);
    }

    /** A response whose head comes at once and whose body comes one {@code piece} every {@code every}. */
    private static Script drip(int pieces, String piece, Duration every) {
        Script s = script().send("HTTP/1.1 200 OK\r\nContent-Length: " + pieces * piece.length() + "\r\n\r\n");
        for (int i = 0; i < pieces; i++) {
            s = s.pause(every).send(piece);
        }
        return s;
    }
}
