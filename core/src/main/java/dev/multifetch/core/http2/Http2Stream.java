package dev.multifetch.core.http2;

/**
 * One stream of an {@link Http2Connection}: its id, its windows and where it is in its life
 * (RFC 9113 section 5.1). Driving thread only.
 */
public final class Http2Stream {

    final int id;
    final StreamHandler handler;
    /** May go negative after the peer lowers SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 section 6.9.2). */
    long sendWindow;
    int receiveWindow;
    int receiveUnacked;
    boolean localEnded;
    boolean remoteEnded;
    boolean closed;
    boolean finalHeadSeen;
    boolean writeBlocked;
    int interimCount;
    /** The error code the stream ended with: 0 when it ended well, else its RST_STREAM or GOAWAY code. */
    long endCode;
    /** Frame bytes of the header blocks sent and received on this stream. */
    long headerBytesSent;
    long headerBytesReceived;

    Http2Stream(int id, StreamHandler handler, long sendWindow, int receiveWindow) {
        this.id = id;
        this.handler = handler;
        this.sendWindow = sendWindow;
        this.receiveWindow = receiveWindow;
    }

    /** The stream id (odd: ours). */
    public int id() {
        return id;
    }

    /** Whether the stream ended, well or not. */
    public boolean isClosed() {
        return closed;
    }

    /** Whether we sent END_STREAM. */
    public boolean localEnded() {
        return localEnded;
    }

    /** Bytes of HEADERS and CONTINUATION frames sent for this stream's request. */
    public long headerBytesSent() {
        return headerBytesSent;
    }

    /** Bytes of header blocks received on this stream (heads, interim heads and trailers). */
    public long headerBytesReceived() {
        return headerBytesReceived;
    }

    /** How many bytes of body the peer lets us send on this stream now (may be negative). */
    public long sendWindow() {
        return sendWindow;
    }

    @Override
    public String toString() {
        return "stream " + id;
    }
}
