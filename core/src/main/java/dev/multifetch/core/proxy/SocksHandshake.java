package dev.multifetch.core.proxy;

import dev.multifetch.core.ProxyConfig;
import dev.multifetch.core.ProxyException;
import dev.multifetch.core.connection.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The shape every SOCKS handshake has: send a message, read a reply of a known length, decide,
 * again until the tunnel is open. A subclass says what to send first ({@link #begin()}) and what
 * each complete reply means ({@link #received(ByteBuffer)}). Replies are read exactly, so the
 * target's first bytes stay unread. Driving thread only.
 */
abstract class SocksHandshake implements Tunnel {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    /** Moves the bytes and names the proxy in failures. */
    final Wire wire;
    /** The proxy. */
    final ProxyConfig proxy;
    /** "SOCKS4", "SOCKS4a" or "SOCKS5", for messages. */
    final String protocol;
    /** The target's address; unused, maybe null, when {@link #hostname} is set. */
    final InetAddress target;
    /** The target's name for the proxy to resolve, or null. */
    final String hostname;
    /** The target's port. */
    final int port;
    private ByteBuffer out = NOTHING;
    private ByteBuffer in = NOTHING;
    private boolean started;
    private boolean done;

    /**
     * A handshake with {@code proxy} in {@code protocol} to {@code port} on {@code hostname} or,
     * when that is null, on {@code target}.
     *
     * @throws IllegalArgumentException neither a target nor a host name, or a port out of range
     */
    SocksHandshake(ProxyConfig proxy, String protocol, InetAddress target, String hostname, int port) {
        if (target == null && hostname == null) {
            throw new IllegalArgumentException(protocol + " needs a target address or a host name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(protocol + " target port out of range: " + port);
        }
        this.wire = new Wire(Objects.requireNonNull(proxy, "proxy"), protocol);
        this.proxy = proxy;
        this.protocol = protocol;
        this.target = target;
        this.hostname = hostname;
        this.port = port;
    }

    @Override
    public final Step advance(Transport transport) throws IOException, ProxyException {
        if (!started) {
            begin();
            started = true;
        }
        while (!done) {
            if (!wire.sent(transport, out)) {
                return Step.NEED_WRITE;
            }
            if (!wire.filled(transport, in, awaited())) {
                return Step.NEED_READ;
            }
            received(in.flip());
        }
        return Step.DONE;
    }

    /** {@inheritDoc} A SOCKS handshake never asks for one, so this is always misuse. */
    @Override
    public final void restart() {
        throw new IllegalStateException("a SOCKS handshake never returns RECONNECT, so it cannot restart");
    }

    /** Always 0: SOCKS has no CONNECT status. */
    @Override
    public final int connectCode() {
        return 0;
    }

    /**
     * Checks what must hold before any byte goes out, then calls {@link #exchange}; runs in the
     * first {@link #advance}, so a failure here means the proxy saw nothing.
     */
    abstract void begin() throws ProxyException;

    /** Takes the complete reply {@code reply} (flipped): calls {@link #exchange} or {@link #finish}, or throws. */
    abstract void received(ByteBuffer reply) throws ProxyException;

    /** What the handshake waits for now, for the message when the proxy closes: "the method selection". */
    abstract String awaited();

    /** Sends {@code message} (may be empty), then reads a reply of exactly {@code replyLength} bytes. */
    final void exchange(ByteBuffer message, int replyLength) {
        out = message;
        in = ByteBuffer.allocate(replyLength);
    }

    /** The tunnel is open. */
    final void finish() {
        done = true;
    }
}
