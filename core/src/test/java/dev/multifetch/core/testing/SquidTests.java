package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.ProxyProbe.authority;
import static dev.multifetch.core.testing.ProxyProbe.basic;
import static dev.multifetch.core.testing.ProxyProbe.digest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.ProxyProbe.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Squid started by the fixture, checked with a hand-written client against a loopback origin. */
@Timeout(30)
class SquidTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();
    private final ScriptedServer origin = loopback.server().defaultScript(ScriptedServer.ok("hello"));

    @Test
    void whenAnAbsoluteFormGetIsSentToALoopbackOriginThenItIsForwardedAndLogged() throws Exception {
        try (Squid proxy = Squid.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            Response response = probe.forward(origin, "/x");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello");
            assertThat(origin.awaitRequests(1).get(0).target()).isEqualTo("/x");
            eventually().untilAsserted(() -> assertThat(proxy.accessLog()).singleElement().asString()
                    .contains("TCP_MISS/200").contains("GET " + origin.url("/x")));
            assertThat(proxy.url()).isEqualTo("http://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void whenConnectNamesALoopbackHighPortThenTheTunnelCarriesARequest() throws Exception {
        try (Squid proxy = Squid.builder().start()) {
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.connectTo(origin).statusLine()).isEqualTo("HTTP/1.1 200 Connection established");
                assertThat(probe.get(origin, "/through").body()).isEqualTo("hello");
            }
            eventually().untilAsserted(() -> assertThat(proxy.accessLog()).singleElement().asString()
                    .contains("TCP_TUNNEL/200").contains("CONNECT " + authority(origin)));
        }
    }

    @Test
    void whenBasicAuthIsOnThenNoCredentialsGet407OnAKeptConnectionAndTheRightOnesGetThrough() throws Exception {
        try (Squid proxy = Squid.builder().basicAuth("alice", "s3cret").start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            Response denied = probe.connectTo(origin);
            assertThat(denied.status()).isEqualTo(407);
            assertThat(denied.headers("Proxy-Authenticate")).containsExactly("Basic realm=\"multifetch\"");
            assertThat(probe.connectTo(origin, basic("alice", "wrong")).status()).isEqualTo(407);

            assertThat(probe.connectTo(origin, basic("alice", "s3cret")).status()).isEqualTo(200);
            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
        }
    }

    @Test
    void whenDigestAuthIsOnThenA407ChallengesWithDigestAndTheAnswerGetsThrough() throws Exception {
        try (Squid proxy = Squid.builder().digestAuth("alice", "s3cret").start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            Response denied = probe.forward(origin, "/x");
            assertThat(denied.status()).isEqualTo(407);
            String challenge = denied.header("Proxy-Authenticate").orElseThrow();
            assertThat(challenge).startsWith("Digest realm=\"multifetch\"").contains("qop=\"auth\"");

            String answer = digest(challenge, "CONNECT", authority(origin), "alice", "s3cret");
            assertThat(probe.connectTo(origin, answer).status()).isEqualTo(200);
            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
        }
    }

    @Test
    void whenBothSchemesAreOnThenThe407OffersBoth() throws Exception {
        try (Squid proxy = Squid.builder().basicAuth("alice", "s3cret").digestAuth("bob", "pa55").start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            List<String> challenges = probe.connectTo(origin).headers("Proxy-Authenticate");

            assertThat(challenges).hasSize(2).anyMatch(c -> c.startsWith("Basic ")).anyMatch(c -> c.startsWith("Digest "));
        }
    }

    @Test
    void whenClosedThenSquidItsHelpersAndItsDirectoryAreGone() throws Exception {
        Squid proxy = Squid.builder().basicAuth("alice", "s3cret").start();
        try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.forward(origin, "/x", basic("alice", "s3cret")).status()).isEqualTo(200);
        }
        List<ProcessHandle> processes = proxy.processes();
        Path directory = proxy.directory();

        proxy.close();

        assertThat(processes).as("squid and its basic_ncsa_auth helper").hasSizeGreaterThanOrEqualTo(2)
                .noneMatch(ServerProcess::running);
        assertThat(Files.exists(directory)).isFalse();
    }
}
