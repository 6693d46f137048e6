package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.FetchRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestWriterTests {

    private static String encode(FetchRequest request) throws HttpException {
        ByteBuffer buf = RequestWriter.encode(request, Target.parse(request.url()), "multifetch/test");
        return StandardCharsets.ISO_8859_1.decode(buf).toString();
    }

    @Test
    void getHasRequestLineHostUserAgentAndNoLength() throws HttpException {
        assertThat(encode(FetchRequest.get("http://example.com:8080/p?q=1")))
                .isEqualTo("GET /p?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: multifetch/test\r\nAccept: */*\r\n\r\n");
    }

    @Test
    void postCarriesItsBodyWithContentLength() throws HttpException {
        String wire = encode(FetchRequest.builder("http://h/submit").post("a=1".getBytes(StandardCharsets.UTF_8)).build());

        assertThat(wire).startsWith("POST /submit HTTP/1.1\r\n").contains("\r\nContent-Length: 3\r\n").endsWith("\r\n\r\na=1");
    }

    @Test
    void postWithoutBodySendsZeroLength() throws HttpException {
        assertThat(encode(FetchRequest.builder("http://h/").method("POST").build())).contains("Content-Length: 0\r\n");
    }

    @Test
    void userHeadersReplaceTheEnginesOwnAndFramingHeadersAreTheEngines() throws HttpException {
        String wire = encode(FetchRequest.builder("http://h/").header("User-Agent", "mine/1").header("Accept", "text/html")
                .header("Content-Length", "999").header("X-Trace", "abc").post(new byte[2]).build());

        assertThat(wire).contains("User-Agent: mine/1\r\n").doesNotContain("multifetch/test")
                .contains("Accept: text/html\r\n").doesNotContain("*/*")
                .doesNotContain("999").contains("Content-Length: 2\r\n").contains("X-Trace: abc\r\n");
    }

    @Test
    void headerInjectionIsRefusedBeforeAnythingIsSent() {
        assertThatThrownBy(() -> FetchRequest.builder("http://h/").header("X-A", "v\r\nEvil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("X-A").hasMessageContaining("CR");
        assertThatThrownBy(() -> FetchRequest.builder("http://h/").header("X-A", "v\0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> FetchRequest.builder("http://h/").header("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad Name");
        assertThatThrownBy(() -> FetchRequest.builder("http://h/").method("GET /x HTTP/1.1\r\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("method");
    }
}
