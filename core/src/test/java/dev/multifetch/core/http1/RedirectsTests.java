package dev.multifetch.core.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.FetchError;
import dev.multifetch.core.http1.Redirects.NextMethod;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The redirect rules against curl's test cases: where a {@code Location} leads (the request line
 * curl sends next), which method follows which status, and when credentials must stay behind.
 */
class RedirectsTests {

    static List<Arguments> curlResolutions() {
        return List.of(
                Arguments.of("test 49: ../", "http://127.0.0.1:8990/we/are/all/twits/49", "../moo.html/490002",
                        "http://127.0.0.1:8990/we/are/all/moo.html/490002"),
                Arguments.of("test 50: ../../", "http://127.0.0.1:8990/we/are/all/twits/50", "../../moo.html/500002",
                        "http://127.0.0.1:8990/we/are/moo.html/500002"),
                Arguments.of("test 51: excessive ../ clamps at the root", "http://127.0.0.1:8990/we/are/all/twits/51",
                        "../../../../../../../510002", "http://127.0.0.1:8990/510002"),
                Arguments.of("test 52: ./", "http://127.0.0.1:8990/we/are/all/twits/52", "./520002",
                        "http://127.0.0.1:8990/we/are/all/twits/520002"),
                Arguments.of("test 1314: //host keeps the scheme", "http://firstplace.example.com/want/1314",
                        "//somewhere.example.com/reply/1314", "http://somewhere.example.com/reply/1314"),
                Arguments.of("test 1413: fragment dropped", "http://127.0.0.1:8990/this/1413", "moo.html/14130002#fragmentpart",
                        "http://127.0.0.1:8990/this/moo.html/14130002"),
                Arguments.of("test 28: leading spaces trimmed", "http://127.0.0.1:8990/want/28",
                        "  /online/1,1795,Welcome,00.html/280002.txt?logout=TRUE",
                        "http://127.0.0.1:8990/online/1,1795,Welcome,00.html/280002.txt?logout=TRUE"),
                Arguments.of("tests 1011, 1076: relative with a query", "http://127.0.0.1:8990/blah/1011",
                        "moo.html&testcase=/10110002", "http://127.0.0.1:8990/blah/moo.html&testcase=/10110002"),
                Arguments.of("test 1325: bare name", "http://127.0.0.1:8990/we/1325", "13250002",
                        "http://127.0.0.1:8990/we/13250002"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("curlResolutions")
    void whenLocationIsResolvedThenCurlsNextRequestLine(String name, String base, String location, String expected)
            throws HttpException {
        String resolved = Redirects.resolve(base, location);
        assertThat(resolved).isEqualTo(expected);
        assertThat(Target.parse(resolved).url()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} from {0}")
    @CsvSource(delimiter = '|', textBlock = """
            http://h/a/b/c?x=1      | ?y=2                    | http://h/a/b/c?y=2
            http://h/a/b/c?x=1      | #frag                   | http://h/a/b/c?x=1
            http://h/a/b/c?x=1      | d                       | http://h/a/b/d
            http://h/a/b/c/         | ..                      | http://h/a/b/
            http://h/a/b/c          | .                       | http://h/a/b/
            http://h/a/b/c          | ./d/../../e/./f         | http://h/a/e/f
            http://h/a/b/c          | /x/%2e%2E/y/%2e/z       | http://h/y/z
            http://h/a/b/c          | /x//y/../z              | http://h/x//z
            http://h                | x                       | http://h/x
            http://h:8080/a         | b                       | http://h:8080/b
            http://h/a              | https://other.example   | https://other.example/
            http://h/a              | HTTPS://Other.example:0443/p?q | https://Other.example:443/p?q
            http://h/a              | http://other?q          | http://other/?q
            http://h/a              | http://other:/p         | http://other/p
            http://h/a              | http:/other/p           | http://other/p
            http://h/a              | http:///other/p         | http://other/p
            http://h/a              | http://u:p@other/p      | http://u:p@other/p
            http://h/a              | http://[::1]:81/p       | http://[::1]:81/p
            https://h/a             | //other/p               | https://other/p
            """)
    void whenLocationIsRelativeThenRfc3986ResolutionAsCurl(String base, String location, String expected)
            throws HttpException {
        String resolved = Redirects.resolve(base, location);
        assertThat(resolved).isEqualTo(expected);
        assertThat(Target.parse(resolved).origin().host()).isNotEmpty();
    }

    @Test
    void whenLocationHasBlanksAroundItThenTheyAreTrimmedAsCurl() throws HttpException {
        assertThat(Redirects.resolve("http://h/a/b", "\t /c \r\n")).isEqualTo("http://h/c");
    }

    @Test
    void whenLocationHasControlBytesThenUrlMalformat() {
        for (char c : new char[] {0, 1, '\t', 0x1f, 0x7f}) {
            assertThatThrownBy(() -> Redirects.resolve("http://h/a", "/a" + c + "b"))
                    .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.error()).isEqualTo(FetchError.URL_MALFORMAT));
        }
    }

    @Test
    void whenLocationHasSpacesOrBytesOutsideAsciiThenTheyArePercentEncodedAsCurl() throws HttpException {
        assertThat(Redirects.resolve("http://h/a", "/a b/c d?e f=g h")).isEqualTo("http://h/a%20b/c%20d?e+f=g+h");
        // the header arrives one character per byte: "\u00c3\u00a9" is the UTF-8 of e-acute
        assertThat(Redirects.resolve("http://h/a", "/caf\u00c3\u00a9")).isEqualTo("http://h/caf%C3%A9");
        assertThat(Redirects.resolve("http://h/a", "/caf\u00e9")).isEqualTo("http://h/caf%E9");
        assertThat(Redirects.resolve("http://h/a", "/\u20ac")).isEqualTo("http://h/%E2%82%AC");
    }

    @Test
    void whenLocationHasCharactersTheUrlParserRefusesThenTheyAreEncodedSoTargetCanParseIt() throws HttpException {
        String resolved = Redirects.resolve("http://h/a", "/p{1}|[2]^?q={x}\"<y>`&r=100%&s=%41");
        assertThat(resolved).isEqualTo("http://h/p%7B1%7D%7C%5B2%5D%5E?q=%7Bx%7D%22%3Cy%3E%60&r=100%25&s=%41");
        assertThat(Target.parse(resolved).requestTarget()).isEqualTo(resolved.substring("http://h".length()));
    }

    @Test
    void whenHostIsInternationalThenItsAsciiFormIsUsed() throws HttpException {
        // "b\u00c3\u00bccher" is the UTF-8 of "buecher" with u-umlaut, one character per byte
        assertThat(Redirects.resolve("http://h/a", "http://b\u00c3\u00bccher.example/x"))
                .isEqualTo("http://xn--bcher-kva.example/x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            gopher://h/x        | UNSUPPORTED_PROTOCOL
            ftp://h/x           | UNSUPPORTED_PROTOCOL
            javascript:alert(1) | UNSUPPORTED_PROTOCOL
            localhost:8080/x    | UNSUPPORTED_PROTOCOL
            http:x              | URL_MALFORMAT
            http:////h/x        | URL_MALFORMAT
            http://             | URL_MALFORMAT
            http://h:99999/x    | URL_MALFORMAT
            http://h:8a/x       | URL_MALFORMAT
            http://h:0/x        | URL_MALFORMAT
            http://a b/x        | URL_MALFORMAT
            http://ev\\il/x     | URL_MALFORMAT
            http://[::1/x       | URL_MALFORMAT
            http://[zz]/x       | URL_MALFORMAT
            '   '               | URL_MALFORMAT
            """)
    void whenLocationIsUnusableThenTheErrorCurlGives(String location, FetchError error) {
        assertThatThrownBy(() -> Redirects.resolve("http://h/a", location))
                .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.error()).isEqualTo(error));
    }

    @ParameterizedTest(name = "{0} {1} with POSTREDIR {2} -> {3} (curl test {4})")
    @CsvSource(textBlock = """
            301, POST,   0, GET,    1011
            301, POST,   1, POST,   1012
            302, POST,   0, GET,    -
            302, POST,   2, POST,   1076
            303, POST,   0, GET,    -
            303, POST,   4, POST,   1332
            303, POST,   3, GET,    -
            303, PUT,    4, GET,    1524
            303, DELETE, 0, GET,    1983
            303, HEAD,   0, HEAD,   -
            303, GET,    0, GET,    -
            301, PUT,    0, PUT,    -
            302, DELETE, 0, DELETE, -
            301, post,   0, post,   -
            307, POST,   0, POST,   -
            308, POST,   0, POST,   1325
            308, PUT,    0, PUT,    -
            307, PATCH,  0, PATCH,  -
            """)
    void whenRedirectedThenCurlsMethodRules(int status, String method, int postRedir, String expected, String curlTest) {
        NextMethod next = Redirects.nextMethod(status, method, true, PostRedirect.ofBits(postRedir));
        assertThat(next.method()).isEqualTo(expected);
        assertThat(next.bodyDropped()).isEqualTo(!expected.equals(method));
    }

    @Test
    void whenNoBodyWasSentThenNoneIsDropped() {
        assertThat(Redirects.nextMethod(303, "DELETE", false, PostRedirect.NONE)).isEqualTo(new NextMethod("GET", false));
    }

    @Test
    void whenStatusIsNotARedirectThenNextMethodRefusesIt() {
        assertThatThrownBy(() -> Redirects.nextMethod(304, "GET", false, PostRedirect.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("304");
    }

    @Test
    void postRedirectBitsFollowLibcurl() {
        assertThat(PostRedirect.ofBits(7)).isEqualTo(PostRedirect.ALL);
        assertThat(PostRedirect.ofBits(0)).isEqualTo(PostRedirect.NONE);
        assertThat(PostRedirect.ofBits(2)).isEqualTo(new PostRedirect(false, true, false));
        assertThatThrownBy(() -> PostRedirect.ofBits(8)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8");
    }

    @Test
    void redirectsAreTheFiveCodesWithANonBlankLocation() {
        for (int status : new int[] {301, 302, 303, 307, 308}) {
            assertThat(Redirects.isRedirect(status, "/x")).as("status " + status).isTrue();
            assertThat(Redirects.isRedirect(status, " \t")).as("blank Location").isFalse();
            assertThat(Redirects.isRedirect(status, null)).as("no Location").isFalse();
        }
        for (int status : new int[] {200, 300, 304, 305, 306, 404}) {
            assertThat(Redirects.isRedirect(status, "/x")).as("status " + status).isFalse();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            http://h/a          | http://h/b             | false
            http://h/a          | http://H:80/b          | false
            https://h/a         | https://h:443/b        | false
            http://h/a          | http://other/b         | true
            http://h/a          | http://h:8080/b        | true
            http://h/a          | https://h/b            | true
            http://h:443/a      | https://h/a            | true
            http://h/a          | not a url              | true
            """)
    void whenSchemeHostOrPortChangesThenCrossOrigin(String from, String to, boolean expected) {
        assertThat(Redirects.crossOrigin(from, to)).isEqualTo(expected);
    }
}
