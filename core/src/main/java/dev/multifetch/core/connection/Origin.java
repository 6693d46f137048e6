package dev.multifetch.core.connection;

import java.util.Locale;

/**
 * Where a connection goes: scheme, host and port. Connections are cached and limited per origin.
 * libcurl: the connection's "destination" key in {@code lib/conncache.c}.
 */
public record Origin(String scheme, String host, int port) {

    /** An origin with scheme and host in lower case. */
    public Origin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
