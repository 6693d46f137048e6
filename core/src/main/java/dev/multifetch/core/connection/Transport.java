package dev.multifetch.core.connection;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How bytes cross one connection: straight through the socket, or through TLS. Non-blocking:
 * every call does what the socket allows now. Driving thread only.
 */
public interface Transport {

    /** Reads application bytes into {@code dst}: the count, 0 if none is available now, -1 at the end. */
    int read(ByteBuffer dst) throws IOException;

    /** Takes application bytes from {@code src}; returns how many were taken (maybe 0). */
    int write(ByteBuffer src) throws IOException;

    /** Pushes out bytes taken but not yet on the wire; true when nothing is left. */
    boolean flush() throws IOException;

    /** Whether application bytes are already buffered here, where the selector cannot see them. */
    boolean hasBufferedInput();

    /** Ends the session politely if it can without blocking (TLS close_notify); the caller closes the socket. */
    void shutdown();
}
