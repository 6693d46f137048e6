package dev.multifetch.core.http2;

import static dev.multifetch.core.http2.Frames.CONTINUATION;
import static dev.multifetch.core.http2.Frames.DATA;
import static dev.multifetch.core.http2.Frames.FLAG_ACK;
import static dev.multifetch.core.http2.Frames.FLAG_END_HEADERS;
import static dev.multifetch.core.http2.Frames.FLAG_END_STREAM;
import static dev.multifetch.core.http2.Frames.GOAWAY;
import static dev.multifetch.core.http2.Frames.HEADERS;
import static dev.multifetch.core.http2.Frames.MAX_31_BIT;
import static dev.multifetch.core.http2.Frames.PING;
import static dev.multifetch.core.http2.Frames.RST_STREAM;
import static dev.multifetch.core.http2.Frames.SETTINGS;
import static dev.multifetch.core.http2.Frames.WINDOW_UPDATE;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes whole HTTP/2 frames (RFC 9113 sections 4 and 6), header and payload, at the end of a
 * {@link ByteOutput}. Arguments a peer would reject (stream 0 for a stream's frame, a zero window
 * increment, values out of their field) fail at once with an {@link IllegalArgumentException}.
 * Frames are never padded. Stateless: safe on any thread, each output confined to its owner's.
 */
public final class FrameWriter {

    /** The client connection preface, {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n} (24 bytes); do not modify. */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final int SETTING_LENGTH = 6;

    private FrameWriter() {
    }

    /** A SETTINGS frame carrying {@code settings} in order (maybe none). */
    public static void settings(ByteOutput out, List<Setting> settings) {
        long length = (long) settings.size() * SETTING_LENGTH;
        if (length > Frames.MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("too many settings for one frame: " + settings.size());
        }
        header(out, (int) length, SETTINGS, 0, 0);
        for (Setting setting : settings) {
            out.write(setting.id() >>> 8);
            out.write(setting.id());
            writeInt(out, setting.value());
        }
    }

    /** An empty SETTINGS frame with ACK, owed for every SETTINGS frame the peer sends. */
    public static void settingsAck(ByteOutput out) {
        header(out, 0, SETTINGS, FLAG_ACK, 0);
    }

    /**
     * HEADERS (END_HEADERS when it fits) plus CONTINUATION frames so no frame exceeds
     * maxFrameSize: the header block is {@code length} bytes of {@code block} from {@code offset};
     * END_STREAM goes on the HEADERS frame when {@code endStream}.
     */
    public static void headers(ByteOutput out, int streamId, boolean endStream, byte[] block, int offset, int length,
            int maxFrameSize) {
        requireStream(HEADERS, streamId);
        Objects.checkFromIndexSize(offset, length, block.length);
        if (!Frames.validMaxFrameSize(maxFrameSize)) {
            throw new IllegalArgumentException("max frame size outside 16384..16777215: " + maxFrameSize);
        }
        int type = HEADERS;
        int flags = endStream ? FLAG_END_STREAM : 0;
        int end = offset + length;
        int at = offset;
        do {
            int chunk = Math.min(maxFrameSize, end - at);
            header(out, chunk, type, flags | (at + chunk == end ? FLAG_END_HEADERS : 0), streamId);
            out.write(block, at, chunk);
            at += chunk;
            type = CONTINUATION;
            flags = 0;
        } while (at < end);
    }

    /**
     * One DATA frame of the next {@code length} bytes of {@code src}, consumed; the caller keeps
     * {@code length} within the peer's max frame size and the flow-control windows.
     */
    public static void data(ByteOutput out, int streamId, boolean endStream, ByteBuffer src, int length) {
        requireStream(DATA, streamId);
        if (length < 0 || length > src.remaining() || length > Frames.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("DATA length outside 0.." + Math.min(src.remaining(),
                    Frames.MAX_MAX_FRAME_SIZE) + ": " + length);
        }
        header(out, length, DATA, endStream ? FLAG_END_STREAM : 0, streamId);
        int limit = src.limit();
        src.limit(src.position() + length);
        out.write(src);
        src.limit(limit);
    }

    /** WINDOW_UPDATE granting {@code increment} (1..2^31-1) bytes on stream {@code streamId}, or the connection when 0. */
    public static void windowUpdate(ByteOutput out, int streamId, int increment) {
        if (streamId < 0) {
            throw new IllegalArgumentException("WINDOW_UPDATE stream id < 0: " + streamId);
        }
        if (increment < 1) {
            throw new IllegalArgumentException("WINDOW_UPDATE increment outside 1..2^31-1: " + increment);
        }
        header(out, 4, WINDOW_UPDATE, 0, streamId);
        writeInt(out, increment);
    }

    /** RST_STREAM ending stream {@code streamId} with {@code errorCode}, one of {@link ErrorCode}'s. */
    public static void rstStream(ByteOutput out, int streamId, long errorCode) {
        requireStream(RST_STREAM, streamId);
        header(out, 4, RST_STREAM, 0, streamId);
        writeInt(out, requireErrorCode(errorCode));
    }

    /** PING, or with {@code ack} the reply to one, carrying {@code opaqueData} as 8 big-endian bytes. */
    public static void ping(ByteOutput out, boolean ack, long opaqueData) {
        header(out, 8, PING, ack ? FLAG_ACK : 0, 0);
        writeInt(out, opaqueData >>> 32);
        writeInt(out, opaqueData);
    }

    /** GOAWAY naming the last stream we processed, why we close, and optional {@code debugData} (may be empty). */
    public static void goAway(ByteOutput out, int lastStreamId, long errorCode, byte[] debugData) {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("GOAWAY last stream id < 0: " + lastStreamId);
        }
        if (debugData.length > Frames.MIN_MAX_FRAME_SIZE - 8) {
            throw new IllegalArgumentException("GOAWAY debug data over " + (Frames.MIN_MAX_FRAME_SIZE - 8) + " bytes: "
                    + debugData.length);
        }
        header(out, 8 + debugData.length, GOAWAY, 0, 0);
        writeInt(out, lastStreamId);
        writeInt(out, requireErrorCode(errorCode));
        out.write(debugData, 0, debugData.length);
    }

    /** The 9-byte frame header: length (24 bits), type, flags, stream id (31 bits, reserved bit clear). */
    private static void header(ByteOutput out, int length, int type, int flags, int streamId) {
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        writeInt(out, streamId & MAX_31_BIT);
    }

    private static void writeInt(ByteOutput out, long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
    }

    private static void requireStream(int type, int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException(Frames.name(type) + " needs a stream id > 0: " + streamId);
        }
    }

    private static long requireErrorCode(long errorCode) {
        if (errorCode < 0 || errorCode > 0xffff_ffffL) {
            throw new IllegalArgumentException("error code outside 0..0xffffffff: " + errorCode);
        }
        return errorCode;
    }
}
