package dev.multifetch.core.http1;

import java.nio.ByteBuffer;

/** Undoes one body framing (RFC 9112 section 6), writing the payload to a sink. */
interface BodyDecoder {

    /**
     * The most bytes handed to the sink in one write, so that a paused sink (whose decoders may
     * multiply bytes) is never given more than one piece's worth after it paused.
     */
    int PIECE = 16 * 1024;

    /** Consumes what it can of {@code in}; returns true once the body is complete. */
    boolean decode(ByteBuffer in, BodySink sink) throws HttpException;

    /** The connection closed: returns normally if that completes the body, else throws. */
    void endOfInput() throws HttpException;

    /** Whether the connection can carry another request after this body. */
    boolean reusable();

    /** Payload bytes handed to the sink so far (framing excluded). */
    long payloadBytes();
}
