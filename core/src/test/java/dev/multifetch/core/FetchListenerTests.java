package dev.multifetch.core;

import static dev.multifetch.core.testing.FakeDns.ip;
import static dev.multifetch.core.testing.Fetches.WAIT;
import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.QuietLogs;
import dev.multifetch.core.testing.FakeDns;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.RecordingListener;
import dev.multifetch.core.testing.ScriptedServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a {@link FetchListener} hears: every step of a transfer in start/end pairs and in order,
 * fewer steps on a reused connection, queueing, failures, and a listener that throws ending its
 * own transfer alone.
 */
@Timeout(20)
class FetchListenerTests {

    private static final List<String> ON_A_CONNECTION = List.of("connectionAcquired", "requestSent",
            "responseHeaders", "responseBodyEnd", "connectionReleased", "transferDone");

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final RecordingListener listener = new RecordingListener();
    private final ScriptedServer server = loopback.server();

    private FetchEngine engine(MultiOptions.Builder options) {
        return loopback.engine(options.listener(listener).build());
    }

    /** Fetches {@code url}, which must succeed, and waits until the listener heard its end. */
    private FetchResponse fetched(FetchEngine engine, String url) throws Exception {
        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(url)));
        eventually().until(() -> listener.ended(url));
        return response;
    }

    @Test
    void aTransferOnAFreshConnectionHearsEveryStepInOrder() throws Exception {
        server.defaultScript(ok("twelve bytes"));
        FetchEngine engine = engine(MultiOptions.builder().hostResolver(FakeDns.answering("localhost", "127.0.0.1")));
        String url = "http://localhost:" + server.port() + "/fresh";
        InetSocketAddress address = new InetSocketAddress(ip("127.0.0.1"), server.port());

        fetched(engine, url);

        assertThat(listener.namesFor(url)).containsExactly("dnsStart", "dnsEnd", "connectStart", "connectEnd",
                "connectionAcquired", "requestSent", "responseHeaders", "responseBodyEnd", "connectionReleased",
                "transferDone");
        assertThat(listener.first(url, "dnsStart").args()).containsExactly("localhost");
        assertThat(listener.first(url, "dnsEnd").args()).containsExactly("localhost", List.of(ip("127.0.0.1")));
        assertThat(listener.first(url, "connectStart").args()).containsExactly(address);
        assertThat(listener.first(url, "connectEnd").args()).containsExactly(address);
        long connectionId = (long) listener.first(url, "connectionAcquired").arg(0);
        assertThat(listener.first(url, "connectionAcquired").args()).containsExactly(connectionId, false);
        assertThat((long) listener.first(url, "requestSent").arg(0)).isPositive();
        assertThat(listener.first(url, "responseHeaders").args()).containsExactly(200);
        assertThat(listener.first(url, "responseBodyEnd").args()).containsExactly(12L);
        assertThat(listener.first(url, "connectionReleased").args()).containsExactly(connectionId, true);
        assertThat(listener.first(url, "transferDone").args()).containsExactly(200);
    }

    @Test
    void aTransferOnAReusedConnectionHearsNoLookupAndNoConnect() throws Exception {
        server.defaultScript(ok("again"));
        FetchEngine engine = engine(MultiOptions.builder());
        String first = server.url("/first");
        String second = server.url("/second");

        fetched(engine, first);
        fetched(engine, second);

        assertThat(listener.namesFor(second)).containsExactlyElementsOf(ON_A_CONNECTION);
        long connectionId = (long) listener.first(first, "connectionAcquired").arg(0);
        assertThat(listener.first(second, "connectionAcquired").args()).containsExactly(connectionId, true);
        assertThat(listener.first(second, "connectionReleased").args()).containsExactly(connectionId, true);
    }

    @Test
    void aTransferBeyondTheHostLimitHearsQueuedThenDequeuedWithTheTimeItWaited() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.dispatcher((index, request) -> request.target().equals("/first")
                ? script().await(release, WAIT).then(ok("first"))
                : ok("second"));
        FetchEngine engine = engine(MultiOptions.builder().maxHostConnections(1));
        String second = server.url("/second");

        CompletableFuture<FetchResponse> holding = engine.fetch(FetchRequest.get(server.url("/first")));
        CompletableFuture<FetchResponse> waiting = engine.fetch(FetchRequest.get(second));
        eventually().until(() -> listener.namesFor(second).contains("transferQueued"));
        release.countDown();
        succeeds(holding);
        FetchResponse response = succeeds(waiting);
        eventually().until(() -> listener.ended(second));

        assertThat(listener.namesFor(second)).startsWith("transferQueued", "transferDequeued")
                .endsWith(ON_A_CONNECTION.toArray(String[]::new)).hasSize(2 + ON_A_CONNECTION.size());
        long queuedNanos = (long) listener.first(second, "transferDequeued").arg(0);
        assertThat(queuedNanos).isPositive();
        assertThat(response.timings().queue()).isEqualTo(Duration.ofNanos(queuedNanos / 1000 * 1000));
        assertThat(listener.first(second, "connectionAcquired").arg(1)).as("reused").isEqualTo(true);
    }

    @Test
    void aRefusedConnectHearsConnectFailedThenTransferFailed() throws Exception {
        FetchEngine engine = engine(MultiOptions.builder());
        int port;
        try (ServerSocket closedSoon = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closedSoon.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";

        assertThat(fails(engine.fetch(FetchRequest.get(url))).error()).isEqualTo(FetchError.COULDNT_CONNECT);
        eventually().until(() -> listener.ended(url));

        assertThat(listener.namesFor(url)).containsExactly("connectStart", "connectFailed", "transferFailed");
        assertThat(listener.first(url, "connectFailed").arg(0)).isEqualTo(new InetSocketAddress(ip("127.0.0.1"), port));
        assertThat(listener.first(url, "transferFailed").args()).containsExactly(FetchError.COULDNT_CONNECT);
    }

    @Test
    void aNameThatDoesNotResolveHearsDnsFailedThenTransferFailed() throws Exception {
        FetchEngine engine = engine(MultiOptions.builder().hostResolver(FakeDns.none()));
        String url = "http://nowhere.test/";

        assertThat(fails(engine.fetch(FetchRequest.get(url))).error()).isEqualTo(FetchError.COULDNT_RESOLVE_HOST);
        eventually().until(() -> listener.ended(url));

        assertThat(listener.namesFor(url)).containsExactly("dnsStart", "dnsFailed", "transferFailed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dnsStart", "dnsEnd", "connectStart", "connectEnd", "connectionAcquired", "requestSent",
            "responseHeaders", "responseBodyEnd", "connectionReleased"})
    void aListenerThatThrowsInAnyStepBeforeTheEndAbortsTheTransfer(String step) throws Exception {
        server.defaultScript(ok("body"));
        listener.onEvent(event -> {
            if (event.name().equals(step)) {
                throw new IllegalStateException("listener fails in " + step);
            }
        });
        FetchEngine engine = engine(MultiOptions.builder().hostResolver(FakeDns.answering("localhost", "127.0.0.1")));
        String url = "http://localhost:" + server.port() + "/";

        FetchException failure = fails(engine.fetch(FetchRequest.get(url)));

        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(failure).hasMessageContaining("listener fails in " + step);
        eventually().until(() -> listener.ended(url));
        assertThat(listener.namesFor(url)).endsWith("transferFailed").doesNotContain("transferDone");
    }

    @Test
    @QuietLogs("dev.multifetch.core.multi.TransferRunner")
    void aListenerThatThrowsInTransferDoneDoesNotChangeTheOutcome() throws Exception {
        server.defaultScript(ok("body"));
        listener.onEvent(event -> {
            if (event.name().equals("transferDone")) {
                throw new IllegalStateException("listener fails after the end");
            }
        });
        FetchEngine engine = engine(MultiOptions.builder());

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/"))));
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url("/next"))));

        assertThat(response.bodyAsString()).isEqualTo("body");
        assertThat(next.connects()).as("the connection went back to the cache").isZero();
    }

    @Test
    void aListenerThatThrowsEndsThatTransferWithAbortedByCallbackWhileAnotherCompletes() throws Exception {
        CountDownLatch bothArrived = new CountDownLatch(2);
        server.defaultScript(script().run(bothArrived::countDown).await(bothArrived, WAIT).then(ok("body")));
        listener.onEvent(event -> {
            if (event.name().equals("responseHeaders") && event.url().endsWith("/boom")) {
                throw new IllegalStateException("listener fails on purpose");
            }
        });
        FetchEngine engine = engine(MultiOptions.builder());
        String boom = server.url("/boom");

        CompletableFuture<FetchResponse> failing = engine.fetch(FetchRequest.get(boom));
        CompletableFuture<FetchResponse> fine = engine.fetch(FetchRequest.get(server.url("/fine")));

        FetchException failure = fails(failing);
        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(failure).hasMessageContaining("listener fails on purpose");
        assertThat(succeeds(fine).bodyAsString()).isEqualTo("body");
        eventually().until(() -> listener.ended(boom));
        assertThat(listener.first(boom, "connectionReleased").arg(1)).as("kept").isEqualTo(false);
        assertThat(listener.namesFor(boom)).endsWith("transferFailed").doesNotContain("transferDone");
    }
}
