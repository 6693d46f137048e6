package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A chunked body (RFC 9112 section 7.1): chunk extensions are ignored, trailers are kept apart
 * from the payload. A malformed size line is {@link FetchError#RECV_ERROR}, as in curl.
 */
final class ChunkedBody implements BodyDecoder {

    private static final int MAX_SIZE_LINE = 4096;
    private static final int MAX_HEX_DIGITS = 15;

    private enum Step { SIZE, DATA, DATA_END, TRAILERS, DONE }

    private final LineReader line = new LineReader(FetchError.RECV_ERROR);
    private final int maxTrailerBytes;
    private final List<Map.Entry<String, String>> trailers = new ArrayList<>();
    private Step step = Step.SIZE;
    private long remaining;
    private int trailerBytes;
    private long received;

    ChunkedBody(int maxTrailerBytes) {
        this.maxTrailerBytes = maxTrailerBytes;
    }

    @Override
    public boolean decode(ByteBuffer in, BodySink sink) throws HttpException {
        while (step != Step.DONE && in.hasRemaining() && !sink.paused()) {
            switch (step) {
                case SIZE -> readSize(in);
                case DATA -> readData(in, sink);
                case DATA_END -> readDataEnd(in);
                case TRAILERS -> readTrailer(in);
                default -> throw new IllegalStateException("step: " + step);
            }
        }
        return step == Step.DONE;
    }

    private void readSize(ByteBuffer in) throws HttpException {
        if (!line.read(in, MAX_SIZE_LINE, "chunk size line")) {
            return;
        }
        int digits = 0;
        long size = 0;
        while (digits < line.length()) {
            int d = Character.digit(line.byteAt(digits), 16);
            if (d < 0) {
                break;
            }
            if (++digits > MAX_HEX_DIGITS) {
                throw new HttpException(FetchError.RECV_ERROR, "chunk size too large: " + line.quoted());
            }
            size = size * 16 + d;
        }
        if (digits == 0 || !validAfterSize(digits)) {
            throw new HttpException(FetchError.RECV_ERROR, "expected chunk size but was " + line.quoted());
        }
        remaining = size;
        step = size == 0 ? Step.TRAILERS : Step.DATA;
    }

    private boolean validAfterSize(int digits) {
        for (int i = digits; i < line.length(); i++) {
            byte b = line.byteAt(i);
            if (b == ';') {
                return true;
            }
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private void readData(ByteBuffer in, BodySink sink) throws HttpException {
        int n = (int) Math.min(Math.min(remaining, in.remaining()), PIECE);
        sink.write(in, n);
        remaining -= n;
        received += n;
        if (remaining == 0) {
            step = Step.DATA_END;
        }
    }

    private void readDataEnd(ByteBuffer in) throws HttpException {
        if (!line.read(in, MAX_SIZE_LINE, "chunk terminator")) {
            return;
        }
        if (line.length() != 0) {
            throw new HttpException(FetchError.RECV_ERROR, "expected CRLF after chunk data but was " + line.quoted());
        }
        step = Step.SIZE;
    }

    private void readTrailer(ByteBuffer in) throws HttpException {
        if (!line.read(in, maxTrailerBytes - trailerBytes, "trailer block")) {
            return;
        }
        trailerBytes += line.consumed();
        if (line.length() == 0) {
            step = Step.DONE;
            return;
        }
        trailers.add(HeaderLines.parseField(line, "trailer"));
    }

    /** The trailer fields received after the last chunk. */
    List<Map.Entry<String, String>> trailers() {
        return trailers;
    }

    @Override
    public void endOfInput() throws HttpException {
        if (step != Step.DONE) {
            throw new HttpException(FetchError.PARTIAL_FILE,
                    "transfer closed with outstanding read data remaining (chunked body incomplete)");
        }
    }

    @Override
    public boolean reusable() {
        return true;
    }

    @Override
    public long payloadBytes() {
        return received;
    }
}
