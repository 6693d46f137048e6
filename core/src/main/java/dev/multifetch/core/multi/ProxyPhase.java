package dev.multifetch.core.multi;

import dev.multifetch.core.ConnectPolicy.Verdict;
import dev.multifetch.core.FetchError;
import dev.multifetch.core.FetchException;
import dev.multifetch.core.PollAction;
import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.TransferState;
import dev.multifetch.core.connection.Connection;
import dev.multifetch.core.connection.IpLiterals;
import dev.multifetch.core.exchange.ResponseProgress;
import dev.multifetch.core.proxy.HttpConnectTunnel;
import dev.multifetch.core.proxy.ProxyAuth;
import dev.multifetch.core.proxy.ProxyRoute;
import dev.multifetch.core.proxy.Socks4Tunnel;
import dev.multifetch.core.proxy.Socks5Tunnel;
import dev.multifetch.core.proxy.Tunnel;
import dev.multifetch.core.tls.TlsTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * PROTOCONNECT through a proxy, before anything of the origin's: TLS to an https proxy, then the
 * tunnel (an HTTP CONNECT, a SOCKS4/4a or SOCKS5 handshake), all within the connect timeout; and
 * the connect policy's say on the target of a proxied hop. A forwarding proxy needs no tunnel:
 * the connection is ready once it is up (and its TLS, for an https proxy). Driving thread only.
 *
 * <p>libcurl: {@code lib/cf-h1-proxy.c}, {@code lib/socks.c}, the proxy connect filters.
 */
final class ProxyPhase {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MultiHandle multi;
    private final TransferRunner runner;
    private final TlsPhase tlsPhase;

    ProxyPhase(MultiHandle multi, TransferRunner runner, TlsPhase tlsPhase) {
        this.multi = multi;
        this.runner = runner;
        this.tlsPhase = tlsPhase;
    }

    /**
     * The policy's verdict on the target of a proxied hop, before any connection is picked or
     * made: an IP literal is judged by its address, a name the proxy resolves by
     * {@link dev.multifetch.core.ConnectPolicy#checkProxyResolved}. A name the engine resolves
     * for socks4 or socks5 is judged on its addresses when they are known. Null when allowed.
     */
    String targetDenied(Run t) {
        ProxyRoute route = t.route;
        String host = t.target.origin().host();
        int port = t.target.origin().port();
        InetAddress literal = IpLiterals.address(host);
        Verdict verdict;
        try {
            if (literal != null) {
                verdict = multi.options().connectPolicy().check(host, new InetSocketAddress(literal, port));
            } else if (route.engineResolvesTarget()) {
                return null;
            } else {
                verdict = multi.options().connectPolicy().checkProxyResolved(host, port, route.proxy());
            }
        } catch (RuntimeException e) {
            verdict = Verdict.deny("the policy threw " + e);
        }
        if (verdict != null && verdict.allowed()) {
            return null;
        }
        return "denied by connect policy: " + host + " port " + port + " through " + route.proxy().display() + ": "
                + (verdict == null ? "the policy gave no verdict" : verdict.reason());
    }

    /** Moves the proxy handshake on; true to run again at once (next stage or done), false to wait. */
    boolean handshake(Run t) {
        ProxyRoute route = t.route;
        Connection conn = t.conn;
        boolean proxyTlsUp = conn.transport() instanceof TlsTransport && t.handshaking == null;
        if (t.tunnel == null && t.handshaking == null && !proxyTlsUp) {
            runner.listen(t, l -> l.proxyHandshakeStart(t.transfer, route.proxy().display()));
        }
        if (route.proxyTls() && !proxyTlsUp) {
            return tlsPhase.handshake(t, true);
        }
        if (route.forwards()) {
            return ready(t, 0);
        }
        if (t.tunnel == null) {
            try {
                t.tunnel = newTunnel(t, route.proxy());
            } catch (ProxyException e) {
                return failed(t, e);
            } catch (IllegalArgumentException e) {
                return failed(t, new ProxyException(FetchError.PROXY, ProxyError.CONFIGURATION, route.proxy().display(), 0,
                        "cannot ask proxy " + route.proxy().display() + " for " + t.target.origin().host() + ": " + e.getMessage(), e));
            }
        }
        Tunnel.Step step;
        try {
            step = t.tunnel.advance(conn.transport());
        } catch (ProxyException e) {
            return failed(t, e);
        } catch (IOException | RuntimeException e) {
            String proxy = route.proxy().display();
            return failed(t, new ProxyException(FetchError.PROXY, ProxyError.CLOSED, proxy, t.tunnel.connectCode(),
                    "the connection to proxy " + proxy + " failed during the handshake: " + TransferRunner.describe(e), e));
        }
        switch (step) {
            case DONE -> {
                int code = t.tunnel.connectCode();
                t.tunnel = null;
                return ready(t, code);
            }
            case NEED_READ -> multi.want(conn.channel(), t, PollAction.IN);
            case NEED_WRITE -> multi.want(conn.channel(), t, PollAction.OUT);
            case RECONNECT -> {
                return reconnect(t);
            }
            default -> throw new IllegalStateException("tunnel step: " + step);
        }
        return false;
    }

    private Tunnel newTunnel(Run t, ProxyConfig proxy) throws ProxyException {
        String host = t.target.origin().host();
        int port = t.target.origin().port();
        return switch (proxy.type()) {
            case HTTP, HTTPS -> new HttpConnectTunnel(proxy, host, port, multi.options().userAgent());
            case SOCKS4 -> new Socks4Tunnel(proxy, t.socksTarget, null, port);
            case SOCKS4A -> new Socks4Tunnel(proxy, null, host, port);
            case SOCKS5 -> new Socks5Tunnel(proxy, t.socksTarget, null, port);
            case SOCKS5H -> new Socks5Tunnel(proxy, null, host, port);
        };
    }

    /** The way through the proxy is open: the origin's part of PROTOCONNECT comes next. */
    private boolean ready(Run t, int connectCode) {
        t.proxyReady = true;
        t.connectCode = connectCode;
        String proxy = t.route.proxy().display();
        runner.listen(t, l -> l.proxyHandshakeEnd(t.transfer, proxy, connectCode));
        return true;
    }

    /**
     * The proxy closes after a 407 it may be answered on: a new connection to it (counted
     * against the same limits), the tunnel starting over with the answer.
     */
    private boolean reconnect(Run t) {
        Connection old = t.conn;
        t.conn = null;
        t.handshaking = null;
        t.tunnel.restart();
        multi.closeConnection(old);
        runner.listen(t, l -> l.connectionReleased(t.transfer, old.id(), false));
        runner.transition(t, TransferState.CONNECT);
        return true;
    }

    private boolean failed(Run t, ProxyException e) {
        runner.listen(t, l -> l.proxyHandshakeFailed(t.transfer, e.proxy(), e));
        return runner.fail(t, e);
    }

    /**
     * A forwarded request the proxy answered 407 with a Digest challenge it has not been
     * answered on yet: the answer for one repeat, or null (the 407 is the response then).
     */
    String forwardedChallengeAnswer(Run t) {
        ProxyRoute route = t.route;
        if (route == null || !route.forwards() || !route.proxy().hasCredentials() || t.proxyAuthorization != null) {
            return null;
        }
        ResponseProgress p = t.exchange.progress(t);
        if (p == null || p.status() != 407) {
            return null;
        }
        return ProxyAuth.digest(p.headers().all("Proxy-Authenticate"), route.proxy().username(), route.proxy().password(),
                t.hop.method(), t.target.url(), ProxyPhase::cnonce);
    }

    /** The Proxy-Authorization of a forwarded request: the Digest answer on a repeat, else Basic when credentials are set. */
    static String forwardedAuthorization(Run t) {
        if (t.route == null || !t.route.forwards()) {
            return null;
        }
        if (t.proxyAuthorization != null) {
            return t.proxyAuthorization;
        }
        ProxyConfig proxy = t.route.proxy();
        return proxy.hasCredentials() ? ProxyAuth.basic(proxy.username(), proxy.password() == null ? "" : proxy.password()) : null;
    }

    private static String cnonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The failure of a transfer whose proxy's name did not resolve. */
    static FetchException unresolved(Run t, Exception cause) {
        return new FetchException(FetchError.COULDNT_RESOLVE_PROXY, "Could not resolve proxy: " + t.route.proxy().host()
                + (cause instanceof java.net.UnknownHostException ? "" : " (" + cause + ")"), cause);
    }
}
