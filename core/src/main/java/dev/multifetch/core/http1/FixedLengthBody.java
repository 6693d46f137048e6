package dev.multifetch.core.http1;

import dev.multifetch.core.FetchError;
import java.nio.ByteBuffer;

/** A body of exactly {@code Content-Length} bytes. */
final class FixedLengthBody implements BodyDecoder {

    private final long length;
    private long remaining;

    FixedLengthBody(long length) {
        this.length = length;
        this.remaining = length;
    }

    @Override
    public long payloadBytes() {
        return length - remaining;
    }

    @Override
    public boolean decode(ByteBuffer in, BodySink sink) throws HttpException {
        while (remaining > 0 && in.hasRemaining() && !sink.paused()) {
            int n = (int) Math.min(Math.min(remaining, in.remaining()), PIECE);
            sink.write(in, n);
            remaining -= n;
        }
        return remaining == 0;
    }

    @Override
    public void endOfInput() throws HttpException {
        if (remaining > 0) {
            throw new HttpException(FetchError.PARTIAL_FILE,
                    "transfer closed with " + remaining + " bytes remaining to read");
        }
    }

    @Override
    public boolean reusable() {
        return true;
    }
}
