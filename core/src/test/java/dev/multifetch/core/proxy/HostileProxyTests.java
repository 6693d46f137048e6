package dev.multifetch.core.proxy;

import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.ConnectPolicy;
import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.ProxySettings;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.Policies;
import dev.multifetch.core.testing.ScriptedServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against proxies that misbehave, each scripted byte by byte: what reaches the user is
 * a named error for that transfer alone, never the proxy's words as the origin's, and nothing of
 * the target's is sent before the tunnel is known to be clean.
 */
@Timeout(30)
class HostileProxyTests {

    private static final String TUNNEL_OPEN = "HTTP/1.1 200 Connection established\r\n\r\n";
    private static final String ORIGIN_OK = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\norigin";

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private FetchEngine engine(ScriptedProxy proxy, String userinfo, boolean tunnel) {
        return loopback.engine(MultiOptions.builder().connectTimeout(Duration.ofSeconds(5)).proxy(ProxySettings.builder()
                .url("http://" + userinfo + "127.0.0.1:" + proxy.port()).tunnel(tunnel).build()).build());
    }

    private ScriptedProxy proxy(ScriptedProxy.Script... scripts) throws Exception {
        return loopback.closeAfter(new ScriptedProxy(scripts));
    }

    @Test
    void bytesAfterTheConnect2xxAreAnAttackThatEndsThatTransferAlone() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.send(TUNNEL_OPEN + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
        });
        ScriptedServer bystander = loopback.server();
        bystander.dispatcher((i, r) -> ok("fine"));
        FetchEngine engine = engine(proxy, "", true);

        CompletableFuture<FetchResponse> attacked = engine.fetch(FetchRequest.get("http://origin.example/"));
        FetchResponse other = succeeds(engine.fetch(FetchRequest.builder(bystander.url("/")).proxy("").build()));
        ProxyException e = (ProxyException) fails(attacked);

        assertThat(e.detail()).isEqualTo(ProxyError.DATA_AFTER_CONNECT);
        assertThat(e.getMessage()).doesNotContain("forged");
        assertThat(other.bodyAsString()).isEqualTo("fine");
        assertThat(proxy.receivedText(0)).startsWith("CONNECT origin.example:80 HTTP/1.1\r\n").doesNotContain("GET");
    }

    @Test
    void aDigest407WithABodyIsAnsweredOnTheSameConnection() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.send("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Digest realm=\"p\", nonce=\"n1\", qop=\"auth\"\r\n"
                    + "Content-Length: 9\r\n\r\nlog in!!!");
            String second = peer.readHead();
            assertThat(second).contains("Proxy-Authorization: Digest ").contains("username=\"ann\"");
            peer.send(TUNNEL_OPEN);
            assertThat(peer.readHead()).startsWith("GET /x HTTP/1.1").doesNotContain("Proxy-Authorization");
            peer.send(ORIGIN_OK);
        });
        FetchEngine engine = engine(proxy, "ann:secret@", true);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://origin.example/x")));

        assertThat(response.bodyAsString()).isEqualTo("origin");
        assertThat(response.connectCode()).isEqualTo(200);
        assertThat(response.connects()).isEqualTo(1);
    }

    @Test
    void aDigest407ThatClosesIsAnsweredOnANewConnection() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.send("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Digest realm=\"p\", nonce=\"n2\"\r\n"
                    + "Connection: close\r\n\r\n");
        }, peer -> {
            assertThat(peer.readHead()).contains("Proxy-Authorization: Digest ");
            peer.send(TUNNEL_OPEN);
            peer.readHead();
            peer.send(ORIGIN_OK);
        });
        FetchEngine engine = engine(proxy, "ann:secret@", true);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get("http://origin.example/x")));

        assertThat(response.bodyAsString()).isEqualTo("origin");
        assertThat(response.connects()).isEqualTo(2);
    }

    @Test
    void a407WithoutCredentialsNeverReachesTheUserAsTheOriginsResponse() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.send("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n"
                    + "Content-Length: 14\r\n\r\nproxy page 407");
        });
        FetchEngine engine = engine(proxy, "", false);

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get("https://origin.example/")));

        assertThat(e.error()).isEqualTo(FetchError.PROXY);
        assertThat(e.detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(e.connectCode()).isEqualTo(407);
        assertThat(e.getMessage()).doesNotContain("proxy page");
    }

    @Test
    void refusedBasicCredentialsAreNotTriedAgain() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.send("HTTP/1.1 407 Nope\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n");
        });
        FetchEngine engine = engine(proxy, "ann:wrong-password@", false);

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get("https://origin.example/")));

        assertThat(e.detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(e.getMessage()).doesNotContain("wrong-password");
        assertThat(proxy.receivedText(0)).containsOnlyOnce("CONNECT ");
    }

    @Test
    void aStalledProxyEndsWithinTheConnectTimeout() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.awaitRelease();
        });
        FetchEngine engine = loopback.engine(MultiOptions.builder().connectTimeout(Duration.ofMillis(300))
                .proxy("http://127.0.0.1:" + proxy.port()).build());
        try {
            FetchException e = fails(engine.fetch(FetchRequest.get("https://origin.example/")));

            assertThat(e.error()).isEqualTo(FetchError.OPERATION_TIMEDOUT);
            assertThat(e.getMessage()).contains("Proxy handshake with http://127.0.0.1:" + proxy.port());
        } finally {
            proxy.release();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"NUL in a header", "a 20,000-byte header line", "a stray CR"})
    void aMalformedConnectResponseIsABadResponse(String what) throws Exception {
        String line = switch (what) {
            case "NUL in a header" -> "X-Evil: a\0b";
            case "a stray CR" -> "X-Evil: a\rb";
            default -> "X-Long: " + "a".repeat(20_000);
        };
        ScriptedProxy proxy = proxy(peer -> {
            peer.readHead();
            peer.send("HTTP/1.1 200 OK\r\n" + line + "\r\n\r\n");
        });
        FetchEngine engine = engine(proxy, "", false);

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get("https://origin.example/")));

        assertThat(e.detail()).isEqualTo(ProxyError.BAD_RESPONSE);
    }

    @Test
    void aSocks5RefusalIsNamed() throws Exception {
        ScriptedProxy proxy = proxy(peer -> {
            peer.read(3);
            peer.send(new byte[] {5, 0});
            peer.read(4 + 1 + "origin.example".length() + 2);
            peer.send(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
        });
        FetchEngine engine = loopback.engine(MultiOptions.builder().proxy("socks5h://127.0.0.1:" + proxy.port()).build());

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get("http://origin.example/")));

        assertThat(e.error()).isEqualTo(FetchError.PROXY);
        assertThat(e.detail()).isEqualTo(ProxyError.REPLY_CONNECTION_REFUSED);
        assertThat(e.proxy()).isEqualTo("socks5h://127.0.0.1:" + proxy.port());
    }

    @Test
    void aSocks5TargetTheEngineResolvesIsDeniedBeforeTheProxyIsEvenConnectedTo() throws Exception {
        ScriptedProxy proxy = proxy();
        ConnectPolicy noLoopbackTargets = Policies.noLoopbackTargets("loopback target");
        FetchEngine engine = loopback.engine(MultiOptions.builder().connectPolicy(noLoopbackTargets)
                .proxy("socks5://127.0.0.1:" + proxy.port()).build());

        FetchException literal = fails(engine.fetch(FetchRequest.get("http://127.0.0.1:8080/")));
        FetchException named = fails(engine.fetch(FetchRequest.get("http://localhost:8080/")));

        assertThat(literal.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(literal.getMessage()).contains("loopback target");
        assertThat(named.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(named.getMessage()).contains("loopback target").contains("socks5://127.0.0.1:" + proxy.port());
    }

    @Test
    void aSocks5hHostNameOver255BytesFailsBeforeAnyByteIsSent() throws Exception {
        ScriptedProxy proxy = proxy(peer -> { });
        FetchEngine engine = loopback.engine(MultiOptions.builder().proxy("socks5h://127.0.0.1:" + proxy.port()).build());
        String host = String.join(".", "a".repeat(60), "b".repeat(60), "c".repeat(60), "d".repeat(60), "e".repeat(20));

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get("http://" + host + "/")));

        assertThat(e.detail()).isEqualTo(ProxyError.LONG_HOSTNAME);
        assertThat(proxy.received(0)).isEmpty();
    }
}
