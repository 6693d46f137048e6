package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyException;
import dev.multifetch.core.connection.Transport;
import java.io.IOException;

/**
 * A proxy handshake that turns a connection to the proxy into a byte stream to the target: an
 * HTTP CONNECT, a SOCKS4/4a or a SOCKS5 request. Non-blocking: {@link #advance} does what the
 * transport allows now and says what it needs next. It never reads a byte past the proxy's
 * reply, so nothing of the target's stream is consumed. Driving thread only.
 */
public interface Tunnel {

    /** What the handshake needs before it can go on. */
    enum Step {
        /** The tunnel is open: bytes written now reach the target. */
        DONE,
        /** Bytes from the proxy. */
        NEED_READ,
        /** Room in the socket's send buffer. */
        NEED_WRITE,
        /**
         * The proxy closes this connection (a 407 with {@code Connection: close} or without a
         * framed body) but the handshake can go on with credentials: open a new connection to
         * the proxy, call {@link #restart()}, then {@link #advance} on it.
         */
        RECONNECT
    }

    /**
     * Moves the handshake on over {@code transport}.
     *
     * @throws ProxyException the proxy refused or broke the protocol (the detail says how)
     * @throws IOException    the socket failed
     */
    Step advance(Transport transport) throws IOException, ProxyException;

    /** Starts the handshake over on a new connection after {@link Step#RECONNECT}. */
    void restart();

    /** The status of the proxy's last CONNECT response, 0 for SOCKS or before one arrived. */
    int connectCode();
}
