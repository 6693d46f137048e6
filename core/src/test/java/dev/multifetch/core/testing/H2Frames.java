package dev.multifetch.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test fixtures' own HTTP/2 framing (RFC 9113 section 4 and 6), written apart from the code
 * under test: frame and setting codes, a {@link Frame} as read off the wire, and writers of every
 * frame type that check nothing, so a fixture can put illegal frames on the wire on purpose.
 */
public final class H2Frames {

    /** The 24 octets a client opens every HTTP/2 connection with. */
    public static final byte[] CLIENT_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int FLAG_END_STREAM = 0x1;
    public static final int FLAG_ACK = 0x1;
    public static final int FLAG_END_HEADERS = 0x4;
    public static final int FLAG_PADDED = 0x8;
    public static final int FLAG_PRIORITY = 0x20;

    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    public static final int SETTINGS_ENABLE_PUSH = 0x2;
    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    public static final long NO_ERROR = 0x0;
    public static final long PROTOCOL_ERROR = 0x1;
    public static final long INTERNAL_ERROR = 0x2;
    public static final long FLOW_CONTROL_ERROR = 0x3;
    public static final long SETTINGS_TIMEOUT = 0x4;
    public static final long STREAM_CLOSED = 0x5;
    public static final long FRAME_SIZE_ERROR = 0x6;
    public static final long REFUSED_STREAM = 0x7;
    public static final long CANCEL = 0x8;
    public static final long COMPRESSION_ERROR = 0x9;
    public static final long ENHANCE_YOUR_CALM = 0xb;

    /** The largest payload a reader here accepts: the largest SETTINGS_MAX_FRAME_SIZE allowed. */
    public static final int MAX_PAYLOAD = (1 << 24) - 1;

    private H2Frames() {
    }

    /** One frame as it was on the wire. The stream id has its reserved bit cleared. */
    public record Frame(int type, int flags, int streamId, byte[] payload) {

        /** Whether every bit of {@code flag} is set. */
        public boolean has(int flag) {
            return (flags & flag) == flag;
        }

        /** The header block fragment of a HEADERS frame (padding and priority removed) or a CONTINUATION. */
        public byte[] headerBlockFragment() {
            if (type == CONTINUATION) {
                return payload.clone();
            }
            requireType(HEADERS);
            int start = (has(FLAG_PADDED) ? 1 : 0) + (has(FLAG_PRIORITY) ? 5 : 0);
            return Arrays.copyOfRange(payload, start, payload.length - padding());
        }

        /** The data of a DATA frame, padding removed. */
        public byte[] data() {
            requireType(DATA);
            return Arrays.copyOfRange(payload, has(FLAG_PADDED) ? 1 : 0, payload.length - padding());
        }

        private int padding() {
            return has(FLAG_PADDED) ? payload[0] & 0xFF : 0;
        }

        /** The error code of a RST_STREAM or GOAWAY frame. */
        public long errorCode() {
            return switch (type) {
                case RST_STREAM -> u32(0);
                case GOAWAY -> u32(4);
                default -> throw new IllegalStateException("no error code in a frame of type " + type);
            };
        }

        /** The last stream id of a GOAWAY frame. */
        public int lastStreamId() {
            requireType(GOAWAY);
            return (int) (u32(0) & 0x7FFF_FFFF);
        }

        /** The debug data of a GOAWAY frame as UTF-8. */
        public String debugData() {
            requireType(GOAWAY);
            return new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
        }

        /** The increment of a WINDOW_UPDATE frame. */
        public long windowIncrement() {
            requireType(WINDOW_UPDATE);
            return u32(0) & 0x7FFF_FFFFL;
        }

        /** The parameters of a SETTINGS frame, in the order sent (a repeated identifier keeps its last value). */
        public Map<Integer, Long> settings() {
            requireType(SETTINGS);
            Map<Integer, Long> settings = new LinkedHashMap<>();
            for (int i = 0; i + 6 <= payload.length; i += 6) {
                settings.put(((payload[i] & 0xFF) << 8) | (payload[i + 1] & 0xFF), u32(i + 2));
            }
            return settings;
        }

        /** The 8 opaque octets of a PING frame as one number. */
        public long pingData() {
            requireType(PING);
            return ByteBuffer.wrap(payload).getLong();
        }

        private long u32(int offset) {
            return ByteBuffer.wrap(payload, offset, 4).getInt() & 0xFFFF_FFFFL;
        }

        private void requireType(int expected) {
            if (type != expected) {
                throw new IllegalStateException("frame of type " + type + " where " + expected + " was expected");
            }
        }

        @Override
        public String toString() {
            return name(type) + "(flags=0x" + Integer.toHexString(flags) + ", stream=" + streamId + ", "
                    + payload.length + " octets)";
        }
    }

    /** The frame type's name, such as {@code HEADERS}, or {@code UNKNOWN_0xa}. */
    public static String name(int type) {
        String[] names = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
            "WINDOW_UPDATE", "CONTINUATION"};
        return type >= 0 && type < names.length ? names[type] : "UNKNOWN_0x" + Integer.toHexString(type);
    }

    /** Reads one frame; {@link EOFException} if the stream ends before or inside it. */
    public static Frame read(InputStream in) throws IOException {
        byte[] head = in.readNBytes(9);
        if (head.length < 9) {
            throw new EOFException(head.length == 0 ? "connection closed between frames"
                    : "connection closed inside a frame header after " + head.length + " octets");
        }
        int length = ((head[0] & 0xFF) << 16) | ((head[1] & 0xFF) << 8) | (head[2] & 0xFF);
        int streamId = ByteBuffer.wrap(head, 5, 4).getInt() & 0x7FFF_FFFF;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
            throw new EOFException("connection closed after " + payload.length + " of " + length
                    + " payload octets of a " + name(head[3] & 0xFF) + " frame");
        }
        return new Frame(head[3] & 0xFF, head[4] & 0xFF, streamId, payload);
    }

    /** A frame with exactly these fields; the length is the payload's, whatever it is. */
    public static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return b.array();
    }

    /** A SETTINGS frame with {@code settings} in iteration order. */
    public static byte[] settings(Map<Integer, Long> settings) {
        ByteBuffer b = ByteBuffer.allocate(6 * settings.size());
        settings.forEach((id, value) -> b.putShort((short) (int) id).putInt((int) (long) value));
        return frame(SETTINGS, 0, 0, b.array());
    }

    /** A SETTINGS frame with the ACK flag and no payload. */
    public static byte[] settingsAck() {
        return frame(SETTINGS, FLAG_ACK, 0, new byte[0]);
    }

    /** A PING frame carrying {@code data}. */
    public static byte[] ping(boolean ack, long data) {
        return frame(PING, ack ? FLAG_ACK : 0, 0, ByteBuffer.allocate(8).putLong(data).array());
    }

    /** A GOAWAY frame. */
    public static byte[] goAway(int lastStreamId, long errorCode, String debug) {
        byte[] text = debug.getBytes(StandardCharsets.UTF_8);
        return frame(GOAWAY, 0, 0, ByteBuffer.allocate(8 + text.length).putInt(lastStreamId).putInt((int) errorCode)
                .put(text).array());
    }

    /** A RST_STREAM frame. */
    public static byte[] rstStream(int streamId, long errorCode) {
        return frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt((int) errorCode).array());
    }

    /** A WINDOW_UPDATE frame (stream 0 for the connection window). */
    public static byte[] windowUpdate(int streamId, long increment) {
        return frame(WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt((int) increment).array());
    }

    /** DATA frames carrying {@code data} in frames of at most {@code maxFrameSize} octets; END_STREAM on the last if asked. */
    public static byte[] data(int streamId, byte[] data, boolean endStream, int maxFrameSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int offset = 0;
        do {
            int n = Math.min(maxFrameSize, data.length - offset);
            boolean last = offset + n == data.length;
            out.writeBytes(frame(DATA, last && endStream ? FLAG_END_STREAM : 0, streamId,
                    Arrays.copyOfRange(data, offset, offset + n)));
            offset += n;
        } while (offset < data.length);
        return out.toByteArray();
    }
}
