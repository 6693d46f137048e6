package dev.multifetch.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;

/**
 * How a contestant is to be configured for a run: the most requests in flight, the most
 * connections per origin (0: no cap beyond {@code concurrency}), the HTTP version, the most streams
 * per HTTP/2 connection, whether the URL is https, the certificate to trust for it (null: the
 * JDK's trust store), the HTTP forward proxy every request goes through (null: direct), and
 * whether every request asks for its connection to be closed after it ({@code Connection: close}).
 *
 * <p>HTTP/2 over {@code http://} is h2c with prior knowledge; over {@code https://} it is
 * negotiated by ALPN. With HTTP/2, {@code perHost} is the number of connections the requests are
 * spread over, {@code streams} the requests in flight on each.
 *
 * <p>Through a {@code proxy} ({@code http://host:port}) a plain http request goes to the proxy in
 * absolute form, over connections to the proxy (forwarding, not a CONNECT tunnel).
 * {@code connectionClose} is for a proxy that closes every connection after one response without
 * saying so (tinyproxy): a client that would otherwise send its next request on the closed
 * connection, and fail it, is told up front that the connection ends with the response.
 */
record Settings(int concurrency, int perHost, int origins, Protocol protocol, int streams, boolean tls, Path trustPem,
                URI proxy, boolean connectionClose) {

    /** The HTTP version a contestant speaks. */
    enum Protocol {
        H1, H2;

        /** {@code h1} or {@code h2}, as on the command line. */
        static Protocol parse(String name) {
            return switch (name) {
                case "h1" -> H1;
                case "h2" -> H2;
                default -> throw new IllegalArgumentException("--protocol is h1 or h2, not \"" + name + "\"");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** HTTP/1.1 with no stream count, the JDK's trust store and no proxy: the cleartext scenarios. */
    Settings(int concurrency, int perHost, int origins) {
        this(concurrency, perHost, origins, Protocol.H1, 1, false, null, null, false);
    }

    /** Whether the contestant is to speak HTTP/2. */
    boolean h2() {
        return protocol == Protocol.H2;
    }

    /** The same run over HTTP/1.1 with {@code connections} per origin. */
    Settings h1(int connections) {
        return new Settings(concurrency, connections, origins, Protocol.H1, 1, tls, trustPem, proxy, connectionClose);
    }

    /** Whether requests go through a forward proxy. */
    boolean proxied() {
        return proxy != null;
    }

    /** The proxy's host and port (an IP literal in the benchmark: no lookup). */
    InetSocketAddress proxyAddress() {
        return new InetSocketAddress(proxy.getHost(), proxy.getPort());
    }

    /** Connections one origin may have: the per-host cap, else every request in flight. */
    int connectionsPerOrigin() {
        return perHost > 0 ? perHost : concurrency;
    }

    /** Connections all origins together may have. */
    int connectionsTotal() {
        return Math.max(concurrency, connectionsPerOrigin() * origins);
    }
}
