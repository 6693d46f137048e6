package dev.multifetch.core.connection;

import java.util.Locale;

/**
 * Where a connection goes: scheme, host and port, for https the TLS settings it was made with,
 * and the proxy route it goes through (connections made with other trust settings or through
 * another proxy, or with other proxy credentials, are never shared). Connections are cached and
 * limited per origin. libcurl: the connection's "destination" key in {@code lib/conncache.c},
 * with {@code url_match_proxy_use()}.
 *
 * @param tls   the TLS settings' identity for https ({@code null} for http and the engine default)
 * @param proxy the proxy route's identity ({@code null} for a direct connection); a forwarding
 *              HTTP proxy's connections are keyed by the proxy alone, so every origin shares them
 */
public record Origin(String scheme, String host, int port, Object tls, Object proxy) {

    /** An origin with scheme and host in lower case. */
    public Origin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** A direct origin with the default TLS settings. */
    public Origin(String scheme, String host, int port) {
        this(scheme, host, port, null, null);
    }

    /** This origin, for connections made with the TLS settings {@code tls}. */
    public Origin withTls(Object tls) {
        return new Origin(scheme, host, port, tls, proxy);
    }

    /** This origin, for connections through the proxy route {@code proxy}. */
    public Origin withProxy(Object proxy) {
        return new Origin(scheme, host, port, tls, proxy);
    }

    @Override
    public String toString() {
        String where = scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return proxy == null ? where : where + " via " + proxy;
    }
}
