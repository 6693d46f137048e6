package dev.multifetch.bench;

/**
 * How a contestant is to be configured for a run: the most requests in flight and the most
 * connections per origin (0: no cap beyond {@code concurrency}).
 */
record Settings(int concurrency, int perHost, int origins) {

    /** Connections one origin may have: the per-host cap, else every request in flight. */
    int connectionsPerOrigin() {
        return perHost > 0 ? perHost : concurrency;
    }

    /** Connections all origins together may have. */
    int connectionsTotal() {
        return Math.max(concurrency, connectionsPerOrigin() * origins);
    }
}
