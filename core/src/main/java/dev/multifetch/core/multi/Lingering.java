package dev.multifetch.core.multi;

import dev.multifetch.core.connection.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Connections ended by a connection error of ours (an HTTP/2 GOAWAY with an error code) close
 * after a bounded linger: our side is shut after the GOAWAY, and what the server still sends is
 * read and dropped until it closes, for at most a second or 256 KiB. Closing at once, with its
 * bytes unread, would send a reset that can destroy the GOAWAY before the server reads it: the
 * server would never learn why. The connection's slot is free from the start. Driving thread only.
 */
final class Lingering {

    private static final long LINGER_NANOS = 1_000_000_000L;
    private static final long BUDGET = 256 * 1024;

    private final ArrayDeque<Connection> queue = new ArrayDeque<>();

    /** Starts lingering on {@code c}, whose last frames were written. */
    void start(Connection c, long nowNanos) {
        try {
            c.channel().shutdownOutput();
        } catch (IOException | RuntimeException e) {
            c.startLinger(nowNanos, 0);
            queue.add(c);
            return;
        }
        c.startLinger(nowNanos + LINGER_NANOS, BUDGET);
        queue.add(c);
    }

    /** Reads and drops what arrived; true when the linger is over (end of input, error, budget spent). */
    boolean drain(Connection c, ByteBuffer buffer) {
        try {
            while (true) {
                int n = c.channel().read(buffer.clear());
                if (n < 0 || (n > 0 && !c.spendLinger(n))) {
                    return true;
                }
                if (n == 0) {
                    return false;
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    /** Hands every connection whose linger time passed, or that finished, to {@code close}. */
    void expire(long nowNanos, Consumer<Connection> close) {
        while (!queue.isEmpty() && (queue.peek().isClosed() || nowNanos - queue.peek().lingerUntilNanos() >= 0)) {
            Connection c = queue.poll();
            if (!c.isClosed()) {
                close.accept(c);
            }
        }
    }

    /** Whether any connection lingers. */
    boolean any() {
        return !queue.isEmpty();
    }

    /** When the first linger ends; only when {@link #any()}. */
    long nextDeadline() {
        return queue.peek().lingerUntilNanos();
    }

    /** Ends every linger at once (the multi handle closes). */
    void closeAll(Consumer<Connection> close) {
        for (Connection c; (c = queue.poll()) != null; ) {
            if (!c.isClosed()) {
                close.accept(c);
            }
        }
    }
}
