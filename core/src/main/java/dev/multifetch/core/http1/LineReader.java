package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects one LF-terminated line from bytes that arrive in pieces. The line excludes its LF and
 * an optional CR before it. Bounded: a line that would pass the limit fails with the error the
 * owner chose.
 */
final class LineReader {

    private final FetchError tooLongError;
    private byte[] buf = new byte[128];
    private int len;
    private boolean complete;
    private int consumed;

    LineReader(FetchError tooLongError) {
        this.tooLongError = tooLongError;
    }

    /**
     * Consumes bytes up to and including the next LF. Returns true when a whole line is ready;
     * false when {@code in} ran out first (the partial line is kept).
     *
     * @param limit most bytes the line (with its CRLF) may take
     * @param what  what the line is, for the error message
     */
    boolean read(ByteBuffer in, int limit, String what) throws HttpException {
        if (complete) {
            clear();
        }
        if (!in.hasRemaining()) {
            return false;
        }
        int pos = in.position();
        int end = (int) Math.min(in.limit(), (long) pos + Math.max(limit - consumed, 0));
        int lf = HeaderLines.indexOfLf(in, pos, end);
        int take = (lf >= 0 ? lf : end) - pos;
        if (len + take > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + take, buf.length * 2));
        }
        in.get(buf, len, take);
        len += take;
        consumed += take;
        if (lf < 0) {
            if (consumed >= limit) {
                throw new HttpException(tooLongError, what + " longer than " + limit + " bytes: " + Quote.bytes(buf, 0, len));
            }
            return false;
        }
        in.get();
        consumed++;
        if (len > 0 && buf[len - 1] == '\r') {
            len--;
        }
        complete = true;
        return true;
    }

    /** Bytes consumed for the current line so far, terminator included. */
    int consumed() {
        return consumed;
    }

    /** Bytes of the partial or complete line, without its terminator. */
    int length() {
        return len;
    }

    byte byteAt(int i) {
        return buf[i];
    }

    byte[] array() {
        return buf;
    }

    /** Bytes {@code from} to {@code to} of the line as ISO-8859-1 text. */
    String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** The line quoted for an error message. */
    String quoted() {
        return Quote.bytes(buf, 0, len);
    }

    /** Forgets the current line. */
    void clear() {
        len = 0;
        consumed = 0;
        complete = false;
    }
}
