package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.WAIT;
import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import dev.multifetch.core.testing.ScriptedServer.Script;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection cache: keep-alive reuse, what is never reused, the one transparent retry of a
 * safe request on a reused connection the server had given up on, and idle connections closed by
 * age and by the cache size.
 */
@Timeout(20)
class ConnectionReuseTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer server = loopback.server();

    private FetchEngine engine(MultiOptions.Builder options) {
        return loopback.engine(options.build());
    }

    private FetchEngine engine() {
        return engine(MultiOptions.builder());
    }

    @Test
    void twoSequentialGetsShareOneConnection() throws Exception {
        FetchEngine engine = engine();
        server.dispatcher((index, request) -> ok("response " + index));

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/1"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/2"))));

        assertThat(first.connects()).isEqualTo(1);
        assertThat(second.connects()).isZero();
        assertThat(second.bodyAsString()).isEqualTo("response 1");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void whenServerClosesTheIdleConnectionAfterAPauseThenTheNextGetStillSucceeds() throws Exception {
        FetchEngine engine = engine();
        server.dispatcher((index, request) -> ok("from connection " + request.connectionId())
                .pause(Duration.ofMillis(100)).close());

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        eventually().until(() -> server.openConnectionCount() == 0);
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(second.bodyAsString()).isEqualTo("from connection 2");
        assertThat(second.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void whenServerClosesAnIdleConnectionThenTheEngineDropsItWithoutWaitingForAFetch() throws Exception {
        FetchEngine engine = engine();
        CountDownLatch mayClose = new CountDownLatch(1);
        server.defaultScript(ok("soon closed").await(mayClose, WAIT).close());

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        eventually().until(() -> engine.idleConnections() == 1);
        mayClose.countDown();

        eventually().until(() -> engine.idleConnections() == 0 && engine.openConnections() == 0);
    }

    @Test
    void whenServerClosesAfterReadingTheSecondRequestThenTheGetIsRetriedOnceOnAFreshConnection() throws Exception {
        FetchEngine engine = engine();
        server.dispatcher((index, request) -> request.connectionId() == 1 && index == 1
                ? script().close()
                : ok(request.target() + " on connection " + request.connectionId()));

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(second.bodyAsString()).isEqualTo("/second on connection 2");
        assertThat(second.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
        assertThat(server.requests()).extracting(RecordedRequest::target, RecordedRequest::connectionId)
                .containsExactly(tuple("/first", 1), tuple("/second", 1), tuple("/second", 2));
    }

    @Test
    void whenTheRetryMeetsAnEmptyCloseTooThenGotNothingAfterExactlyOneRetry() throws Exception {
        FetchEngine engine = engine();
        server.dispatcher((index, request) -> request.connectionId() == 1 && index == 0
                ? ok("first")
                : script().close());

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(failure.error()).isEqualTo(FetchError.GOT_NOTHING);
        assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/first", "/second", "/second");
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void whenEveryCachedConnectionHasGoneStaleThenTheRetryStillGetsAFreshConnection() throws Exception {
        FetchEngine engine = engine();
        CountDownLatch bothArrived = new CountDownLatch(2);
        server.dispatcher((index, request) -> index == 0
                ? script().run(bothArrived::countDown).await(bothArrived, WAIT).then(ok("fresh " + request.connectionId()))
                : script().close());
        CompletableFuture<FetchResponse> one = engine.fetch(FetchRequest.get(server.url("/one")));
        CompletableFuture<FetchResponse> two = engine.fetch(FetchRequest.get(server.url("/two")));
        succeeds(one);
        succeeds(two);
        eventually().until(() -> engine.idleConnections() == 2);

        FetchResponse third = succeeds(engine.fetch(FetchRequest.get(server.url("/third"))));

        assertThat(third.bodyAsString()).isEqualTo("fresh 3");
        assertThat(third.connects()).isEqualTo(1);
    }

    @Test
    void whenPostMeetsAnEmptyCloseOnAReusedConnectionThenGotNothingWithoutRetry() throws Exception {
        FetchEngine engine = engine();
        server.dispatcher((index, request) -> index == 0 ? ok("first") : script().close());

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/order"))
                .post("one order".getBytes()).build()));

        assertThat(failure.error()).isEqualTo(FetchError.GOT_NOTHING);
        assertThat(server.requests()).extracting(RecordedRequest::method).containsExactly("GET", "POST");
        assertThat(server.connectionCount()).as("a POST is never sent twice").isEqualTo(1);
    }

    @Test
    void whenAReusedConnectionEndsMidResponseThenPartialFileWithoutRetry() throws Exception {
        FetchEngine engine = engine();
        server.dispatcher((index, request) -> index == 0
                ? ok("first")
                : script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b").close());

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(failure.error()).isEqualTo(FetchError.PARTIAL_FILE);
        assertThat(server.requests()).hasSize(2);
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    static Stream<Arguments> responsesThatEndTheConnection() {
        return Stream.of(
                Arguments.of("Connection: close, server keeps the socket open",
                        script().send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi"), true),
                Arguments.of("HTTP/1.0 without keep-alive, server keeps the socket open",
                        script().send("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"), true),
                Arguments.of("body delimited by the close",
                        script().send("HTTP/1.1 200 OK\r\n\r\nhi").close(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responsesThatEndTheConnection")
    void aConnectionWhoseResponseEndsItIsClosedByTheEngineAndNeverReused(String why, Script response,
                                                                         boolean serverKeepsItOpen) throws Exception {
        FetchEngine engine = engine();
        server.defaultScript(response);

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        if (serverKeepsItOpen) {
            eventually().until(() -> server.clientClosedCount() == 1);
        }
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(first.bodyAsString()).isEqualTo("hi");
        assertThat(second.bodyAsString()).isEqualTo("hi");
        assertThat(second.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
        eventually().until(() -> engine.idleConnections() == 0);
    }

    @Test
    void anHttp10ResponseWithKeepAliveIsReused() throws Exception {
        FetchEngine engine = engine();
        server.defaultScript(script().send("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"));

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(second.connects()).isZero();
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void anIdleConnectionIsClosedOnceItOutlivesMaxIdleAge() throws Exception {
        Duration maxIdleAge = Duration.ofMillis(200);
        FetchEngine engine = engine(MultiOptions.builder().maxIdleAge(maxIdleAge));
        server.defaultScript(ok("kept for a while"));

        long start = System.nanoTime();
        succeeds(engine.fetch(FetchRequest.get(server.url("/once"))));
        eventually().until(() -> server.clientClosedCount() == 1);
        Duration untilClosed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(untilClosed).as("idle connection closed after").isBetween(maxIdleAge, Duration.ofSeconds(2));
        eventually().until(() -> engine.idleConnections() == 0 && engine.openConnections() == 0);
    }

    @Test
    void withMaxConnectsOneOnlyOneIdleConnectionIsKeptAndTheOthersAreClosed() throws Exception {
        FetchEngine engine = engine(MultiOptions.builder().maxConnects(1));
        CountDownLatch allThreeArrived = new CountDownLatch(3);
        server.defaultScript(script().run(allThreeArrived::countDown).await(allThreeArrived, WAIT).then(ok("held")));

        List<CompletableFuture<FetchResponse>> together = IntStream.range(0, 3)
                .mapToObj(i -> engine.fetch(FetchRequest.get(server.url("/together/" + i)))).toList();
        for (CompletableFuture<FetchResponse> future : together) {
            succeeds(future);
        }

        assertThat(server.connectionCount()).isEqualTo(3);
        eventually().until(() -> server.clientClosedCount() == 2 && server.openConnectionCount() == 1);
        eventually().until(() -> engine.idleConnections() == 1);
        FetchResponse afterwards = succeeds(engine.fetch(FetchRequest.get(server.url("/after"))));
        assertThat(afterwards.connects()).as("the one kept connection is reused").isZero();
    }


    @Test
    void aServerThatClosesAfterEveryResponseWithoutSayingSoIsProbedBeforeItsConnectionsAreReused() throws Exception {
        // tinyproxy's way: an HTTP/1.1 response with a length and no "Connection: close", then a close
        server.dispatcher((index, request) -> ok("once").close());
        java.util.concurrent.atomic.AtomicInteger reused = new java.util.concurrent.atomic.AtomicInteger();
        FetchEngine engine = engine(MultiOptions.builder().listener(new FetchListener() {
            @Override
            public void connectionAcquired(Transfer transfer, long connectionId, boolean wasReused) {
                if (wasReused) {
                    reused.incrementAndGet();
                }
            }
        }));

        List<CompletableFuture<Void>> loops = IntStream.range(0, 8).mapToObj(i -> CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 50; n++) {
                engine.fetch(FetchRequest.get(server.url("/" + i + "/" + n))).join();
            }
        })).toList();
        for (CompletableFuture<Void> loop : loops) {
            loop.get(WAIT.toMillis() * 3, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        assertThat(server.requests()).hasSize(400);
        assertThat(reused.get()).as("requests sent on a connection the server had closed").isLessThan(20);
    }
}
