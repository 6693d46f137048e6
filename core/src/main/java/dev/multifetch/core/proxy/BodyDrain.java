package dev.multifetch.core.proxy;

import dev.multifetch.core.connection.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads and discards the body of a 407 so that the connection can carry the next CONNECT: a
 * Content-Length body, or a chunked one, never a byte past its end and at most {@link #LIMIT}
 * bytes in all. A chunked body is read a line at a time, byte by byte, and its chunk data in
 * bulk up to the chunk's end. curl: cf-h1-proxy.c recv_CONNECT_resp() (the "keepon" drain).
 */
final class BodyDrain {

    /** The most bytes drained from one response; a larger body costs the connection instead. */
    static final long LIMIT = 1 << 20;

    private static final int MAX_LINE = 1024;

    /** Where a drain stands after a call. */
    enum Progress {
        /** The whole body is read; the next byte belongs to the next response. */
        DONE,
        /** The proxy has sent no more for now. */
        MORE,
        /** The proxy closed the connection. */
        CLOSED,
        /** The body is over the limit or its chunked framing is broken: give up the connection. */
        GIVE_UP
    }

    private enum Phase { DATA, SIZE, DATA_END, TRAILER, DONE }

    private final boolean chunked;
    private final ByteBuffer scratch = ByteBuffer.allocate(8192);
    private final StringBuilder line = new StringBuilder();
    private Phase phase;
    private long remaining;
    private long total;

    private BodyDrain(boolean chunked, long length) {
        this.chunked = chunked;
        this.phase = chunked ? Phase.SIZE : Phase.DATA;
        this.remaining = length;
    }

    /** A drain for a body of exactly {@code length} bytes. */
    static BodyDrain fixed(long length) {
        return new BodyDrain(false, length);
    }

    /** A drain for a chunked body, its trailer section included. */
    static BodyDrain chunked() {
        return new BodyDrain(true, 0);
    }

    /** Reads what the transport has of the body now. */
    Progress drain(Transport transport) throws IOException {
        while (phase != Phase.DONE) {
            if (phase == Phase.DATA && remaining == 0) {
                phase = chunked ? Phase.DATA_END : Phase.DONE;
                continue;
            }
            scratch.clear().limit(phase == Phase.DATA ? (int) Math.min(remaining, scratch.capacity()) : 1);
            int n = transport.read(scratch);
            if (n <= 0) {
                return n < 0 ? Progress.CLOSED : Progress.MORE;
            }
            total += n;
            if (total > LIMIT) {
                return Progress.GIVE_UP;
            }
            if (phase == Phase.DATA) {
                remaining -= n;
            } else if (!lineByte(scratch.get(0))) {
                return Progress.GIVE_UP;
            }
        }
        return Progress.DONE;
    }

    /** Takes one byte of a size line, a chunk's line end or a trailer line; false when the framing is broken. */
    private boolean lineByte(byte b) {
        if (b != '\n') {
            line.append((char) (b & 0xff));
            return line.length() <= MAX_LINE;
        }
        int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
        String text = line.substring(0, end);
        line.setLength(0);
        switch (phase) {
            case SIZE -> {
                return chunkSize(text);
            }
            case DATA_END -> {
                phase = Phase.SIZE;
                return text.isEmpty();
            }
            default -> {
                if (text.isEmpty()) {
                    phase = Phase.DONE;
                }
                return true;
            }
        }
    }

    private boolean chunkSize(String text) {
        int semicolon = text.indexOf(';');
        String hex = (semicolon >= 0 ? text.substring(0, semicolon) : text).strip();
        if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return false;
        }
        remaining = Long.parseLong(hex, 16);
        phase = remaining == 0 ? Phase.TRAILER : Phase.DATA;
        return true;
    }
}
