package dev.multifetch.core;

import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.multifetch.core.testing.OpenFiles;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine end to end over loopback: each body framing, connection reuse, request bodies, and
 * one test per way a transfer can fail. Every test ends with no running handle and no socket
 * left open.
 */
@Timeout(20)
class FetchEngineLoopbackTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private int baselineSockets;
    private Set<Thread> engineThreadsBefore;
    private ScriptedServer server;
    private FetchEngine engine;

    @BeforeEach
    void start() {
        baselineSockets = OpenFiles.sockets();
        engineThreadsBefore = engineThreads();
        server = new ScriptedServer();
        engine = FetchEngine.builder()
                .options(MultiOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .build();
    }

    @AfterEach
    @Timeout(20)
    void stop() {
        try {
            eventually().untilAsserted(() -> assertThat(engine.runningHandles()).isZero());
        } finally {
            try {
                engine.close();
            } finally {
                server.close();
            }
        }
        eventually().untilAsserted(() -> assertThat(OpenFiles.sockets())
                .as("open sockets after engine and server closed: %s", OpenFiles.socketTargets())
                .isLessThanOrEqualTo(baselineSockets));
        eventually().untilAsserted(() -> assertThat(engineThreads())
                .as("multifetch- threads alive after close").isSubsetOf(engineThreadsBefore));
    }

    @Test
    void whenContentLengthBodyThenWholeBodyStatusAndHeaders() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Length", "11");
        headers.put("X-Test", "first");
        headers.put("x-test", "second");
        server.defaultScript(script().sendResponse(200, headers, "hello world"));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/greeting?lang=en"))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.reason()).isEqualTo("OK");
        assertThat(response.httpVersion()).isEqualTo("HTTP/1.1");
        assertThat(response.bodyAsString()).isEqualTo("hello world");
        assertThat(response.headers().all("X-TEST")).containsExactly("first", "second");
        assertThat(response.effectiveUrl()).isEqualTo(server.url("/greeting?lang=en"));
        assertThat(response.connects()).isEqualTo(1);
        RecordedRequest request = server.awaitRequests(1).get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.target()).isEqualTo("/greeting?lang=en");
        assertThat(request.version()).isEqualTo("HTTP/1.1");
        assertThat(request.header("Host")).contains("127.0.0.1:" + server.port());
    }

    @Test
    void timingsAreInPhaseOrderAndStarttransferIncludesTheServerPause() throws Exception {
        server.defaultScript(script().pause(Duration.ofMillis(50)).then(ok("slow")));

        Timings t = succeeds(engine.fetch(FetchRequest.get(server.url("/slow")))).timings();

        assertThat(t.connect()).isGreaterThanOrEqualTo(t.namelookup());
        assertThat(t.pretransfer()).isGreaterThanOrEqualTo(t.connect());
        assertThat(t.starttransfer()).isGreaterThanOrEqualTo(t.pretransfer())
                .isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(t.total()).isGreaterThanOrEqualTo(t.starttransfer());
        assertThat(t.appconnect()).isEqualTo(Duration.ZERO);
    }

    @Test
    void whenBodyArrivesInPiecesThenSameBytes() throws Exception {
        byte[] body = randomBytes(256 * 1024);
        server.defaultScript(script()
                .send("HTTP/1.1 200 OK\r\nContent-Len")
                .pause(Duration.ofMillis(20))
                .send("gth: " + body.length + "\r\n\r\n")
                .send(Arrays.copyOfRange(body, 0, 1000))
                .pause(Duration.ofMillis(20))
                .send(Arrays.copyOfRange(body, 1000, body.length)));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/pieces"))));

        assertThat(response.body()).isEqualTo(body);
    }

    @Test
    void whenChunkedBodyWithExtensionAndTrailerThenBodyWithoutTrailer() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "6\r\n world\r\n"
                + "0\r\nX-Trailer: sentinel\r\n\r\n"));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/chunked"))));

        assertThat(response.bodyAsString()).isEqualTo("hello world");
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void afterChunkedBodyWithTrailerTheConnectionIsReused() throws Exception {
        server.dispatcher((index, request) -> index == 0
                ? script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3\r\none\r\n0\r\nX-Trailer: t\r\n\r\n")
                : ok("two"));

        succeeds(engine.fetch(FetchRequest.get(server.url("/1"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/2"))));

        assertThat(second.bodyAsString()).isEqualTo("two");
        assertThat(second.connects()).isZero();
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void whenNeitherLengthNorChunkedThenBodyEndsAtClose() throws Exception {
        server.defaultScript(script()
                .send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ")
                .pause(Duration.ofMillis(20))
                .send("close")
                .close());

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/a"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/b"))));

        assertThat(first.bodyAsString()).isEqualTo("until close");
        assertThat(second.bodyAsString()).isEqualTo("until close");
        assertThat(second.connects()).as("a close-delimited connection cannot be reused").isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void whenTwoSequentialFetchesThenOneConnectionIsReused() throws Exception {
        server.dispatcher((index, request) -> ok("response " + index));

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(first.bodyAsString()).isEqualTo("response 0");
        assertThat(second.bodyAsString()).isEqualTo("response 1");
        assertThat(first.connects()).isEqualTo(1);
        assertThat(second.connects()).isZero();
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(server.requests()).extracting(RecordedRequest::connectionId).containsExactly(1, 1);
    }

    @Test
    void whenServerSaysConnectionCloseThenNextFetchOpensNewConnection() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Length", "3");
        headers.put("Connection", "close");
        server.defaultScript(script().sendResponse(200, headers, "bye").close());

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(first.bodyAsString()).isEqualTo("bye");
        assertThat(second.bodyAsString()).isEqualTo("bye");
        assertThat(first.connects()).isEqualTo(1);
        assertThat(second.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void whenHttp10ResponseWithoutKeepAliveThenConnectionIsNotReused() throws Exception {
        server.defaultScript(script().send("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"));

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(first.httpVersion()).isEqualTo("HTTP/1.0");
        assertThat(second.bodyAsString()).isEqualTo("hi");
        assertThat(second.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void whenServerClosedTheIdleConnectionThenNextFetchSucceedsOnANewOne() throws Exception {
        server.dispatcher((index, request) -> ok("from connection " + request.connectionId()).close());

        succeeds(engine.fetch(FetchRequest.get(server.url("/first"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(server.url("/second"))));

        assertThat(second.bodyAsString()).isEqualTo("from connection 2");
        assertThat(second.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(2);
    }

    @Test
    void whenPostWithBodyThenServerGetsContentLengthAndExactBytes() throws Exception {
        byte[] body = randomBytes(300 * 1024);
        server.defaultScript(script().sendResponse(201, Map.of("Content-Length", "7"), "created"));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/upload"))
                .method("POST", body)
                .header("Content-Type", "application/octet-stream")
                .build()));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.bodyAsString()).isEqualTo("created");
        RecordedRequest request = server.awaitRequests(1).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.headers("Content-Length")).containsExactly(Integer.toString(body.length));
        assertThat(request.header("Transfer-Encoding")).isEmpty();
        assertThat(request.header("Content-Type")).contains("application/octet-stream");
        assertThat(request.body()).isEqualTo(body);
    }

    @Test
    void whenHeadThenNoBodyEvenWithContentLengthAndConnectionStillUsable() throws Exception {
        server.dispatcher((index, request) -> request.method().equals("HEAD")
                ? script().send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                : ok("after head"));

        FetchResponse head = succeeds(engine.fetch(FetchRequest.builder(server.url("/doc")).head().build()));
        FetchResponse get = succeeds(engine.fetch(FetchRequest.get(server.url("/next"))));

        assertThat(head.body()).isEmpty();
        assertThat(head.headers().first("Content-Length")).contains("1000");
        assertThat(server.awaitRequests(1).get(0).method()).isEqualTo("HEAD");
        assertThat(get.bodyAsString()).isEqualTo("after head");
        assertThat(server.connectionCount()).isEqualTo(1);
    }

    @Test
    void whenNothingListensThenCouldntConnect() throws Exception {
        int port;
        try (ServerSocket closedSoon = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closedSoon.getLocalPort();
        }

        FetchException failure = fails(engine.fetch(FetchRequest.get("http://127.0.0.1:" + port + "/")));

        assertThat(failure.error()).isEqualTo(FetchError.COULDNT_CONNECT);
    }

    @Test
    void whenHostDoesNotResolveThenCouldntResolveHost() throws Exception {
        FetchException failure = fails(engine.fetch(FetchRequest.get("http://nonexistent.invalid/")));

        assertThat(failure.error()).isEqualTo(FetchError.COULDNT_RESOLVE_HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://exa mple.com/", "http://:80/", "http://127.0.0.1:99999/", "http://[::1/"})
    void whenUrlIsMalformedThenUrlMalformat(String url) throws Exception {
        FetchException failure = fails(engine.fetch(FetchRequest.get(url)));

        assertThat(failure.error()).isEqualTo(FetchError.URL_MALFORMAT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/x\r\nX-Injected: yes", "/tab\there"})
    void whenPathWouldBreakTheRequestLineThenUrlMalformatAndNoConnection(String path) throws Exception {
        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url(path))));

        assertThat(failure.error()).isEqualTo(FetchError.URL_MALFORMAT);
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void whenSchemeIsNotHttpThenUnsupportedProtocolAndNoConnection() throws Exception {
        FetchException failure = fails(engine.fetch(FetchRequest.get("ftp://127.0.0.1:" + server.port() + "/file")));

        assertThat(failure.error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
        assertThat(server.connectionCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n"})
    void whenServerSendsGarbageInsteadOfStatusLineThenWeirdServerReply(String garbage) throws Exception {
        server.defaultScript(script().send(garbage).stall());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/garbage"))));

        assertThat(failure.error()).isEqualTo(FetchError.WEIRD_SERVER_REPLY);
    }

    @Test
    void whenServerClosesWithoutAByteThenGotNothing() throws Exception {
        server.defaultScript(script().close());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/nothing"))));

        assertThat(failure.error()).isEqualTo(FetchError.GOT_NOTHING);
        assertThat(server.awaitRequests(1)).hasSize(1);
    }

    @Test
    void whenServerClosesMidBodyThenPartialFile() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b").close());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/short"))));

        assertThat(failure.error()).isEqualTo(FetchError.PARTIAL_FILE);
    }

    @Test
    void whenServerHalfClosesMidBodyThenPartialFileWithoutWaitingForClose() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
                .halfClose().stall());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/short"))));

        assertThat(failure.error()).isEqualTo(FetchError.PARTIAL_FILE);
    }

    @Test
    void whenServerClosesMidChunkThenPartialFile() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nfive!").close());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/chunk"))));

        assertThat(failure.error()).isEqualTo(FetchError.PARTIAL_FILE);
    }

    @Test
    void whenServerResetsMidBodyThenRecvError() throws Exception {
        // curl: a read failing with ECONNRESET is CURLE_RECV_ERROR, not a short body
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
                .pause(Duration.ofMillis(20)).reset());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/reset"))));

        assertThat(failure.error()).isEqualTo(FetchError.RECV_ERROR);
    }

    @Test
    void whenChunkSizeIsNotHexThenRecvErrorQuotingIt() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nhello\r\n0\r\n\r\n").stall());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/bad-chunk"))));

        assertThat(failure.error()).isEqualTo(FetchError.RECV_ERROR);
        assertThat(failure).hasMessageContaining("zz");
    }

    @Test
    void whenServerStallsThenOnlyThatTransferTimesOut() throws Exception {
        CountDownLatch stalledArrived = new CountDownLatch(1);
        server.dispatcher((index, request) -> request.target().equals("/stall")
                ? script().run(stalledArrived::countDown).stall()
                : script().await(stalledArrived, WAIT).then(ok("healthy")));

        long started = System.nanoTime();
        CompletableFuture<FetchResponse> stalled = engine.fetch(
                FetchRequest.builder(server.url("/stall")).timeout(Duration.ofMillis(300)).build());
        CompletableFuture<FetchResponse> healthy = engine.fetch(FetchRequest.get(server.url("/healthy")));

        FetchException failure = fails(stalled);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        assertThat(failure.error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
        assertThat(elapsed).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
        assertThat(succeeds(healthy).bodyAsString()).isEqualTo("healthy");
        eventually().untilAsserted(() -> assertThat(engine.runningHandles()).isZero());
        assertThat(engine.isRunning()).isTrue();
    }

    @Test
    void whenFetchFailsThenEngineKeepsServingOtherTransfers() throws Exception {
        server.dispatcher((index, request) -> request.target().equals("/broken")
                ? script().send("garbage\r\n").stall()
                : ok("fine"));

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/broken"))));
        FetchResponse after = succeeds(engine.fetch(FetchRequest.get(server.url("/fine"))));

        // not HTTP/1.x at all: the HTTP/0.9 reply curl refuses
        assertThat(failure.error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
        assertThat(after.bodyAsString()).isEqualTo("fine");
        assertThat(server.connectionCount()).as("a connection that failed is never reused").isEqualTo(2);
    }

    @Test
    void whenFutureCompletesThenDependentsDoNotRunOnTheSelectorThread() throws Exception {
        CountDownLatch dependentAttached = new CountDownLatch(1);
        server.defaultScript(script().await(dependentAttached, WAIT).then(ok("done")));

        CompletableFuture<String> completingThread = engine.fetch(FetchRequest.get(server.url("/thread")))
                .thenApply(response -> Thread.currentThread().getName());
        dependentAttached.countDown();

        assertThat(completingThread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .doesNotStartWith("multifetch-selector");
    }

    private static FetchResponse succeeds(CompletableFuture<FetchResponse> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The FetchException the future failed with; fails the test if it succeeded or failed otherwise. */
    private static FetchException fails(CompletableFuture<FetchResponse> future) {
        Throwable thrown = catchThrowable(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(thrown).as("outcome of the fetch").isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FetchException.class);
        return (FetchException) thrown.getCause();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    /** Live threads named {@code multifetch-*}; ones other test classes left behind are in the "before" snapshot. */
    private static Set<Thread> engineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("multifetch-"))
                .collect(Collectors.toSet());
    }

    /** Polls every 10 ms, from the first moment, for up to ten seconds. */
    private static ConditionFactory eventually() {
        return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(WAIT);
    }
}
