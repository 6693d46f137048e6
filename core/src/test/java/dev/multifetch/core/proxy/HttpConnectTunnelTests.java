package dev.multifetch.core.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.ProxyType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class HttpConnectTunnelTests {

    private static final String USER = "user";
    private static final String PASSWORD = "secret-pass";
    private static final String BASIC = "Basic dXNlcjpzZWNyZXQtcGFzcw==";
    private static final String AGENT = "multifetch/test";
    private static final String NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    private static final String DIGEST_CHALLENGE = "Proxy-Authenticate: Digest realm=\"proxy, inc\", qop=\"auth,auth-int\", "
            + "nonce=\"" + NONCE + "\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n";
    private static final String DIGEST_CHALLENGE_LINE = "Proxy-Authenticate: Digest realm=\"p\", nonce=\"n1\", qop=\"auth\"\r\n";
    private static final Pattern PARAM = Pattern.compile("([\\w*-]+)=(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,\\s]*)");

    @Test
    void connectRequestIsByteExactWithoutCredentials() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.readHead();
            p.send("HTTP/1.1 200 Connection established\r\n\r\n");
        })) {
            open(proxy, tunnel(proxy, false));
            assertThat(proxy.receivedText(0)).isEqualTo("CONNECT example.com:443 HTTP/1.1\r\n"
                    + "Host: example.com:443\r\nUser-Agent: multifetch/test\r\nProxy-Connection: Keep-Alive\r\n\r\n");
        }
    }

    @Test
    void connectRequestCarriesBasicPreemptivelyAndBracketsIpv6() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.readHead();
            p.send("HTTP/1.1 200 OK\r\n\r\n");
        })) {
            open(proxy, new HttpConnectTunnel(config(proxy, true), "::1", 8443, AGENT));
            assertThat(proxy.receivedText(0)).isEqualTo("CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n"
                    + "User-Agent: multifetch/test\r\nProxy-Connection: Keep-Alive\r\nProxy-Authorization: " + BASIC
                    + "\r\n\r\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 Connection established\r\n\r\n",
        "HTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.0 200 OK\r\n\r\n",
        "HTTP/1.1 200\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 299 Odd\nVia: 1.1 proxy\n\n",
    })
    void any2xxOpensTheTunnelAndLeavesTheTargetBytesUnread(String response) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            p.readHead();
            p.send(response);
            p.awaitRelease();
            p.send("origin bytes");
        })) {
            HttpConnectTunnel tunnel = tunnel(proxy, false);
            assertThat(TunnelDriver.openThenRead(proxy, tunnel)).isEqualTo("origin bytes");
            assertThat(tunnel.connectCode()).isEqualTo(Integer.parseInt(response.substring(9, 12)));
        }
    }

    @Test
    void bytesInTheSameWriteAs200AreAnAttack() throws Exception {
        ProxyException e = refusal(false, "HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil").error();
        assertThat(e.detail()).isEqualTo(ProxyError.DATA_AFTER_CONNECT);
        assertThat(e.connectCode()).isEqualTo(200);
        assertThat(e.getMessage()).contains("sent bytes after its 200 response", "\"HTTP/1.1 200 OK");
    }

    @Test
    void non2xxIsRejectedWithItsCode() throws Exception {
        Refusal r = refusal(false, "HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\n\r\nnope!");
        assertThat(r.error().detail()).isEqualTo(ProxyError.CONNECT_REJECTED);
        assertThat(r.error().connectCode()).isEqualTo(403);
        assertThat(r.error().proxy()).isEqualTo(r.proxy());
        assertThat(r.error().getMessage()).contains("CONNECT tunnel failed, response 403 \"Forbidden\" from HTTP proxy " + r.proxy());
    }

    @Test
    void proxyAuthRequiredWithoutCredentialsFails() throws Exception {
        ProxyException e = refusal(false, "HTTP/1.1 407 Proxy Authentication Required\r\n"
                + "Proxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n").error();
        assertThat(e.detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(e.connectCode()).isEqualTo(407);
        assertThat(e.getMessage()).contains("no proxy credentials are set");
    }

    @Test
    void basic407AfterPreemptiveBasicFailsWithoutAnotherTry() throws Exception {
        Refusal r = refusal(true, "HTTP/1.1 407 Nope\r\nProxy-Authenticate: Basic realm=\"p\"\r\nContent-Length: 0\r\n\r\n");
        assertThat(r.error().detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(r.error().connectCode()).isEqualTo(407);
        assertThat(r.error().getMessage()).contains("refused the proxy credentials")
                .doesNotContain(PASSWORD, BASIC.substring(6));
        assertThat(r.requests()).hasSize(1);
    }

    @Test
    void onlyUnknownSchemesFailSayingSo() throws Exception {
        ProxyException e = refusal(true, "HTTP/1.1 407 Nope\r\nProxy-Authenticate: NTLM\r\n"
                + "Proxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n").error();
        assertThat(e.detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(e.getMessage()).contains("only \"NTLM, Negotiate\"");
    }

    static Stream<Arguments> digest407s() {
        String digest = DIGEST_CHALLENGE;
        return Stream.of(
                Arguments.of("HTTP/1.1 407 Auth Required\r\n" + digest + "Content-Length: 13\r\n\r\nAccess denied", 1),
                Arguments.of("HTTP/1.1 407 Auth\r\n" + digest + "Transfer-Encoding: chunked\r\n\r\n"
                        + "5;ext=\"a\"\r\nAcces\r\n7\r\ns denie\r\n0\r\nX-Trailer: y\r\n\r\n", 1),
                Arguments.of("HTTP/1.0 407 Auth\r\nProxy-Connection: keep-alive\r\n" + digest + "Content-Length: 0\r\n\r\n", 1),
                Arguments.of("HTTP/1.1 407 Auth\r\nConnection: close\r\n" + digest + "Content-Length: 0\r\n\r\n", 2),
                Arguments.of("HTTP/1.1 407 Auth\r\nProxy-Connection: close\r\n" + digest + "Content-Length: 0\r\n\r\n", 2),
                Arguments.of("HTTP/1.1 407 Auth\r\n" + digest + "\r\n", 2),
                Arguments.of("HTTP/1.0 407 Auth\r\n" + digest + "Content-Length: 0\r\n\r\n", 2),
                Arguments.of("HTTP/1.1 407 Auth\r\n" + digest + "Content-Length: 2000000\r\n\r\n", 2),
                Arguments.of("HTTP/1.1 407 Auth\r\n" + digest + "Content-Length: 100\r\n\r\nonly part of it", 2));
    }

    @ParameterizedTest
    @MethodSource("digest407s")
    void digest407IsAnsweredOnTheSameConnectionWhenItStaysElseOnANewOne(String response, int connections)
            throws Exception {
        String[] answer = new String[1];
        ScriptedProxy.Script answered = p -> {
            answer[0] = p.readHead();
            p.send("HTTP/1.1 200 OK\r\n\r\n");
        };
        ScriptedProxy.Script challenged = p -> {
            p.readHead();
            p.send(response);
            if (connections == 1) {
                answered.run(p);
            }
        };
        try (ScriptedProxy proxy = new ScriptedProxy(challenged, answered)) {
            HttpConnectTunnel tunnel = tunnel(proxy, true);
            try (TunnelDriver driver = new TunnelDriver(proxy)) {
                assertThat(driver.open(tunnel)).isEqualTo(Tunnel.Step.DONE);
                assertThat(driver.connections()).isEqualTo(connections);
            }
            assertThat(tunnel.connectCode()).isEqualTo(200);
            assertThat(proxy.receivedText(0)).startsWith("CONNECT example.com:443 HTTP/1.1\r\n").contains(BASIC);
            assertThat(assertDigestAnswers(answer[0], "proxy, inc", NONCE))
                    .containsEntry("opaque", "5ccc069c403ebaf9f0171e9517f40e41");
        }
    }

    @Test
    void digestIsAnsweredOnceAndOnceMoreOnlyWhenStale() throws Exception {
        String stale = "HTTP/1.1 407 Auth\r\nProxy-Authenticate: Digest realm=\"p\", nonce=\"n2\", qop=auth, stale=TRUE\r\n"
                + "Content-Length: 0\r\n\r\n";
        Refusal r = refusal(true, "HTTP/1.1 407 Auth\r\n" + DIGEST_CHALLENGE_LINE + "Content-Length: 0\r\n\r\n", stale, stale);
        assertThat(r.error().detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(r.error().getMessage()).contains("refused the proxy credentials (407 again after a Digest answer)");
        assertThat(r.requests()).hasSize(3);
        assertDigestAnswers(r.requests().get(2), "p", "n2");
    }

    @Test
    void digestRefusedWithoutStaleFailsAfterOneAnswer() throws Exception {
        String challenge = "HTTP/1.1 407 Auth\r\n" + DIGEST_CHALLENGE_LINE + "Content-Length: 0\r\n\r\n";
        Refusal r = refusal(true, challenge, challenge);
        assertThat(r.error().detail()).isEqualTo(ProxyError.AUTH_FAILED);
        assertThat(r.requests()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "head", "nul", "cr", "colon", "status", "version"})
    void malformedHeadsAreRefused(String fault) throws Exception {
        String[] responseAndWords = switch (fault) {
            case "line" -> new String[] {"HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(16 * 1024) + "\r\n\r\n",
                "a header line over 16 KiB: \"X-Long: aaa"};
            case "head" -> new String[] {"HTTP/1.1 200 OK\r\n" + ("X-Many: " + "b".repeat(1000) + "\r\n").repeat(103)
                + "\r\n", "a response head over 100 KiB"};
            case "nul" -> new String[] {"HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\n\r\n", "a NUL byte in a header line: \"X-Nul: a\\x00b\""};
            case "cr" -> new String[] {"HTTP/1.1 200 OK\r\nX-Cr: a\rb\r\n\r\n", "a CR not followed by LF in a header line: \"X-Cr: a\\rb\""};
            case "colon" -> new String[] {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "a header line without a field name and colon"};
            case "status" -> new String[] {"HTTP/1.1 20 OK\r\n\r\n", "a status line that is not"};
            default -> new String[] {"HTTP/2 200 OK\r\n\r\n", "a status line that is not HTTP/1.0 or HTTP/1.1"};
        };
        Refusal r = refusal(false, responseAndWords[0]);
        assertThat(r.error().detail()).isEqualTo(ProxyError.BAD_RESPONSE);
        assertThat(r.error().getMessage()).contains("HTTP proxy " + r.proxy() + " answered CONNECT with " + responseAndWords[1]);
    }

    @Test
    void endOfStreamInsideTheHeadIsClosed() throws Exception {
        ProxyException e = refusal(false, "HTTP/1.1 200 OK\r\nVia: proxy\r\n").error();
        assertThat(e.detail()).isEqualTo(ProxyError.CLOSED);
        assertThat(e.getMessage()).contains("closed the connection before the end of its response to CONNECT");
    }

    @Test
    void restartWithoutReconnectIsMisuse() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy()) {
            assertThatThrownBy(() -> tunnel(proxy, false).restart())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("state: SEND");
        }
    }

    /** How a handshake failed on one connection, the proxy's name, and the CONNECT requests it got. */
    private record Refusal(ProxyException error, String proxy, List<String> requests) {
    }

    /** Answers the tunnel's CONNECTs on one connection with {@code responses}, one each, and takes its failure. */
    private static Refusal refusal(boolean credentials, String... responses) throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(p -> {
            for (String response : responses) {
                p.readHead();
                p.send(response);
            }
        })) {
            ProxyException e = TunnelDriver.failure(proxy, tunnel(proxy, credentials));
            List<String> requests = List.of(proxy.receivedText(0).split("(?=CONNECT )"));
            return new Refusal(e, "http://127.0.0.1:" + proxy.port(), requests);
        }
    }

    private static ProxyConfig config(ScriptedProxy proxy, boolean credentials) {
        ProxyConfig c = ProxyConfig.of(ProxyType.HTTP, "127.0.0.1", proxy.port());
        return credentials ? c.withCredentials(USER, PASSWORD) : c;
    }

    private static HttpConnectTunnel tunnel(ScriptedProxy proxy, boolean credentials) {
        return new HttpConnectTunnel(config(proxy, credentials), "example.com", 443, AGENT);
    }

    private static void open(ScriptedProxy proxy, Tunnel tunnel) throws Exception {
        try (TunnelDriver driver = new TunnelDriver(proxy)) {
            assertThat(driver.open(tunnel)).isEqualTo(Tunnel.Step.DONE);
        }
    }

    /** Checks the Digest answer in {@code request} by RFC 2617/7616 section 3.4.1, MD5 and qop auth. */
    private static Map<String, String> assertDigestAnswers(String request, String realm, String nonce) throws Exception {
        Matcher line = Pattern.compile("\r\nProxy-Authorization: Digest (.*)\r\n").matcher(request);
        assertThat(line.find()).as("a Digest answer in %s", request).isTrue();
        Map<String, String> params = new HashMap<>();
        for (Matcher m = PARAM.matcher(line.group(1)); m.find(); ) {
            params.put(m.group(1), m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(2));
        }
        assertThat(params).containsEntry("username", USER).containsEntry("realm", realm).containsEntry("nonce", nonce)
                .containsEntry("uri", "example.com:443").containsEntry("qop", "auth").containsEntry("nc", "00000001")
                .containsKey("cnonce");
        String ha1 = md5(USER + ":" + realm + ":" + PASSWORD);
        String ha2 = md5("CONNECT:example.com:443");
        assertThat(params.get("response")).isEqualTo(
                md5(ha1 + ":" + nonce + ":00000001:" + params.get("cnonce") + ":auth:" + ha2));
        assertThat(request).doesNotContain(PASSWORD);
        return params;
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
