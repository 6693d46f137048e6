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

    /** Long enough that scheduling noise on a busy two-core machine stays well inside its 20%. */
    private static final Duration SETTING = Duration.ofSeconds(1);
    private static final Duration OUTLASTS_SETTING = SETTING.multipliedBy(3).dividedBy(2);

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer server = loopback.server();

    /**
     * A started engine that has run one transfer already, so class loading and compilation of a
     * first transfer in a fresh JVM do not count against the timer under test.
     */
    private FetchEngine warmEngine(MultiOptions options) throws Exception {
        FetchEngine engine = loopback.engine(options);
        ScriptedServer warmUp = loopback.server();
        warmUp.defaultScript(ok("warm"));
        succeeds(engine.fetch(FetchRequest.get(warmUp.url("/warm-up"))));
        return engine;
    }

    @Test
    void theConnectTimeoutFiresWhileTheConnectIsStillPending() throws Exception {
        FetchEngine engine = warmEngine(MultiOptions.builder().connectTimeout(SETTING).build());
        StalledListener unreachable = loopback.closeAfter(StalledListener.withFullBacklog());
        server.defaultScript(script().pause(OUTLASTS_SETTING).then(ok("healthy")));
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure timedOut = failsTimed(() ->
                engine.fetch(FetchRequest.get("http://127.0.0.1:" + unreachable.port() + "/")));

        assertTimedOutOnTime(timedOut, "Connect");
        assertThat(succeeds(healthy).bodyAsString()).isEqualTo("healthy");
    }

    @Test
    void theTotalTimeoutFiresEvenWhileBytesKeepArriving() throws Exception {
        FetchEngine engine = warmEngine(MultiOptions.DEFAULTS);
        server.dispatcher((index, request) -> request.target().equals("/healthy")
                ? script().pause(OUTLASTS_SETTING).then(ok("healthy"))
                : drip(1_000, "x", Duration.ofMillis(50)));
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure timedOut = failsTimed(() ->
                engine.fetch(FetchRequest.builder(server.url("/endless")).timeout(SETTING).build()));

        assertTimedOutOnTime(timedOut, "Operation timed out");
        assertThat(succeeds(healthy).bodyAsString()).isEqualTo("healthy");
    }

    @Test
    void theReadTimeoutFiresAfterTheHeadersWhenTheBodyNeverComes() throws Exception {
        FetchEngine engine = warmEngine(MultiOptions.builder().readTimeout(SETTING).build());
        server.dispatcher((index, request) -> request.target().equals("/healthy")
                ? drip(20, "y", Duration.ofMillis(100))
                : script().send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n").stall());
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure timedOut = failsTimed(() -> engine.fetch(FetchRequest.get(server.url("/silent"))));

        assertTimedOutOnTime(timedOut, "Read timed out");
        assertThat(succeeds(healthy).bodyAsString())
                .as("a body trickling in slower than the read timeout in total, but never silent that long")
                .isEqualTo("y".repeat(20));
    }

    @Test
    void theLowSpeedLimitFiresAfterOnePeriodBelowTheLimit() throws Exception {
        FetchEngine engine = warmEngine(MultiOptions.builder().lowSpeedLimit(1_000).lowSpeedTime(SETTING).build());
        server.dispatcher((index, request) -> request.target().equals("/healthy")
                ? drip(20, "z".repeat(2_048), Duration.ofMillis(100))
                : drip(1_000, "s", Duration.ofMillis(100)));
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        TimedFailure tooSlow = failsTimed(() -> engine.fetch(FetchRequest.get(server.url("/slow"))));

        assertTimedOutOnTime(tooSlow, "too slow");
        assertThat(succeeds(healthy).body()).hasSize(20 * 2_048);
    }

    /** The failure is OPERATION_TIMEDOUT, its message names the timeout, and it came within 20% after the setting. */
    private static void assertTimedOutOnTime(TimedFailure timedOut, String whichTimeout) {
        timedOut.firedWithinTwentyPercentOf(SETTING);
        assertThat(timedOut.failure().error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(timedOut.failure()).hasMessageContaining(whichTimeout);
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
