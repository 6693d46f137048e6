package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A parsed head keeps its fields as bytes: every lookup must answer as the same fields kept as
 * strings would, whatever the case of the name asked for.
 */
class HeaderBlockTests {

    private static final String HEAD = "HTTP/1.1 200 OK\r\n"
            + "Server: test\r\n"
            + "Content-Type: text/plain\r\n"
            + "content-length: 2\r\n"
            + "Connection: keep-alive , Upgrade\r\n"
            + "X-Twice: one\r\n"
            + "x-twice:   two  \r\n"
            + "X-Empty:\r\n"
            + "X-Latin: caf\u00e9\r\n"
            + "\r\nok";

    private static Headers parsed(String raw) throws HttpException {
        ResponseParser parser = new ResponseParser(true, 100 * 1024, 1024);
        assertThat(parser.feed(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1)))).isTrue();
        return parser.headers();
    }

    /** The same fields as plain strings: the reference the byte lookups must agree with. */
    private static Headers asStrings(Headers headers) {
        List<Map.Entry<String, String>> copy = new ArrayList<>();
        for (Map.Entry<String, String> e : headers.entries()) {
            copy.add(new java.util.AbstractMap.SimpleEntry<>(e.getKey(), e.getValue()));
        }
        return Headers.of(copy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Server", "SERVER", "content-type", "Content-Length", "CONTENT-LENGTH", "x-twice", "X-Empty",
        "X-Latin", "X-Missing", "Serve", "Servers", "", "Content_Length", "X-Twic\u00e9", "\u017fERVER"})
    void everyLookupAnswersAsTheFieldsKeptAsStrings(String name) throws HttpException {
        Headers block = parsed(HEAD);
        Headers strings = asStrings(block);

        assertThat(block.first(name)).isEqualTo(strings.first(name));
        assertThat(block.all(name)).isEqualTo(strings.all(name));
        assertThat(block.contains(name)).isEqualTo(strings.contains(name));
        for (String token : List.of("keep-alive", "KEEP-ALIVE", "upgrade", "close", "", "two", "caf\u00e9")) {
            assertThat(block.hasToken(name, token)).as("token %s", token).isEqualTo(strings.hasToken(name, token));
        }
    }

    @Test
    void fieldsReadAsStringsAreTheTrimmedValuesInOrderAndImmutable() throws HttpException {
        Headers headers = parsed(HEAD);

        assertThat(headers.size()).isEqualTo(8);
        assertThat(headers.all("X-TWICE")).containsExactly("one", "two");
        assertThat(headers.first("X-Latin")).contains("caf\u00e9");
        assertThat(headers.first("x-empty")).contains("");
        assertThat(headers.hasToken("connection", "Upgrade")).isTrue();
        assertThat(headers.entries().get(2)).isEqualTo(Map.entry("content-length", "2"));
        assertThat(headers.entries()).isEqualTo(asStrings(headers).entries());
        assertThatThrownBy(() -> headers.entries().get(0).setValue("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.entries().remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.entries().get(8)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void namesIgnoreAsciiCaseOnlyInEitherForm() throws HttpException {
        Headers block = parsed(HEAD);

        for (Headers headers : List.of(block, asStrings(block))) {
            assertThat(headers.first("sErVeR")).contains("test");
            assertThat(headers.first("\u017fERVER")).as("a long s is not an s in HTTP").isEmpty();
            assertThat(headers.hasToken("Connection", "UPGRADE")).isTrue();
            assertThat(headers.hasToken("Connection", "upgrad\u0130")).isFalse();
        }
    }

    @Test
    void foldedLinesJoinTheLastValueWithOneSpace() throws HttpException {
        Headers headers = parsed("HTTP/1.1 200 OK\r\nX-A: one  \r\n   two\t\r\n\tthree\r\nX-B: b\r\n \r\nContent-Length: 0\r\n\r\n");

        assertThat(headers.first("X-A")).contains("one two three");
        assertThat(headers.first("X-B")).contains("b");
        assertThat(headers.first("Content-Length")).contains("0");
    }

    @Test
    void thousandsOfFoldsBuildOneValueWithinTheHeadLimit() throws HttpException {
        StringBuilder raw = new StringBuilder("HTTP/1.1 200 OK\r\nX-Long: 0\r\n");
        for (int i = 1; i <= 20_000; i++) {
            raw.append(" ").append(i % 10).append("\r\n");
        }
        raw.append("Content-Length: 0\r\n\r\n");

        String value = parsed(raw.toString()).first("X-Long").orElseThrow();

        assertThat(value).hasSize(2 * 20_000 + 1).startsWith("0 1 2 3").endsWith("8 9 0");
    }
}
