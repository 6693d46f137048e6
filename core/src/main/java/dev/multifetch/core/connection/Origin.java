package dev.multifetch.core.connection;

import java.util.Locale;

/**
 * Where a connection goes: scheme, host and port, and for https the TLS settings it was made
 * with (connections made with other trust settings are never shared). Connections are cached
 * and limited per origin. libcurl: the connection's "destination" key in {@code lib/conncache.c}.
 *
 * @param tls the TLS settings' identity for https ({@code null} for http and the engine default)
 */
public record Origin(String scheme, String host, int port, Object tls) {

    /** An origin with scheme and host in lower case. */
    public Origin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** An origin with the default TLS settings. */
    public Origin(String scheme, String host, int port) {
        this(scheme, host, port, null);
    }

    /** This origin, for connections made with the TLS settings {@code tls}. */
    public Origin withTls(Object tls) {
        return new Origin(scheme, host, port, tls);
    }

    @Override
    public String toString() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
