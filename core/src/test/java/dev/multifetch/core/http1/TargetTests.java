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
        "'http:///path', URL_MALFORMAT",
        "'ftp://127.0.0.1/', UNSUPPORTED_PROTOCOL",
        "'gopher://x/', UNSUPPORTED_PROTOCOL"
    })
    void unusableUrlsFailWithTheirCurlError(String url, FetchError expected) {
        assertThatThrownBy(() -> Target.parse(url)).isInstanceOfSatisfying(HttpException.class,
                e -> assertThat(e.error()).isEqualTo(expected));
    }
}
