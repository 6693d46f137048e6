package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The response parser against well-formed and broken responses, each fed whole, split in two at
 * every byte boundary, and one byte at a time: every split must give the same outcome.
 */
class ResponseParserTests {

    /** What parsing one response gave: the parts of the response, or the error. */
    record Outcome(int status, String version, List<Map.Entry<String, String>> headers, String body,
                   List<Map.Entry<String, String>> trailers, boolean reusable, FetchError error) {
    }

    static Outcome parse(String raw, boolean head, boolean closeAtEnd, List<Integer> cuts) {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        ResponseParser p = new ResponseParser(!head, 1024 * 4, 1024);
        try {
            int from = 0;
            boolean done = false;
            List<Integer> ends = new ArrayList<>(cuts);
            ends.add(bytes.length);
            for (int end : ends) {
                done = p.feed(ByteBuffer.wrap(bytes, from, end - from));
                from = end;
            }
            if (!done && closeAtEnd) {
                p.endOfInput();
            } else if (!done) {
                return new Outcome(0, null, null, null, null, false, null);
            }
            return new Outcome(p.status(), p.version(), p.headers().entries(), new String(p.body(), StandardCharsets.ISO_8859_1),
                    p.trailers().entries(), p.connectionReusable(), FetchError.OK);
        } catch (HttpException e) {
            return new Outcome(0, null, null, null, null, false, e.error());
        }
    }

    /** Parses whole, at every split point, and byte by byte; asserts all agree and returns the outcome. */
    static Outcome parseEveryWay(String raw, boolean head, boolean closeAtEnd) {
        Outcome whole = parse(raw, head, closeAtEnd, List.of());
        for (int cut = 1; cut < raw.length(); cut++) {
            assertThat(parse(raw, head, closeAtEnd, List.of(cut))).as("split at " + cut).isEqualTo(whole);
        }
        List<Integer> everyByte = new ArrayList<>();
        for (int i = 1; i < raw.length(); i++) {
            everyByte.add(i);
        }
        assertThat(parse(raw, head, closeAtEnd, everyByte)).as("byte by byte").isEqualTo(whole);
        return whole;
    }

    static List<Arguments> wellFormed() {
        return List.of(
                Arguments.of("content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello", false, false, 200, "hello", true),
                Arguments.of("chunked with extension", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;name=val\r\nhello\r\n1\r\n!\r\n0\r\n\r\n", false, false, 200, "hello!", true),
                Arguments.of("close-delimited", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close", false, true, 200, "until close", false),
                Arguments.of("http/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false, 200, "ok", false),
                Arguments.of("http/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false, false, 200, "ok", true),
                Arguments.of("connection close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false, false, 200, "ok", false),
                Arguments.of("interim 100 and 102 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
                        + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", false, false, 201, "", true),
                Arguments.of("HEAD ignores length", "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", true, false, 200, "", true),
                Arguments.of("204 ignores chunked", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", false, false, 204, "", true),
                Arguments.of("304 ignores length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", false, false, 304, "", true),
                Arguments.of("chunked wins over length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "4\r\nwxyz\r\n0\r\n\r\n", false, false, 200, "wxyz", false),
                Arguments.of("identity then chunked is chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity, Chunked\r\n\r\n"
                        + "4\r\nwxyz\r\n0\r\n\r\n", false, false, 200, "wxyz", true),
                Arguments.of("identity in a second field is ignored", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: identity\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n", false, false, 200, "wxyz", true),
                Arguments.of("identity alone runs until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n"
                        + "Content-Length: 2\r\n\r\n4\r\nwxyz", false, true, 200, "4\r\nwxyz", false),
                Arguments.of("an empty coding list runs until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\nwxyz", false,
                        true, 200, "wxyz", false),
                Arguments.of("equal lengths accepted", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nab", false, false, 200, "ab", true),
                Arguments.of("bare LF lines", "HTTP/1.1 200 OK\nContent-Length: 2\n\nab", false, false, 200, "ab", true),
                Arguments.of("bytes after the body", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabEXTRA", false, false, 200, "ab", false),
                Arguments.of("status without reason", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", false, false, 404, "", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormed")
    void wellFormedResponsesParseTheSameWhateverTheSplit(String name, String raw, boolean head, boolean close,
                                                         int status, String body, boolean reusable) {
        Outcome o = parseEveryWay(raw, head, close);

        assertThat(o.error()).isEqualTo(FetchError.OK);
        assertThat(o.status()).isEqualTo(status);
        assertThat(o.body()).isEqualTo(body);
        assertThat(o.reusable()).isEqualTo(reusable);
    }

    static List<Arguments> broken() {
        return List.of(
                Arguments.of("garbage instead of status", "SSH-2.0-OpenSSH\r\n\r\n", false, FetchError.UNSUPPORTED_PROTOCOL),
                Arguments.of("http/0.9 body", "<html>hi</html>", true, FetchError.UNSUPPORTED_PROTOCOL),
                Arguments.of("bad status code", "HTTP/1.1 2x0 OK\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("http/2 status line", "HTTP/2 200\r\n\r\n", false, FetchError.UNSUPPORTED_PROTOCOL),
                Arguments.of("http/1.2 status line", "HTTP/1.2 200 OK\r\n\r\n", false, FetchError.UNSUPPORTED_PROTOCOL),
                Arguments.of("http/3.0 status line", "HTTP/3.0 200 OK\r\n\r\n", false, FetchError.UNSUPPORTED_PROTOCOL),
                Arguments.of("no version after the slash", "HTTP/x 200 OK\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("bare CR in a field value", "HTTP/1.1 200 OK\r\nServer: a\rb\r\nContent-Length: 0\r\n\r\n", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("bare CR in a folded line", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\rc\r\nContent-Length: 0\r\n\r\n", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("NUL in a folded line", "HTTP/1.1 200 OK\r\nX-A: a\r\n b\0c\r\nContent-Length: 0\r\n\r\n", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("bare CR in the reason", "HTTP/1.1 200 O\rK\r\nContent-Length: 0\r\n\r\n", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("bare CR in a trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\rb\r\n\r\n",
                        false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("length past a long", "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("twenty-digit length", "HTTP/1.1 200 OK\r\nContent-Length: 10000000000000000000\r\n\r\n", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("length with letters", "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", false,
                        FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("header without colon", "HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("NUL in header", "HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("fold before any header", "HTTP/1.1 200 OK\r\n folded\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY),
                Arguments.of("malformed chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, FetchError.RECV_ERROR),
                Arguments.of("chunk size overflow", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n", false,
                        FetchError.RECV_ERROR),
                Arguments.of("chunk data not followed by CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n", false,
                        FetchError.RECV_ERROR),
                Arguments.of("chunked body cut off", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", true, FetchError.PARTIAL_FILE),
                Arguments.of("fixed body cut off", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true, FetchError.PARTIAL_FILE),
                Arguments.of("headers cut off", "HTTP/1.1 200 OK\r\nContent-Le", true, FetchError.PARTIAL_FILE),
                Arguments.of("only an interim response", "HTTP/1.1 100 Continue\r\n\r\n", true, FetchError.GOT_NOTHING),
                Arguments.of("empty reply", "", true, FetchError.GOT_NOTHING),
                Arguments.of("transfer coding not chunked last", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", false,
                        FetchError.BAD_CONTENT_ENCODING),
                Arguments.of("unknown transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: x-foo, chunked\r\n\r\n", false,
                        FetchError.BAD_CONTENT_ENCODING),
                Arguments.of("announced body too large", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", false, FetchError.FILESIZE_EXCEEDED),
                Arguments.of("streamed body too large", "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(1025), true, FetchError.FILESIZE_EXCEEDED),
                Arguments.of("header line too large", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n", false, FetchError.TOO_LARGE),
                Arguments.of("header lines adding up past the limit", "HTTP/1.1 200 OK\r\n"
                        + ("X-Some: " + "a".repeat(990) + "\r\n").repeat(5) + "\r\n", false, FetchError.RECV_ERROR),
                Arguments.of("interim heads adding up past the limit", ("HTTP/1.1 102 Processing\r\nX-Some: "
                        + "a".repeat(990) + "\r\n\r\n").repeat(5) + "HTTP/1.1 200 OK\r\n\r\n", false, FetchError.RECV_ERROR),
                Arguments.of("gzip then chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", false,
                        FetchError.BAD_CONTENT_ENCODING),
                Arguments.of("unasked 101", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", false, FetchError.WEIRD_SERVER_REPLY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenResponsesFailWithTheirCurlErrorWhateverTheSplit(String name, String raw, boolean close, FetchError expected) {
        assertThat(parseEveryWay(raw, false, close).error()).isEqualTo(expected);
    }

    @Test
    void chunkedTrailersAreKeptApartFromTheBody() {
        Outcome o = parseEveryWay("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Checksum: 42\r\nX-Other: y\r\n\r\n",
                false, false);

        assertThat(o.body()).isEqualTo("abc");
        assertThat(o.trailers()).containsExactly(Map.entry("X-Checksum", "42"), Map.entry("X-Other", "y"));
        assertThat(o.headers()).extracting(Map.Entry::getKey).containsExactly("Transfer-Encoding");
    }

    @Test
    void obsoleteLineFoldingIsUnfoldedIntoOneValue() {
        Outcome o = parseEveryWay("HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\n\tthird\r\nContent-Length: 0\r\n\r\n", false, false);

        assertThat(o.headers()).contains(Map.entry("X-Long", "first second third"));
    }

    @Test
    void whenServerSendsGarbageThenTheMessageQuotesIt() {
        ResponseParser p = new ResponseParser(true, 4096, 1024);
        try {
            p.feed(ByteBuffer.wrap("GARBAGE\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        } catch (HttpException e) {
            assertThat(e.getMessage()).contains("\"G").contains("status line");
            return;
        }
        throw new AssertionError("garbage was accepted");
    }

    @Test
    void aContentLengthOfTheLargestLongParsesAndABodyEndingEarlyIsPartial() throws HttpException {
        ResponseParser p = new ResponseParser(true, 4096, Long.MAX_VALUE);
        p.feed(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nabc"
                .getBytes(StandardCharsets.ISO_8859_1)));

        assertThat(p.contentLength()).isEqualTo(Long.MAX_VALUE);
        assertThat(p.bodySize()).isEqualTo(3);
        assertThatThrownBy(p::endOfInput).isInstanceOfSatisfying(HttpException.class,
                e -> assertThat(e.error()).isEqualTo(FetchError.PARTIAL_FILE));
    }

    @Test
    void aBareCrInAFieldValueIsRefusedQuotingTheLine() {
        assertThatThrownBy(() -> new ResponseParser(true, 4096, 1024).feed(ByteBuffer.wrap(
                "HTTP/1.1 200 OK\r\nServer: a\rb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.error()).isEqualTo(FetchError.WEIRD_SERVER_REPLY))
                .hasMessageContaining("\"Server: a\\rb\"");
    }
}
