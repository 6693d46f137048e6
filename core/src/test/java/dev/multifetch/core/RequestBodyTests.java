package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.HeadFirstServer;
import dev.multifetch.core.testing.HeadFirstServer.Exchange;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request bodies end to end: every method that may carry one, bodies from bytes, text, a file
 * and a stream (chunked when its length is unknown), a source that fails or lies about its
 * length, and {@code Expect: 100-continue} with each answer a server may give (curl test 357).
 */
@Timeout(20)
class RequestBodyTests {

    private static final int BIGGER_THAN_ONE_READ = 3 * 64 * 1024 + 7;
    /** A transfer that should fail at once but waits for the server instead ends here (a timeout, not a hang). */
    private static final Duration NO_HANG = Duration.ofSeconds(3);

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);

    private RecordedRequest sentTo(ScriptedServer server, FetchRequest.Builder request) throws Exception {
        assertThat(succeeds(engine.fetch(request.build())).status()).isEqualTo(200);
        return server.awaitRequests(1).get(0);
    }

    private ScriptedServer answeringOk() {
        return loopback.server().defaultScript(ok("stored"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "PATCH", "DELETE", "OPTIONS"})
    void methodsBesidesPostSendTheirTextBodyAsUtf8WithContentLength(String method) throws Exception {
        ScriptedServer server = answeringOk();
        byte[] utf8 = "naïve café ✓".getBytes(StandardCharsets.UTF_8);

        RecordedRequest request = sentTo(server, FetchRequest.builder(server.url("/r")).method(method).body("naïve café ✓"));

        assertThat(request.method()).isEqualTo(method);
        assertThat(request.headers("Content-Length")).containsExactly(Integer.toString(utf8.length));
        assertThat(request.header("Transfer-Encoding")).isEmpty();
        assertThat(request.body()).isEqualTo(utf8);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {"PUT, 0", "PATCH, 0", "DELETE, none", "OPTIONS, none", "GET, none"})
    void withoutABodyOnlyMethodsThatExpectOneSendAZeroContentLength(String method, String contentLength)
            throws Exception {
        ScriptedServer server = answeringOk();

        RecordedRequest request = sentTo(server, FetchRequest.builder(server.url("/r")).method(method));

        assertThat(request.header("Content-Length")).isEqualTo(Optional.ofNullable(contentLength));
        assertThat(request.body()).isEmpty();
    }

    @Test
    void whenBodyIsAFileThenItsSizeIsTheContentLengthAndItsBytesArriveExactly(@TempDir Path dir) throws Exception {
        ScriptedServer server = answeringOk();
        byte[] content = Bodies.random(BIGGER_THAN_ONE_READ);
        Path file = Files.write(dir.resolve("upload.bin"), content);

        RecordedRequest request = sentTo(server, FetchRequest.builder(server.url("/file")).method("PUT")
                .body(RequestBody.ofFile(file)));

        assertThat(request.headers("Content-Length")).containsExactly(Integer.toString(content.length));
        assertThat(request.body()).isEqualTo(content);
    }

    @Test
    void whenStreamLengthIsKnownThenItIsTheContentLengthAndNothingIsChunked() throws Exception {
        ScriptedServer server = answeringOk();
        byte[] content = Bodies.random(BIGGER_THAN_ONE_READ);

        RecordedRequest request = sentTo(server, FetchRequest.builder(server.url("/stream")).method("POST")
                .body(RequestBody.ofStream(trickling(content), content.length)));

        assertThat(request.headers("Content-Length")).containsExactly(Integer.toString(content.length));
        assertThat(request.header("Transfer-Encoding")).isEmpty();
        assertThat(request.body()).isEqualTo(content);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5000, BIGGER_THAN_ONE_READ})
    void whenStreamLengthIsUnknownThenTheBodyArrivesInWellFormedChunks(int size) throws Exception {
        byte[] content = Bodies.random(size);
        AtomicReference<HeadFirstServer.Chunked> received = new AtomicReference<>();
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange -> {
            received.set(exchange.readChunked());
            exchange.respond(200, "stored");
        }));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/chunked")).method("POST")
                .body(RequestBody.ofStream(trickling(content), -1)).build()));

        assertThat(response.status()).isEqualTo(200);
        Exchange exchange = server.exchanges().get(0);
        assertThat(exchange.header("Transfer-Encoding")).contains("chunked");
        assertThat(exchange.header("Content-Length")).isEmpty();
        assertThat(received.get().payload()).isEqualTo(content);
        assertThat(received.get().chunkSizes()).allSatisfy(n -> assertThat(n).isBetween(1, 64 * 1024));
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void whenUnknownLengthStreamIsEmptyThenOnlyTheLastChunkIsSent() throws Exception {
        AtomicReference<HeadFirstServer.Chunked> received = new AtomicReference<>();
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange -> {
            received.set(exchange.readChunked());
            exchange.respond(200, "empty");
        }));

        succeeds(engine.fetch(FetchRequest.builder(server.url("/empty")).method("POST")
                .body(RequestBody.ofStream(() -> InputStream.nullInputStream(), -1)).build()));

        assertThat(received.get().chunkSizes()).isEmpty();
        assertThat(received.get().payload()).isEmpty();
    }

    static Stream<Arguments> lyingStreams() {
        return Stream.of(
                Arguments.of("shorter than declared", 10, 100L),
                Arguments.of("longer than declared", 200, 100L),
                Arguments.of("longer by more than a read", BIGGER_THAN_ONE_READ, 64L * 1024));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lyingStreams")
    void whenStreamLengthIsNotTheDeclaredOneThenReadErrorAndTheConnectionIsNotReused(String name, int actual,
                                                                                     long declared) throws Exception {
        ScriptedServer server = answeringOk();
        byte[] content = Bodies.random(actual);

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/lying")).method("PUT")
                .body(RequestBody.ofStream(() -> new ByteArrayInputStream(content), declared)).timeout(NO_HANG).build()));

        assertThat(failure.error()).isEqualTo(FetchError.READ_ERROR);
        assertThat(failure).hasMessageContaining("declared " + declared);
        assertNextFetchOpensANewConnection(server);
    }

    static Stream<Arguments> failingSources() {
        Supplier<InputStream> failsOnOpen = () -> {
            throw new UncheckedIOException(new IOException("disk gone"));
        };
        byte[] first = Bodies.random(BIGGER_THAN_ONE_READ);
        Supplier<InputStream> failsAfterAWhile = () -> new SequenceThenFailure(first, "disk gone");
        return Stream.of(
                Arguments.of("fails on open, known length", failsOnOpen, 100L),
                Arguments.of("fails on open, chunked", failsOnOpen, -1L),
                Arguments.of("fails after some chunks, known length", failsAfterAWhile, 4L * BIGGER_THAN_ONE_READ),
                Arguments.of("fails after some chunks, chunked", failsAfterAWhile, -1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failingSources")
    void whenBodySourceThrowsThenReadErrorNamingTheCauseAndTheConnectionIsNotReused(
            String name, Supplier<InputStream> source, long length) throws Exception {
        ScriptedServer server = answeringOk();

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/failing")).method("POST")
                .body(RequestBody.ofStream(source, length)).build()));

        assertThat(failure.error()).isEqualTo(FetchError.READ_ERROR);
        assertThat(failure).hasMessageContaining("disk gone");
        assertNextFetchOpensANewConnection(server);
    }

    private void assertNextFetchOpensANewConnection(ScriptedServer server) throws Exception {
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url("/next"))));
        assertThat(next.connects()).as("connections opened by the fetch after the failure").isEqualTo(1);
    }

    // ---- Expect: 100-continue ----

    static Stream<Arguments> heldBodies() {
        byte[] content = Bodies.random(BIGGER_THAN_ONE_READ);
        return Stream.of(
                Arguments.of("in memory", RequestBody.of(content), content),
                Arguments.of("chunked stream", RequestBody.ofStream(() -> new ByteArrayInputStream(content), -1), content));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heldBodies")
    void whenServerAnswers100ContinueThenTheBodyFollowsAtOnce(String name, RequestBody body, byte[] content)
            throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        AtomicReference<Duration> waited = new AtomicReference<>();
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange -> {
            exchange.send("HTTP/1.1 100 Continue\r\n\r\n");
            received.set(exchange.readBody());
            waited.set(Duration.ofNanos(System.nanoTime() - exchange.headReadNanos()));
            exchange.respond(201, "created");
        }));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/expect")).method("PUT")
                .body(body).expectContinue(true).build()));

        assertThat(response.status()).isEqualTo(201);
        assertThat(server.exchanges().get(0).header("Expect")).contains("100-continue");
        assertThat(received.get()).isEqualTo(content);
        assertThat(waited.get()).as("time from head to whole body").isLessThan(Duration.ofMillis(800));
    }

    @Test
    void whenABodyHeldFor100ContinueIsShorterThanDeclaredThenReadError() throws Exception {
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange -> {
            exchange.send("HTTP/1.1 100 Continue\r\n\r\n");
            exchange.readBody();
            exchange.respond(200, "never");
        }));

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/short")).method("PUT")
                .body(RequestBody.ofStream(() -> new ByteArrayInputStream(new byte[10]), 100)).expectContinue(true)
                .timeout(NO_HANG).build()));

        assertThat(failure.error()).isEqualTo(FetchError.READ_ERROR);
        assertThat(failure).hasMessageContaining("declared 100");
    }

    @Test
    void whenServerIgnoresExpectThenTheBodyFollowsAfterAboutASecond() throws Exception {
        byte[] content = Bodies.random(5000);
        AtomicReference<byte[]> received = new AtomicReference<>();
        AtomicReference<Duration> waited = new AtomicReference<>();
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange -> {
            received.set(exchange.readBody());
            waited.set(Duration.ofNanos(System.nanoTime() - exchange.headReadNanos()));
            exchange.respond(200, "ok");
        }));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/no-expect"))
                .post(content).expectContinue(true).build()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(received.get()).isEqualTo(content);
        assertThat(waited.get()).as("time from head to whole body").isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
    }

    @Test
    void whenServerAnswers417ThenTheRequestIsRepeatedWithoutExpectAndSucceeds() throws Exception {
        // curl test 357
        byte[] content = Bodies.random(5000);
        AtomicReference<byte[]> received = new AtomicReference<>();
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange -> {
            if (exchange.header("Expect").isPresent()) {
                exchange.respond(417, "");
            } else {
                received.set(exchange.readBody());
                exchange.respond(200, "stored without expect");
            }
        }));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(server.url("/417")).method("PUT")
                .body(content).expectContinue(true).build()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("stored without expect");
        assertThat(server.exchanges()).hasSize(2).allSatisfy(e -> assertThat(e.method()).isEqualTo("PUT"));
        assertThat(server.exchanges().get(1).header("Expect")).isEmpty();
        assertThat(received.get()).isEqualTo(content);
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void whenServerAnswersAFinal401WithoutReadingTheBodyThenThe401IsReturnedAndTheConnectionIsNotReused()
            throws Exception {
        HeadFirstServer server = loopback.closeAfter(new HeadFirstServer(exchange ->
                exchange.respond(exchange.method().equals("POST") ? 401 : 200, "answer " + exchange.connectionId())));

        FetchResponse refused = succeeds(engine.fetch(FetchRequest.builder(server.url("/private"))
                .post(Bodies.random(5000)).expectContinue(true).build()));
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url("/public"))));

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.bodyAsString()).isEqualTo("answer 1");
        assertThat(next.bodyAsString()).as("the body never sent would be the next request's start").isEqualTo("answer 2");
        assertThat(server.failures()).isEmpty();
    }

    @Test
    void whenBodyIsEmptyThenNoExpectIsSent() throws Exception {
        ScriptedServer server = answeringOk();

        RecordedRequest request = sentTo(server, FetchRequest.builder(server.url("/empty")).post(new byte[0])
                .expectContinue(true));

        assertThat(request.header("Expect")).isEmpty();
        assertThat(request.headers("Content-Length")).containsExactly("0");
    }

    /** A source that hands out {@code content} at most 1000 bytes per read. */
    private static Supplier<InputStream> trickling(byte[] content) {
        return () -> new FilterInputStream(new ByteArrayInputStream(content)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
    }

    /** Gives {@code first}, then fails every read with an IOException saying {@code why}. */
    private static final class SequenceThenFailure extends InputStream {

        private final InputStream first;
        private final String why;

        SequenceThenFailure(byte[] first, String why) {
            this.first = new ByteArrayInputStream(first);
            this.why = why;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = first.read(b, off, len);
            if (n < 0) {
                throw new IOException(why);
            }
            return n;
        }
    }
}
