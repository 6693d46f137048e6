package dev.multifetch.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Hears each step of every transfer of a multi handle, in start/end/failed pairs, for metrics
 * and logs (OkHttp's EventListener, libcurl's debug and progress hooks). Every method has an
 * empty default. Called on the driving (selector) thread: it must return quickly and never
 * block. A method that throws ends that transfer with {@link FetchError#ABORTED_BY_CALLBACK};
 * from {@link #transferDone} and {@link #transferFailed} the exception is only logged.
 */
public interface FetchListener {

    /** The listener that hears nothing. */
    FetchListener NONE = new FetchListener() { };

    /** The transfer waits for a connection slot (a connection limit was reached). */
    default void transferQueued(Transfer transfer) { }

    /** The transfer got a slot after waiting {@code queuedNanos}. */
    default void transferDequeued(Transfer transfer, long queuedNanos) { }

    /** A host-name lookup starts (not called for IP literals, overrides or cached answers). */
    default void dnsStart(Transfer transfer, String host) { }

    /** A host-name lookup gave {@code addresses}. */
    default void dnsEnd(Transfer transfer, String host, List<InetAddress> addresses) { }

    /** A host-name lookup failed. */
    default void dnsFailed(Transfer transfer, String host, Exception cause) { }

    /** A TCP connect to {@code address} starts. */
    default void connectStart(Transfer transfer, InetSocketAddress address) { }

    /** A TCP connect to {@code address} succeeded. */
    default void connectEnd(Transfer transfer, InetSocketAddress address) { }

    /** A TCP connect to {@code address} failed (another address may follow). */
    default void connectFailed(Transfer transfer, InetSocketAddress address, Exception cause) { }

    /** A TLS handshake starts on a new connection. */
    default void tlsStart(Transfer transfer) { }

    /** The TLS handshake finished with {@code protocol} (such as TLSv1.3) and {@code cipherSuite}. */
    default void tlsEnd(Transfer transfer, String protocol, String cipherSuite) { }

    /** The TLS handshake failed. */
    default void tlsFailed(Transfer transfer, Exception cause) { }

    /** A new connection's proxy handshake starts (TLS to an https proxy, then CONNECT or SOCKS); {@code proxy} is {@code scheme://host:port}. */
    default void proxyHandshakeStart(Transfer transfer, String proxy) { }

    /** The way through the proxy is open; {@code connectCode} is the CONNECT status, 0 for SOCKS and forwarding. */
    default void proxyHandshakeEnd(Transfer transfer, String proxy, int connectCode) { }

    /** The proxy handshake failed with {@code cause} (a {@link ProxyException} when the proxy refused or misbehaved). */
    default void proxyHandshakeFailed(Transfer transfer, String proxy, Exception cause) { }

    /** The transfer has a connection: a new one, or one {@code reused} from the cache. */
    default void connectionAcquired(Transfer transfer, long connectionId, boolean reused) { }

    /** The transfer let go of its connection: back to the cache if {@code kept}, else closed. */
    default void connectionReleased(Transfer transfer, long connectionId, boolean kept) { }

    /** An HTTP/2 connection {@code connectionId} is ready (both prefaces exchanged are not awaited). */
    default void http2ConnectionOpened(long connectionId) { }

    /** An HTTP/2 connection {@code connectionId} closed. */
    default void http2ConnectionClosed(long connectionId) { }

    /** The transfer's request went out on HTTP/2 stream {@code streamId} of connection {@code connectionId}. */
    default void streamOpened(Transfer transfer, long connectionId, int streamId) { }

    /** The transfer's HTTP/2 stream ended: {@code errorCode} 0 when it ended well, else the RST_STREAM code. */
    default void streamClosed(Transfer transfer, long connectionId, int streamId, long errorCode) { }

    /**
     * The server sent GOAWAY on connection {@code connectionId} with {@code errorCode} (0 for a
     * graceful shutdown) and {@code lastStreamId}; streams above it will be replayed.
     */
    default void goawayReceived(long connectionId, long errorCode, int lastStreamId) { }

    /**
     * The transfer's stream was not processed by the server (REFUSED_STREAM, or above a GOAWAY's
     * last stream id, or HTTP_1_1_REQUIRED) and is sent again on another connection.
     */
    default void streamReplayed(Transfer transfer, long errorCode) { }

    /** The transfer's stream waits for the server's flow-control window to send its body. */
    default void flowControlStalled(Transfer transfer, int streamId) { }

    /** The whole request ({@code bytes} on the wire) was written. */
    default void requestSent(Transfer transfer, long bytes) { }

    /** The final response's status line and headers arrived. */
    default void responseHeaders(Transfer transfer, int status) { }

    /** The response body ended after {@code bytes} decoded bytes. */
    default void responseBodyEnd(Transfer transfer, long bytes) { }

    /** Attempt {@code attempt} ended ({@code reason}) and the next starts in {@code delayNanos}. */
    default void retryScheduled(Transfer transfer, int attempt, long delayNanos, String reason) { }

    /** A 429 or 503 with {@code Retry-After} holds every request to {@code key} for {@code nanos}. */
    default void hostBlocked(String key, long nanos) { }

    /** The transfer finished with a response. */
    default void transferDone(Transfer transfer, FetchResponse response) { }

    /** The transfer finished with an error, or was cancelled or stopped (then with ABORTED_BY_CALLBACK). */
    default void transferFailed(Transfer transfer, FetchException failure) { }
}
