package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyError;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.connection.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Exact moves of handshake bytes over a non-blocking transport: all of a request out, and
 * exactly as many reply bytes in as a buffer has room for, never one more. It also makes the
 * handshake's exceptions, which name the proxy by {@link ProxyConfig#display()} and never its
 * credentials. Driving thread only.
 */
final class Wire {

    private final String display;
    private final String label;

    /** Moves bytes for a {@code protocol} handshake ("HTTP", "SOCKS5") with {@code proxy}. */
    Wire(ProxyConfig proxy, String protocol) {
        this.display = proxy.display();
        this.label = protocol + " proxy " + display;
    }

    /** How messages name the proxy: {@code SOCKS5 proxy socks5://127.0.0.1:1080}. */
    String label() {
        return label;
    }

    /** Writes what the transport takes of {@code out} and flushes; true once all of it is on the wire. */
    boolean sent(Transport transport, ByteBuffer out) throws IOException {
        if (out.hasRemaining()) {
            transport.write(out);
        }
        return !out.hasRemaining() && transport.flush();
    }

    /**
     * Reads until {@code in} is full, never past it: true when full, false when the proxy has sent
     * no more for now. The end of the stream is a {@link ProxyError#CLOSED} failure that says what
     * was awaited.
     */
    boolean filled(Transport transport, ByteBuffer in, String awaited) throws IOException, ProxyException {
        while (in.hasRemaining()) {
            int n = transport.read(in);
            if (n < 0) {
                throw failure(ProxyError.CLOSED, 0, label + " closed the connection while we waited for " + awaited);
            }
            if (n == 0) {
                return false;
            }
        }
        return true;
    }

    /** A handshake failure with {@code message}, which must not contain a credential. */
    ProxyException failure(ProxyError error, int connectCode, String message) {
        return new ProxyException(error, display, connectCode, message);
    }
}
