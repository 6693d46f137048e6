package dev.multifetch.sample.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import dev.multifetch.autoconfigure.MultifetchOptionsCustomizer;
import dev.multifetch.core.HostResolver;
import dev.multifetch.core.testing.ScriptedServer;
import dev.multifetch.sample.SampleClient;
import dev.multifetch.sample.fetch.FetchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Indirect routes to an internal address, on loopback only: the guard allows exactly
 * 127.0.0.1/32 (standing in for the public internet) and denies everything else, 127.0.0.2 (the
 * "internal" host) among it. A scripted resolver answers the names; the DNS cache is off, so each
 * connect resolves anew. Whatever a redirect or a resolver says, the internal listener sees no
 * connection, because the guard judges the address at connect time.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "multifetch.sample.allow=127.0.0.1/32",
        "multifetch.sample.allowed-ports=", "multifetch.dns-cache-timeout=0" })
@Timeout(60)
class SsrfIndirectTests {

    @LocalServerPort
    private int port;

    @Autowired
    private JsonMapper jsonMapper;

    @Autowired
    private ScriptedResolver resolver;

    private SampleClient client;
    private ScriptedServer outside;
    private ScriptedServer internal;

    @BeforeEach
    void servers() {
        this.client = new SampleClient(this.port, this.jsonMapper);
        this.outside = new ScriptedServer();
        // the same port on the internal address, as a rebinding attacker would aim it
        this.internal = new ScriptedServer(new InetSocketAddress("127.0.0.2", this.outside.port()))
            .defaultScript(ScriptedServer.ok("internal secret"));
    }

    @AfterEach
    void internalListenerSawNoConnection() {
        try {
            assertThat(this.internal.connectionCount()).isZero();
        } finally {
            this.outside.close();
            this.internal.close();
            this.resolver.clear();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = { 301, 302, 303, 307, 308 })
    void redirectToAnInternalAddressIsRefusedAtTheHop(int status) {
        this.outside.defaultScript(redirect(status, "http://127.0.0.2:" + this.outside.port() + "/admin"));

        FetchResult result = follow(this.outside.url("/start"));

        assertDenied(result);
        assertThat(this.outside.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "http://[::1]:P/", "http://2130706434:P/", "http://localhost:P/", "http://127.0.0.1.nip.io:P/",
            "//127.0.0.2:P/", "file:///etc/passwd", "http://127.0.0.2:P/%2e%2e/admin" })
    void redirectVariantsToInternalTargetsAreRefused(String location) {
        this.resolver.answer("localhost", (n) -> List.of("127.0.0.2"));
        this.resolver.answer("127.0.0.1.nip.io", (n) -> List.of("127.0.0.2"));
        this.outside.defaultScript(redirect(302, location.replace(":P", ":" + this.outside.port())));

        FetchResult result = follow(this.outside.url("/start"));

        assertThat(result.status()).as("no response from an internal target").isNull();
        assertThat(result.error()).isNotNull();
    }

    @Test
    void aRelativeRedirectOnTheSameOriginIsFollowed() {
        this.outside.dispatcher((index, request) -> request.target().equals("/start")
                ? redirect(302, "/a/../landing") : ScriptedServer.ok("landed"));

        FetchResult result = follow(this.outside.url("/start"));

        assertThat(result.body()).isEqualTo("landed");
        assertThat(result.redirects()).isEqualTo(1);
    }

    @Test
    void dnsRebindingCannotReachTheInternalAddress() {
        this.resolver.answer("rebind.test", (query) -> List.of(query == 1 ? "127.0.0.1" : "127.0.0.2"));
        this.outside.defaultScript(closing("outside"));
        String url = "http://rebind.test:" + this.outside.port() + "/";

        FetchResult first = this.client.fetchUrl(url);
        FetchResult second = this.client.fetchUrl(url);

        assertThat(first.body()).isEqualTo("outside");
        assertDenied(second);
        assertThat(second.error().message()).contains("127.0.0.2");
        assertThat(this.resolver.queries("rebind.test")).isEqualTo(2);
    }

    @Test
    void dnsRebindingBetweenRedirectHopsIsCaughtAtTheSecondHop() {
        this.resolver.answer("rebind.test", (query) -> List.of(query == 1 ? "127.0.0.1" : "127.0.0.2"));
        String next = "http://rebind.test:" + this.outside.port() + "/next";
        this.outside.defaultScript(ScriptedServer.script()
            .sendResponse(302, Map.of("Location", next, "Content-Length", "0", "Connection", "close"), "")
            .close());

        FetchResult result = follow("http://rebind.test:" + this.outside.port() + "/start");

        assertDenied(result);
        assertThat(this.outside.requests()).hasSize(1);
        assertThat(this.resolver.queries("rebind.test")).isEqualTo(2);
    }

    @Test
    void fromMixedAnswersOnlyTheAllowedAddressIsConnectedTo() {
        this.resolver.answer("mixed.test", (query) -> List.of("127.0.0.2", "127.0.0.1"));
        this.resolver.answer("internal-only.test", (query) -> List.of("127.0.0.2"));
        this.outside.defaultScript(closing("outside"));

        FetchResult mixed = this.client.fetchUrl("http://mixed.test:" + this.outside.port() + "/");
        FetchResult internalOnly = this.client.fetchUrl("http://internal-only.test:" + this.outside.port() + "/");

        assertThat(mixed.body()).isEqualTo("outside");
        assertDenied(internalOnly);
    }

    private FetchResult follow(String url) {
        return this.client.fetch("{\"url\": " + this.client.quote(url) + ", \"followRedirects\": true}");
    }

    private static void assertDenied(FetchResult result) {
        assertThat(result.status()).isNull();
        assertThat(result.error().code()).isEqualTo("COULDNT_CONNECT");
        assertThat(result.error().message()).contains("denied by connect policy");
    }

    private static ScriptedServer.Script redirect(int status, String location) {
        return ScriptedServer.script().sendResponse(status, Map.of("Location", location, "Content-Length", "0"), "");
    }

    /** Answers and closes, so no connection is kept for reuse: every fetch connects (and resolves) anew. */
    private static ScriptedServer.Script closing(String body) {
        return ScriptedServer.script()
            .sendResponse(200, Map.of("Content-Length", Integer.toString(body.length()), "Connection", "close"), body)
            .close();
    }

    /** A resolver whose answer to the n-th query for a name (from 1) the test scripts. */
    static final class ScriptedResolver implements HostResolver {

        private final Map<String, IntFunction<List<String>>> answers = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();

        void answer(String host, IntFunction<List<String>> answer) {
            this.answers.put(host, answer);
        }

        int queries(String host) {
            return this.queries.getOrDefault(host, new AtomicInteger()).get();
        }

        void clear() {
            this.answers.clear();
            this.queries.clear();
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            int query = this.queries.computeIfAbsent(host, (h) -> new AtomicInteger()).incrementAndGet();
            IntFunction<List<String>> answer = this.answers.get(host);
            if (answer == null) {
                throw new UnknownHostException(host + " (not scripted)");
            }
            InetAddress[] addresses = new InetAddress[answer.apply(query).size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = InetAddress.getByName(answer.apply(query).get(i));
            }
            return addresses;
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class ResolverConfiguration {

        @Bean
        ScriptedResolver scriptedResolver() {
            return new ScriptedResolver();
        }

        @Bean
        MultifetchOptionsCustomizer scriptedResolverCustomizer(ScriptedResolver resolver) {
            return (options) -> options.hostResolver(resolver);
        }
    }
}
