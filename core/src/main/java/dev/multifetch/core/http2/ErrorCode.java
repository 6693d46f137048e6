package dev.multifetch.core.http2;

/** HTTP/2 error codes (RFC 9113 section 7), and their names for messages. */
public final class ErrorCode {

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
    public static final long CONNECT_ERROR = 0xa;
    public static final long ENHANCE_YOUR_CALM = 0xb;
    public static final long INADEQUATE_SECURITY = 0xc;
    public static final long HTTP_1_1_REQUIRED = 0xd;

    private static final String[] NAMES = {
        "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED",
        "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"
    };

    private ErrorCode() {
    }

    /** The code's name, such as {@code REFUSED_STREAM (0x7)}; unknown codes as hex only. */
    public static String describe(long code) {
        String hex = "0x" + Long.toHexString(code);
        return code >= 0 && code < NAMES.length ? NAMES[(int) code] + " (" + hex + ")" : "unknown error code " + hex;
    }

    /** The code's RFC 9113 name, such as {@code REFUSED_STREAM}, or {@code UNKNOWN} for a code outside the table. */
    public static String name(long code) {
        return code >= 0 && code < NAMES.length ? NAMES[(int) code] : "UNKNOWN";
    }
}
