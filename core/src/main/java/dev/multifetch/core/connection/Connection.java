package dev.multifetch.core.connection;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection to an origin, carrying one request at a time (HTTP/1.1) or many streams
 * at once (HTTP/2, with its {@link #http2()} session). Confined to the driving
 * thread of its multi handle. libcurl: {@code struct connectdata}.
 */
public final class Connection {

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Origin origin;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final long createdNanos;
    private long idleSinceNanos;
    private int uses;
    private Transport transport;
    private InetSocketAddress local;
    private dev.multifetch.core.http2.Http2Connection http2;
    private boolean touched;
    private boolean closed;
    /** Whether this connection is in the pool's list of multiplexed connections of its origin. */
    boolean multiplexed;
    /** The pool's list of idle connections, oldest first; {@code idle} says whether this one is in it. */
    Connection idlePrevious;
    Connection idleNext;
    boolean idle;

    /** Wraps a connected (or connecting) channel to {@code origin} at {@code remote}. */
    public Connection(Origin origin, SocketChannel channel, InetSocketAddress remote, long createdNanos) {
        this.origin = origin;
        this.channel = channel;
        this.remote = remote;
        this.createdNanos = createdNanos;
        this.transport = new PlainTransport(channel);
    }

    /** How bytes cross this connection: plain until TLS is layered on. */
    public Transport transport() {
        return transport;
    }

    /** Layers {@code transport} (TLS) over the socket. */
    public void transport(Transport transport) {
        this.transport = transport;
    }

    /** The HTTP/2 session on this connection, or null while it carries HTTP/1.1 (or is not set up yet). */
    public dev.multifetch.core.http2.Http2Connection http2() {
        return http2;
    }

    /** Makes this an HTTP/2 connection: it carries many exchanges at once from now on. */
    public void http2(dev.multifetch.core.http2.Http2Connection session) {
        this.http2 = session;
    }

    private boolean awaitingSettings;

    /** Whether transfers that may multiplex wait for this HTTP/2 connection's first SETTINGS (PIPEWAIT). */
    public boolean awaitingSettings() {
        return awaitingSettings;
    }

    /** Marks whether transfers wait for this connection's first SETTINGS. */
    public void awaitingSettings(boolean value) {
        awaitingSettings = value;
    }

    /** Whether the connection waits to be settled at the end of the current pass (HTTP/2). */
    public boolean touched() {
        return touched;
    }

    /** Marks whether the connection waits to be settled. */
    public void touched(boolean value) {
        touched = value;
    }

    /** Whether the connection was closed. */
    public boolean isClosed() {
        return closed;
    }

    private long lingerUntilNanos;
    private long lingerBudget;
    private boolean lingering;

    /** Starts a lingering close: our side is shut, input is read and dropped until {@code untilNanos} or {@code budget} bytes. */
    public void startLinger(long untilNanos, long budget) {
        lingering = true;
        lingerUntilNanos = untilNanos;
        lingerBudget = budget;
    }

    /** Whether the connection is in a lingering close. */
    public boolean isLingering() {
        return lingering;
    }

    /** When the lingering close gives up waiting for the peer. */
    public long lingerUntilNanos() {
        return lingerUntilNanos;
    }

    /** Spends {@code bytes} of the lingering close's budget; false once it is spent. */
    public boolean spendLinger(long bytes) {
        lingerBudget -= bytes;
        return lingerBudget > 0;
    }

    /** Records that the connection was closed. */
    public void markClosed() {
        closed = true;
    }

    /** Unique id, for logs. libcurl: CURLINFO_CONN_ID. */
    public long id() {
        return id;
    }

    /** Where this connection goes. */
    public Origin origin() {
        return origin;
    }

    /** The socket. */
    public SocketChannel channel() {
        return channel;
    }

    /** The address connected to. libcurl: CURLINFO_PRIMARY_IP and _PRIMARY_PORT. */
    public InetSocketAddress remote() {
        return remote;
    }

    /** The local address of the socket (asked once, then kept); null if the socket cannot tell. */
    public InetSocketAddress local() {
        if (local == null) {
            try {
                local = (InetSocketAddress) channel.getLocalAddress();
            } catch (java.io.IOException | RuntimeException closed) {
                return null;
            }
        }
        return local;
    }

    /** When it was opened. */
    public long createdNanos() {
        return createdNanos;
    }

    /** When it last went idle. */
    public long idleSinceNanos() {
        return idleSinceNanos;
    }

    void markIdle(long nowNanos) {
        idleSinceNanos = nowNanos;
    }

    /** Counts one more request carried; returns whether an earlier request used it already. */
    public boolean beginUse() {
        return ++uses > 1;
    }

    @Override
    public String toString() {
        return "#" + id + " " + origin;
    }
}
