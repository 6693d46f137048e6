package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.FetchError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetTests {

    @Test
    void plainUrlGivesOriginTargetAndHostHeader() throws HttpException {
        Target t = Target.parse("http://Example.COM:8080/a/b?q=1#frag");

        assertThat(t.origin().host()).isEqualTo("example.com");
        assertThat(t.origin().port()).isEqualTo(8080);
        assertThat(t.requestTarget()).isEqualTo("/a/b?q=1");
        assertThat(t.hostHeader()).isEqualTo("Example.COM:8080");
        assertThat(t.url()).isEqualTo("http://Example.COM:8080/a/b?q=1");
    }

    @Test
    void urlWithoutSchemeOrPathDefaultsToHttpAndSlash() throws HttpException {
        Target t = Target.parse("localhost");

        assertThat(t.origin().scheme()).isEqualTo("http");
        assertThat(t.origin().port()).isEqualTo(80);
        assertThat(t.requestTarget()).isEqualTo("/");
        assertThat(t.hostHeader()).isEqualTo("localhost");
    }

    @Test
    void httpsDefaultsToPort443() throws HttpException {
        Target t = Target.parse("https://example.com/x");

        assertThat(t.origin().scheme()).isEqualTo("https");
        assertThat(t.origin().port()).isEqualTo(443);
        assertThat(t.hostHeader()).isEqualTo("example.com");
    }

    @Test
    void ipv6LiteralKeepsBracketsInHostHeaderOnly() throws HttpException {
        Target t = Target.parse("http://[::1]:9000/x");

        assertThat(t.origin().host()).isEqualTo("::1");
        assertThat(t.hostHeader()).isEqualTo("[::1]:9000");
    }

    @ParameterizedTest
    @CsvSource({
        "'http://exa mple.com/', URL_MALFORMAT",
        "'http://:80/', URL_MALFORMAT",
        "'http://host:99999/', URL_MALFORMAT",
        "'http:////path', URL_MALFORMAT",
        "'http:x', URL_MALFORMAT",
        "'ftp://127.0.0.1/', UNSUPPORTED_PROTOCOL",
        "'gopher://x/', UNSUPPORTED_PROTOCOL",
        "'ftp.example.com/file', UNSUPPORTED_PROTOCOL",
        "'IMAP.example.com', UNSUPPORTED_PROTOCOL"
    })
    void unusableUrlsFailWithTheirCurlError(String url, FetchError expected) {
        assertThatThrownBy(() -> Target.parse(url)).isInstanceOfSatisfying(HttpException.class,
                e -> assertThat(e.error()).isEqualTo(expected));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "http://h/p#a#b            | http://h/p",
        "http://h/p?q=1#frag?x#y   | http://h/p?q=1",
        "http://h#frag/x           | http://h/",
        "http:/h/p                 | http://h/p",
        "http:///h/p               | http://h/p",
        "HTTPS:/h:8443/p           | https://h:8443/p",
        "h:8080/p?q                | http://h:8080/p?q",
        "localhost:8080            | http://localhost:8080/",
        "example.com/a/./b/../c    | http://example.com/a/c",
        "ftpserver.example.com/x   | http://ftpserver.example.com/x",
        "http://h/caf\u00e9?\u20ac | http://h/caf%C3%A9?%E2%82%AC",
        "http://h/a^b{c}%zz        | http://h/a^b{c}%zz",
        "http://u:pw@h/p           | http://h/p"
    })
    void urlsAreReadAsCurlReadsThem(String url, String reported) throws HttpException {
        assertThat(Target.parse(url).url()).isEqualTo(reported);
    }

    @Test
    void aFragmentIsNeverSent() throws HttpException {
        Target t = Target.parse("http://h/p?q#one#two");

        assertThat(t.requestTarget()).isEqualTo("/p?q");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "''                        | empty URL",
        "not a url                 | space in host: \"not a url\"",
        "http://h/a b              | space in path: \"http://h/a b\"",
        "http://h/a?b c            | space in query",
        "' http://h/'              | space in URL (at its start)",
        "http:/h:x/                | bad port number \"x\"",
        "http://h\u0001/          | control character 0x01 in host",
        "ftp.example.com           | scheme \"ftp\" (guessed from the host name, as curl does) is not supported",
        "mailto:me                 | bad port number"
    })
    void errorsSayWhatIsWrongWithTheUrlAsTheUserWroteIt(String url, String says) {
        assertThatThrownBy(() -> Target.parse(url)).isInstanceOf(HttpException.class)
                .hasMessageContaining(says).hasMessageNotContaining("index");
    }
}
