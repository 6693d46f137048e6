package dev.multifetch.core.http2;

/**
 * A breach of HTTP/2 or of one of our limits, found while reading frames or header blocks: a
 * connection error (stream 0) ends the connection with GOAWAY, a stream error only its stream
 * with RST_STREAM (RFC 9113 section 5.4). The message names the frame, stream and limit.
 */
public final class Http2Exception extends Exception {

    private static final long serialVersionUID = 1L;

    private final long errorCode;
    private final int streamId;

    private Http2Exception(long errorCode, int streamId, String message) {
        super(message);
        this.errorCode = errorCode;
        this.streamId = streamId;
    }

    /** An error that ends the whole connection. */
    public static Http2Exception connection(long errorCode, String message) {
        return new Http2Exception(errorCode, 0, message);
    }

    /** An error that ends stream {@code streamId} only. */
    public static Http2Exception stream(long errorCode, int streamId, String message) {
        if (streamId == 0) {
            throw new IllegalArgumentException("a stream error needs a stream id");
        }
        return new Http2Exception(errorCode, streamId, message);
    }

    /** The HTTP/2 error code, one of {@link ErrorCode}'s constants (or a peer's unknown value). */
    public long errorCode() {
        return errorCode;
    }

    /** The stream the error ends, or 0 for the connection. */
    public int streamId() {
        return streamId;
    }

    /** Whether the error ends the connection rather than one stream. */
    public boolean isConnectionError() {
        return streamId == 0;
    }
}
