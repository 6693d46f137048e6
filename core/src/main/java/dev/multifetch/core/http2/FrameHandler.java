package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * What a {@link FrameReader} tells its owner, one call per frame (one per header block), in the
 * order the frames arrived. Each call returns true to keep reading, or false to stop after this
 * frame (a paused consumer): the reader then leaves the rest of its input unconsumed.
 *
 * <p>A payload {@link ByteBuffer} is a view into the reader's or the caller's buffer, from its
 * position to its limit, valid only during the call: copy what must outlive it. A callback may
 * throw an {@link Http2Exception}; it ends the read, and a stream error leaves the reader usable.
 * Called on the thread that calls {@link FrameReader#read}.
 */
public interface FrameHandler {

    /** DATA: payload without padding; flowControlled = the frame's whole length (padding included), which counts against windows. */
    boolean data(int streamId, boolean endStream, ByteBuffer payload, int flowControlled) throws Http2Exception;

    /** A complete header block (HEADERS plus its CONTINUATIONs assembled; padding and priority removed). */
    boolean headers(int streamId, boolean endStream, ByteBuffer block) throws Http2Exception;

    /** A complete PUSH_PROMISE header block (with its CONTINUATIONs; padding removed) reserving {@code promisedStreamId}. */
    boolean pushPromise(int streamId, int promisedStreamId, ByteBuffer block) throws Http2Exception;

    /** PRIORITY (deprecated by RFC 9113 section 5.3.2): its content is ignored, the frame only counted. */
    boolean priority(int streamId) throws Http2Exception;

    /** RST_STREAM: the peer ended {@code streamId} with {@code errorCode} (unsigned 32 bits, maybe unknown). */
    boolean rstStream(int streamId, long errorCode) throws Http2Exception;

    /** SETTINGS: ack, or the settings in order (already validated). */
    boolean settings(boolean ack, List<Setting> settings) throws Http2Exception;

    /** PING, or its ACK, with the 8 opaque bytes as one big-endian long. */
    boolean ping(boolean ack, long opaqueData) throws Http2Exception;

    /** GOAWAY: streams above {@code lastStreamId} were not processed; {@code debugData} may be empty. */
    boolean goAway(int lastStreamId, long errorCode, ByteBuffer debugData) throws Http2Exception;

    /** WINDOW_UPDATE: {@code increment} (1..2^31-1) for stream {@code streamId}, or the connection when 0. */
    boolean windowUpdate(int streamId, int increment) throws Http2Exception;

    /** A frame of an unknown type (ignored by the protocol; counted by us against floods). */
    boolean unknown(int type, int streamId, int length) throws Http2Exception;
}
