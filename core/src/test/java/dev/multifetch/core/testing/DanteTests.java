package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.Fetches.eventually;
import static dev.multifetch.core.testing.ProxyProbe.NO_AUTH;
import static dev.multifetch.core.testing.ProxyProbe.SOCKS4_GRANTED;
import static dev.multifetch.core.testing.ProxyProbe.SOCKS4_REJECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** danted started by the fixture, checked with hand-written SOCKS4 and SOCKS5 clients against a loopback origin. */
@Timeout(30)
class DanteTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();
    private final ScriptedServer origin = loopback.server().defaultScript(ScriptedServer.ok("hello"));

    @ParameterizedTest(name = "target as a name (ATYP 3): {0}")
    @ValueSource(booleans = {false, true})
    void whenASocks5ConnectNamesTheTargetThenTheTunnelCarriesARequest(boolean asName) throws Exception {
        try (Dante proxy = Dante.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.socks5Greeting(NO_AUTH)).isEqualTo(NO_AUTH);
            assertThat(probe.socks5Connect("127.0.0.1", origin.port(), asName)).isZero();

            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            assertThat(proxy.url()).isEqualTo("socks5://127.0.0.1:" + proxy.port());
            assertThat(proxy.url("socks5h")).isEqualTo("socks5h://127.0.0.1:" + proxy.port());
            eventually().untilAsserted(() -> assertThat(proxy.log()).contains("pass(1): tcp/connect"));
        }
    }

    @Test
    void whenASocks4ConnectNamesAnIpv4AddressThenTheTunnelCarriesARequest() throws Exception {
        try (Dante proxy = Dante.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.socks4Connect("127.0.0.1", origin.port())).isEqualTo(SOCKS4_GRANTED);

            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            assertThat(proxy.url("socks4")).isEqualTo("socks4://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void whenASocks4aConnectCarriesANameThenDanteRejectsIt() throws Exception {
        try (Dante proxy = Dante.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.socks4Connect("localhost", origin.port())).isEqualTo(SOCKS4_REJECTED);

            assertThat(origin.connectionCount()).isZero();
            assertThatThrownBy(() -> proxy.url("socks4a")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not socks4a");
        }
    }

    @Test
    void whenARuleBlocksTheTargetThenTheSocks5ReplyIsNotAllowedByRuleset() throws Exception {
        String rule = "socks block { from: 0.0.0.0/0 to: 127.0.0.1/32 port = " + origin.port() + " log: error }";
        try (Dante proxy = Dante.builder().socksRule(rule).start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            probe.socks5Greeting(NO_AUTH);

            assertThat(probe.socks5Connect("127.0.0.1", origin.port(), false)).as("REP").isEqualTo(2);
            assertThat(proxy.log()).contains("block(1)");
        }
    }

    @Test
    void whenClosedThenEveryDanteProcessAndTheDirectoryAreGone() throws Exception {
        Dante proxy = Dante.builder().start();
        try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.socks4Connect("127.0.0.1", origin.port())).as("a request served by its children").isEqualTo(SOCKS4_GRANTED);
        }
        List<ProcessHandle> processes = proxy.processes();
        Path directory = proxy.directory();

        proxy.close();

        assertThat(processes).as("danted and the children it forked").hasSizeGreaterThan(1).noneMatch(ServerProcess::running);
        assertThat(Files.exists(directory)).isFalse();
    }
}
