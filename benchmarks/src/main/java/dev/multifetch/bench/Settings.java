package dev.multifetch.bench;

import java.nio.file.Path;

/**
 * How a contestant is to be configured for a run: the most requests in flight, the most
 * connections per origin (0: no cap beyond {@code concurrency}), the HTTP version, the most streams
 * per HTTP/2 connection, whether the URL is https, and the certificate to trust for it (null: the
 * JDK's trust store).
 *
 * <p>HTTP/2 over {@code http://} is h2c with prior knowledge; over {@code https://} it is
 * negotiated by ALPN. With HTTP/2, {@code perHost} is the number of connections the requests are
 * spread over, {@code streams} the requests in flight on each.
 */
record Settings(int concurrency, int perHost, int origins, Protocol protocol, int streams, boolean tls, Path trustPem) {

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

    /** HTTP/1.1 with no stream count and the JDK's trust store: the cleartext scenarios. */
    Settings(int concurrency, int perHost, int origins) {
        this(concurrency, perHost, origins, Protocol.H1, 1, false, null);
    }

    /** Whether the contestant is to speak HTTP/2. */
    boolean h2() {
        return protocol == Protocol.H2;
    }

    /** The same run over HTTP/1.1 with {@code connections} per origin. */
    Settings h1(int connections) {
        return new Settings(concurrency, connections, origins, Protocol.H1, 1, tls, trustPem);
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
