package dev.multifetch.core.proxy;

import static dev.multifetch.core.proxy.TunnelDriver.failure;
import static dev.multifetch.core.proxy.TunnelDriver.openThenRead;
import static org.assertj.core.api.Assertions.assertThat;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.ProxyType;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class Socks4TunnelTests {

    private static final byte[] GRANTED = {0, 90, 1, (byte) 187, 10, 1, 2, 3};

    @Test
    void socks4SendsTheAddressAndOpensOnGranted() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            assertThat(p.read(9)).containsExactly(4, 1, 1, 187, 10, 1, 2, 3, 0);
            p.send(GRANTED);
            p.awaitRelease();
            p.send("origin");
        })) {
            Tunnel tunnel = new Socks4Tunnel(config(proxy, null), InetAddress.getByName("10.1.2.3"), null, 443);
            assertThat(openThenRead(proxy, tunnel)).isEqualTo("origin");
            assertThat(tunnel.connectCode()).isZero();
        }
    }

    @Test
    void socks4aSendsTheNameAfterTheUserId() throws Exception {
        byte[] expected = {4, 1, 0, 80, 0, 0, 0, 1, 'b', 'o', 'b', 0, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', 0};
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            assertThat(p.read(expected.length)).containsExactly(expected);
            p.send(GRANTED);
            p.awaitRelease();
            p.send("origin");
        })) {
            Tunnel tunnel = new Socks4Tunnel(config(proxy, "bob"), null, "example.org", 80);
            assertThat(openThenRead(proxy, tunnel)).isEqualTo("origin");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "91, REQUEST_FAILED, request rejected or failed",
        "92, IDENTD, could not reach identd",
        "93, IDENTD_DIFFER, identd reported a different user id",
        "17, REPLY_UNASSIGNED, a reply code SOCKS4 does not define",
    })
    void refusalsMapToTheirCodes(int code, ProxyError detail, String words) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(9);
            p.send(new byte[] {0, (byte) code, 0, 0, 0, 0, 0, 0});
        })) {
            ProxyException e = failure(proxy, new Socks4Tunnel(config(proxy, null), InetAddress.getByName("10.1.2.3"), null, 443));
            assertThat(e.detail()).isEqualTo(detail);
            assertThat(e.proxy()).isEqualTo("socks4://127.0.0.1:" + proxy.port());
            assertThat(e.getMessage()).contains("SOCKS4 proxy socks4://127.0.0.1:" + proxy.port() + " answered " + code + ": ", words);
        }
    }

    @Test
    void aReplyVersionOtherThanZeroIsBadVersion() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(9);
            p.send(new byte[] {5, 90, 0, 0, 0, 0, 0, 0});
        })) {
            ProxyException e = failure(proxy, new Socks4Tunnel(config(proxy, null), InetAddress.getByName("10.1.2.3"), null, 443));
            assertThat(e.detail()).isEqualTo(ProxyError.BAD_VERSION);
        }
    }

    @Test
    void anIpv6TargetFailsBeforeAnyByte() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> { })) {
            ProxyException e = failure(proxy, new Socks4Tunnel(config(proxy, null), InetAddress.getByName("::1"), null, 443));
            assertThat(e.detail()).isEqualTo(ProxyError.RESOLVE_HOST);
            assertThat(e.getMessage()).contains("IPv4 addresses only");
            assertThat(proxy.received(0)).isEmpty();
        }
    }

    @Test
    void aTruncatedReplyIsClosed() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(9);
            p.send(new byte[] {0, 90, 1});
        })) {
            ProxyException e = failure(proxy, new Socks4Tunnel(config(proxy, null), InetAddress.getByName("10.1.2.3"), null, 443));
            assertThat(e.detail()).isEqualTo(ProxyError.CLOSED);
            assertThat(e.getMessage()).contains("closed the connection while we waited for its SOCKS4 reply");
        }
    }

    private static ProxyConfig config(ScriptedProxy proxy, String user) {
        ProxyConfig c = ProxyConfig.of(ProxyType.SOCKS4, "127.0.0.1", proxy.port());
        return user == null ? c : c.withCredentials(user, null);
    }
}
