package dev.multifetch.core.testing;

/**
 * A loopback HTTP origin that holds every response for a while, in this JVM or in a process of
 * its own, with what it counted so far. See {@link SlowServer}.
 */
public interface SlowOrigin extends AutoCloseable {

    /** The port it listens on, at {@code 127.0.0.1}. */
    int port();

    /** What the server counted so far. */
    SlowServer.Stats stats();

    /** Stops the server and closes every connection; waits until that is done. */
    @Override
    void close();
}
