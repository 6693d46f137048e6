package dev.multifetch.autoconfigure.http;

import java.time.Duration;

/**
 * Timeouts a Spring client applies to each of its requests; a {@code null} one leaves the
 * engine's {@code multifetch.*} default in force.
 *
 * @param connect the connect timeout (name lookup and TCP connect), positive or {@code null}
 * @param read the longest silence allowed between response bytes, positive or {@code null}
 */
record RequestTimeouts(Duration connect, Duration read) {

    RequestTimeouts {
        requirePositive("connectTimeout", connect);
        requirePositive("readTimeout", read);
    }

    /** The engine has no "infinite" to map a zero to, so only positive values are taken. */
    private static void requirePositive(String name, Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException(name + " must be positive: " + timeout
                    + " (leave it unset for the engine's own multifetch.* default)");
        }
    }
}
