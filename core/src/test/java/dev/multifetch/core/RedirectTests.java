package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Delivery;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.RecordingConsumer;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import dev.multifetch.core.testing.ScriptedServer.Script;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redirects end to end, as curl follows them: off unless asked, relative {@code Location}
 * resolution, the method and body after each status, credentials kept to the first origin, the
 * redirect limit, schemes other than http, and what the response reports about the hops.
 */
@Timeout(20)
class RedirectTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final FetchEngine engine = loopback.engine(MultiOptions.DEFAULTS);
    private final ScriptedServer server = loopback.server();

    /** A redirect with {@code status} to {@code location}, and a short body. */
    private static Script redirect(int status, String location) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", location);
        headers.put("Content-Length", "13");
        return script().sendResponse(status, headers, "see elsewhere");
    }

    /** Answers {@code from} with a redirect to {@code location}, everything else with 200 and its target. */
    private void redirecting(String from, int status, String location) {
        server.dispatcher((index, request) -> request.target().equals(from)
                ? redirect(status, location) : ok("at " + request.target()));
    }

    private FetchResponse follow(FetchRequest.Builder request) throws Exception {
        return succeeds(engine.fetch(request.followRedirects().build()));
    }

    @Test
    void redirectsAreNotFollowedUnlessAsked() throws Exception {
        redirecting("/from", 302, "/to");

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(server.url("/from"))));

        assertThat(response.status()).isEqualTo(302);
        assertThat(response.headers().first("Location")).contains("/to");
        assertThat(response.bodyAsString()).isEqualTo("see elsewhere");
        assertThat(response.redirects()).isZero();
        assertThat(response.effectiveUrl()).isEqualTo(server.url("/from"));
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "../d           | /a/d",
            "../../../../d  | /d",
            "./d            | /a/b/d",
            "d?y=2          | /a/b/d?y=2",
            "?q=1           | /a/b/c?q=1",
            "/abs#fragment  | /abs",
            "'  /spaced  '  | /spaced"})
    void relativeLocationIsResolvedAsCurlDoes(String location, String expected) throws Exception {
        redirecting("/a/b/c?x=1", 302, location);

        FetchResponse response = follow(FetchRequest.builder(server.url("/a/b/c?x=1")));

        assertThat(server.requests()).extracting(RecordedRequest::target).containsExactly("/a/b/c?x=1", expected);
        assertThat(response.effectiveUrl()).isEqualTo(server.url(expected));
        assertThat(response.bodyAsString()).isEqualTo("at " + expected);
    }

    @Test
    void schemeRelativeLocationGoesToTheNamedHostAndPortOverTheSameScheme() throws Exception {
        ScriptedServer other = loopback.server().defaultScript(ok("on the other server"));
        redirecting("/from", 301, "//127.0.0.1:" + other.port() + "/x?y");

        FetchResponse response = follow(FetchRequest.builder(server.url("/from")));

        assertThat(response.bodyAsString()).isEqualTo("on the other server");
        assertThat(response.effectiveUrl()).isEqualTo(other.url("/x?y"));
        assertThat(other.awaitRequests(1).get(0).target()).isEqualTo("/x?y");
    }

    @ParameterizedTest(name = "{0} {1} (POSTREDIR {2}) -> {3}, body kept {4}")
    @CsvSource({
            "301, POST,   0, GET,    false",
            "302, POST,   0, GET,    false",
            "303, POST,   0, GET,    false",
            "303, PUT,    0, GET,    false",
            "303, DELETE, 0, GET,    false",
            "301, PUT,    0, PUT,    true",
            "302, PATCH,  0, PATCH,  true",
            "307, POST,   0, POST,   true",
            "308, PUT,    0, PUT,    true",
            "301, POST, 301, POST,   true",
            "302, POST, 302, POST,   true",
            "303, POST, 303, POST,   true"})
    void methodAndBodyAfterARedirectFollowCurlsRules(int status, String method, int keepPostOn, String expected,
                                                     boolean bodyKept) throws Exception {
        redirecting("/form", status, "/next");
        FetchRequest.Builder request = FetchRequest.builder(server.url("/form")).method(method).body("payload")
                .header("Content-Type", "text/plain");
        if (keepPostOn != 0) {
            request.keepPostOnRedirect(keepPostOn);
        }

        follow(request);

        RecordedRequest next = server.awaitRequests(2).get(1);
        assertThat(next.method()).isEqualTo(expected);
        assertThat(next.bodyAsString()).isEqualTo(bodyKept ? "payload" : "");
        assertThat(next.header("Content-Length")).isEqualTo(bodyKept ? Optional.of("7") : Optional.empty());
        assertThat(next.header("Content-Type")).isEqualTo(bodyKept ? Optional.of("text/plain") : Optional.empty());
    }

    @Test
    void whenA307KeepsAStreamedBodyThenItsSourceIsOpenedAgain() throws Exception {
        redirecting("/upload", 307, "/elsewhere");
        byte[] body = "streamed body".getBytes(StandardCharsets.UTF_8);
        AtomicInteger opens = new AtomicInteger();

        follow(FetchRequest.builder(server.url("/upload")).method("PUT").body(RequestBody.ofStream(() -> {
            opens.incrementAndGet();
            return new ByteArrayInputStream(body);
        }, -1)));

        assertThat(server.awaitRequests(2)).extracting(RecordedRequest::bodyAsString)
                .containsExactly("streamed body", "streamed body");
        assertThat(opens).hasValue(2);
    }

    /** Where a redirect points, seen from the first origin. */
    enum Landing { SAME_ORIGIN, OTHER_PORT, OTHER_PORT_WITH_UNRESTRICTED_AUTH }

    @ParameterizedTest
    @EnumSource(Landing.class)
    void credentialsGoOnlyToTheFirstOriginUnlessAuthIsUnrestricted(Landing target) throws Exception {
        ScriptedServer other = loopback.server().defaultScript(ok("landed"));
        String landing = target == Landing.SAME_ORIGIN ? server.url("/landing") : other.url("/landing");
        redirecting("/start", 302, landing);

        follow(FetchRequest.builder(server.url("/start")).header("Authorization", "Basic dXNlcjpwYXNz")
                .header("Cookie", "session=42").header("X-Trace", "t-1")
                .unrestrictedAuth(target == Landing.OTHER_PORT_WITH_UNRESTRICTED_AUTH));

        RecordedRequest landed = (target == Landing.SAME_ORIGIN ? server.awaitRequests(2).get(1)
                : other.awaitRequests(1).get(0));
        boolean kept = target != Landing.OTHER_PORT;
        assertThat(landed.target()).isEqualTo("/landing");
        assertThat(landed.header("Authorization")).isEqualTo(kept ? Optional.of("Basic dXNlcjpwYXNz") : Optional.empty());
        assertThat(landed.header("Cookie")).isEqualTo(kept ? Optional.of("session=42") : Optional.empty());
        assertThat(landed.header("X-Trace")).contains("t-1");
    }

    @Test
    void aChainThatComesBackToTheFirstOriginSendsTheCredentialsThereAgain() throws Exception {
        // curl compares every hop with the first URL of the transfer (Curl_auth_allowed_to_host)
        ScriptedServer other = loopback.server().defaultScript(redirect(302, server.url("/home")));
        server.dispatcher((index, request) -> request.target().equals("/start")
                ? redirect(302, other.url("/away")) : ok("home"));

        follow(FetchRequest.builder(server.url("/start")).header("Authorization", "Bearer t0k3n")
                .header("Cookie", "session=42"));

        RecordedRequest away = other.awaitRequests(1).get(0);
        RecordedRequest home = server.awaitRequests(2).get(1);
        assertThat(away.header("Authorization")).isEmpty();
        assertThat(away.header("Cookie")).isEmpty();
        assertThat(home.target()).isEqualTo("/home");
        assertThat(home.header("Authorization")).contains("Bearer t0k3n");
        assertThat(home.header("Cookie")).contains("session=42");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 30})
    void aRedirectLoopEndsInTooManyRedirectsAfterTheLimit(int max) throws Exception {
        // curl tests 25 (loop, max 5) and 274 (max 0)
        server.defaultScript(redirect(302, "/loop"));
        FetchRequest.Builder request = FetchRequest.builder(server.url("/loop"));
        if (max == 30) {
            request.followRedirects();
        } else {
            request.followRedirects(max);
        }

        FetchException failure = fails(engine.fetch(request.build()));

        assertThat(failure.error()).isEqualTo(FetchError.TOO_MANY_REDIRECTS);
        assertThat(failure).hasMessageContaining("(" + max + ")");
        assertThat(server.requests()).hasSize(max + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/file", "gopher://127.0.0.1/", "file:///etc/passwd"})
    void aRedirectToAnotherSchemeFailsWithUnsupportedProtocol(String location) throws Exception {
        redirecting("/from", 302, location);

        FetchException failure = fails(engine.fetch(FetchRequest.builder(server.url("/from")).followRedirects().build()));

        assertThat(failure.error()).isEqualTo(FetchError.UNSUPPORTED_PROTOCOL);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aSameOriginChainReportsTheFinalUrlTheHopsTheRedirectTimeAndOneConnection() throws Exception {
        server.dispatcher((index, request) -> switch (request.target()) {
            case "/1" -> script().pause(Duration.ofMillis(50)).then(redirect(301, "/2"));
            case "/2" -> redirect(307, "/3");
            default -> ok("final");
        });

        FetchResponse response = follow(FetchRequest.builder(server.url("/1")));

        assertThat(response.bodyAsString()).isEqualTo("final");
        assertThat(response.effectiveUrl()).isEqualTo(server.url("/3"));
        assertThat(response.redirects()).isEqualTo(2);
        assertThat(response.connects()).isEqualTo(1);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(response.timings().redirect()).isGreaterThanOrEqualTo(Duration.ofMillis(50))
                .isLessThanOrEqualTo(response.timings().total());
        assertThat(response.remoteAddress().getPort()).isEqualTo(server.port());
    }

    @Test
    void aChainAcrossTwoOriginsCountsAConnectionPerOriginAndReusesTheFirst() throws Exception {
        ScriptedServer other = loopback.server().defaultScript(redirect(302, server.url("/3")));
        server.dispatcher((index, request) -> request.target().equals("/1")
                ? redirect(302, other.url("/2")) : ok("back home"));

        FetchResponse response = follow(FetchRequest.builder(server.url("/1")));

        assertThat(response.bodyAsString()).isEqualTo("back home");
        assertThat(response.redirects()).isEqualTo(2);
        assertThat(response.connects()).isEqualTo(2);
        assertThat(server.connectionCount()).isEqualTo(1);
        assertThat(other.requests()).extracting(RecordedRequest::target).containsExactly("/2");
    }

    @Test
    void whenAHopSaysConnectionCloseThenTheNextHopConnectsAgain() throws Exception {
        // curl test 193
        Map<String, String> closing = new LinkedHashMap<>();
        closing.put("Location", "/after");
        closing.put("Content-Length", "0");
        closing.put("Connection", "close");
        server.dispatcher((index, request) -> request.target().equals("/before")
                ? script().sendResponse(302, closing, "").close() : ok("after"));

        FetchResponse response = follow(FetchRequest.builder(server.url("/before")));

        assertThat(response.bodyAsString()).isEqualTo("after");
        assertThat(response.connects()).isEqualTo(2);
    }

    @Test
    void theBodyOfARedirectReachesNeitherTheConsumerNorTheResponseButItsHeadReachesTheHeaderListener()
            throws Exception {
        redirecting("/from", 302, "/to");
        RecordingConsumer consumer = new RecordingConsumer();
        List<Integer> heads = new CopyOnWriteArrayList<>();

        follow(FetchRequest.builder(server.url("/from")).bodyConsumer(consumer)
                .headerListener((status, version, headers, interim) -> heads.add(status)));

        assertThat(consumer.starts()).containsExactly(200);
        assertThat(consumer.bytes()).asString(StandardCharsets.UTF_8).isEqualTo("at /to");
        assertThat(heads).containsExactly(302, 200);
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aRedirectIsFollowedHoweverItsResponseIsSplit(Delivery delivery) throws Exception {
        byte[] moved = Delivery.response("HTTP/1.1 308 Permanent Redirect\r\nLocation: /new\r\nTransfer-Encoding: chunked",
                Delivery.chunked("the old place".getBytes(StandardCharsets.UTF_8), 4));
        server.dispatcher((index, request) -> request.target().equals("/old") ? delivery.of(moved) : ok("new place"));

        FetchResponse response = follow(FetchRequest.builder(server.url("/old")));

        assertThat(response.bodyAsString()).isEqualTo("new place");
        assertThat(response.connects()).as("the chunked redirect left the connection reusable").isEqualTo(1);
    }
}
