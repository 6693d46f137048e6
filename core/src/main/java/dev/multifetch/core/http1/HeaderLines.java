package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.util.Map;

/** Checks and splits one header field line; shared by the head parser and chunked trailers. */
final class HeaderLines {

    private HeaderLines() {
    }

    /** Parses {@code name: value}; a NUL, a missing colon or a bad name is a weird reply. */
    static Map.Entry<String, String> parseField(LineReader line, String what) throws HttpException {
        int colon = -1;
        for (int i = 0; i < line.length(); i++) {
            byte b = line.byteAt(i);
            if (b == 0) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "NUL byte in " + what + " line " + line.quoted());
            }
            if (b == ':' && colon < 0) {
                colon = i;
            }
        }
        if (colon <= 0) {
            throw new HttpException(FetchError.WEIRD_SERVER_REPLY,
                    (colon == 0 ? "empty " + what + " name in " : what + " line without a colon: ") + line.quoted());
        }
        for (int i = 0; i < colon; i++) {
            if (!isTchar(line.byteAt(i))) {
                throw new HttpException(FetchError.WEIRD_SERVER_REPLY, "invalid " + what + " name in " + line.quoted());
            }
        }
        int from = colon + 1;
        int to = line.length();
        while (from < to && isOws(line.byteAt(from))) {
            from++;
        }
        while (to > from && isOws(line.byteAt(to - 1))) {
            to--;
        }
        return Map.entry(line.text(0, colon), line.text(from, to));
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    static boolean isTchar(byte b) {
        int c = b & 0xff;
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
