package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/** Checks and splits one header field line; shared by the head parser and chunked trailers. */
final class HeaderLines {

    private HeaderLines() {
    }

    /** Index of the first LF in {@code in} from {@code from} to {@code to}, or -1; reads eight bytes at a time. */
    static int indexOfLf(ByteBuffer in, int from, int to) {
        int i = from;
        boolean bigEndian = in.order() == ByteOrder.BIG_ENDIAN;
        for (; i + 8 <= to; i += 8) {
            long x = in.getLong(i) ^ 0x0A0A0A0A0A0A0A0AL;
            // 0x80 in exactly the bytes that were LF (no carry crosses a byte, so no false hit)
            long zero = ~(((x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL) | x | 0x7F7F7F7F7F7F7F7FL);
            if (zero != 0) {
                return i + ((bigEndian ? Long.numberOfLeadingZeros(zero) : Long.numberOfTrailingZeros(zero)) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Parses {@code name: value}; a NUL or CR, a missing colon or a bad name is a weird reply. */
    static Map.Entry<String, String> parseField(LineReader line, String what) throws HttpException {
        int[] at = new int[4];
        split(line.array(), 0, line.length(), what, at, 0);
        return Map.entry(line.text(at[0], at[1]), line.text(at[2], at[3]));
    }

    /**
     * Checks the field line {@code b[from, to)} (a NUL or a CR anywhere in it is a weird reply: RFC
     * 9110 section 5.5 lets a recipient reject them or replace them with SP, and curl rejects them)
     * and writes its name start, name end, value start
     * and value end (the value without surrounding whitespace) to {@code out} from {@code at}.
     */
    static void split(byte[] b, int from, int to, String what, int[] out, int at) throws HttpException {
        int name = from;
        while (name < to && TCHAR[b[name] & 0xff]) {
            name++;
        }
        if (name > from && name < to && b[name] == ':' && noNulOrCr(b, name + 1, to)) {
            // the usual line, checked in one pass
            ranges(b, from, name, to, out, at);
            return;
        }
        // something is wrong: find what, in the order the errors are told
        checkNulAndCr(b, from, to, what);
        int colon = -1;
        for (int i = from; i < to && colon < 0; i++) {
            if (b[i] == ':') {
                colon = i;
            }
        }
        if (colon <= from) {
            throw new HttpException(FetchError.WEIRD_SERVER_REPLY, (colon == from ? "empty " + what + " name in "
                    : what + " line without a colon: ") + Quote.bytes(b, from, to - from));
        }
        for (int i = from; i < colon; i++) {
            if (!isTchar(b[i])) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "invalid " + what + " name in " + Quote.bytes(b, from, to - from));
            }
        }
        ranges(b, from, colon, to, out, at);
    }

    /**
     * Refuses a NUL or a CR in the line {@code b[from, to)} (its line end already taken off): a bare
     * CR must never reach the application as part of a value. curl: http.c verify_header().
     */
    static void checkNulAndCr(byte[] b, int from, int to, String what) throws HttpException {
        for (int i = from; i < to; i++) {
            if (b[i] == 0) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "NUL byte in " + what + " line " + Quote.bytes(b, from, to - from));
            }
            if (b[i] == '\r') {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "carriage return inside " + what + " line " + Quote.bytes(b, from, to - from));
            }
        }
    }

    private static boolean noNulOrCr(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == 0 || b[i] == '\r') {
                return false;
            }
        }
        return true;
    }

    private static void ranges(byte[] b, int from, int colon, int to, int[] out, int at) {
        int valueFrom = colon + 1;
        int valueTo = to;
        while (valueFrom < valueTo && isOws(b[valueFrom])) {
            valueFrom++;
        }
        while (valueTo > valueFrom && isOws(b[valueTo - 1])) {
            valueTo--;
        }
        out[at] = from;
        out[at + 1] = colon;
        out[at + 2] = valueFrom;
        out[at + 3] = valueTo;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            TCHAR[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xff];
    }
}
