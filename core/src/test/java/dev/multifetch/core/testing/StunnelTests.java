package dev.multifetch.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** stunnel in front of tinyproxy, both started by the fixtures: an HTTPS proxy, checked with a JDK TLS socket. */
@Timeout(30)
class StunnelTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();
    private final ScriptedServer origin = loopback.server().defaultScript(ScriptedServer.ok("hello"));

    @Test
    void whenAClientTrustingTheCaSendsConnectThenTinyproxyBehindOpensTheTunnel() throws Exception {
        try (Tinyproxy tinyproxy = Tinyproxy.builder().start();
             Stunnel proxy = Stunnel.front(tinyproxy.port());
             ProxyProbe probe = ProxyProbe.connectTls(proxy.port(), proxy.sslContext())) {
            assertThat(probe.connectTo(origin).statusLine()).isEqualTo("HTTP/1.0 200 Connection established");

            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            assertThat(proxy.log()).contains("Service [front] accepted connection");
            assertThat(proxy.url()).isEqualTo("https://127.0.0.1:" + proxy.port());
            assertThat(proxy.tlsConfig()).isNotNull();
        }
    }

    @Test
    void whenTheClientTrustsAnotherCaThenTheHandshakeFails() {
        try (Tinyproxy tinyproxy = Tinyproxy.builder().start();
             Stunnel proxy = Stunnel.front(tinyproxy.port())) {
            SSLContext otherCa = TestCertificates.clientContextTrusting(TestCertificates.newAuthority().authority());

            assertThatThrownBy(() -> ProxyProbe.connectTls(proxy.port(), otherCa).close()).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void whenClosedThenItsProcessAndDirectoryAreGone() {
        try (Tinyproxy tinyproxy = Tinyproxy.builder().start()) {
            Stunnel proxy = Stunnel.front(tinyproxy.port());
            List<ProcessHandle> processes = proxy.processes();
            Path directory = proxy.directory();

            proxy.close();

            assertThat(processes).isNotEmpty().noneMatch(ServerProcess::running);
            assertThat(Files.exists(directory)).isFalse();
        }
    }
}
