package dev.multifetch.core.http1;

import java.nio.ByteBuffer;

/** Where decoded body bytes go. libcurl: the write callback. */
public interface BodySink {

    /**
     * Drops every byte, with no limit: the body of a response that is not delivered (a redirect
     * that is followed, a 417 that is retried), which {@code maxBodySize} does not bound, as curl's
     * CURLOPT_MAXFILESIZE does not bound a body it ignores. A parser that is handed this sink may
     * stop after the head when the connection closes anyway.
     */
    BodySink DISCARD = (src, length) -> src.position(src.position() + length);

    /** Takes {@code length} bytes from {@code src} at its position, advancing it. */
    void write(ByteBuffer src, int length) throws HttpException;

    /**
     * The body is complete: no more bytes will be written. A sink that transforms bytes checks that
     * its input was whole, hands on what it still holds, then calls {@code end()} on its downstream.
     * Called at most once, and only after the framing reported the body complete.
     */
    default void end() throws HttpException {
    }

    /**
     * Whether the sink wants no more bytes for now (its consumer paused). Whoever writes to it
     * stops at the next piece boundary and keeps the rest until it is resumed.
     */
    default boolean paused() {
        return false;
    }
}
