package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Framing;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.OpenFiles;
import dev.multifetch.core.testing.RecordingConsumer;
import dev.multifetch.core.testing.ScriptedServer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Response bodies streamed to a {@link BodyConsumer} (libcurl's write callback): every byte in
 * order whatever the framing and however the bytes arrive, back-pressure while the consumer is
 * paused, writing to a file, a consumer that throws, and the body size limit on what is delivered.
 */
@Timeout(20)
class ResponseBodyTests {

    private static final int MIB = 1024 * 1024;
    private static final int READ_BUFFER = 64 * 1024;

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    private CompletableFuture<FetchResponse> fetchInto(BodyConsumer consumer, String path) {
        return engine.fetch(FetchRequest.builder(server.url(path)).bodyConsumer(consumer).build());
    }

    static Stream<Arguments> framingsAndDeliveries() {
        return Delivery.crossedWith(Stream.of(Framing.values()).map(Arguments::of));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("framingsAndDeliveries")
    void aConsumerGetsTheWholeBodyInOrderWhateverTheFramingAndDelivery(Framing framing, Delivery delivery)
            throws Exception {
        byte[] body = Bodies.random(delivery == Delivery.ONE_BYTE_PER_WRITE ? 3000 : MIB + 17);
        server.defaultScript(framing.respond(delivery, body));
        RecordingConsumer consumer = new RecordingConsumer();

        FetchResponse response = succeeds(fetchInto(consumer, "/body"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).as("the body went to the consumer").isEmpty();
        assertThat(consumer.starts()).containsExactly(200);
        assertThat(consumer.bytes()).isEqualTo(body);
        assertThat(consumer.completes()).isEqualTo(1);
        assertThat(consumer.aborts()).isZero();
    }

    @Test
    void whenConsumerPausesThenTheServerIsHeldBackUntilItResumesFromAnotherThread() throws Exception {
        byte[] body = Bodies.random(32 * MIB);
        CountDownLatch allSent = new CountDownLatch(1);
        server.dispatcher((index, request) -> request.target().equals("/big")
                ? script().send(Delivery.ok("", body)).run(allSent::countDown)
                : ok("not blocked"));
        RecordingConsumer consumer = new RecordingConsumer().pauseOnceAt(1);

        CompletableFuture<FetchResponse> paused = engine.fetch(FetchRequest.builder(server.url("/big"))
                .bodyConsumer(consumer).maxBodySize(64 * MIB).build());
        eventually().until(consumer::paused);
        long atPause = consumer.received();
        eventually().during(Duration.ofMillis(300)).until(() -> allSent.getCount() == 1 && consumer.received() == atPause);
        FetchResponse other = succeeds(engine.fetch(FetchRequest.get(server.url("/other"))));
        consumer.resume();
        FetchResponse response = succeeds(paused);

        assertThat(atPause).as("bytes delivered before the pause took hold").isLessThanOrEqualTo(READ_BUFFER);
        assertThat(other.bodyAsString()).as("a paused transfer does not stall the engine").isEqualTo("not blocked");
        assertThat(response.status()).isEqualTo(200);
        assertThat(allSent.getCount()).isZero();
        assertThat(consumer.bytes()).isEqualTo(body);
        assertThat(consumer.callsWhilePaused()).isZero();
    }

    static Stream<Arguments> bodiesDeliveredInManyPiecesPerRead() {
        byte[] text = Bodies.text(4 * MIB);
        return Stream.of(
                Arguments.of("content length", Delivery.ok("", text), text, false),
                Arguments.of("1000-byte chunks", Delivery.response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked",
                        Delivery.chunked(text, 1000)), text, false),
                Arguments.of("gzip", Delivery.ok("Content-Encoding: gzip\r\n", Bodies.gzip(text)), text, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiesDeliveredInManyPiecesPerRead")
    void whenConsumerPausesThenItGetsNoMoreDataUntilItResumes(String name, byte[] response, byte[] body,
                                                              boolean gzip) throws Exception {
        server.defaultScript(script().send(response));
        RecordingConsumer consumer = new RecordingConsumer().pauseOnceAt(1);
        FetchRequest.Builder request = FetchRequest.builder(server.url("/paused")).bodyConsumer(consumer);
        if (gzip) {
            request.acceptEncoding("gzip");
        }

        CompletableFuture<FetchResponse> future = engine.fetch(request.build());
        eventually().until(consumer::paused);
        awaitNoMoreData(consumer);
        consumer.resume();
        succeeds(future);

        assertThat(consumer.callsWhilePaused()).as("onData calls after it returned false, before resume()").isZero();
        assertThat(consumer.bytes()).isEqualTo(body);
    }

    /** Waits until the consumer has received nothing new for 100 ms. */
    private static void awaitNoMoreData(RecordingConsumer consumer) {
        long[] last = {-1};
        eventually().during(Duration.ofMillis(100)).until(() -> {
            long now = consumer.received();
            boolean same = now == last[0];
            last[0] = now;
            return same;
        });
    }

    @Test
    void toFileWritesTheWholeBodyAndClosesTheFile(@TempDir Path dir) throws Exception {
        byte[] body = Bodies.random(MIB + 3);
        server.defaultScript(Framing.CHUNKED.respond(Delivery.WHOLE, body));
        Path file = dir.resolve("download.bin");

        FetchResponse response = succeeds(fetchInto(BodyConsumer.toFile(file), "/file"));

        assertThat(response.body()).isEmpty();
        assertThat(Files.readAllBytes(file)).isEqualTo(body);
        assertThat(OpenFiles.targets()).doesNotContain(file.toString());
    }

    @Test
    void whenTransferFailsMidBodyThenToFileKeepsWhatArrivedAndClosesTheFile(@TempDir Path dir) throws Exception {
        byte[] part = Bodies.random(5000);
        server.defaultScript(script().send(Delivery.response("HTTP/1.1 200 OK\r\nContent-Length: 10000", part)).close());
        Path file = dir.resolve("partial.bin");

        FetchException failure = fails(fetchInto(BodyConsumer.toFile(file), "/partial"));

        assertThat(failure.error()).isEqualTo(FetchError.PARTIAL_FILE);
        assertThat(Files.readAllBytes(file)).isEqualTo(part);
        assertThat(OpenFiles.targets()).doesNotContain(file.toString());
    }

    /** Where a faulty consumer throws. */
    enum Fault { ON_START, ON_DATA, ON_COMPLETE }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void whenConsumerThrowsThenAbortedByCallbackWithItsExceptionAndTheConnectionIsNotReused(Fault fault)
            throws Exception {
        server.dispatcher((index, request) -> ok("body of " + request.target()));
        IllegalStateException thrown = new IllegalStateException("consumer broke in " + fault);
        FaultyConsumer consumer = new FaultyConsumer(fault, thrown);

        FetchException failure = fails(fetchInto(consumer, "/faulty"));
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url("/next"))));

        assertThat(failure.error()).isEqualTo(FetchError.ABORTED_BY_CALLBACK);
        assertThat(failure).hasRootCause(thrown);
        assertThat(consumer.aborts).as("onAbort after a started consumer failed")
                .isEqualTo(fault == Fault.ON_START ? 0 : 1);
        assertThat(next.connects()).as("connections opened by the fetch after the failure").isEqualTo(1);
    }

    @Test
    void whenChunkedBodyPassesMaxBodySizeThenFileSizeExceededAndNoMoreThanTheLimitWasDelivered() throws Exception {
        server.defaultScript(Framing.CHUNKED.respond(Delivery.WHOLE, Bodies.random(200 * 1024)));
        RecordingConsumer consumer = new RecordingConsumer();

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/large"))
                .bodyConsumer(consumer).maxBodySize(100 * 1024).build()));

        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(consumer.received()).isLessThanOrEqualTo(100 * 1024);
        assertThat(consumer.aborts()).isEqualTo(1);
    }

    @Test
    void whenContentLengthPassesMaxBodySizeThenFileSizeExceededBeforeTheConsumerStarts() throws Exception {
        server.defaultScript(script().send("HTTP/1.1 200 OK\r\nContent-Length: 100001\r\n\r\n").stall());
        RecordingConsumer consumer = new RecordingConsumer();

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/announced"))
                .bodyConsumer(consumer).maxBodySize(100_000).build()));

        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(failure).hasMessageContaining("100001");
        assertThat(consumer.starts()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Framing.class, names = {"CHUNKED", "UNTIL_CLOSE"})
    void aBodyOfExactlyMaxBodySizeIsDeliveredWhole(Framing framing) throws Exception {
        byte[] body = Bodies.random(100 * 1024);
        server.defaultScript(framing.respond(Delivery.WHOLE, body));
        RecordingConsumer consumer = new RecordingConsumer();

        succeeds(engine.fetch(FetchRequest.builder(server.url("/exact"))
                .bodyConsumer(consumer).maxBodySize(body.length).build()));

        assertThat(consumer.bytes()).isEqualTo(body);
    }

    /** Throws {@code thrown} from the method {@code fault} names, and counts {@code onAbort} calls. */
    private static final class FaultyConsumer implements BodyConsumer {

        private final Fault fault;
        private final RuntimeException thrown;
        volatile int aborts;

        FaultyConsumer(Fault fault, RuntimeException thrown) {
            this.fault = fault;
            this.thrown = thrown;
        }

        @Override
        public void onStart(int status, Headers headers, TransferControl control) {
            throwIf(Fault.ON_START);
        }

        @Override
        public boolean onData(ByteBuffer data) {
            throwIf(Fault.ON_DATA);
            return true;
        }

        @Override
        public void onComplete() {
            throwIf(Fault.ON_COMPLETE);
        }

        @Override
        public void onAbort() {
            aborts++;
        }

        private void throwIf(Fault here) {
            if (fault == here) {
                throw thrown;
            }
        }
    }
}
