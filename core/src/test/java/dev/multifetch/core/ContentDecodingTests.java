package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.RecordingConsumer;
import dev.multifetch.core.testing.ScriptedServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Content decoding end to end (libcurl's CURLOPT_ACCEPT_ENCODING): what the request offers, each
 * coding and a stack of them decoded however the response is split on the wire, broken data, and a
 * decompression bomb stopped by the body limit on decoded bytes (curl tests 220, 222, 230, 232,
 * 314, 1618).
 */
@Timeout(20)
class ContentDecodingTests {

    private static final byte[] TEXT = Bodies.text(3000);
    private static final int MIB = 1024 * 1024;
    private static final byte[] BOMB = Bodies.gzippedZeros(64L * MIB);

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    private CompletableFuture<FetchResponse> fetchDecoding(FetchRequest.Builder request) {
        return engine.fetch(request.acceptEncoding("gzip", "deflate").build());
    }

    private CompletableFuture<FetchResponse> fetchDecoding(String path) {
        return fetchDecoding(FetchRequest.builder(server.url(path)));
    }

    /** A 200 response with this {@code Content-Encoding} and body, sent as {@code delivery} says. */
    private void respond(Delivery delivery, String contentEncoding, byte[] body) {
        server.defaultScript(delivery.of(Delivery.ok("Content-Encoding: " + contentEncoding + "\r\n", body)));
    }

    @Test
    void whenAcceptEncodingIsSetThenTheRequestOffersTheCodingsInOrder() throws Exception {
        respond(Delivery.WHOLE, "identity", TEXT);

        succeeds(fetchDecoding("/offer"));

        assertThat(server.awaitRequests(1).get(0).headers("Accept-Encoding")).containsExactly("gzip, deflate");
    }

    @Test
    void withoutAcceptEncodingNothingIsOfferedAndAGzipBodyIsLeftAsSent() throws Exception {
        byte[] gzip = Bodies.gzip(TEXT);
        respond(Delivery.WHOLE, "gzip", gzip);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(server.awaitRequests(1).get(0).header("Accept-Encoding")).isEmpty();
        assertThat(response.body()).isEqualTo(gzip);
    }

    /** Content codings, each with how it encodes a body. */
    enum Coding {
        GZIP("gzip", Bodies::gzip),
        X_GZIP("x-gzip", Bodies::gzip),
        ZLIB_DEFLATE("deflate", Bodies::zlib),
        RAW_DEFLATE("deflate", Bodies::rawDeflate),
        STACKED_DEFLATE_THEN_GZIP("deflate, gzip", body -> Bodies.gzip(Bodies.zlib(body))),
        STACKED_IN_TWO_FIELDS("gzip\r\nContent-Encoding: deflate", body -> Bodies.zlib(Bodies.gzip(body))),
        IDENTITY("identity", body -> body);

        final String header;
        final UnaryOperator<byte[]> encode;

        Coding(String header, UnaryOperator<byte[]> encode) {
            this.header = header;
            this.encode = encode;
        }
    }

    static Stream<Arguments> codingsAndDeliveries() {
        return Delivery.crossedWith(Stream.of(Coding.values()).map(Arguments::of));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("codingsAndDeliveries")
    void eachCodingIsDecodedHoweverTheResponseIsSplit(Coding coding, Delivery delivery) throws Exception {
        respond(delivery, coding.header, coding.encode.apply(TEXT));

        FetchResponse response = succeeds(fetchDecoding("/coded"));

        assertThat(response.body()).isEqualTo(TEXT);
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aGzipBodyInTinyChunksReachesAConsumerDecoded(Delivery delivery) throws Exception {
        server.defaultScript(delivery.of(Delivery.response(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked",
                Delivery.chunked(Bodies.gzip(TEXT), 7))));
        RecordingConsumer consumer = new RecordingConsumer();

        succeeds(fetchDecoding(FetchRequest.builder(server.url("/chunks")).bodyConsumer(consumer)));

        assertThat(consumer.bytes()).isEqualTo(TEXT);
        assertThat(consumer.completes()).isEqualTo(1);
    }

    static Stream<Arguments> brokenBodies() {
        byte[] gzip = Bodies.gzip(TEXT);
        byte[] corrupt = gzip.clone();
        Arrays.fill(corrupt, 20, 60, (byte) 0xff);
        byte[] badCrc = gzip.clone();
        badCrc[gzip.length - 6] ^= 0x55;
        return Stream.of(
                Arguments.of("gzip with corrupt deflate data", "gzip", corrupt, "unencoding"),
                Arguments.of("gzip cut off before its trailer", "gzip", Arrays.copyOf(gzip, gzip.length - 6), "unencoding"),
                Arguments.of("gzip with a wrong CRC", "gzip", badCrc, "unencoding"),
                Arguments.of("not gzip at all", "gzip", TEXT, "unencoding"),
                Arguments.of("deflate that is text", "deflate", TEXT, "unencoding"),
                Arguments.of("a coding never offered", "br", TEXT, "\"br\""));
    }

    static Stream<Arguments> brokenBodiesAndDeliveries() {
        return Delivery.crossedWith(brokenBodies());
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("brokenBodiesAndDeliveries")
    void whenEncodedDataIsBrokenThenBadContentEncodingSayingWhy(String name, String coding, byte[] body, String says,
                                                                Delivery delivery) {
        respond(delivery, coding, body);

        FetchException failure = fails(fetchDecoding("/broken"));

        assertThat(failure.error()).isEqualTo(FetchError.BAD_CONTENT_ENCODING);
        assertThat(failure).hasMessageContaining(says);
    }

    @ParameterizedTest
    @EnumSource(value = Delivery.class, names = {"WHOLE", "SPLIT_AT_SEVERAL_POINTS"})
    void whenADecompressionBombArrivesThenFileSizeExceededQuickly(Delivery delivery) {
        respond(delivery, "gzip", BOMB);

        long start = System.nanoTime();
        FetchException failure = fails(fetchDecoding(FetchRequest.builder(server.url("/bomb")).maxBodySize(MIB)));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(BOMB.length).as("the compressed size passes the limit's up-front check").isLessThan(MIB);
        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void whenADecompressionBombGoesToAConsumerThenItGetsNoMoreThanTheLimit() {
        respond(Delivery.WHOLE, "gzip", BOMB);
        RecordingConsumer consumer = new RecordingConsumer();

        FetchException failure = fails(fetchDecoding(FetchRequest.builder(server.url("/bomb"))
                .bodyConsumer(consumer).maxBodySize(MIB)));

        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(consumer.received()).isLessThanOrEqualTo(MIB);
        assertThat(consumer.aborts()).isEqualTo(1);
    }
}
