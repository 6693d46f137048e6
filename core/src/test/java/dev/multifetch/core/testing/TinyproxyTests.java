package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.ProxyProbe.basic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.testing.ProxyProbe.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tinyproxy started by the fixture, checked with a hand-written client against a loopback origin. */
@Timeout(30)
class TinyproxyTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();
    private final ScriptedServer origin = loopback.server().defaultScript(ScriptedServer.ok("hello"));

    @Test
    void whenAnAbsoluteFormGetIsSentThenTheOriginAnswersAndSeesNoVia() throws Exception {
        try (Tinyproxy proxy = Tinyproxy.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            Response response = probe.forward(origin, "/x");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello");
            assertThat(origin.awaitRequests(1).get(0).target()).isEqualTo("/x");
            assertThat(origin.requests().get(0).header("Via")).isEmpty();
            assertThat(proxy.log()).contains("Request (file descriptor").contains("GET " + origin.url("/x"));
            assertThat(proxy.url()).isEqualTo("http://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void whenConnectNamesAnUnusualPortThenTheTunnelCarriesARequest() throws Exception {
        try (Tinyproxy proxy = Tinyproxy.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            Response tunnel = probe.connectTo(origin);

            assertThat(tunnel.statusLine()).isEqualTo("HTTP/1.0 200 Connection established");
            assertThat(probe.get(origin, "/through").body()).isEqualTo("hello");
            assertThat(origin.awaitRequests(1).get(0).target()).isEqualTo("/through");
        }
    }

    @Test
    void whenBasicAuthIsOnThenNoCredentialsGet407WrongOnes401AndTheRightOnesGetThrough() throws Exception {
        try (Tinyproxy proxy = Tinyproxy.builder().basicAuth("alice", "s3cret").start()) {
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                Response denied = probe.connectTo(origin);
                assertThat(denied.status()).isEqualTo(407);
                assertThat(denied.header("Proxy-Authenticate")).contains("Basic realm=\"Tinyproxy\"");
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                Response wrong = probe.connectTo(origin, basic("alice", "wrong"));
                assertThat(wrong.status()).as("tinyproxy/tinyproxy#532").isEqualTo(401);
                assertThat(wrong.header("WWW-Authenticate")).contains("Basic realm=\"Tinyproxy\"");
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.connectTo(origin, basic("alice", "s3cret")).status()).isEqualTo(200);
                assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.forward(origin, "/y", basic("alice", "s3cret")).status()).isEqualTo(200);
            }
            assertThat(proxy.url("alice", "s3 cret")).isEqualTo("http://alice:s3%20cret@127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void whenConnectPortsAreListedThenOtherPortsAreRefused() throws Exception {
        try (Tinyproxy proxy = Tinyproxy.builder().directive("ConnectPort 443").start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.connectTo(origin).status()).isEqualTo(403);
        }
    }

    @Test
    void whenClosedThenItsProcessAndDirectoryAreGone() throws Exception {
        Tinyproxy proxy = Tinyproxy.builder().start();
        List<ProcessHandle> processes = proxy.processes();
        Path directory = proxy.directory();

        proxy.close();

        assertThat(processes).isNotEmpty().noneMatch(ServerProcess::running);
        assertThat(Files.exists(directory)).isFalse();
    }
}
