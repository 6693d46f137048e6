package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyType;
import dev.multifetch.core.TlsConfig;

/**
 * How one request reaches its origin through a proxy: which proxy (with its credentials),
 * whether through a tunnel (CONNECT or SOCKS) or forwarded in absolute form, and for an https
 * proxy the TLS settings it is verified with. Part of the connection pool key: connections made
 * on one route never serve another.
 *
 * @param proxy  the proxy, with its credentials
 * @param tunnel true for a tunnel (SOCKS, https origins, {@code tunnel} set, HTTP/2 with prior
 *               knowledge), false for plain http forwarded to an HTTP proxy
 * @param tls    how an https proxy is verified; null for other proxies
 */
public record ProxyRoute(ProxyConfig proxy, boolean tunnel, TlsConfig tls) {

    /** Whether requests are written to the proxy in absolute form (no tunnel). */
    public boolean forwards() {
        return !tunnel;
    }

    /** Whether the connection to the proxy itself is TLS. */
    public boolean proxyTls() {
        return proxy.type() == ProxyType.HTTPS;
    }

    /** Whether the engine resolves the target and names its address to the proxy (socks4, socks5). */
    public boolean engineResolvesTarget() {
        return !proxy.type().proxyResolves();
    }

    /** The proxy without credentials, for messages: {@code scheme://host:port}. */
    @Override
    public String toString() {
        return proxy.display() + (tunnel ? "" : " (forwarding)");
    }
}
