package dev.multifetch.core.http2;

import java.nio.ByteBuffer;

/**
 * The frame types, flags and sizes of RFC 9113 sections 4 and 6, shared by {@link FrameReader}
 * and {@link FrameWriter}, and the names messages give them.
 */
final class Frames {

    /** Every frame starts with a 9-byte header: length (24), type (8), flags (8), stream id (31). */
    static final int HEADER_LENGTH = 9;
    /** The least SETTINGS_MAX_FRAME_SIZE, and the size every peer must accept before its SETTINGS. */
    static final int MIN_MAX_FRAME_SIZE = 16_384;
    /** The greatest SETTINGS_MAX_FRAME_SIZE, 2^24 - 1. */
    static final int MAX_MAX_FRAME_SIZE = 16_777_215;
    /** The greatest window, window increment and stream id, 2^31 - 1. */
    static final long MAX_31_BIT = 0x7fff_ffffL;

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

    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int FLAG_PADDED = 0x8;
    static final int FLAG_PRIORITY = 0x20;

    private static final String[] NAMES = {
        "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE",
        "CONTINUATION"
    };

    private Frames() {
    }

    /** The type's name, such as {@code WINDOW_UPDATE}; an unknown type as {@code type 0xfa}. */
    static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type 0x" + Integer.toHexString(type);
    }

    /** Where RFC 9113 defines a known frame type, for messages: {@code RFC 9113 section 6.9}. */
    static String section(int type) {
        return "RFC 9113 section " + (type >= 0 && type < NAMES.length ? "6." + (type + 1) : "5.5");
    }

    // Fields are read byte by byte: big-endian whatever the order of the caller's buffer.

    static int uint16(ByteBuffer buf, int at) {
        return (buf.get(at) & 0xff) << 8 | buf.get(at + 1) & 0xff;
    }

    static int uint24(ByteBuffer buf, int at) {
        return (buf.get(at) & 0xff) << 16 | uint16(buf, at + 1);
    }

    static long uint32(ByteBuffer buf, int at) {
        return (long) (buf.get(at) & 0xff) << 24 | uint24(buf, at + 1);
    }

    /** A 31-bit field: stream id, last-stream-id or window increment, the reserved bit masked. */
    static int uint31(ByteBuffer buf, int at) {
        return (int) (uint32(buf, at) & MAX_31_BIT);
    }

    static long int64(ByteBuffer buf, int at) {
        return uint32(buf, at) << 32 | uint32(buf, at + 4);
    }

    /** Whether {@code size} is a valid SETTINGS_MAX_FRAME_SIZE. */
    static boolean validMaxFrameSize(long size) {
        return size >= MIN_MAX_FRAME_SIZE && size <= MAX_MAX_FRAME_SIZE;
    }
}
