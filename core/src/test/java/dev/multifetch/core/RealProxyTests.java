package dev.multifetch.core;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.Fetches.fails;
import static dev.multifetch.core.testing.Fetches.succeeds;
import static dev.multifetch.core.testing.ScriptedServer.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.Dante;
import dev.multifetch.core.testing.Loopback;
import dev.multifetch.core.testing.Microsocks;
import dev.multifetch.core.testing.NcatProxy;
import dev.multifetch.core.testing.NginxServer;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.core.testing.Squid;
import dev.multifetch.core.testing.Stunnel;
import dev.multifetch.core.testing.TestCertificates;
import dev.multifetch.core.testing.Tinyproxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine through the proxies users meet, run from Debian's packages on loopback: tinyproxy
 * and squid forwarding and tunnelling with Basic and Digest, microsocks and dante for SOCKS, and
 * https proxies (stunnel in front of tinyproxy, ncat with TLS) with TLS and HTTP/2 to the origin
 * inside them.
 */
@Timeout(60)
class RealProxyTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();

    private FetchEngine engine(ProxySettings proxy, TlsConfig originTls) {
        MultiOptions.Builder options = MultiOptions.builder().proxy(proxy);
        if (originTls != null) {
            options.tls(originTls);
        }
        return loopback.engine(options.build());
    }

    private FetchEngine engine(String proxyUrl) {
        return engine(ProxySettings.builder().url(proxyUrl).build(), null);
    }

    private ScriptedServer origin(String name) {
        ScriptedServer origin = loopback.server();
        origin.dispatcher((i, r) -> ok(name + " " + r.target() + " proxy-auth=" + r.header("Proxy-Authorization").orElse("none")));
        return origin;
    }

    @Test
    void tinyproxyForwardsInAbsoluteForm() throws Exception {
        Tinyproxy proxy = loopback.closeAfter(Tinyproxy.builder().start());
        ScriptedServer origin = origin("t");
        FetchEngine engine = engine(proxy.url());

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(origin.url("/one?q=1"))));

        assertThat(response.bodyAsString()).isEqualTo("t /one?q=1 proxy-auth=none");
        assertThat(response.proxy()).isEqualTo(proxy.url());
        assertThat(response.connectCode()).isZero();
    }

    @Test
    void squidForwardsTwoOriginsOverOneProxyConnection() throws Exception {
        Squid proxy = loopback.closeAfter(Squid.builder().start());
        ScriptedServer a = origin("a");
        ScriptedServer b = origin("b");
        List<Long> acquired = new CopyOnWriteArrayList<>();
        FetchEngine engine = loopback.engine(MultiOptions.builder().proxy(proxy.url()).listener(new FetchListener() {
            @Override
            public void connectionAcquired(Transfer transfer, long connectionId, boolean reused) {
                acquired.add(connectionId);
            }
        }).build());

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(a.url("/one"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(b.url("/two"))));

        assertThat(first.bodyAsString()).isEqualTo("a /one proxy-auth=none");
        assertThat(second.bodyAsString()).isEqualTo("b /two proxy-auth=none");
        assertThat(second.connects()).isZero();
        assertThat(acquired).hasSize(2).containsOnly(acquired.get(0));
    }

    @Test
    void tinyproxyWithBasicAuthTunnelsAndTheOriginNeverSeesTheCredentials() throws Exception {
        Tinyproxy proxy = loopback.closeAfter(Tinyproxy.builder().basicAuth("crawler", "s3cret").start());
        ScriptedServer origin = origin("o");
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url()).username("crawler").password("s3cret")
                .tunnel(true).build(), null);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.builder(origin.url("/t"))
                .header("Proxy-Authorization", "Basic dXNlcjpzZXQtYnktdXNlcg==").build()));

        assertThat(response.bodyAsString()).isEqualTo("o /t proxy-auth=none");
        assertThat(response.connectCode()).isEqualTo(200);
        assertThat(origin.requests().get(0).headers().toString()).doesNotContain("s3cret").doesNotContain("dXNlcjpz");
    }

    @Test
    void tinyproxyWithoutCredentialsIsAProxyErrorNotTheOriginsResponse() throws Exception {
        Tinyproxy proxy = loopback.closeAfter(Tinyproxy.builder().basicAuth("crawler", "s3cret").start());
        NginxServer origin = loopback.closeAfter(NginxServer.builder().mode(NginxServer.Mode.TLS_H2).text("/x", "x").start());
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url()).build(), origin.tlsConfig());

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get(origin.url("/x"))));

        assertThat(e.detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(e.connectCode()).isEqualTo(407);
    }

    @Test
    void anHttpsOriginThroughTinyproxyIsVerifiedEndToEndAndSpeaksHttp2InTheTunnel() throws Exception {
        Tinyproxy proxy = loopback.closeAfter(Tinyproxy.builder().start());
        NginxServer origin = loopback.closeAfter(NginxServer.builder().mode(NginxServer.Mode.TLS_H2).text("/h2", "over h2").start());
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url()).build(), origin.tlsConfig());

        FetchResponse first = succeeds(engine.fetch(FetchRequest.get(origin.url("/h2"))));
        FetchResponse second = succeeds(engine.fetch(FetchRequest.get(origin.url("/h2"))));

        assertThat(first.bodyAsString()).isEqualTo("over h2");
        assertThat(first.httpVersion()).isEqualTo("HTTP/2");
        assertThat(first.connectCode()).isEqualTo(200);
        assertThat(second.connects()).isZero();
    }

    @Test
    void anUntrustedOriginThroughATunnelFailsVerification() throws Exception {
        Tinyproxy proxy = loopback.closeAfter(Tinyproxy.builder().start());
        NginxServer origin = loopback.closeAfter(NginxServer.builder().mode(NginxServer.Mode.TLS_HTTP11).text("/x", "x").start());
        FetchEngine engine = engine(proxy.url());

        FetchException e = fails(engine.fetch(FetchRequest.get(origin.url("/x"))));

        assertThat(e.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void squidAnswersDigestForForwardedAndTunnelledRequests(boolean tunnel) throws Exception {
        Squid proxy = loopback.closeAfter(Squid.builder().digestAuth("ann", "dig-pass").start());
        ScriptedServer origin = origin("s");
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url("ann", "dig-pass")).tunnel(tunnel).build(), null);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(origin.url("/d"))));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("s /d proxy-auth=none");
    }

    @Test
    void squidWithBasicAuthForwardsPreemptively() throws Exception {
        Squid proxy = loopback.closeAfter(Squid.builder().basicAuth("bob", "b-pass").start());
        ScriptedServer origin = origin("s");
        FetchEngine engine = engine(proxy.url("bob", "b-pass"));

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(origin.url("/b"))));

        assertThat(response.bodyAsString()).isEqualTo("s /b proxy-auth=none");
        // squid writes its access log line after the response has gone: wait for it
        eventually().untilAsserted(() -> assertThat(proxy.accessLog()).hasSize(1).allMatch(line -> line.contains("bob")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"socks5", "socks5h"})
    void microsocksWithAndWithoutCredentials(String scheme) throws Exception {
        Microsocks open = loopback.closeAfter(Microsocks.builder().start());
        Microsocks locked = loopback.closeAfter(Microsocks.builder().auth("sam", "socks-pass").start());
        ScriptedServer origin = origin("m");

        FetchResponse anonymous = succeeds(engine(open.url(scheme)).fetch(FetchRequest.get(origin.url("/a"))));
        FetchResponse authenticated = succeeds(engine(ProxySettings.builder().url(locked.url(scheme))
                .username("sam").password("socks-pass").build(), null).fetch(FetchRequest.get(origin.url("/b"))));
        ProxyException refused = (ProxyException) fails(engine(ProxySettings.builder().url(locked.url(scheme))
                .username("sam").password("wrong").build(), null).fetch(FetchRequest.get(origin.url("/c"))));

        assertThat(anonymous.bodyAsString()).isEqualTo("m /a proxy-auth=none");
        assertThat(anonymous.proxy()).startsWith(scheme + "://");
        assertThat(authenticated.bodyAsString()).isEqualTo("m /b proxy-auth=none");
        assertThat(refused.detail()).isEqualTo(ProxyError.USER_REJECTED);
        assertThat(refused.getMessage()).doesNotContain("wrong");
    }

    @ParameterizedTest
    @ValueSource(strings = {"socks4", "socks5", "socks5h"})
    void danteTunnelsPlainAndTlsOrigins(String scheme) throws Exception {
        Dante proxy = loopback.closeAfter(Dante.builder().start());
        NginxServer origin = loopback.closeAfter(NginxServer.builder().mode(NginxServer.Mode.TLS_H2).text("/d", "dante").start());
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url(scheme)).build(), origin.tlsConfig());

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(origin.url("/d"))));

        assertThat(response.bodyAsString()).isEqualTo("dante");
        assertThat(response.httpVersion()).isEqualTo("HTTP/2");
    }

    @Test
    void danteRefusingATargetIsANamedSocksError() throws Exception {
        Dante proxy = loopback.closeAfter(Dante.builder().socksRule("socks block { from: 0.0.0.0/0 to: 127.0.0.1/32 port = 9 }").start());
        FetchEngine engine = engine(proxy.url("socks5"));

        ProxyException e = (ProxyException) fails(engine.fetch(FetchRequest.get("http://127.0.0.1:9/")));

        assertThat(e.detail()).isEqualTo(ProxyError.REPLY_NOT_ALLOWED);
    }

    @Test
    void anHttpsProxyCarriesTlsInsideTlsWithItsOwnTrust() throws Exception {
        Tinyproxy backend = loopback.closeAfter(Tinyproxy.builder().start());
        Stunnel proxy = loopback.closeAfter(Stunnel.front(backend.port()));
        NginxServer origin = loopback.closeAfter(NginxServer.builder().mode(NginxServer.Mode.TLS_H2).text("/s", "inside").start());
        ScriptedServer plain = origin("p");
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url()).tls(proxy.tlsConfig()).build(), origin.tlsConfig());

        FetchResponse tls = succeeds(engine.fetch(FetchRequest.get(origin.url("/s"))));
        FetchResponse forwarded = succeeds(engine.fetch(FetchRequest.get(plain.url("/f"))));

        assertThat(tls.bodyAsString()).isEqualTo("inside");
        assertThat(tls.httpVersion()).isEqualTo("HTTP/2");
        assertThat(tls.proxy()).startsWith("https://127.0.0.1:");
        assertThat(forwarded.bodyAsString()).isEqualTo("p /f proxy-auth=none");
    }

    @Test
    void anHttpsProxyWithAnUntrustedCertificateGetsNoConnectAndNoCredential() throws Exception {
        ScriptedServer backend = loopback.server();
        Stunnel proxy = loopback.closeAfter(Stunnel.front(backend.port(), TestCertificates.newAuthority().server("127.0.0.1")));
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url()).username("u").password("never-sent").build(), null);

        FetchException e = fails(engine.fetch(FetchRequest.get("https://origin.example/")));

        assertThat(e.error()).isEqualTo(FetchError.PEER_FAILED_VERIFICATION);
        assertThat(e.getMessage()).contains("proxy 127.0.0.1").doesNotContain("never-sent");
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void ncatAsAnHttpsProxyWithDigestAuth() throws Exception {
        NcatProxy proxy = loopback.closeAfter(NcatProxy.builder().auth("nat", "cat-pass").tls().start());
        ScriptedServer origin = origin("n");
        FetchEngine engine = engine(ProxySettings.builder().url(proxy.url("nat", "cat-pass")).tls(proxy.tlsConfig())
                .tunnel(true).build(), null);

        FetchResponse response = succeeds(engine.fetch(FetchRequest.get(origin.url("/n"))));

        assertThat(response.bodyAsString()).isEqualTo("n /n proxy-auth=none");
    }
}
