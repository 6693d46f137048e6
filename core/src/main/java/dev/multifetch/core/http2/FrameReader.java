package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.Frames.CONTINUATION;
import static dev.multifetch.core.http2.Frames.DATA;
import static dev.multifetch.core.http2.Frames.FLAG_ACK;
import static dev.multifetch.core.http2.Frames.FLAG_END_HEADERS;
import static dev.multifetch.core.http2.Frames.FLAG_END_STREAM;
import static dev.multifetch.core.http2.Frames.FLAG_PADDED;
import static dev.multifetch.core.http2.Frames.FLAG_PRIORITY;
import static dev.multifetch.core.http2.Frames.GOAWAY;
import static dev.multifetch.core.http2.Frames.HEADERS;
import static dev.multifetch.core.http2.Frames.HEADER_LENGTH;
import static dev.multifetch.core.http2.Frames.PING;
import static dev.multifetch.core.http2.Frames.PRIORITY;
import static dev.multifetch.core.http2.Frames.PUSH_PROMISE;
import static dev.multifetch.core.http2.Frames.RST_STREAM;
import static dev.multifetch.core.http2.Frames.SETTINGS;
import static dev.multifetch.core.http2.Frames.WINDOW_UPDATE;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A push parser of HTTP/2 frames (RFC 9113 sections 4 and 6): it takes whatever bytes arrived,
 * calls a {@link FrameHandler} once per whole frame (once per header block), and keeps a partial
 * frame until the rest arrives. It checks what can be checked of one frame without connection
 * state: frame sizes, the stream (or none) each type belongs to, padding, the contiguity of header
 * blocks, SETTINGS values, zero window increments; and it bounds header blocks in bytes and in
 * CONTINUATION frames (the CVE-2024-28182 flood). A frame's header is checked as soon as its 9
 * bytes are in, before its payload is buffered.
 *
 * <p>Every breach is an {@link Http2Exception} whose message names the frame type, the stream and
 * the rule or limit. After a connection error the reader is spent: reading again is an
 * {@link IllegalStateException}. A stream error (a PRIORITY frame of the wrong size, a zero
 * WINDOW_UPDATE on a stream) is thrown once its frame is consumed, so reading can go on with the
 * rest of the input. SETTINGS of unknown ids are dropped, which is how RFC 9113 section 6.5.2 tells
 * a receiver to ignore them; the reader does not know whether it serves a client or a server, so
 * role rules (a server's ENABLE_PUSH of 1, PUSH_PROMISE after ENABLE_PUSH 0) are the connection's.
 *
 * <p>Whole frames are parsed in place: payloads handed to the handler are views of the caller's
 * buffer (its own object, with position and limit moved for the call and restored after), so a
 * DATA frame costs no allocation. Only a partial frame is copied, into a buffer that grows to at
 * most 9 + max frame size bytes and is reused; a header block spread over CONTINUATION frames is
 * assembled in a buffer bounded by the block limit, while a block in one HEADERS frame is handed
 * over without a copy.
 *
 * <p>Not thread-safe: confined to the connection's driving thread, the first that reads (asserted).
 */
public final class FrameReader {

    private static final int PRIORITY_FIELDS = 5;
    private static final int PROMISED_ID_FIELD = 4;
    private static final int SETTING_LENGTH = 6;

    private final HeaderBlockAssembler block;
    private int maxFrameSize;
    private Thread owner;
    private Http2Exception failure;

    /** Whether the header of the frame being read has been decoded (and checked) into the four fields below. */
    private boolean headerRead;
    private int length;
    private int type;
    private int flags;
    private int streamId;

    /** A partial frame, header included, in bytes {@code 0..partialLength-1}. */
    private byte[] partial = new byte[0];
    private ByteBuffer partialView = ByteBuffer.wrap(partial);
    private int partialLength;

    /**
     * A reader at the start of a connection's frames (after the server preface's 24 bytes, if any).
     *
     * @param maxFrameSize        our SETTINGS_MAX_FRAME_SIZE (16384 default): a longer frame is FRAME_SIZE_ERROR
     * @param maxHeaderBlockBytes most encoded bytes of one header block (HEADERS/PUSH_PROMISE + CONTINUATIONs)
     *                            -> ENHANCE_YOUR_CALM
     * @param maxContinuations    most CONTINUATION frames in one block (CVE-2024-28182 class; e.g. 8..32)
     *                            -> ENHANCE_YOUR_CALM
     */
    public FrameReader(int maxFrameSize, int maxHeaderBlockBytes, int maxContinuations) {
        checkMaxFrameSize(maxFrameSize);
        if (maxHeaderBlockBytes < 0) {
            throw new IllegalArgumentException("maxHeaderBlockBytes < 0: " + maxHeaderBlockBytes);
        }
        if (maxContinuations < 0) {
            throw new IllegalArgumentException("maxContinuations < 0: " + maxContinuations);
        }
        this.maxFrameSize = maxFrameSize;
        this.block = new HeaderBlockAssembler(maxHeaderBlockBytes, maxContinuations);
    }

    /**
     * Our advertised max frame size changed (after the peer ACKed our SETTINGS): frames whose
     * header arrives from now on are held to {@code size}, 16384..16777215.
     */
    public void maxFrameSize(int size) {
        checkMaxFrameSize(size);
        maxFrameSize = size;
    }

    /**
     * Parses every whole frame in src (consuming it) and calls the handler for each; a partial
     * frame is kept (copied, bounded by 9+maxFrameSize) until more bytes arrive. Stops early,
     * leaving the rest of src unconsumed, when the handler returns false from any callback (a
     * paused consumer).
     *
     * @throws Http2Exception        on a frame that breaks RFC 9113 or our limits, or as the handler threw it
     * @throws IllegalStateException when an earlier call failed with a connection error
     */
    public void read(ByteBuffer src, FrameHandler handler) throws Http2Exception {
        assert confined() : "read() called from " + Thread.currentThread().getName() + " while the reader belongs to "
                + owner.getName();
        if (failure != null) {
            throw new IllegalStateException("reader spent by a connection error: " + failure.getMessage());
        }
        try {
            if (partialLength > 0 && !readPartial(src, handler)) {
                return;
            }
            readInPlace(src, handler);
        } catch (Http2Exception e) {
            if (e.isConnectionError()) {
                failure = e;
            }
            throw e;
        }
    }

    /** Whether a partial frame is buffered. */
    public boolean hasPartialFrame() {
        return partialLength > 0;
    }

    /** Whether the reader is in the middle of a header block (HEADERS without END_HEADERS seen). */
    public boolean inHeaderBlock() {
        return block.open();
    }

    /** The bytes the partial-frame buffer holds, for tests that check it stays bounded. */
    int bufferCapacity() {
        return partial.length;
    }

    /** The bytes the header block buffer holds, for tests that check it stays bounded. */
    int blockCapacity() {
        return block.capacity();
    }

    /** Completes the buffered frame from {@code src} and delivers it; false when src ran out or the handler paused. */
    private boolean readPartial(ByteBuffer src, FrameHandler handler) throws Http2Exception {
        partialView.clear(); // the last frame's view narrowed it, and absolute reads respect the limit
        if (!headerRead) {
            fill(src, HEADER_LENGTH);
            if (partialLength < HEADER_LENGTH) {
                return false;
            }
            readHeader(partialView, 0);
            headerRead = true;
        }
        fill(src, HEADER_LENGTH + length);
        if (partialLength < HEADER_LENGTH + length) {
            return false;
        }
        partialLength = 0;
        headerRead = false;
        return frame(partialView, HEADER_LENGTH, handler);
    }

    /** Delivers the whole frames of {@code src} from where they lie and buffers a partial one at its end. */
    private void readInPlace(ByteBuffer src, FrameHandler handler) throws Http2Exception {
        while (src.hasRemaining()) {
            int start = src.position();
            if (src.remaining() < HEADER_LENGTH) {
                fill(src, HEADER_LENGTH);
                return;
            }
            readHeader(src, start);
            int end = start + HEADER_LENGTH + length;
            int limit = src.limit();
            if (end > limit) {
                headerRead = true;
                fill(src, HEADER_LENGTH + length);
                return;
            }
            boolean more;
            try {
                more = frame(src, start + HEADER_LENGTH, handler);
            } finally {
                src.limit(limit).position(end);
            }
            if (!more) {
                return;
            }
        }
    }

    /** Copies from {@code src} into the partial buffer until it holds {@code need} bytes or src is used up. */
    private void fill(ByteBuffer src, int need) {
        if (need > partial.length) {
            int bound = HEADER_LENGTH + maxFrameSize;
            partial = Arrays.copyOf(partial, Math.max(need, Math.min(bound, Math.max(64, partial.length * 2))));
            partialView = ByteBuffer.wrap(partial);
        }
        int n = Math.min(need - partialLength, src.remaining());
        src.get(partial, partialLength, n);
        partialLength += n;
    }

    private void readHeader(ByteBuffer buf, int at) throws Http2Exception {
        length = Frames.uint24(buf, at);
        type = buf.get(at + 3) & 0xff;
        flags = buf.get(at + 4) & 0xff;
        streamId = Frames.uint31(buf, at + 5);
        checkHeader();
    }

    private void checkHeader() throws Http2Exception {
        if (length > maxFrameSize) {
            throw connectionError(ErrorCode.FRAME_SIZE_ERROR, "length " + length + " is over our max frame size "
                    + maxFrameSize);
        }
        if (block.open()) {
            block.checkNext(type, streamId, length);
        } else if (type == CONTINUATION) {
            // this also catches a CONTINUATION on stream 0: no block is ever open there
            throw connectionError(ErrorCode.PROTOCOL_ERROR, "no HEADERS or PUSH_PROMISE without END_HEADERS before it");
        }
        switch (type) {
            case DATA -> atLeast(onStream(padField()));
            case HEADERS -> atLeast(onStream(padField() + (has(FLAG_PRIORITY) ? PRIORITY_FIELDS : 0)));
            case PRIORITY -> onStream(0); // a wrong size is a stream error, thrown once the frame is consumed
            case RST_STREAM -> exactly(onStream(4));
            case SETTINGS -> checkSettingsLength(onConnection(0));
            case PUSH_PROMISE -> atLeast(onStream(padField() + PROMISED_ID_FIELD));
            case PING -> exactly(onConnection(8));
            case GOAWAY -> atLeast(onConnection(8));
            case WINDOW_UPDATE -> exactly(4);
            default -> {
                // CONTINUATION was checked with its block; unknown types are skipped
            }
        }
    }

    /** Checks the frame is on a stream and returns {@code size}, for chaining into a size check. */
    private int onStream(int size) throws Http2Exception {
        if (streamId == 0) {
            throw connectionError(ErrorCode.PROTOCOL_ERROR, "must be on a stream, not stream 0");
        }
        return size;
    }

    /** Checks the frame is on stream 0 and returns {@code size}, for chaining into a size check. */
    private int onConnection(int size) throws Http2Exception {
        if (streamId != 0) {
            throw connectionError(ErrorCode.PROTOCOL_ERROR, "must be on stream 0");
        }
        return size;
    }

    private void exactly(int size) throws Http2Exception {
        if (length != size) {
            throw connectionError(ErrorCode.FRAME_SIZE_ERROR, "length " + length + ", must be " + size);
        }
    }

    private void atLeast(int size) throws Http2Exception {
        if (length < size) {
            throw connectionError(ErrorCode.FRAME_SIZE_ERROR, "length " + length + " is too short for its "
                    + size + " bytes of fields");
        }
    }

    /** Checks a SETTINGS length: {@code size} (0) for an ACK, a multiple of 6 otherwise. */
    private void checkSettingsLength(int size) throws Http2Exception {
        if (has(FLAG_ACK) && length != size) {
            throw connectionError(ErrorCode.FRAME_SIZE_ERROR, "ACK with length " + length + ", must be empty");
        }
        if (length % SETTING_LENGTH != 0) {
            throw connectionError(ErrorCode.FRAME_SIZE_ERROR, "length " + length + " is not a multiple of 6");
        }
    }

    /** Delivers the frame whose payload starts at {@code from} in {@code buf}. */
    private boolean frame(ByteBuffer buf, int from, FrameHandler handler) throws Http2Exception {
        int to = from + length;
        return switch (type) {
            case DATA -> handler.data(streamId, has(FLAG_END_STREAM), view(buf, from + padField(),
                    contentEnd(buf, from, 0)), length);
            case HEADERS -> {
                int fields = has(FLAG_PRIORITY) ? PRIORITY_FIELDS : 0;
                yield firstFragment(buf, from + padField() + fields, contentEnd(buf, from, fields), 0, handler);
            }
            case PRIORITY -> priority(handler);
            case RST_STREAM -> handler.rstStream(streamId, Frames.uint32(buf, from));
            case SETTINGS -> settings(buf, from, to, handler);
            case PUSH_PROMISE -> firstFragment(buf, from + padField() + PROMISED_ID_FIELD,
                    contentEnd(buf, from, PROMISED_ID_FIELD), Frames.uint31(buf, from + padField()), handler);
            case PING -> handler.ping(has(FLAG_ACK), Frames.int64(buf, from));
            case GOAWAY -> handler.goAway(Frames.uint31(buf, from), Frames.uint32(buf, from + 4), view(buf, from + 8, to));
            case WINDOW_UPDATE -> windowUpdate(Frames.uint31(buf, from), handler);
            case CONTINUATION -> continuation(buf, from, to, handler);
            default -> handler.unknown(type, streamId, length);
        };
    }

    private boolean priority(FrameHandler handler) throws Http2Exception {
        if (length != PRIORITY_FIELDS) {
            throw Http2Exception.stream(ErrorCode.FRAME_SIZE_ERROR, streamId, describe() + ": length " + length
                    + ", must be 5 (" + Frames.section(type) + ")");
        }
        return handler.priority(streamId);
    }

    private boolean settings(ByteBuffer buf, int from, int to, FrameHandler handler) throws Http2Exception {
        if (has(FLAG_ACK)) {
            return handler.settings(true, List.of());
        }
        List<Setting> settings = new ArrayList<>(length / SETTING_LENGTH);
        for (int at = from; at < to; at += SETTING_LENGTH) {
            Setting setting = new Setting(Frames.uint16(buf, at), Frames.uint32(buf, at + 2));
            checkSetting(setting);
            if (setting.known()) {
                settings.add(setting);
            }
        }
        return handler.settings(false, Collections.unmodifiableList(settings));
    }

    private void checkSetting(Setting setting) throws Http2Exception {
        long value = setting.value();
        switch (setting.id()) {
            case Setting.ENABLE_PUSH -> {
                if (value > 1) {
                    throw connectionError(ErrorCode.PROTOCOL_ERROR, setting + " is neither 0 nor 1");
                }
            }
            case Setting.INITIAL_WINDOW_SIZE -> {
                if (value > Frames.MAX_31_BIT) {
                    throw connectionError(ErrorCode.FLOW_CONTROL_ERROR, setting + " is over 2^31-1");
                }
            }
            case Setting.MAX_FRAME_SIZE -> {
                if (!Frames.validMaxFrameSize(value)) {
                    throw connectionError(ErrorCode.PROTOCOL_ERROR, setting + " is outside 16384..16777215");
                }
            }
            default -> {
                // any value is valid
            }
        }
    }

    private boolean windowUpdate(int increment, FrameHandler handler) throws Http2Exception {
        if (increment == 0) {
            String message = describe() + ": increment 0 (" + Frames.section(type) + ")";
            throw streamId == 0 ? Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, message)
                    : Http2Exception.stream(ErrorCode.PROTOCOL_ERROR, streamId, message);
        }
        return handler.windowUpdate(streamId, increment);
    }

    /** A HEADERS or PUSH_PROMISE fragment: delivered as it lies when it ends the block, else the block is opened. */
    private boolean firstFragment(ByteBuffer buf, int from, int to, int promisedStreamId, FrameHandler handler)
            throws Http2Exception {
        block.checkFirst(type, streamId, to - from);
        boolean endStream = type == HEADERS && has(FLAG_END_STREAM);
        if (has(FLAG_END_HEADERS)) {
            return deliver(type, streamId, endStream, promisedStreamId, view(buf, from, to), handler);
        }
        block.start(type, streamId, endStream, promisedStreamId, buf, from, to);
        return true;
    }

    private boolean continuation(ByteBuffer buf, int from, int to, FrameHandler handler) throws Http2Exception {
        block.continuation(buf, from, to);
        if (!has(FLAG_END_HEADERS)) {
            return true;
        }
        int blockType = block.type();
        boolean endStream = block.endStream();
        int promisedStreamId = block.promisedStreamId();
        return deliver(blockType, streamId, endStream, promisedStreamId, block.finish(), handler);
    }

    private static boolean deliver(int blockType, int streamId, boolean endStream, int promisedStreamId,
            ByteBuffer fragment, FrameHandler handler) throws Http2Exception {
        return blockType == HEADERS ? handler.headers(streamId, endStream, fragment)
                : handler.pushPromise(streamId, promisedStreamId, fragment);
    }

    /** The end of the content after {@code fields} bytes of fixed fields, padding removed; checks the padding fits. */
    private int contentEnd(ByteBuffer buf, int from, int fields) throws Http2Exception {
        if (!has(FLAG_PADDED)) {
            return from + length;
        }
        int padLength = buf.get(from) & 0xff;
        int room = length - 1 - fields;
        if (padLength > room) {
            throw connectionError(ErrorCode.PROTOCOL_ERROR, "pad length " + padLength + " is over the " + room
                    + " bytes of payload after the pad length" + (fields > 0 ? " and " + fields + " bytes of fields" : ""));
        }
        return from + length - padLength;
    }

    private int padField() {
        return has(FLAG_PADDED) ? 1 : 0;
    }

    private boolean has(int flag) {
        return (flags & flag) != 0;
    }

    private static ByteBuffer view(ByteBuffer buf, int from, int to) {
        return buf.limit(to).position(from);
    }

    private String describe() {
        return Frames.name(type) + " frame on stream " + streamId;
    }

    private Http2Exception connectionError(long errorCode, String rule) {
        return Http2Exception.connection(errorCode, describe() + ": " + rule + " (" + Frames.section(type) + ")");
    }

    private static void checkMaxFrameSize(int size) {
        if (!Frames.validMaxFrameSize(size)) {
            throw new IllegalArgumentException("max frame size outside 16384..16777215: " + size);
        }
    }

    /** Binds the reader to the first thread that reads; true while that thread calls. */
    private boolean confined() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        return owner == Thread.currentThread();
    }
}
