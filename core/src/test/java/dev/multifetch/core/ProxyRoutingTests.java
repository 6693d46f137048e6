package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static dev.multifetch.core.testing.ScriptedServer.script;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.FakeDns;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.Policies;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.ScriptedServer.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How requests reach their origin through an HTTP proxy, with a scripted server playing the
 * proxy: plain http forwarded in absolute form over connections shared by every origin, https and
 * {@code tunnel} through CONNECT, credentials only where they belong, the pool keyed by the whole
 * route, and the connect policy asked about the proxy and about the target.
 */
@Timeout(20)
class ProxyRoutingTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private final ScriptedServer proxy = loopback.server();

    private FetchEngine engine(MultiOptions.Builder options) {
        return loopback.engine(options.build());
    }

    private String proxyUrl() {
        return "http://127.0.0.1:" + proxy.port();
    }

    @Test
    void plainHttpIsForwardedInAbsoluteFormAndTheResponseSaysWhichProxy() throws Exception {
        proxy.dispatcher((i, r) -> ok("via proxy"));
        FetchEngine engine = engine(MultiOptions.builder().proxy(proxyUrl()));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://origin.example:8080/a/b?q=1")));

        assertThat(response.bodyAsString()).isEqualTo("via proxy");
        assertThat(response.proxy()).isEqualTo("http://127.0.0.1:" + proxy.port());
        assertThat(response.connectCode()).isZero();
        RecordedRequest seen = proxy.requests().get(0);
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.target()).isEqualTo("http://origin.example:8080/a/b?q=1");
        assertThat(seen.header("Host")).contains("origin.example:8080");
        assertThat(seen.header("Proxy-Authorization")).isEmpty();
    }

    @Test
    void twoOriginsThroughOneForwardingProxyShareOneConnection() throws Exception {
        proxy.dispatcher((i, r) -> ok(r.target()));
        FetchEngine engine = engine(MultiOptions.builder().proxy(proxyUrl()));

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get("http://one.example/x")));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get("http://two.example/y")));

        assertThat(first.bodyAsString()).isEqualTo("http://one.example/x");
        assertThat(second.bodyAsString()).isEqualTo("http://two.example/y");
        assertThat(second.connects()).isZero();
        assertThat(proxy.connectionCount()).isEqualTo(1);
    }

    @Test
    void basicCredentialsGoPreemptivelyOnEveryForwardedRequestAndReplaceTheUsersOwn() throws Exception {
        proxy.dispatcher((i, r) -> ok("ok"));
        FetchEngine engine = engine(MultiOptions.builder().proxy("http://us%40er:p%3Ass@127.0.0.1:" + proxy.port()));

        succeeds(engine.fetch(FetchRequest.builder("http://a.example/").header("Proxy-Authorization", "Bearer mine").build()));
        succeeds(engine.fetch(FetchRequest.get("http://b.example/")));

        String expected = "Basic " + Base64.getEncoder().encodeToString("us@er:p:ss".getBytes(StandardCharsets.UTF_8));
        for (RecordedRequest r : proxy.requests()) {
            assertThat(r.headers("Proxy-Authorization")).containsExactly(expected);
        }
    }

    @Test
    void aUserSetProxyAuthorizationNeverReachesAnOrigin() throws Exception {
        ScriptedServer origin = loopback.server();
        origin.dispatcher((i, r) -> ok("direct"));
        FetchEngine engine = engine(MultiOptions.builder());

        succeeds(engine.fetch(FetchRequest.builder(origin.url("/")).header("Proxy-Authorization", "Basic c2VjcmV0").build()));

        assertThat(origin.requests().get(0).header("Proxy-Authorization")).isEmpty();
    }

    @Test
    void httpsGoesThroughConnectCarryingNothingOfTheOrigins() throws Exception {
        proxy.dispatcher((i, r) -> script().send("HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\n\r\nsecret").close());
        FetchEngine engine = engine(MultiOptions.builder().proxy("http://user:pw@127.0.0.1:" + proxy.port()));

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.builder("https://origin.example/private")
                .header("Authorization", "Bearer origin-token").header("Cookie", "session=1").build()));

        assertThat(e.error()).isEqualTo(FetchError.PROXY);
        assertThat(e.detail()).isEqualTo(ProxyError.CONNECT_REJECTED);
        assertThat(e.connectCode()).isEqualTo(403);
        assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("pw");
        RecordedRequest connect = proxy.requests().get(0);
        assertThat(connect.method()).isEqualTo("CONNECT");
        assertThat(connect.target()).isEqualTo("origin.example:443");
        assertThat(connect.headers().stream().map(Map.Entry::getKey).map(String::toLowerCase))
                .containsExactlyInAnyOrder("host", "user-agent", "proxy-connection", "proxy-authorization");
    }

    @Test
    void tunnelModeSendsPlainHttpThroughConnectAndTheOriginRequestInOriginForm() throws Exception {
        proxy.dispatcher((i, r) -> r.method().equals("CONNECT")
                ? script().send("HTTP/1.1 200 Connection established\r\n\r\n")
                : ok("tunnelled " + r.target() + " auth=" + r.header("Proxy-Authorization").orElse("none")));
        FetchEngine engine = engine(MultiOptions.builder().proxy(ProxySettings.builder()
                .url("http://u:p@127.0.0.1:" + proxy.port()).tunnel(true).build()));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://origin.example:81/in")));

        assertThat(response.bodyAsString()).isEqualTo("tunnelled /in auth=none");
        assertThat(response.connectCode()).isEqualTo(200);
        assertThat(proxy.requests().get(0).target()).isEqualTo("origin.example:81");
        assertThat(proxy.requests().get(0).header("Proxy-Authorization")).isPresent();
    }

    @Test
    void anEmptyRequestProxyGoesDirectAndADirectConnectionNeverServesAProxiedRequest() throws Exception {
        ScriptedServer origin = loopback.server();
        origin.dispatcher((i, r) -> ok("origin " + r.target()));
        proxy.dispatcher((i, r) -> ok("proxy " + r.target()));
        FetchEngine engine = engine(MultiOptions.builder().proxy(proxyUrl()));

        FetchResponse direct = succeeds(engine.fetch(FetchRequest.builder(origin.url("/d")).proxy("").build()));
        FetchResponse proxied = succeeds(engine.fetch(FetchRequest.get(origin.url("/p"))));

        assertThat(direct.bodyAsString()).isEqualTo("origin /d");
        assertThat(direct.proxy()).isNull();
        assertThat(proxied.bodyAsString()).isEqualTo("proxy " + origin.url("/p"));
        assertThat(origin.connectionCount()).isEqualTo(1);
        assertThat(proxy.connectionCount()).isEqualTo(1);
    }

    @Test
    void differentProxyCredentialsNeverShareAConnection() throws Exception {
        proxy.dispatcher((i, r) -> ok("ok"));
        FetchEngine engine = engine(MultiOptions.builder());
        String base = "127.0.0.1:" + proxy.port();

        succeeds(engine.fetch(FetchRequest.builder("http://a.example/").proxy("http://alice:1@" + base).build()));
        succeeds(engine.fetch(FetchRequest.builder("http://a.example/").proxy("http://bob:2@" + base).build()));
        succeeds(engine.fetch(FetchRequest.builder("http://a.example/").proxy("http://alice:1@" + base).build()));

        assertThat(proxy.connectionCount()).isEqualTo(2);
    }

    @Test
    void aProxyWhoseNameDoesNotResolveIsCouldntResolveProxy() {
        FetchEngine engine = engine(MultiOptions.builder().hostResolver(FakeDns.none()).proxy("http://proxy.invalid:3128"));

        FetchException e = fails(engine.fetch(FetchRequest.get("http://origin.example/")));

        assertThat(e.error()).isEqualTo(FetchError.COULDNT_RESOLVE_PROXY);
        assertThat(e.getMessage()).contains("proxy.invalid");
    }

    @Test
    void aLiteralTargetIsJudgedByItsAddressAndANamedOneByWhetherTheProxyMayResolveIt() {
        ConnectPolicy noLoopbackTargets = Policies.noLoopbackTargets("loopback");
        FetchEngine engine = engine(MultiOptions.builder().connectPolicy(noLoopbackTargets).proxy(proxyUrl()));

        FetchException literal = fails(engine.fetch(FetchRequest.get("http://127.0.0.1:9/")));
        FetchException named = fails(engine.fetch(FetchRequest.get("http://internal.example/")));

        assertThat(literal.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(literal.getMessage()).contains("denied by connect policy").contains("loopback");
        assertThat(named.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(named.getMessage()).contains("would resolve internal.example itself");
        assertThat(proxy.connectionCount()).isZero();
    }

    @Test
    void theProxyItselfIsJudgedAsAProxy() {
        ConnectPolicy noLoopback = (host, address) -> address.getAddress().isLoopbackAddress()
                ? ConnectPolicy.Verdict.deny("no loopback") : ConnectPolicy.Verdict.ALLOW;
        FetchEngine engine = engine(MultiOptions.builder().connectPolicy(noLoopback).proxy(proxyUrl()));

        FetchException e = fails(engine.fetch(FetchRequest.get("http://203.0.113.9/")));

        assertThat(e.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(e.getMessage()).contains("proxy 127.0.0.1").contains("no loopback");
        assertThat(proxy.connectionCount()).isZero();
    }

    @Test
    void aForwardedRequestAnsweredWithADigestChallengeIsRepeatedOnceWithTheAnswer() throws Exception {
        proxy.dispatcher((i, r) -> r.header("Proxy-Authorization").orElse("").startsWith("Digest")
                ? ok("in")
                : script().sendResponse(407, Map.of("Content-Length", "4", "Proxy-Authenticate",
                        "Digest realm=\"proxy\", nonce=\"abc123\", qop=\"auth\", algorithm=MD5"), "who?"));
        FetchEngine engine = engine(MultiOptions.builder().proxy("http://alice:wonder@127.0.0.1:" + proxy.port()));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://origin.example/door")));

        assertThat(response.status()).isEqualTo(200);
        List<RecordedRequest> seen = proxy.requests();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).header("Proxy-Authorization").orElseThrow()).startsWith("Basic ");
        assertThat(seen.get(1).header("Proxy-Authorization").orElseThrow()).startsWith("Digest ")
                .contains("username=\"alice\"").contains("nonce=\"abc123\"").contains("uri=\"http://origin.example/door\"");
    }

    @Test
    void aBadProxyUrlFailsWhenTheEngineIsConfiguredNamingWhatIsWrong() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MultiOptions.builder().proxy("gopher://x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FetchRequest.builder("http://a/").proxy("http://u:secret@[::1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
    }
}
