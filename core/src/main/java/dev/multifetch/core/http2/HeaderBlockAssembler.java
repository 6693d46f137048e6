package dev.multifetch.core.http2;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The header block a {@link FrameReader} is assembling from a HEADERS or PUSH_PROMISE frame
 * without END_HEADERS and the CONTINUATION frames after it (RFC 9113 section 4.3). Its buffer
 * grows to at most the block limit and is reused from one block to the next. Confined to the
 * reader's thread.
 */
final class HeaderBlockAssembler {

    private final int maxBytes;
    private final int maxContinuations;
    private byte[] bytes = new byte[0];
    private ByteBuffer view = ByteBuffer.wrap(bytes);
    private int size;
    /** The stream of the open block, 0 when none is open. */
    private int streamId;
    private int type;
    private boolean endStream;
    private int promisedStreamId;
    private int continuations;

    HeaderBlockAssembler(int maxBytes, int maxContinuations) {
        this.maxBytes = maxBytes;
        this.maxContinuations = maxContinuations;
    }

    /** Whether a block is open: its first frame came without END_HEADERS. */
    boolean open() {
        return streamId != 0;
    }

    int streamId() {
        return streamId;
    }

    /** HEADERS or PUSH_PROMISE: the type of the open block's first frame. */
    int type() {
        return type;
    }

    boolean endStream() {
        return endStream;
    }

    int promisedStreamId() {
        return promisedStreamId;
    }

    /** Checks the fragment of a block's first frame, HEADERS or PUSH_PROMISE, against the byte limit. */
    void checkFirst(int frameType, int frameStreamId, int fragmentLength) throws Http2Exception {
        if (fragmentLength > maxBytes) {
            throw tooLarge(frameType, frameStreamId, fragmentLength);
        }
    }

    /** Bytes held by the assembly buffer, for tests that check it stays bounded. */
    int capacity() {
        return bytes.length;
    }

    /**
     * Checks the header of a frame that arrives while a block is open (before its payload is
     * read): only a CONTINUATION of the same stream within both limits may follow.
     */
    void checkNext(int frameType, int frameStreamId, int length) throws Http2Exception {
        if (frameType != Frames.CONTINUATION || frameStreamId != streamId) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, Frames.name(frameType) + " frame on stream "
                    + frameStreamId + " inside the header block of stream " + streamId
                    + ": only CONTINUATION frames of that stream may follow until END_HEADERS (RFC 9113 section 6.10)");
        }
        if (continuations >= maxContinuations) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "CONTINUATION frame on stream " + streamId
                    + ": CONTINUATION flood, frame " + (continuations + 1) + " of one header block is over the limit of "
                    + maxContinuations);
        }
        if (length > maxBytes - size) {
            throw tooLarge(Frames.CONTINUATION, streamId, size + (long) length);
        }
    }

    /** The error for a frame that brings its header block to {@code blockBytes}, over the limit. */
    Http2Exception tooLarge(int frameType, int frameStreamId, long blockBytes) {
        return Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, Frames.name(frameType) + " frame on stream "
                + frameStreamId + " brings its header block to " + blockBytes + " encoded bytes, over the limit of "
                + maxBytes);
    }

    /** Opens a block with the first fragment, {@code src} bytes {@code from..to} (within the limit). */
    void start(int blockType, int blockStreamId, boolean blockEndStream, int promised, ByteBuffer src, int from, int to) {
        type = blockType;
        streamId = blockStreamId;
        endStream = blockEndStream;
        promisedStreamId = promised;
        continuations = 0;
        size = 0;
        append(src, from, to);
    }

    /** Adds a CONTINUATION fragment already checked by {@link #checkNext}. */
    void continuation(ByteBuffer src, int from, int to) {
        continuations++;
        append(src, from, to);
    }

    /**
     * Closes the block and returns a view of its bytes, valid until the next {@link #start}. Read
     * the block's stream, type and flags before: a closed block has none.
     */
    ByteBuffer finish() {
        streamId = 0;
        view.limit(size).position(0);
        return view;
    }

    private void append(ByteBuffer src, int from, int to) {
        int length = to - from;
        if (size + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(maxBytes, Math.max(size + length, Math.max(1024, bytes.length * 2))));
            view = ByteBuffer.wrap(bytes);
        }
        src.get(from, bytes, size, length);
        size += length;
    }
}
