package dev.multifetch.core.testing;

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

/** ncat's HTTP proxy started by the fixture, checked with a hand-written client against a loopback origin. */
@Timeout(30)
class NcatProxyTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();
    private final ScriptedServer origin = loopback.server().defaultScript(ScriptedServer.ok("hello"));

    @Test
    void whenAGetAndAConnectAreSentThenBothReachTheOrigin() throws Exception {
        try (NcatProxy proxy = NcatProxy.builder().start()) {
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.forward(origin, "/forwarded").body()).isEqualTo("hello");
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.connectTo(origin).statusLine()).isEqualTo("HTTP/1.0 200 OK");
                assertThat(probe.get(origin, "/tunnelled").body()).isEqualTo("hello");
            }
            assertThat(origin.awaitRequests(2)).extracting(ScriptedServer.RecordedRequest::target)
                    .containsExactly("/forwarded", "/tunnelled");
            assertThat(proxy.url()).isEqualTo("http://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void whenAuthIsOnThenThe407OffersBasicAndDigestAndEitherAnswerGetsThrough() throws Exception {
        try (NcatProxy proxy = NcatProxy.builder().auth("alice", "s3cret").start()) {
            String digestChallenge;
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                Response denied = probe.connectTo(origin);
                assertThat(denied.status()).isEqualTo(407);
                assertThat(denied.headers("Proxy-Authenticate")).hasSize(2).anyMatch(c -> c.startsWith("Basic realm=\"Ncat\""));
                digestChallenge = denied.headers("Proxy-Authenticate").stream().filter(c -> c.startsWith("Digest ")).findFirst().orElseThrow();
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                String answer = digest(digestChallenge, "CONNECT", authority(origin), "alice", "s3cret");
                assertThat(probe.connectTo(origin, answer).status()).isEqualTo(200);
                assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.connectTo(origin, basic("alice", "s3cret")).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void whenTlsIsOnThenItIsAnHttpsProxy() throws Exception {
        try (NcatProxy proxy = NcatProxy.builder().auth("alice", "s3cret").tls().start();
             ProxyProbe probe = ProxyProbe.connectTls(proxy.port(), proxy.sslContext())) {
            assertThat(probe.connectTo(origin, basic("alice", "s3cret")).status()).isEqualTo(200);

            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            assertThat(proxy.url("alice", "s3cret")).isEqualTo("https://alice:s3cret@127.0.0.1:" + proxy.port());
            assertThat(proxy.tlsConfig()).isNotNull();
        }
    }

    @Test
    void whenClosedWithATunnelOpenThenNcatItsChildAndTheDirectoryAreGone() throws Exception {
        NcatProxy proxy = NcatProxy.builder().start();
        try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.connectTo(origin).status()).isEqualTo(200);
            List<ProcessHandle> processes = proxy.processes();
            Path directory = proxy.directory();

            proxy.close();

            assertThat(processes).as("ncat and the child it forked for the tunnel").hasSizeGreaterThanOrEqualTo(2)
                    .noneMatch(ServerProcess::running);
            assertThat(Files.exists(directory)).isFalse();
        }
    }
}
