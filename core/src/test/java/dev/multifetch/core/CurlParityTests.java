package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Places where the HTTP/1.1 engine once parted ways with curl (issue 19), each on a scripted
 * loopback server: the body of a followed redirect outside {@code maxBodySize}, two
 * {@code Location} fields, a bare CR in a field, transfer codings other than a final chunked, a
 * {@code Content-Length} of 2^63-1, URLs as curl reads them, upper-case percent-encoding, and
 * curl's error names for versions it does not speak and for headers that add up.
 */
@Timeout(20)
class CurlParityTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    {
        answering(ok("unused"));
    }

    /** Answers {@code /raw} with {@code script}, anything else with 200 and its request-target. */
    private void answering(Script script) {
        server.dispatcher((index, request) -> request.target().equals("/raw") ? script : ok("at " + request.target()));
    }

    private FetchResponse follow(String path, long maxBodySize) throws Exception {
        return succeeds(engine.fetch(FetchRequest.builder(server.url(path)).followRedirects().maxBodySize(maxBodySize).build()));
    }

    // 1. maxBodySize bounds the delivered body, not a skipped redirect body

    @Test
    void aRedirectWhoseOwnBodyIsOverMaxBodySizeIsStillFollowed() throws Exception {
        answering(script().send("HTTP/1.1 302 Found\r\nLocation: /to\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000)));

        FetchResponse response = follow("/raw", 100);

        assertThat(response.bodyAsString()).isEqualTo("at /to");
        assertThat(response.connects()).as("the skipped body was read, so the connection was reused").isEqualTo(1);
    }

    @Test
    void aRedirectOnAConnectionThatClosesAnywayIsFollowedWithoutWaitingForItsBody() throws Exception {
        answering(script().send("HTTP/1.1 302 Found\r\nLocation: /to\r\nConnection: close\r\n\r\nendless").stall());

        FetchResponse response = follow("/raw", 100);

        assertThat(response.bodyAsString()).isEqualTo("at /to");
    }

    // 2. two Location fields

    @Test
    void twoDifferentLocationFieldsAreAWeirdReply() {
        answering(script().send("HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"));

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/raw")).followRedirects().build()));

        assertThat(failure.error()).isEqualTo(FetchError.WEIRD_SERVER_REPLY);
        assertThat(failure).hasMessageContaining("\"/a\" and \"/b\"");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aRepeatedOrEmptyLocationFieldIsIgnoredAsCurlIgnoresIt() throws Exception {
        answering(script().send("HTTP/1.1 302 Found\r\nLocation: \r\nLocation: /to\r\nLocation: /to\r\nContent-Length: 0\r\n\r\n"));

        assertThat(follow("/raw", 100).bodyAsString()).isEqualTo("at /to");
    }

    // 3. CR, LF or NUL inside a field value

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/1.1 200 OK\r\nServer: a\rb\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\rc\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Sum: a\rb\r\n\r\n"})
    void aBareCrInAFieldOrTrailerValueIsAWeirdReplyNeverHandedOn(String response) {
        answering(script().send(response));

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(failure.error()).isEqualTo(FetchError.WEIRD_SERVER_REPLY);
        assertThat(failure).hasMessageContaining("carriage return").hasMessageContaining("\\r");
    }

    // 4. Transfer-Encoding other than a final chunked

    @Test
    void identityThenChunkedIsAChunkedBody() throws Exception {
        answering(script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/raw"))));
        FetchResponse next = succeeds(engine.fetch(FetchRequest.get(server.url("/next"))));

        assertThat(response.bodyAsString()).isEqualTo("hello");
        assertThat(next.connects()).as("a chunked body ends where it should: the connection is reused").isZero();
    }

    @Test
    void transferCodingsWithoutAFinalChunkedRunUntilTheServerCloses() throws Exception {
        answering(script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nContent-Length: 2\r\n\r\nhello").close());

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(response.bodyAsString()).isEqualTo("hello");
    }

    @Test
    void aTransferCodingTheEngineCannotUndoStillFailsNamingIt() {
        answering(script().send("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(failure.error()).isEqualTo(FetchError.BAD_CONTENT_ENCODING);
        assertThat(failure).hasMessageContaining("\"gzip\"");
    }

    // 5. Content-Length up to 2^63-1

    @Test
    void theLargestContentLengthParsesAndABodyEndingEarlyIsPartialFile() {
        answering(script().send("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nabc").close());

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/raw")).maxBodySize(Long.MAX_VALUE).build()));

        assertThat(failure.error()).isEqualTo(FetchError.PARTIAL_FILE);
    }

    @Test
    void aContentLengthPastALongIsAWeirdReply() {
        answering(script().send("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\nabc").close());

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/raw")).maxBodySize(Long.MAX_VALUE).build()));

        assertThat(failure.error()).isEqualTo(FetchError.WEIRD_SERVER_REPLY);
        assertThat(failure).hasMessageContaining("\"9223372036854775808\"");
    }

    // 6. URLs as curl reads them

    @Test
    void aFragmentIsDroppedAtTheFirstHashAndNeverSent() throws Exception {
        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/p?q=1#one#two"))));

        assertThat(response.bodyAsString()).isEqualTo("at /p?q=1");
        assertThat(response.effectiveUrl()).isEqualTo(server.url("/p?q=1"));
    }

    @Test
    void oneSlashAfterTheSchemeIsReadAsCurlReadsIt() throws Exception {
        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http:/127.0.0.1:" + server.port() + "/p")));

        assertThat(response.bodyAsString()).isEqualTo("at /p");
    }

    @Test
    void aUrlWithoutSchemeGetsTheOneCurlGuessesFromTheHostName() throws Exception {
        FetchResponse guessedHttp = succeeds(engine.fetch(FetchRequest.get("127.0.0.1:" + server.port() + "/p")));
        FetchException guessedFtp = fails(engine.fetch(FetchRequest.get("ftp.example.com/file")));

        assertThat(guessedHttp.bodyAsString()).isEqualTo("at /p");
        assertThat(guessedFtp.error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
        assertThat(guessedFtp).hasMessageContaining("\"ftp\"").hasMessageContaining("\"ftp.example.com/file\"");
    }

    @Test
    void urlErrorsSayWhatIsWrongWithTheUrlTheUserWrote() {
        FetchException empty = fails(engine.fetch(FetchRequest.get("")));
        FetchException spaced = fails(engine.fetch(FetchRequest.get("not a url")));

        assertThat(empty.error()).isEqualTo(FetchError.URL_MALFORMAT);
        assertThat(empty).hasMessageEndingWith("empty URL");
        assertThat(spaced.error()).isEqualTo(FetchError.URL_MALFORMAT);
        assertThat(spaced).hasMessageEndingWith("space in host: \"not a url\"");
    }

    // 7. percent-encoding in upper case

    @Test
    void bytesOutsideAsciiInALocationAreEncodedInUpperCase() throws Exception {
        answering(script().send("HTTP/1.1 302 Found\r\nLocation: /caf\u00c3\u00a9\r\nContent-Length: 0\r\n\r\n"));

        FetchResponse response = follow("/raw", 100);

        assertThat(response.bodyAsString()).isEqualTo("at /caf%C3%A9");
    }

    // 8. curl's error names

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/3.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            "<html>an HTTP/0.9 body</html>"})
    void aVersionTheConnectionDoesNotSpeakIsUnsupportedProtocol(String response) {
        answering(script().send(response).close());

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(failure.error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
    }

    @Test
    void headersThatAddUpPastTheLimitAcrossInterimResponsesAreRecvError() {
        String interim = "HTTP/1.1 102 Processing\r\nX-Progress: " + "p".repeat(40 * 1024) + "\r\n\r\n";
        answering(script().send(interim.repeat(3) + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(failure.error()).isEqualTo(FetchError.RECV_ERROR);
    }

    @Test
    void oneHeaderLineOverTheLimitStaysTooLarge() {
        answering(script().send("HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(101 * 1024) + "\r\n\r\n"));

        FetchException failure = fails(engine.fetch(FetchRequest.get(server.url("/raw"))));

        assertThat(failure.error()).isEqualTo(FetchError.TOO_LARGE);
    }
}
