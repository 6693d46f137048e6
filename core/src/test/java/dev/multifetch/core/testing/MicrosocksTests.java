package dev.multifetch.core.testing;

import static dev.multifetch.core.testing.ProxyProbe.NO_ACCEPTABLE_METHOD;
import static dev.multifetch.core.testing.ProxyProbe.NO_AUTH;
import static dev.multifetch.core.testing.ProxyProbe.USER_PASSWORD;
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

/** microsocks started by the fixture, checked with a hand-written SOCKS5 client against a loopback origin. */
@Timeout(30)
class MicrosocksTests {

    @RegisterExtension
    final Loopback loopback = new Loopback();
    private final ScriptedServer origin = loopback.server().defaultScript(ScriptedServer.ok("hello"));

    @ParameterizedTest(name = "target as a name (ATYP 3): {0}")
    @ValueSource(booleans = {false, true})
    void whenASocks5ConnectNamesTheTargetThenTheTunnelCarriesARequest(boolean asName) throws Exception {
        try (Microsocks proxy = Microsocks.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            assertThat(probe.socks5Greeting(NO_AUTH)).isEqualTo(NO_AUTH);
            assertThat(probe.socks5Connect("127.0.0.1", origin.port(), asName)).isZero();

            assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            assertThat(proxy.log()).contains("connected to 127.0.0.1:" + origin.port());
        }
    }

    @Test
    void whenAuthIsOnThenOnlyAUserPasswordGreetingWithTheRightCredentialsGetsThrough() throws Exception {
        try (Microsocks proxy = Microsocks.builder().auth("alice", "s3cret").start()) {
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.socks5Greeting(NO_AUTH)).isEqualTo(NO_ACCEPTABLE_METHOD);
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.socks5Greeting(NO_AUTH, USER_PASSWORD)).isEqualTo(USER_PASSWORD);
                assertThat(probe.socks5Login("alice", "wrong")).isNotZero();
            }
            try (ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
                assertThat(probe.socks5Greeting(NO_AUTH, USER_PASSWORD)).isEqualTo(USER_PASSWORD);
                assertThat(probe.socks5Login("alice", "s3cret")).isZero();
                assertThat(probe.socks5Connect("127.0.0.1", origin.port(), false)).isZero();
                assertThat(probe.get(origin, "/x").body()).isEqualTo("hello");
            }
            assertThat(proxy.url("alice", "s3cret")).isEqualTo("socks5://alice:s3cret@127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void whenNothingListensOnTheTargetThenTheReplyIsConnectionRefused() throws Exception {
        try (Microsocks proxy = Microsocks.builder().start();
             ProxyProbe probe = ProxyProbe.connect(proxy.port())) {
            int closedPort = origin.port();
            origin.close();
            probe.socks5Greeting(NO_AUTH);

            assertThat(probe.socks5Connect("127.0.0.1", closedPort, false)).as("REP: connection refused").isEqualTo(5);
        }
    }

    @Test
    void whenAskedForItsUrlsThenTheyAreSocks5OrSocks5hButNeverSocks4() {
        try (Microsocks proxy = Microsocks.builder().start()) {
            assertThat(proxy.url()).isEqualTo("socks5://127.0.0.1:" + proxy.port());
            assertThat(proxy.url("socks5h")).isEqualTo("socks5h://127.0.0.1:" + proxy.port());
            assertThatThrownBy(() -> proxy.url("socks4")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Microsocks speaks [socks5, socks5h], not socks4");
        }
    }

    @Test
    void whenClosedThenItsProcessAndDirectoryAreGone() {
        Microsocks proxy = Microsocks.builder().start();
        List<ProcessHandle> processes = proxy.processes();
        Path directory = proxy.directory();

        proxy.close();

        assertThat(processes).isNotEmpty().noneMatch(ServerProcess::running);
        assertThat(Files.exists(directory)).isFalse();
    }
}
