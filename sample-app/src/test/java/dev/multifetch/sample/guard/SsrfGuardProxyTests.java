package dev.multifetch.sample.guard;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.multifetch.core.FetchEngine;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.FetchRequest;
import dev.multifetch.core.FetchResponse;
import dev.multifetch.core.MultiOptions;
import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxySettings;
import dev.multifetch.core.testing.ScriptedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The sample app's default guard (no private networks) on an engine whose proxy is a scripted
 * server on loopback, named as the operator would name it: the guard allows that proxy although
 * it is loopback, judges literal and engine-resolved targets by their address before any proxy
 * byte, refuses names the proxy would resolve unless it is trusted, and still judges the hosts
 * NO_PROXY sends direct.
 */
@Timeout(30)
class SsrfGuardProxyTests {

    private final ScriptedServer proxy = new ScriptedServer();

    private FetchEngine engine;

    @AfterEach
    void close() {
        if (this.engine != null) {
            this.engine.close();
        }
        this.proxy.close();
    }

    private FetchEngine engine(String scheme, boolean trusted, String noProxy, MultiOptions.Builder options) {
        String url = scheme + "://127.0.0.1:" + this.proxy.port();
        ConfiguredProxy configured = new ConfiguredProxy(ProxyConfig.parse(url), trusted);
        SsrfGuard guard = new SsrfGuard(false, List.of(), List.of(), configured);
        this.engine = FetchEngine.builder()
            .options(options.connectPolicy(guard).proxy(ProxySettings.builder().url(url).noProxy(noProxy).build()).build())
            .build();
        return this.engine;
    }

    private FetchEngine engine(String scheme, boolean trusted) {
        return engine(scheme, trusted, null, MultiOptions.builder());
    }

    @ParameterizedTest
    @ValueSource(strings = { "socks5", "socks4", "socks5h", "http" })
    void whenTargetIsALoopbackLiteralThenItIsDeniedBeforeAnyByteReachesTheProxy(String scheme) {
        FetchEngine engine = engine(scheme, true);

        FetchException denied = failure(engine, "http://127.0.0.1:" + this.proxy.port() + "/");

        assertThat(denied.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(denied.getMessage()).contains("denied by connect policy").contains("127.0.0.1 is loopback");
        assertThat(this.proxy.connectionCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "http", "socks5h", "socks4a" })
    void whenTheProxyWouldResolveANameThenItIsRefusedUnlessTrusted(String scheme) {
        FetchEngine engine = engine(scheme, false);

        FetchException refused = failure(engine, "http://origin.example/");

        assertThat(refused.error()).isEqualTo(FetchError.COULDNT_CONNECT);
        assertThat(refused.getMessage()).contains("would resolve origin.example itself")
            .contains("multifetch.sample.trusted-proxy=true");
        assertThat(this.proxy.connectionCount()).isZero();
    }

    @Test
    void whenTheProxyIsTrustedThenANameReachesItInAbsoluteForm() throws Exception {
        this.proxy.dispatcher((index, request) -> ScriptedServer.ok("via the egress guard"));
        FetchEngine engine = engine("http", true);

        FetchResponse response = engine.fetch(FetchRequest.get("http://origin.example/x")).get(20, TimeUnit.SECONDS);

        assertThat(response.bodyAsString()).isEqualTo("via the egress guard");
        assertThat(response.proxy()).isEqualTo("http://127.0.0.1:" + this.proxy.port());
        assertThat(this.proxy.awaitRequests(1).get(0).target()).isEqualTo("http://origin.example/x");
    }

    @Test
    void whenARequestNamesAnotherProxyThenTheGuardDeniesIt() {
        try (ScriptedServer other = new ScriptedServer()) {
            FetchEngine engine = engine("http", true);

            FetchException denied = failure(engine,
                    FetchRequest.builder("http://origin.example/").proxy("http://127.0.0.1:" + other.port()).build());

            assertThat(denied.getMessage()).contains("is not the one named in multifetch.proxy.url");
            assertThat(other.connectionCount()).isZero();
        }
    }

    @Test
    void whenNoProxySendsAHostDirectThenTheGuardStillJudgesItsAddress() throws Exception {
        MultiOptions.Builder options = MultiOptions.builder()
            .resolve("internal.example", 80, InetAddress.getLoopbackAddress());
        FetchEngine engine = engine("http", true, "internal.example", options);

        FetchException denied = failure(engine, "http://internal.example/");

        assertThat(denied.getMessage()).contains("denied by connect policy").contains("is loopback");
        assertThat(this.proxy.connectionCount()).isZero();
    }

    @Test
    void whenTrustedThenTheDenyListStillAppliesByName() {
        String url = "http://127.0.0.1:" + this.proxy.port();
        SsrfGuard guard = new SsrfGuard(false, List.of("10.0.0.0/8"), List.of("*.internal.example"),
                new ConfiguredProxy(ProxyConfig.parse(url), true));

        assertThat(guard.checkProxyResolved("db.internal.example", 80, ProxyConfig.parse(url)).reason())
            .contains("deny-list: *.internal.example");
        assertThat(guard.checkProxyResolved("public.example", 80, ProxyConfig.parse(url)).reason())
            .contains("not on the allow-list");
    }

    private static FetchException failure(FetchEngine engine, String url) {
        return failure(engine, FetchRequest.get(url));
    }

    private static FetchException failure(FetchEngine engine, FetchRequest request) {
        Throwable thrown = catchThrowable(engine.fetch(request)::join);
        assertThat(thrown).isInstanceOf(CompletionException.class).cause().isInstanceOf(FetchException.class);
        return (FetchException) thrown.getCause();
    }
}
