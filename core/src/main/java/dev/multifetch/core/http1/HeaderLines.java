package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.util.Map;

/** Checks and splits one header field line; shared by the head parser and chunked trailers. */
final class HeaderLines {

    private HeaderLines() {
    }

    /** Parses {@code name: value}; a NUL, a missing colon or a bad name is a weird reply. */
    static Map.Entry<String, String> parseField(LineReader line, String what) throws HttpException {
        int[] at = new int[4];
        split(line.array(), 0, line.length(), what, at, 0);
        return Map.entry(line.text(at[0], at[1]), line.text(at[2], at[3]));
    }

    /**
     * Checks the field line {@code b[from, to)} and writes its name start, name end, value start
     * and value end (the value without surrounding whitespace) to {@code out} from {@code at}.
     */
    static void split(byte[] b, int from, int to, String what, int[] out, int at) throws HttpException {
        int colon = -1;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == 0) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                        "NUL byte in " + what + " line " + Quote.bytes(b, from, to - from));
            }
            if (c == ':' && colon < 0) {
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
