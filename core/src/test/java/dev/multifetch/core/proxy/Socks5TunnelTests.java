package dev.multifetch.core.proxy;

import static dev.multifetch.core.proxy.TunnelDriver.failure;
import static dev.multifetch.core.proxy.TunnelDriver.openThenRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.ProxyType;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class Socks5TunnelTests {

    private static final byte[] NO_AUTH_GREETING = {5, 1, 0};
    private static final byte[] CONNECT_IPV4 = {5, 1, 0, 1, 10, 1, 2, 3, 1, (byte) 187};
    private static final byte[] SUCCESS_IPV4 = {5, 0, 0, 1, 10, 9, 9, 9, 4, 0};

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 4})
    void theReplyIsReadExactlyWhateverItsAddressType(int atyp) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            assertThat(p.read(3)).containsExactly(NO_AUTH_GREETING);
            p.send(new byte[] {5, 0});
            assertThat(p.read(10)).containsExactly(CONNECT_IPV4);
            p.send(reply(0, atyp));
            p.awaitRelease();
            p.send("origin");
        })) {
            Tunnel tunnel = new Socks5Tunnel(config(proxy, null, null), InetAddress.getByName("10.1.2.3"), null, 443);
            assertThat(openThenRead(proxy, tunnel)).isEqualTo("origin");
            assertThat(tunnel.connectCode()).isZero();
        }
    }

    @Test
    void anIpv6TargetGoesAsAddressType4() throws Exception {
        byte[] expected = new byte[22];
        expected[0] = 5;
        expected[1] = 1;
        expected[3] = 4;
        expected[19] = 1;
        expected[20] = 0;
        expected[21] = 80;
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(3);
            p.send(new byte[] {5, 0});
            assertThat(p.read(22)).containsExactly(expected);
            p.send(SUCCESS_IPV4);
            p.awaitRelease();
            p.send("origin");
        })) {
            Tunnel tunnel = new Socks5Tunnel(config(proxy, null, null), InetAddress.getByName("::1"), null, 80);
            assertThat(openThenRead(proxy, tunnel)).isEqualTo("origin");
        }
    }

    @Test
    void socks5hSendsTheNameAndUserPasswordWhenChosen() throws Exception {
        byte[] auth = {1, 4, 'u', 's', 'e', 'r', 6, 's', 'e', 'c', 'r', 'e', 't'};
        byte[] connect = {5, 1, 0, 3, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', 0, 80};
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            assertThat(p.read(4)).containsExactly(5, 2, 0, 2);
            p.send(new byte[] {5, 2});
            assertThat(p.read(auth.length)).containsExactly(auth);
            p.send(new byte[] {1, 0});
            assertThat(p.read(connect.length)).containsExactly(connect);
            p.send(reply(0, 3));
            p.awaitRelease();
            p.send("origin");
        })) {
            Tunnel tunnel = new Socks5Tunnel(config(proxy, "user", "secret"), null, "example.org", 80);
            assertThat(openThenRead(proxy, tunnel)).isEqualTo("origin");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1, REPLY_GENERAL_SERVER_FAILURE, general SOCKS server failure",
        "2, REPLY_NOT_ALLOWED, connection not allowed by ruleset",
        "3, REPLY_NETWORK_UNREACHABLE, network unreachable",
        "4, REPLY_HOST_UNREACHABLE, host unreachable",
        "5, REPLY_CONNECTION_REFUSED, connection refused by the target",
        "6, REPLY_TTL_EXPIRED, TTL expired",
        "7, REPLY_COMMAND_NOT_SUPPORTED, command not supported",
        "8, REPLY_ADDRESS_TYPE_NOT_SUPPORTED, address type not supported",
        "9, REPLY_UNASSIGNED, a reply code RFC 1928 does not assign",
    })
    void replyCodesMapToTheirErrorsInWords(int rep, ProxyError detail, String words) throws Exception {
        ProxyException e = failureAfterConnect(reply(rep, 1));
        assertThat(e.detail()).isEqualTo(detail);
        assertThat(e.getMessage()).matches(".*SOCKS5 proxy socks5://127\\.0\\.0\\.1:\\d+ answered " + rep + ": " + words);
    }

    @Test
    void anUnknownAddressTypeIsRefused() throws Exception {
        assertThat(failureAfterConnect(new byte[] {5, 0, 0, 7}).detail()).isEqualTo(ProxyError.BAD_ADDRESS_TYPE);
    }

    @Test
    void aWrongReplyVersionIsRefused() throws Exception {
        assertThat(failureAfterConnect(new byte[] {4, 0, 0, 1}).detail()).isEqualTo(ProxyError.BAD_VERSION);
    }

    @Test
    void aTruncatedReplyIsClosed() throws Exception {
        ProxyException e = failureAfterConnect(new byte[] {5, 0, 0, 1, 10, 9});
        assertThat(e.detail()).isEqualTo(ProxyError.CLOSED);
        assertThat(e.getMessage()).contains("closed the connection while we waited for its complete reply to CONNECT");
    }

    @ParameterizedTest
    @CsvSource({"255, NO_AUTH", "2, NO_AUTH", "0, BAD_VERSION"})
    void aMethodNotOfferedOrNoneAcceptableIsNoAuth(int method, ProxyError detail) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(3);
            p.send(new byte[] {(byte) (detail == ProxyError.BAD_VERSION ? 4 : 5), (byte) method});
        })) {
            ProxyException e = failure(proxy, new Socks5Tunnel(config(proxy, null, null), InetAddress.getByName("10.1.2.3"), null, 443));
            assertThat(e.detail()).isEqualTo(detail);
        }
    }

    @Test
    void refusedCredentialsAreUserRejected() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(4);
            p.send(new byte[] {5, 2});
            p.read(14);
            p.send(new byte[] {1, 1});
        })) {
            ProxyException e = failure(proxy, new Socks5Tunnel(config(proxy, "user", "hunter2"), null, "example.org", 443));
            assertThat(e.detail()).isEqualTo(ProxyError.USER_REJECTED);
            assertThat(e.getMessage()).contains("refused the user name and password (status 1)").doesNotContain("hunter2");
        }
    }

    @ParameterizedTest
    @CsvSource({"LONG_HOSTNAME, 256, 1, 1", "LONG_USER, 1, 256, 1", "LONG_PASSWD, 1, 1, 256"})
    void overlongFieldsFailBeforeAnyByte(ProxyError detail, int host, int user, int password) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> { })) {
            Tunnel tunnel = new Socks5Tunnel(config(proxy, "u".repeat(user), "p".repeat(password)), null, "h".repeat(host), 443);
            ProxyException e = failure(proxy, tunnel);
            assertThat(e.detail()).isEqualTo(detail);
            assertThat(e.getMessage()).contains("is 256 bytes, over the 255").doesNotContain("ppp");
            assertThat(proxy.received(0)).isEmpty();
        }
    }

    @Test
    void restartIsMisuse() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy()) {
            Tunnel tunnel = new Socks5Tunnel(config(proxy, null, null), null, "example.org", 443);
            assertThatThrownBy(tunnel::restart).isInstanceOf(IllegalStateException.class);
        }
    }

    private static ProxyException failureAfterConnect(byte[] reply) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.read(3);
            p.send(new byte[] {5, 0});
            p.read(10);
            p.send(reply);
        })) {
            return failure(proxy, new Socks5Tunnel(config(proxy, null, null), InetAddress.getByName("10.1.2.3"), null, 443));
        }
    }

    /** A CONNECT reply with {@code rep} and a bound address of type {@code atyp}. */
    private static byte[] reply(int rep, int atyp) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {5, (byte) rep, 0, (byte) atyp});
        switch (atyp) {
            case 1 -> b.writeBytes(new byte[] {10, 9, 9, 9});
            case 3 -> {
                b.write(9);
                b.writeBytes("proxy.lan".getBytes(StandardCharsets.US_ASCII));
            }
            default -> b.writeBytes(new byte[16]);
        }
        b.writeBytes(new byte[] {4, 0});
        return b.toByteArray();
    }

    private static ProxyConfig config(ScriptedProxy proxy, String user, String password) {
        ProxyConfig c = ProxyConfig.of(ProxyType.SOCKS5, "127.0.0.1", proxy.port());
        return user == null ? c : c.withCredentials(user, password);
    }
}
