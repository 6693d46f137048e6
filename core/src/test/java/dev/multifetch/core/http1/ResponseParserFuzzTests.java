package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the response parser with Jazzer: the head parser on any bytes, and the chunked
 * decoder behind a fixed chunked head. Whatever the server sends, the parser either gives a
 * response within its limits or fails with an {@link HttpException} that carries a
 * {@link FetchError}; nothing else escapes. And it gives the same answer whether the bytes
 * arrive at once, one at a time, or in pieces of seven.
 *
 * <p>By default (and in CI) each method runs once per stored input in
 * {@code src/test/resources/dev/multifetch/core/http1/ResponseParserFuzzTestsInputs/<method>/};
 * real fuzzing is one method at a time, with Jazzer's instrumentation turned back on:
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl core test -Djazzer.hooks=true -Djazzer.max_duration=10m \
 *     -Dtest='ResponseParserFuzzTests#anyChunkedBodyParsesAlikeAtEverySplitOrFailsWithAFetchError'
 * </pre>
 * A finding is written to that directory as {@code crash-<sha1>}: rename it {@code finding_<what>}.
 */
class ResponseParserFuzzTests {

    private static final int MAX_HEADER_BYTES = 4096;
    private static final long MAX_BODY = 2048;
    private static final byte[] CHUNKED_HEAD =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** What parsing gave: a response, or the error it failed with. */
    private record Outcome(FetchError error, int status, List<Map.Entry<String, String>> headers, byte[] body,
                           List<Map.Entry<String, String>> trailers, boolean reusable) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Outcome other && error == other.error && status == other.status
                    && headers.equals(other.headers) && Arrays.equals(body, other.body)
                    && trailers.equals(other.trailers) && reusable == other.reusable;
        }

        @Override
        public int hashCode() {
            return error.hashCode();
        }

        @Override
        public String toString() {
            return error == FetchError.OK ? status + " " + headers + " " + body.length + " body bytes, trailers "
                    + trailers + (reusable ? ", reusable" : "") : error.toString();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyResponseParsesAlikeAtEverySplitOrFailsWithAFetchError(byte[] input) {
        sameAtEverySplit(input);
    }

    @FuzzTest(maxDuration = "5m")
    void anyChunkedBodyParsesAlikeAtEverySplitOrFailsWithAFetchError(byte[] input) {
        byte[] response = Arrays.copyOf(CHUNKED_HEAD, CHUNKED_HEAD.length + input.length);
        System.arraycopy(input, 0, response, CHUNKED_HEAD.length, input.length);
        Outcome outcome = sameAtEverySplit(response);
        if (outcome.error() == FetchError.OK) {
            assertThat(outcome.status()).isEqualTo(200);
        }
    }

    /**
     * A fuzzing finding: a long line that is not HTTP failed with {@link FetchError#TOO_LARGE}
     * when it arrived at once (the line limit was checked first) and with
     * {@link FetchError#WEIRD_SERVER_REPLY} when it arrived in pieces (the status-line prefix was);
     * not HTTP at all, it is now the HTTP/0.9 reply curl refuses, {@link FetchError#UNSUPPORTED_PROTOCOL}.
     * Once the parser checks the prefix before the limit, enable this and store the input in the
     * corpus as {@code finding_long_line_not_http}.
     */
    @Test
    void aLongLineThatIsNotHttpIsAnHttp09ReplyHoweverItArrives() {
        byte[] input = ("X".repeat(5000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);

        // curl: "Received HTTP/0.9 when not allowed"
        assertThat(sameAtEverySplit(input).error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
    }

    private static Outcome sameAtEverySplit(byte[] input) {
        Outcome whole = parse(input, Math.max(1, input.length));
        assertThat(parse(input, 1)).as("fed one byte at a time").isEqualTo(whole);
        assertThat(parse(input, 7)).as("fed seven bytes at a time").isEqualTo(whole);
        return whole;
    }

    /** Feeds {@code input} in pieces of {@code piece} bytes, then the end of input; the outcome. */
    private static Outcome parse(byte[] input, int piece) {
        ResponseParser parser = new ResponseParser(true, MAX_HEADER_BYTES, MAX_BODY);
        try {
            boolean complete = false;
            for (int from = 0; from < input.length; from += piece) {
                // bytes after the end still go in, as the engine feeds whatever one read gave
                ByteBuffer bytes = ByteBuffer.wrap(input, from, Math.min(piece, input.length - from));
                complete = parser.feed(bytes);
                assertThat(bytes.hasRemaining()).as("bytes left unread by feed").isFalse();
            }
            if (!complete) {
                parser.endOfInput();
            }
        } catch (HttpException e) {
            assertThat(e.error()).as("error of %s", e).isNotNull().isNotEqualTo(FetchError.OK);
            assertThat(e.getMessage()).as("message of a %s failure", e.error()).isNotBlank();
            return new Outcome(e.error(), 0, List.of(), new byte[0], List.of(), false);
        }
        assertWithinLimits(parser);
        return new Outcome(FetchError.OK, parser.status(), parser.headers().entries(), parser.body(),
                parser.trailers().entries(), parser.connectionReusable());
    }

    private static void assertWithinLimits(ResponseParser parser) {
        assertThat(parser.complete()).as("complete after the end of input").isTrue();
        assertThat(parser.status()).isBetween(200, 599);
        assertThat(parser.version()).isIn("HTTP/1.1", "HTTP/1.0");
        assertThat(fieldBytes(parser.headers().entries())).as("header bytes").isLessThanOrEqualTo(MAX_HEADER_BYTES);
        assertThat(fieldBytes(parser.trailers().entries())).as("trailer bytes").isLessThanOrEqualTo(MAX_HEADER_BYTES);
        assertThat((long) parser.body().length).as("body bytes").isLessThanOrEqualTo(MAX_BODY);
    }

    private static int fieldBytes(List<Map.Entry<String, String>> fields) {
        return fields.stream().mapToInt(f -> f.getKey().length() + f.getValue().length()).sum();
    }
}
