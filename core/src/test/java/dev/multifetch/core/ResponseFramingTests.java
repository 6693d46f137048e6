package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Bodies;
import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Framing;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.Script;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Framing and limits seen through the engine, each response also sent one byte per write and
 * split at several points: whether the connection may carry the next request after bodiless,
 * interim and ambiguous responses, the curl error for each malformed one, and the header and
 * in-memory body limits (curl tests 158, 249, 334, 365, 393, 457, 767, 771, 1033, 1154, 1665, 1722).
 * The parser's own framing rules are tested byte by byte in {@code ResponseParserTests}.
 */
@Timeout(20)
class ResponseFramingTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    /** Answers {@code /framed} with {@code script}, anything else with 200 "next". */
    private void answering(Script script) {
        server.dispatcher((index, request) -> request.target().equals("/framed") ? script : ok("next"));
    }

    private static byte[] bytes(String response) {
        return response.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Stream<Arguments> wellFramed() {
        return Stream.of(
                Arguments.of("204 with a chunked header", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
                        204, "", true),
                Arguments.of("304 with a Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
                        304, "", true),
                Arguments.of("interim 102 and unknown 104 first", "HTTP/1.1 102 Processing\r\n\r\n"
                        + "HTTP/1.1 104 Whatever\r\nX-Interim: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                        200, "ok", true),
                Arguments.of("two equal Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
                        200, "hello", true),
                Arguments.of("chunked wins over Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "hello", false),
                Arguments.of("HTTP/1.0 with keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
                        + "Content-Length: 5\r\n\r\nhello", 200, "hello", true));
    }

    static Stream<Arguments> wellFramedAndDeliveries() {
        return Delivery.crossedWith(wellFramed());
    }

    @ParameterizedTest(name = "{0} {5}")
    @MethodSource("wellFramedAndDeliveries")
    void aWellFramedResponseEndsWhereItShouldAndTheConnectionIsReusedOnlyWhenSafe(
            String name, String response, int status, String body, boolean reusable, Delivery delivery) throws Exception {
        answering(delivery.of(bytes(response)));

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(server.url("/framed"))));
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url("/next"))));

        assertThat(first.status()).isEqualTo(status);
        assertThat(first.bodyAsString()).isEqualTo(body);
        assertThat(next.bodyAsString()).isEqualTo("next");
        assertThat(next.connects()).as("connections opened for the next request").isEqualTo(reusable ? 0 : 1);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("two different Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                        FetchError.WEIRD_SERVER_REPLY, "\"5, 6\""),
                Arguments.of("Content-Length with letters", "HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello",
                        FetchError.WEIRD_SERVER_REPLY, "\"5x\""),
                Arguments.of("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                        FetchError.WEIRD_SERVER_REPLY, "\"-1\""),
                Arguments.of("a transfer coding that is not chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx",
                        FetchError.BAD_CONTENT_ENCODING, "\"gzip\""),
                Arguments.of("only 100 Continue, then close", "HTTP/1.1 100 Continue\r\n\r\n",
                        FetchError.GOT_NOTHING, "interim"),
                Arguments.of("head cut off, then close", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
                        FetchError.PARTIAL_FILE, "headers"),
                Arguments.of("chunk size too large", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "fffffffffffffffff\r\n", FetchError.RECV_ERROR, "fffffffff"));
    }

    static Stream<Arguments> malformedAndDeliveries() {
        return Delivery.crossedWith(malformed());
    }

    @ParameterizedTest(name = "{0} {4}")
    @MethodSource("malformedAndDeliveries")
    void aMalformedResponseFailsWithCurlsErrorQuotingWhatWasWrong(String name, String response, FetchError error,
                                                                  String says, Delivery delivery) {
        answering(delivery.of(bytes(response)).close());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/framed"))));

        assertThat(failure.error()).isEqualTo(error);
        assertThat(failure).hasMessageContaining(says);
    }

    @Test
    void aHeaderBlockOverOneHundredKibibytesIsTooLargeWithoutWaitingForTheRest() {
        answering(script().send("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(100 * 1024) + "\r\n").stall());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/framed"))));

        assertThat(failure.error()).isEqualTo(FetchError.TOO_LARGE);
    }

    @Test
    void aHeaderBlockJustUnderTheLimitIsAccepted() throws Exception {
        answering(script().send("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(99 * 1024) + "\r\nContent-Length: 2\r\n\r\nok"));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/framed"))));

        assertThat(response.headers().first("X-Big")).hasValueSatisfying(v -> assertThat(v).hasSize(99 * 1024));
    }

    @Test
    void moreThanAThousandHeaderFieldsAreTooLarge() {
        answering(script().send("HTTP/1.1 200 OK\r\n" + "X-Many: 1\r\n".repeat(1001) + "\r\n").stall());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/framed"))));

        assertThat(failure.error()).isEqualTo(FetchError.TOO_LARGE);
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void anInMemoryBodyOverMaxBodySizeIsFileSizeExceededAndOneAtTheLimitIsKept(Framing framing) throws Exception {
        byte[] body = Bodies.random(10_000);
        answering(framing.respond(Delivery.WHOLE, body));

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/framed"))
                .maxBodySize(body.length - 1).build()));
        FetchResponse kept = succeeds(engine.fetch(FetchRequest.builder(server.url("/framed"))
                .maxBodySize(body.length).build()));

        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(kept.body()).isEqualTo(body);
    }

    @Test
    void theMultiHandlesBodyLimitAppliesWhenTheRequestSetsNone() {
        FetchEngine limited = loopback.engine(MultiOptions.builder().maxBodySize(1000).build());
        answering(Framing.CHUNKED.respond(Delivery.WHOLE, Bodies.random(1001)));

        FetchException failure = fails(limited.fetch(FetchRequest.get(server.url("/framed"))));

        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
    }

    @Test
    void anAnnouncedLengthOverTheLimitFailsAtTheHeadWithoutWaitingForTheBody() {
        // curl test 393
        answering(script().send("HTTP/1.1 200 OK\r\nContent-Length: 1000001\r\n\r\n").stall());

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/framed"))
                .maxBodySize(1_000_000).build()));

        assertThat(failure.error()).isEqualTo(FetchError.FILESIZE_EXCEEDED);
        assertThat(failure).hasMessageContaining("1000001");
    }
}
