package dev.multifetch.core;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the option builders: each failure names the option and the bad value. */
final class Checks {

    private Checks() {
    }

    /** {@code d}, if it is positive. */
    static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /** {@code d}, if it is not negative. */
    static Duration notNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " < 0: " + d);
        }
        return d;
    }

    /** {@code n}, if it is not negative. */
    static long notNegative(String name, long n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + " < 0: " + n);
        }
        return n;
    }

    /** {@code port}, if it is a TCP port number. */
    static int port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return port;
    }
}
