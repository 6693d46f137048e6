package dev.multifetch.core.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Frames built byte by byte, as a hostile or unusual server would send them, for the reader's tests. */
final class RawFrames {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY_FLAG = 0x20;

    private RawFrames() {
    }

    /** A frame whose header states the payload's own length. */
    static byte[] frame(int type, int flags, int streamId, byte... payload) {
        return frame(payload.length, type, flags, streamId, payload);
    }

    /** A frame whose header states {@code length}, whatever the payload that follows. */
    static byte[] frame(int length, int type, int flags, int streamId, byte... payload) {
        byte[] header = {
            (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
            (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId
        };
        return concat(header, payload);
    }

    /** The big-endian bytes of {@code value}'s low {@code size} bytes. */
    static byte[] number(long value, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (value >>> (8 * (size - 1 - i)));
        }
        return bytes;
    }

    /** One SETTINGS parameter: 2 bytes of id, 4 of value. */
    static byte[] setting(int id, long value) {
        return concat(number(id, 2), number(value, 4));
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** {@code count} copies of {@code part} in a row. */
    static byte[] repeat(byte[] part, int count) {
        byte[][] parts = new byte[count][];
        java.util.Arrays.fill(parts, part);
        return concat(parts);
    }
}
