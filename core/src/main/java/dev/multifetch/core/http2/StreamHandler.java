package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * What the user of one stream (the exchange of one transfer) hears from its connection. Called
 * on the driving thread, from inside the connection's read; a handler may call back into the
 * connection (consume, reset) but must not block.
 */
public interface StreamHandler {

    /**
     * A header block for this stream: a response head (interim or final, {@code :status} first)
     * or trailers. The fields passed HTTP/2's field rules already.
     *
     * @throws Http2Exception a stream error: the stream is reset with its code, and
     *                        {@link #onClosed} follows
     */
    void onHeaders(Http2Stream stream, List<Map.Entry<String, String>> fields, boolean endStream) throws Http2Exception;

    /**
     * Body bytes (a view valid during the call only). The handler calls
     * {@link Http2Connection#consumed} once the bytes are taken, which reopens the stream's window.
     */
    void onData(Http2Stream stream, ByteBuffer data, boolean endStream) throws Http2Exception;

    /**
     * The stream ended without finishing: reset by the server, or its connection failed or
     * closed. {@code unprocessed} says the server did not act on the request (REFUSED_STREAM, or
     * above a GOAWAY's last stream id), so it may be sent again even if not idempotent.
     */
    void onClosed(Http2Stream stream, long errorCode, boolean unprocessed, boolean connectionError, String message);

    /**
     * The stream is closed, well ({@code errorCode} 0) or not; called once per stream, as it
     * leaves the connection's count of open streams (before {@link #onClosed} for an abnormal end).
     */
    void onStreamEnd(Http2Stream stream, long errorCode);

    /** The stream's send window opened: a body that was waiting may go on. */
    void onWritable(Http2Stream stream);
}
