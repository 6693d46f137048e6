package dev.multifetch.core;

import java.util.Locale;

/**
 * The kinds of proxy the engine speaks, named by their URL schemes as curl names them.
 * libcurl: {@code CURLOPT_PROXYTYPE}.
 */
public enum ProxyType {

    /** An HTTP proxy: plain http forwarded in absolute form, anything else through CONNECT. */
    HTTP("http", 80),
    /** An HTTP proxy reached over TLS, verified with its own trust settings. */
    HTTPS("https", 443),
    /** SOCKS4: the engine resolves the target, IPv4 only. */
    SOCKS4("socks4", 1080),
    /** SOCKS4a: the proxy resolves the target's name. */
    SOCKS4A("socks4a", 1080),
    /** SOCKS5 (RFC 1928): the engine resolves the target and names its address. */
    SOCKS5("socks5", 1080),
    /** SOCKS5 with the target's name sent to the proxy, which resolves it. */
    SOCKS5H("socks5h", 1080);

    private final String scheme;
    private final int defaultPort;

    ProxyType(String scheme, int defaultPort) {
        this.scheme = scheme;
        this.defaultPort = defaultPort;
    }

    /** The URL scheme, lower case. */
    public String scheme() {
        return scheme;
    }

    /** The port used when the proxy URL names none. */
    public int defaultPort() {
        return defaultPort;
    }

    /** Whether this is a SOCKS proxy. */
    public boolean isSocks() {
        return this != HTTP && this != HTTPS;
    }

    /** Whether the proxy, not the engine, resolves the target's name (so the engine never sees its address). */
    public boolean proxyResolves() {
        return this != SOCKS4 && this != SOCKS5;
    }

    /** The type for {@code scheme} (any case), or null if there is none. */
    public static ProxyType ofScheme(String scheme) {
        String lower = scheme.toLowerCase(Locale.ROOT);
        for (ProxyType t : values()) {
            if (t.scheme.equals(lower)) {
                return t;
            }
        }
        return null;
    }
}
